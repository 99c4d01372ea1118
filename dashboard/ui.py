"""The only shared module that imports streamlit: cached loaders, the sidebar, small widgets.

The sidebar owns the URL. On a session's first run it parses ``st.query_params`` into a
``FilterState`` (``filters.parse``) and seeds the widgets; on every run it reads the widgets
back and writes the state to the URL (``filters.to_query``): ids and ISO dates, never
translated labels, so a link opens the same view in either language.
"""

from __future__ import annotations

import functools
import gc
import re
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import filters, views
from dashboard.filters import FilterState, Notice, Options, Selection
from dashboard.i18n import (
    LANGS,
    Lang,
    as_lang,
    col,
    format_date,
    format_month,
    lang_from_locale,
    t,
)
from dashboard.links import safe_url
from dashboard.load import DataError, Package, load_package, resolve_data_dir

# Widget keys; the URL keys are filters.KEYS.
W = {
    "sector": "w_sector",
    "dates": "w_dates",
    "place": "w_place",
    "actor": "w_actor",
    "source": "w_source",
    "lang": "w_lang",
    "event": "w_event",
}
_PENDING = "_pending_filters"
_NOTICES = "_url_notices"
_SEEDED = "_url_seeded"
_URL_TAB = "_url_tab"  # the tab= values of the link the session was opened with, until used
_KEPT_TAB = "_kept_tab_"  # + a TabSet's key: its chosen tab id, kept while on other pages
_CTX = "_ctx"


# --- escaping ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&\"'])")


def md(text: object) -> str:
    """Data-derived text made inert for Streamlit markdown (no links, no HTML, no formatting).

    Control and bidi-override characters are dropped; every markdown/HTML special character
    is backslash-escaped.
    """
    s = filters.printable(str(text), limit=10_000)
    return _MD_SPECIAL.sub(r"\\\1", s)


# --- cached data ---------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _load(data_dir: str, stamp: float) -> Package | DataError:
    try:
        pkg = load_package(data_dir)
    except DataError as exc:
        return exc
    filters.prepare(pkg)
    # The package lives as long as the server: move it (and everything imported so far) out
    # of the collector's reach, so no later collection walks its objects again. (Frozen
    # objects are still freed when nothing refers to them; only cycles among them are not.)
    gc.collect()
    gc.freeze()
    for old in [k for k, (_, (path, _)) in _KEYS.items() if path == data_dir]:
        del _KEYS[old]  # a reloaded package replaces the one from the same folder
    _KEYS[id(pkg)] = (pkg, (data_dir, stamp))
    return pkg


# id(package) -> (package, its cache key): the key of a loaded package without a stat() of
# every file on each cached call. The package is kept to make sure the id is still its own.
_KEYS: dict[int, tuple[Package, tuple[str, float]]] = {}


def _stamp(base: Path) -> float:
    """Latest modification time of the package's files, so an edited package reloads."""
    try:
        return max((p.stat().st_mtime for p in base.iterdir()), default=0.0)
    except OSError:
        return 0.0


def package() -> Package | DataError:
    base = resolve_data_dir()
    return _load(str(base), _stamp(base))


@st.cache_resource(show_spinner=False)
def _options(data_dir: str, stamp: float, _pkg: Package) -> Options:
    return Options.from_package(_pkg)


@st.cache_resource(show_spinner=False)
def _event_table(data_dir: str, stamp: float, _pkg: Package) -> pd.DataFrame:
    table = views.event_table(_pkg)
    # Its rows in pkg["events"], which every view filters through: worked out with the
    # table (1.3 s at a million events), not by the first reader of a new view.
    filters.event_rows(_pkg, table, "event_id", "ui.event_table")
    return table


@st.cache_resource(show_spinner=False)
def _conflicts(data_dir: str, stamp: float, _pkg: Package) -> pd.DataFrame:
    return views.conflicts(_pkg)


@st.cache_resource(show_spinner=False)
def _itinerary(data_dir: str, stamp: float, _pkg: Package) -> pd.DataFrame:
    return views.itinerary(_pkg)


def _key(pkg: Package) -> tuple[str, float]:
    known = _KEYS.get(id(pkg))
    if known is not None and known[0] is pkg:
        return known[1]
    return str(pkg.path), _stamp(pkg.path)


def options(pkg: Package) -> Options:
    return _options(*_key(pkg), pkg)


def event_table(pkg: Package) -> pd.DataFrame:
    """``views.event_table``, computed once per package for all sessions. Do not mutate."""
    return _event_table(*_key(pkg), pkg)


def conflicts(pkg: Package) -> pd.DataFrame:
    """``views.conflicts``, computed once per package for all sessions. Do not mutate."""
    return _conflicts(*_key(pkg), pkg)


def itinerary(pkg: Package, event_ids: Collection[str]) -> pd.DataFrame:
    """``views.itinerary`` of the selected events, from one cached full itinerary."""
    legs = _itinerary(*_key(pkg), pkg)
    kept = filters.of_events(pkg, legs, "arrival_event_id", "ui.itinerary", event_ids)
    return legs[kept].reset_index(drop=True)


@st.cache_resource(show_spinner=False)
def _source_kinds(data_dir: str, stamp: float, _pkg: Package) -> dict[str, str]:
    src = _pkg["sources"]
    return dict(zip(src["source_id"].astype(str), src["kind"].astype(str), strict=True))


# --- one view (a set of filters), computed once for all sessions ---------------------------

View = tuple[tuple[str, tuple[str, ...]], ...]


def view_key(state: FilterState) -> View:
    """The filters of a state as a hashable key; language and selected event left out."""
    query = filters.to_query(state.with_(lang=None, event=None))
    return tuple(sorted((k, tuple(v)) for k, v in query.items()))


@st.cache_resource(show_spinner=False, max_entries=32)
def _view(
    data_dir: str, stamp: float, view: View, _pkg: Package, _state: FilterState
) -> tuple[Selection, np.ndarray | None]:
    """The selection and the positions of its rows in ``event_table`` (None: every row)."""
    selection = filters.apply(_state, _pkg, _options(data_dir, stamp, _pkg))
    table = _event_table(data_dir, stamp, _pkg)
    if len(selection.event_ids) == len(table):
        return selection, None
    kept = filters.of_events(_pkg, table, "event_id", "ui.event_table", selection.event_ids)
    return selection, np.flatnonzero(kept)


@st.cache_resource(show_spinner=False, max_entries=64)
def _view_rows(
    data_dir: str,
    stamp: float,
    view: View,
    columns: tuple[str, ...] | None,
    _pkg: Package,
    _state: FilterState,
) -> pd.DataFrame:
    """The view's rows of ``event_table`` (only ``columns``, when given), copied only for a
    page that reads them: at a million events, 80-200 ms a new view that the Sectors and
    Sources pages never use, about half that for a few columns."""
    _, rows = _view(data_dir, stamp, view, _pkg, _state)
    table = _event_table(data_dir, stamp, _pkg)
    return _rows(table if columns is None else table[list(columns)], rows)


def _rows(
    table: pd.DataFrame, positions: np.ndarray | None, at: np.ndarray | None = None
) -> pd.DataFrame:
    """The view's rows of ``table`` (``positions``; None: every row), or only those at
    positions ``at`` among them, copying only those."""
    if at is None:
        return table if positions is None else table.take(positions)
    return table.take(at if positions is None else positions[at])


def _first_rows(table: pd.DataFrame, positions: np.ndarray | None, n: int) -> pd.DataFrame:
    """The first ``n`` of the view's rows of ``table`` (``positions``; None: every row),
    without copying the others."""
    return table.head(n) if positions is None else table.take(positions[:n])


# --- the context every page reads ----------------------------------------------------------


@dataclass(frozen=True)
class Context:
    pkg: Package
    options: Options
    lang: Lang
    state: FilterState
    selection: Selection
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
        return _first_rows(self.table, self.positions, n)

    def event_rows_at(self, at: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
        """``events[columns]`` at positions ``at`` of the view's rows, copying only those."""
        return _rows(self.table[list(columns)], self.positions, at)

    def events_later(self) -> Callable[[], pd.DataFrame]:
        """A function that returns ``events`` when called, copying the view's rows only then
        (a download built when clicked, on Streamlit's download thread): at a million events
        the copy took about 180 ms of every new view of the Data page."""
        table, positions = self.table, self.positions
        return lambda: _rows(table, positions)

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
        return labels(self.pkg, self.lang)

    @functools.cached_property
    def source_kinds(self) -> dict[str, str]:
        """source_id -> kind (seed, external), looked up once per run."""
        return _source_kinds(*_key(self.pkg), self.pkg)

    @property
    def key(self) -> tuple[str, float, View]:
        """This view's cache key (package, filters): for a page's own cached results."""
        return (*_key(self.pkg), view_key(self.state))

    @property
    def items(self) -> pd.DataFrame:
        return self.selection.items(self.pkg)


def context() -> Context:
    """The context the entrypoint computed for this run."""
    ctx = st.session_state.get(_CTX)
    if not isinstance(ctx, Context):
        st.stop()
    return ctx


def request_filters(**changes: object) -> None:
    """Change filters from a page (e.g. a chart click): applied before the next run's widgets.

    Safe inside a widget callback (``on_select=...``); outside one, follow with ``st.rerun()``.
    Keys are the URL keys: sector, dates, place, actor, source, lang, event.
    """
    pending: dict[str, object] = dict(st.session_state.get(_PENDING, {}))
    pending.update(changes)
    st.session_state[_PENDING] = pending


def selectable_chart(
    spec: Mapping[str, Any],
    name: str,
    drawn: object,
    react: Callable[[Mapping[str, Any] | None], None],
    *,
    height: int,
    alt: str,
) -> None:
    """An ECharts chart (SVG, so its labels are text) whose selections go to ``react``, run
    as the widget's callback with the selection (None when unreadable). A selection is data
    indices of the chart as drawn, which mean other marks in another drawing, so each
    drawing (``drawn``: what identifies it) gets a key of its own: a new one starts with
    nothing selected. The key is ``name-<hash>``, also its CSS class (``st-key-...``)."""
    key = f"{name}-{zlib.crc32(repr(drawn).encode()):08x}"

    def changed() -> None:
        state = st.session_state.get(key)
        react(state.get("selection") if isinstance(state, Mapping) else None)

    st.echarts_chart(spec, key=key, on_select=changed, height=height, renderer="svg", alt=alt)


@dataclass(frozen=True)
class TabSet:
    """A page's tabs: ``key``, the session key of ``st.tabs``; ``ids``, the tabs in order, as
    the URL's ``tab=`` names them (the first, the default, is left out of the URL);
    ``label_key``, each tab's label in the catalogue (``{tab}`` in it)."""

    key: str
    ids: tuple[str, ...]
    label_key: str

    def label(self, tab: str, lang: str) -> str:
        return t(self.label_key.format(tab=tab), lang)


def _chosen_tab(tabs: TabSet | None, lang: str) -> str | None:
    """This run's tab of the page (None: the page has none). On the session's first run, the
    link's ``tab=`` (a notice if this page has no such tab); after that, the reader's choice,
    also after a visit to another page.
    Streamlit keeps the chosen tab by its label, so after a language switch the label of the
    other language is mapped to the same tab rather than falling back to the first."""
    ss = st.session_state
    asked: list[str] = ss.pop(_URL_TAB, None) or []
    notices = [Notice("tab", v, "too_many") for v in asked[1:2]]
    if asked and (tabs is None or asked[0] not in tabs.ids):
        notices.insert(0, Notice("tab", asked[0], "unknown"))
    elif asked and tabs is not None:
        ss[tabs.key] = tabs.label(asked[0], lang)
    if notices:
        ss[_NOTICES] = [*ss.get(_NOTICES, []), *notices]
    if tabs is None:
        return None
    chosen = ss.get(tabs.key)
    by_label = {tabs.label(tab, other): tab for other in LANGS for tab in tabs.ids}
    kept = ss.get(_KEPT_TAB + tabs.key)  # the widget's own state is dropped on another page
    if isinstance(chosen, str) and chosen in by_label:
        tab = by_label[chosen]
    else:
        tab = kept if kept in tabs.ids else tabs.ids[0]
    ss[_KEPT_TAB + tabs.key] = tab
    if chosen != tabs.label(tab, lang) and (chosen is not None or tab != tabs.ids[0]):
        ss[tabs.key] = tabs.label(tab, lang)
    return tab


def _sync_tab(tab: str | None) -> None:
    """The chosen tab -> the URL's ``tab=`` (None: no ``tab=``)."""
    wanted = [tab] if tab is not None else []
    if st.query_params.get_all("tab") != wanted:
        if wanted:
            st.query_params["tab"] = wanted[0]
        else:
            del st.query_params["tab"]


def lazy_tabs(tabs: TabSet, lang: str) -> tuple[str, Any]:
    """The page's tabs (``run_page`` chose one), of which only the chosen one is built: (the
    chosen tab, its container). A click on another tab reruns the page. A data grid costs the
    browser about 50 ms on every filter change even in a hidden tab (docs/performance.md)."""
    shown = [t(tabs.label_key.format(tab=tab), lang) for tab in tabs.ids]  # catalogue labels
    drawn = st.tabs(shown, key=tabs.key, on_change="rerun")
    open_ = [(tab, box) for tab, box in zip(tabs.ids, drawn, strict=True) if box.open]
    return open_[0] if open_ else (tabs.ids[0], drawn[0])


def lazy_expander(text: str, key: str, *, expanded: bool = False, icon: str | None = None) -> Any:
    """A fold titled ``text`` (plain text, escaped here) whose ``.open`` says whether it is
    open (opening or closing it reruns the page), so that its content is built only while
    it shows; it stays open or closed across filter changes."""
    return st.expander(md(text), expanded=expanded, icon=icon, key=key, on_change="rerun")


def select_event(event_id: str | None) -> None:
    request_filters(event=event_id)


# --- labels for ids ------------------------------------------------------------------------


def _labels(frame: pd.DataFrame, key: str, column: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in zip(frame[key], frame[column], strict=True)}


@st.cache_resource(show_spinner=False)
def _all_labels(data_dir: str, stamp: float, _pkg: Package, lang: str) -> dict[str, dict[str, str]]:
    pkg = _pkg
    sectors = _labels(pkg["sectors"], "sector_id", col("label", lang))
    parents = dict(zip(pkg["sectors"]["sector_id"], pkg["sectors"]["parent_id"], strict=True))
    sector_full: dict[str, str] = {}
    for sid, label in sectors.items():
        parent = parents[sid]
        sector_full[sid] = label if pd.isna(parent) else f"{sectors[str(parent)]} › {label}"
    return {
        "sector": sectors,
        "sector_full": sector_full,
        "place": _labels(pkg["places"], "place_id", col("name", lang)),
        "person": _labels(pkg["people"], "person_id", col("name", lang)),
        "org": _labels(pkg["organisations"], "org_id", col("name", lang)),
        "event": _labels(pkg["events"], "event_id", col("title", lang)),
        "item": _labels(pkg["cooperation"], "item_id", col("topic", lang)),
        "source": {
            str(r["source_id"]): _source_label({str(k): v for k, v in r.items()}, lang)
            for r in pkg["sources"].to_dict("records")
        },
    }


def _source_label(rec: Mapping[str, Any], lang: str) -> str:
    outlet = rec.get("outlet")
    if isinstance(outlet, str) and outlet:
        return outlet
    return t("source_unnamed", lang, id=str(rec["source_id"]))


def labels(pkg: Package, lang: str) -> dict[str, dict[str, str]]:
    """id -> display name, per kind: sector, sector_full, place, person, org, event, item,
    source."""
    return _all_labels(*_key(pkg), pkg, as_lang(lang))


# --- the sidebar ---------------------------------------------------------------------------


def _seed_from_url(opts: Options) -> None:
    """First run of a session: URL -> widget values, and notices for what was dropped."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    state, notices = filters.parse(params, opts)
    st.session_state[_NOTICES] = notices
    st.session_state[_URL_TAB] = params.get("tab", [])
    _write_widgets(state, opts)
    st.session_state[_SEEDED] = True


def _write_widgets(state: FilterState, opts: Options) -> None:
    ss = st.session_state
    ss[W["sector"]] = list(state.sectors)
    ss[W["place"]] = list(state.places)
    ss[W["actor"]] = list(state.actors)
    ss[W["source"]] = list(state.sources)
    if state.date_from is not None and state.date_to is not None:
        ss[W["dates"]] = (state.date_from, state.date_to)
    else:
        ss[W["dates"]] = (opts.first_day, opts.last_day)
    if state.lang:
        ss[W["lang"]] = state.lang
    ss[W["event"]] = state.event


def _apply_pending(opts: Options) -> None:
    pending = st.session_state.pop(_PENDING, None)
    if not pending:
        return
    current = _read_widgets(opts)
    valid, _ = filters.parse({**filters.to_query(current), **_pending_query(pending)}, opts)
    _write_widgets(valid, opts)


def _pending_query(pending: Mapping[str, object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pending.items():
        if value is None:
            out[key] = []
        elif isinstance(value, str):
            out[key] = [value]
        elif isinstance(value, Sequence):
            out[key] = [v.isoformat() if isinstance(v, date) else str(v) for v in value]
    return out


def _read_widgets(opts: Options) -> FilterState:
    ss = st.session_state
    dates = ss.get(W["dates"]) or ()
    date_from = date_to = None
    if isinstance(dates, tuple | list) and len(dates) == 2:
        date_from, date_to = dates
        if (date_from, date_to) == (opts.first_day, opts.last_day):
            date_from = date_to = None
    lang = ss.get(W["lang"])
    return FilterState(
        sectors=tuple(ss.get(W["sector"]) or ()),
        date_from=date_from,
        date_to=date_to,
        places=tuple(ss.get(W["place"]) or ()),
        actors=tuple(ss.get(W["actor"]) or ()),
        sources=tuple(ss.get(W["source"]) or ()),
        lang=lang if lang in ("en", "fr") else None,
        event=ss.get(W["event"]) or None,
    )


def _reset() -> None:
    request_filters(sector=[], dates=[], place=[], actor=[], source=[], event=None)


def _multiselect(
    label: str,
    key: str,
    options: Sequence[str],
    names: Mapping[str, str],
    lang: str,
    help: str | None = None,
) -> None:
    st.multiselect(
        label,
        options,
        key=key,
        format_func=lambda v: names.get(v, v),
        placeholder=t("filter_choose", lang),
        help=help,
    )


def sidebar(pkg: Package, default_lang: Lang) -> Context:
    """Draw the shared filters; return this run's context (and keep it for the pages)."""
    opts = options(pkg)
    if not st.session_state.get(_SEEDED):
        _seed_from_url(opts)
    _apply_pending(opts)
    ss = st.session_state
    if ss.get(W["lang"]) not in ("en", "fr"):
        ss[W["lang"]] = default_lang
    lang = as_lang(ss[W["lang"]])
    names = labels(pkg, lang)
    # The widgets' values are already in the session: the view is known before they are drawn.
    shown = _read_widgets(opts)
    view_of = (*_key(pkg), view_key(shown))
    selection, rows = _view(*view_of, pkg, shown)
    with st.sidebar:
        st.segmented_control(
            t("language", lang),
            ["fr", "en"],
            key=W["lang"],
            format_func=lambda code: {"fr": "Français", "en": "English"}.get(code, code),
        )
        if ss.get(W["lang"]) not in ("en", "fr"):  # a click on the selected option clears it
            ss[W["lang"]] = lang
        st.header(t("sidebar_filters", lang))
        _multiselect(
            t("filter_sector", lang),
            W["sector"],
            opts.sectors,
            names["sector_full"],
            lang,
            t("filter_sector_help", lang),
        )
        st.date_input(
            t("filter_dates", lang),
            min_value=opts.first_day,
            max_value=opts.last_day,
            key=W["dates"],
            format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
            help=t("filter_dates_help", lang),
        )
        _multiselect(
            t("filter_place", lang),
            W["place"],
            opts.places,
            names["place"],
            lang,
            t("filter_place_help", lang),
        )
        actor_names = {**names["person"], **names["org"]}
        _multiselect(t("filter_actor", lang), W["actor"], opts.actors, actor_names, lang)
        st.pills(
            t("filter_source", lang),
            list(opts.source_kinds),
            selection_mode="multi",
            key=W["source"],
            format_func=lambda k: t(f"source_kind_{k}", lang),
        )
        table = _event_table(*_key(pkg), pkg)
        first = _first_rows(table[["event_id"]], rows, MAX_EVENT_CHOICES)["event_id"]
        choices, capped = _event_choices(first, len(selection.event_ids), ss.get(W["event"]))
        st.selectbox(
            t("filter_event", lang),
            choices,
            key=W["event"],
            index=None,
            format_func=lambda e: names["event"].get(e, e),
            placeholder=t("filter_choose", lang),
            help=t("filter_event_capped", lang, n=MAX_EVENT_CHOICES) if capped else None,
        )
        st.button(t("reset_filters", lang), on_click=_reset, width="stretch")
    state = _read_widgets(opts)
    _sync_url(state)
    ctx = Context(
        pkg,
        opts,
        lang,
        state,
        selection,
        table=table,
        positions=rows,
        rows_of=lambda columns: _view_rows(*view_of, columns, pkg, shown),
    )
    st.session_state[_CTX] = ctx
    return ctx


MAX_EVENT_CHOICES = 500


def _event_choices(event_ids: pd.Series, total: int, selected: object) -> tuple[list[str], bool]:
    """The event picker's options: the view's first events by date (``event_ids``, all of
    its ``total`` up to ``MAX_EVENT_CHOICES``), and the selected event even when the filters
    leave it out."""
    choices = event_ids.head(MAX_EVENT_CHOICES).astype(str).tolist()
    if isinstance(selected, str) and selected not in choices:
        choices.insert(0, selected)
    return choices, total > MAX_EVENT_CHOICES


def _sync_url(state: FilterState) -> None:
    """The filters -> the URL; the page's tab= is left to the page (``_sync_tab``)."""
    wanted = filters.to_query(state)
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if "tab" in current:
        wanted["tab"] = current["tab"]
    if current != wanted:
        st.query_params.from_dict(wanted)


def share_url(ctx: Context, page_path: str, tab: str | None = None) -> str:
    """An absolute link to this page and view, the language always included (and ``tab``,
    the page's chosen tab, unless None)."""
    query = filters.to_query(ctx.state.with_(lang=ctx.lang))
    if tab is not None:
        query["tab"] = [tab]
    base = ""
    try:
        url = st.context.url
    except (AttributeError, RuntimeError):
        url = None
    if url:
        base = url.split("?", 1)[0].split("#", 1)[0]
        # st.context.url ends with the current page's path; replace it with ours.
        for path in ("timeline", "map", "sectors", "sources", "data"):
            if base.rstrip("/").endswith("/" + path):
                base = base.rstrip("/")[: -len(path)]
                break
        if not base.endswith("/"):
            base += "/"
    return base + page_path + ("?" + urlencode(query, doseq=True) if query else "")


# --- shared pieces of pages ----------------------------------------------------------------


def show_notices(lang: str) -> None:
    notices: list[Notice] = st.session_state.get(_NOTICES, [])
    if not notices:
        return
    lines = [t(f"notice_{n.reason}", lang, key=md(n.key), value=md(n.shown_value)) for n in notices]
    st.warning(t("notice_title", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines))

    def dismiss() -> None:
        st.session_state[_NOTICES] = []

    st.button(t("dismiss", lang), on_click=dismiss, key="dismiss_notices")


def show_data_error(err: DataError, lang: str) -> None:
    """The page shown instead of the app when the package does not validate."""
    st.title(t("data_error_title", lang))
    st.markdown(t("data_error_body", lang, n=len(err.problems), path=md(resolve_data_dir())))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col_file", lang): p.file,
                    t("col_row", lang): p.row,
                    t("col_column", lang): p.column,
                    t("col_problem", lang): p.message,
                }
                for p in err.problems
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def badges(ctx: Context, source_ids: Sequence[str]) -> str:
    """Markdown: one badge per source, its name and whether it is a checked seed or an
    external page."""
    kinds, names = ctx.source_kinds, ctx.names["source"]
    parts = []
    for sid in source_ids:
        kind = kinds.get(sid, "external")
        text = f"{names.get(sid, sid)} · {t('badge_' + kind, ctx.lang)}"
        if kind == "seed":
            parts.append(f":blue-badge[:material/verified: {md(text)}]")
        else:
            parts.append(f":orange-badge[:material/link: {md(text)}]")
    return " ".join(parts)


def source_badges(ctx: Context, source_ids: Sequence[str]) -> None:
    st.markdown(badges(ctx, source_ids))


def conflict_note(ctx: Context, disputed: pd.DataFrame) -> None:
    """'Sources disagree' for one subject: each claimed value with its sources, and the
    value the dataset uses with the reason (``disputed``: rows of ``views.conflicts``)."""
    names = ctx.names["source"]
    parts = []
    for rec in disputed.to_dict("records"):
        srcs = ", ".join(names.get(s, s) for s in rec["source_ids"])
        parts.append(f"{format_claim(rec['claimed_value'], ctx.lang)} ({srcs})")
    first = disputed.iloc[0]
    resolved = disputed[disputed["resolved"]]
    value = resolved.iloc[0]["claimed_value"] if not resolved.empty else "?"
    reason = first[ctx.col("reason")]
    st.warning(
        md(
            ctx.t(
                "conflict_note",
                values="; ".join(parts),
                resolved=format_claim(str(value), ctx.lang),
                reason=reason if isinstance(reason, str) else "",
            )
        ),
        icon=":material/compare_arrows:",
    )


def format_claim(value: str, lang: str) -> str:
    """A claimed value for display: dates spelled out, anything else as is."""
    try:
        if len(value) == 10:
            return format_date(date.fromisoformat(value), lang)
        if len(value) == 7:
            return format_month(date.fromisoformat(value + "-01"), lang)
    except ValueError:
        pass
    return value


def empty_state(ctx: Context) -> None:
    st.info(
        ctx.t("empty_state") + " " + ctx.t("empty_state_hint"), icon=":material/filter_alt_off:"
    )
    st.button(ctx.t("reset_filters"), on_click=_reset, key="empty_reset")


def share_box(ctx: Context, page_path: str, tab: str | None = None) -> None:
    """The view's link, as a link: ``st.code`` would pull in a 1.5 MB syntax highlighter and
    delay every page's first paint by about 0.4 s (docs/performance.md)."""
    url = share_url(ctx, page_path, tab)
    target = safe_url(url)
    with st.expander(ctx.t("share_view"), icon=":material/link:"):
        st.caption(ctx.t("share_view_help"))
        st.markdown(f"[{md(url)}]({target})" if target else md(url))


def placeholder(ctx: Context, what_key: str) -> None:
    st.info(ctx.t("placeholder", what=ctx.t(what_key)))


def page_header(ctx: Context, title_key: str, page_path: str, tab: str | None = None) -> None:
    show_notices(ctx.lang)
    st.title(ctx.t(title_key))
    share_box(ctx, page_path, tab)


def run_page(
    body: Callable[[Context], None], title_key: str, page_path: str, tabs: TabSet | None = None
) -> None:
    """A page's frame: notices, title, share box, then the body (or the empty state). A page
    with ``tabs`` draws them with ``lazy_tabs``; the chosen one is in the URL and the link."""
    ctx = context()
    tab = _chosen_tab(tabs, ctx.lang)
    linked = tab if tabs is not None and tab != tabs.ids[0] else None  # the first: the default
    _sync_tab(linked)
    page_header(ctx, title_key, page_path, linked)
    if not ctx.selection.event_ids and not ctx.selection.item_ids:
        empty_state(ctx)
        return
    body(ctx)


def default_lang() -> Lang:
    try:
        return lang_from_locale(st.context.locale)
    except (AttributeError, RuntimeError):
        return "en"
