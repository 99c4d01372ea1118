"""Shared fixtures (the helpers are in tests/helpers.py): the embedded package, loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from dashboard.core.load import load_package
from dashboard.core.package import Package
from tests.helpers import ROOT


@pytest.fixture(scope="session")
def pkg() -> Package:
    return load_package(ROOT / "data")


# Property tests check what holds, not how fast: a loaded machine (CI runs every test on two
# cores) must not fail an example on Hypothesis's per-example deadline.
settings.register_profile("dashboard", deadline=None)
settings.load_profile("dashboard")


# One Chromium for the whole run, shared by tests/browser and the deployment tests that
# drive a browser: Playwright's sync API cannot be started twice in one process.
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, _need_chromium

    _need_chromium()

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
