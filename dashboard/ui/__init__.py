"""The Streamlit layer: the only code besides ``app.py`` and ``app_pages/`` that imports
streamlit. Its modules, bottom to top:

- ``data``: the package, loaded once per server, and the views every page reads;
- ``context``: the ``Context`` of one run and how a page asks for other filters;
- ``filter_bar``: the shared filters in the sidebar, which own the URL;
- ``widgets``: escaping (``md``), the page frame (``run_page``), tabs, folds, badges.

The names below are what pages use (``from dashboard import ui``; ``ui.md``, ``ui.Context``…).
"""

from dashboard.ui.context import Context, W, context, open_page, request_filters, select_event
from dashboard.ui.data import conflicts, itinerary, labels, package
from dashboard.ui.filter_bar import MAX_EVENT_CHOICES, default_lang, share_url, sidebar
from dashboard.ui.widgets import (
    TabSet,
    badges,
    conflict_note,
    empty_state,
    lazy_expander,
    lazy_tabs,
    md,
    page_header,
    run_page,
    search_notice,
    selectable_chart,
    share_box,
    show_data_error,
    show_notices,
    source_badges,
)

__all__ = [
    "MAX_EVENT_CHOICES",
    "Context",
    "TabSet",
    "W",
    "badges",
    "conflict_note",
    "conflicts",
    "context",
    "default_lang",
    "empty_state",
    "itinerary",
    "labels",
    "lazy_expander",
    "lazy_tabs",
    "md",
    "open_page",
    "package",
    "page_header",
    "request_filters",
    "run_page",
    "search_notice",
    "select_event",
    "selectable_chart",
    "share_box",
    "share_url",
    "show_data_error",
    "show_notices",
    "sidebar",
    "source_badges",
]
