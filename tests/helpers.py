"""Helpers the tests share: paths, running the app under AppTest, reading what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


APP = ROOT / "dashboard" / "app.py"


SHARE_LABELS = ("Share this view", "Partager cette vue")


def share_link(at: AppTest) -> str:
    """The text of the page's "Share this view" box (either language)."""
    box = next(e for e in at.expander if str(e.label).endswith(SHARE_LABELS))
    return "\n".join(str(m.value) for m in box.markdown)


def qp(at: AppTest, key: str) -> list[str]:
    """A query parameter's values as a list (AppTest gives a lone value as a string)."""
    value = at.query_params.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


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
