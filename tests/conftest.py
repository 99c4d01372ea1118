"""Shared fixtures: the embedded package, loaded once for the whole run."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.load import Package, load_package

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


@pytest.fixture(scope="session")
def pkg() -> Package:
    return load_package(ROOT / "data")
