"""Fixtures of the browser tests (helpers in tests/browser/helpers.py); every test here is
marked ``browser``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import (
    Tab,
    _need_chromium,
    open_tab,
    start_app,
    stop_app,
)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of one app server shared by the browser tests."""
    _need_chromium()
    proc, base = start_app()
    try:
        yield base
    finally:
        stop_app(proc)


@pytest.fixture
def tab(browser: Any, app_url: str) -> Iterator[Tab]:
    """A fresh browser context (English locale) on the shared app server."""
    context, t = open_tab(browser, app_url)
    try:
        yield t
    finally:
        context.close()


@pytest.fixture
def new_tab(browser: Any, app_url: str) -> Iterator[Any]:
    """A factory for more contexts: ``new_tab(locale="fr-FR")``."""
    contexts: list[Any] = []

    def make(locale: str = "en-GB") -> Tab:
        context, t = open_tab(browser, app_url, locale)
        contexts.append(context)
        return t

    yield make
    for c in contexts:
        c.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser drives Chromium: mark it ``browser``, so that
    ``-m "not browser"`` never starts a browser (a module-level ``pytestmark`` in conftest
    does not reach the test modules)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
