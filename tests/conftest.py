"""Shared fixtures (the helpers are in tests/helpers.py): the embedded package, loaded once."""

from __future__ import annotations

import pytest

from dashboard.core.load import load_package
from dashboard.core.package import Package
from tests.helpers import ROOT


@pytest.fixture(scope="session")
def pkg() -> Package:
    return load_package(ROOT / "data")
