"""The shared sidebar: it owns the URL.

On a session's first run it parses ``st.query_params`` into a ``FilterState``
(``filters.parse``) and seeds the widgets; on every run it reads the widgets back and writes
the state to the URL (``filters.to_query``): ids and ISO dates, never translated labels, so a
link opens the same view in either language.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.core import filters
from dashboard.core.filters import FilterState, Options
from dashboard.core.package import Package
from dashboard.present.i18n import Lang, as_lang, lang_from_locale, t
from dashboard.ui import data
from dashboard.ui.context import (
    CTX,
    NOTICES,
    PENDING,
    SEEDED,
    URL_TAB,
    Context,
    W,
    request_filters,
)


def _seed_from_url(opts: Options) -> None:
    """First run of a session: URL -> widget values, and notices for what was dropped."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    state, notices = filters.parse(params, opts)
    st.session_state[NOTICES] = notices
    st.session_state[URL_TAB] = params.get("tab", [])
    _write_widgets(state, opts)
    st.session_state[SEEDED] = True


def _write_widgets(state: FilterState, opts: Options) -> None:
    ss = st.session_state
    ss[W["q"]] = state.q or ""
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
    pending = st.session_state.pop(PENDING, None)
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
        q=filters.clean_q(ss.get(W["q"])),
        sectors=tuple(ss.get(W["sector"]) or ()),
        date_from=date_from,
        date_to=date_to,
        places=tuple(ss.get(W["place"]) or ()),
        actors=tuple(ss.get(W["actor"]) or ()),
        sources=tuple(ss.get(W["source"]) or ()),
        lang=lang if lang in ("en", "fr") else None,
        event=ss.get(W["event"]) or None,
    )


def reset() -> None:
    request_filters(q=None, sector=[], dates=[], place=[], actor=[], source=[], event=None)


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
    opts = data.options(pkg)
    if not st.session_state.get(SEEDED):
        _seed_from_url(opts)
    _apply_pending(opts)
    ss = st.session_state
    if ss.get(W["lang"]) not in ("en", "fr"):
        ss[W["lang"]] = default_lang
    lang = as_lang(ss[W["lang"]])
    names = data.labels(pkg, lang)
    # The widgets' values are already in the session: the view is known before they are drawn.
    shown = _read_widgets(opts)
    selection, rows = data.select(pkg, shown)
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
        st.text_input(
            t("search_box", lang),
            key=W["q"],
            max_chars=filters.MAX_QUERY_LENGTH,
            placeholder=t("search_placeholder", lang),
            help=t("search_box_help", lang),
            icon=":material/search:",
        )
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
        table = data.event_table(pkg)
        first = data.first_rows(table[["event_id"]], rows, MAX_EVENT_CHOICES)["event_id"]
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
        st.button(t("reset_filters", lang), on_click=reset, width="stretch")
    state = _read_widgets(opts)
    _sync_url(state)
    ctx = Context(
        pkg,
        opts,
        lang,
        state,
        selection,
        data.view_key(shown),
        table=table,
        positions=rows,
        rows_of=functools.partial(data.view_rows, pkg, shown),
    )
    st.session_state[CTX] = ctx
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
        for path in ("timeline", "map", "sectors", "sources", "data", "search"):
            if base.rstrip("/").endswith("/" + path):
                base = base.rstrip("/")[: -len(path)]
                break
        if not base.endswith("/"):
            base += "/"
    return base + page_path + ("?" + urlencode(query, doseq=True) if query else "")


def default_lang() -> Lang:
    try:
        return lang_from_locale(st.context.locale)
    except (AttributeError, RuntimeError):
        return "en"
