"""The context a page reads in one run, and how a page asks for a change of filters.

Session-state keys shared by the sidebar and the widgets live here too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.core import filters
from dashboard.core.filters import FilterState, Options, Selection
from dashboard.core.package import Package
from dashboard.present.i18n import Lang, col, t
from dashboard.ui import data
from dashboard.ui.data import View

T = TypeVar("T")

# Widget keys; the URL keys are filters.KEYS.
W = {
    "q": "w_q",
    "sector": "w_sector",
    "dates": "w_dates",
    "place": "w_place",
    "actor": "w_actor",
    "source": "w_source",
    "lang": "w_lang",
    "event": "w_event",
}
PENDING = "_pending_filters"
NOTICES = "_url_notices"
SEEDED = "_url_seeded"
URL_TAB = "_url_tab"  # the tab= values of the link the session was opened with, until used
KEPT_TAB = "_kept_tab_"  # + a TabSet's key: its chosen tab id, kept while on other pages
CTX = "_ctx"


@dataclass(eq=False)
class Context:
    """What a page reads in one run: the package, the filters, the view they select, the
    language. Made by the sidebar once per run (not frozen: its ``cached_property``
    values are this run's)."""

    pkg: Package
    options: Options
    lang: Lang
    state: FilterState
    selection: Selection
    view: View  # the filters as a key (data.view_key): the view part of every cache key
    # The whole ``event_table`` and the positions of the view's rows in it (None: all of
    # them); the rows are copied only when a page asks (``events``, ``event_columns``),
    # once per view for every session.
    table: pd.DataFrame = field(repr=False, compare=False)
    positions: np.ndarray | None = field(repr=False, compare=False)
    rows_of: Callable[[tuple[str, ...] | None], pd.DataFrame] = field(repr=False, compare=False)

    def t(self, label: str, /, **kwargs: object) -> str:
        return t(label, self.lang, **kwargs)

    def col(self, stem: str) -> str:
        return col(stem, self.lang)

    @functools.cached_property
    def events(self) -> pd.DataFrame:
        """The filtered events with place, sectors and source counts, ordered by date."""
        return self.rows_of(None)

    def event_columns(self, columns: Sequence[str]) -> pd.DataFrame:
        """``events[columns]``, without copying the other columns of the view's rows."""
        if "events" in self.__dict__:
            return self.events[list(columns)]
        return self.rows_of(tuple(columns))

    def events_head(self, n: int) -> pd.DataFrame:
        """``events.head(n)``, without copying the view's other rows."""
        if self.positions is not None and "events" in self.__dict__:
            return self.events.head(n)
        return data.first_rows(self.table, self.positions, n)

    def event_rows_at(self, at: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
        """``events[columns]`` at positions ``at`` of the view's rows, copying only those."""
        return data.rows(self.table[list(columns)], self.positions, at)

    def events_later(self) -> Callable[[], pd.DataFrame]:
        """A function that returns ``events`` when called, copying the view's rows only then
        (a download built when clicked, on Streamlit's download thread), so that a new view
        of the Data page does not copy them."""
        table, positions = self.table, self.positions
        return lambda: data.rows(table, positions)

    def events_where(self, column: str) -> pd.DataFrame:
        """``events[events[column]]`` for a boolean ``column`` (key facts, say), without
        copying the view's other rows."""
        flags = self.table[column].to_numpy(dtype=bool)
        if self.positions is None:
            return self.table[flags]
        return self.table.take(self.positions[flags[self.positions]])

    @functools.cached_property
    def names(self) -> dict[str, dict[str, str]]:
        """``labels`` in this run's language (looked up once per run)."""
        return data.labels(self.pkg, self.lang)

    @functools.cached_property
    def source_kinds(self) -> dict[str, str]:
        """source_id -> kind (seed, external), looked up once per run."""
        return data.source_kinds(self.pkg)

    def cached(self, compute: Callable[..., T], *args: Hashable) -> T:
        """``compute(self, *args)``, once per (function, view, language, args) for every
        session: the one way a page caches what it computes (``core.cache``)."""
        return self.pkg.memo.get(compute, *args, view=self.view, lang=self.lang, inputs=(self,))

    @property
    def items(self) -> pd.DataFrame:
        return self.selection.items(self.pkg)


def context() -> Context:
    """The context the entrypoint computed for this run."""
    ctx = st.session_state.get(CTX)
    if not isinstance(ctx, Context):
        st.stop()
    return ctx


def request_filters(**changes: object) -> None:
    """Change filters from a page (e.g. a chart click): applied before the next run's widgets.

    Safe inside a widget callback (``on_select=...``); outside one, follow with ``st.rerun()``.
    Keys are the URL keys: q, sector, dates, place, actor, source, lang, event.
    """
    pending: dict[str, object] = dict(st.session_state.get(PENDING, {}))
    pending.update(changes)
    st.session_state[PENDING] = pending


def select_event(event_id: str | None) -> None:
    request_filters(event=event_id)


def open_page(page: str, tab: str | None = None, **changes: object) -> None:
    """Go to ``page`` (a URL path of ``app.PAGES``: "timeline"…; "" the overview) with
    ``changes`` to the filters (as ``request_filters``) and its tab ``tab`` chosen (as a
    link's ``tab=`` would). Not in a widget callback: it ends this run.
    The whole view goes with it, not only the changes: a switch of page started by the
    script does not always carry the sidebar's widget values over."""
    ctx = st.session_state.get(CTX)
    if isinstance(ctx, Context):
        view: dict[str, object] = {key: [] for key in filters.MULTI_KEYS}
        view.update({"dates": [], "event": None, "q": None})
        view.update(filters.to_query(ctx.state.with_(lang=ctx.lang)))
        request_filters(**view)
    request_filters(**changes)
    if tab is not None:
        st.session_state[URL_TAB] = [tab]
    st.switch_page(f"app_pages/{page or 'overview'}.py")
