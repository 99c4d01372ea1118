"""Entrypoint: page config, navigation, the shared sidebar. Nothing else.

Run with ``streamlit run dashboard/app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard import ui
from dashboard.core.package import DataError
from dashboard.present.i18n import t
from dashboard.ui import capacity

PAGES = (
    # (file, label key, url path)
    ("app_pages/overview.py", "nav_overview", ""),
    ("app_pages/timeline.py", "nav_timeline", "timeline"),
    ("app_pages/map.py", "nav_map", "map"),
    ("app_pages/sectors.py", "nav_sectors", "sectors"),
    ("app_pages/sources.py", "nav_sources", "sources"),
    ("app_pages/data.py", "nav_data", "data"),
    ("app_pages/search.py", "nav_search", "search"),
)
ICONS = {
    "": ":material/dashboard:",
    "timeline": ":material/timeline:",
    "map": ":material/map:",
    "sectors": ":material/category:",
    "sources": ":material/format_quote:",
    "data": ":material/table:",
    "search": ":material/search:",
}

st.set_page_config(
    page_title="Goïta — Russia 2025",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)
capacity.turn_away_when_full()  # a full replica shows new readers a busy page and stops

lang = ui.default_lang()
pkg = ui.package()
if isinstance(pkg, DataError):
    ui.show_data_error(pkg, lang)
    st.stop()

ctx = ui.sidebar(pkg, lang)
pages = [
    st.Page(
        file,
        title=t(key, ctx.lang),
        url_path=path or None,
        default=not path,
        icon=ICONS[path],
    )
    for file, key, path in PAGES
]
st.navigation(pages, position="top").run()
