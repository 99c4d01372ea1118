"""Shared fixtures (the helpers are in tests/helpers.py): the embedded package, loaded once."""

from __future__ import annotations

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
