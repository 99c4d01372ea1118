"""Shared fixtures: the embedded package, loaded once for the whole run."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.load import Package, load_package

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


@pytest.fixture(scope="session")
def pkg() -> Package:
    return load_package(ROOT / "data")


def run_app(
    page: str | None = None, query: dict[str, list[str]] | None = None, lang: str | None = "en"
) -> AppTest:
    """Run the app under AppTest with a query string, then switch to ``page`` (a path like
    ``app_pages/map.py``; None stays on the overview). Asserts nothing itself."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, values in (query or {}).items():
        at.query_params[key] = values
    if lang:
        at.query_params["lang"] = lang
    at.run()
    if page and page != "app_pages/overview.py":
        at.switch_page(page)
        at.run()
    return at
