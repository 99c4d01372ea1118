"""Shared pieces of pages: escaping, the page frame, tabs, folds, badges, notices.

Every data-derived text rendered as markdown goes through ``md``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.core import filters
from dashboard.core.filters import Notice
from dashboard.core.load import resolve_data_dir
from dashboard.core.package import DataError
from dashboard.present.i18n import LANGS, t
from dashboard.present.labels import claim_value, plural, safe_url
from dashboard.ui import filter_bar
from dashboard.ui.context import (
    KEPT_TAB,
    NOTICES,
    URL_TAB,
    Context,
    context,
    open_page,
    request_filters,
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&\"'])")


def md(text: object) -> str:
    """Data-derived text made inert for Streamlit markdown (no links, no HTML, no formatting).

    Control and bidi-override characters are dropped; every markdown/HTML special character
    is backslash-escaped.
    """
    s = filters.printable(str(text), limit=10_000)
    return _MD_SPECIAL.sub(r"\\\1", s)


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
    asked: list[str] = ss.pop(URL_TAB, None) or []
    notices = [Notice("tab", v, "too_many") for v in asked[1:2]]
    if asked and (tabs is None or asked[0] not in tabs.ids):
        notices.insert(0, Notice("tab", asked[0], "unknown"))
    elif asked and tabs is not None:
        ss[tabs.key] = tabs.label(asked[0], lang)
    if notices:
        ss[NOTICES] = [*ss.get(NOTICES, []), *notices]
    if tabs is None:
        return None
    chosen = ss.get(tabs.key)
    by_label = {tabs.label(tab, other): tab for other in LANGS for tab in tabs.ids}
    kept = ss.get(KEPT_TAB + tabs.key)  # the widget's own state is dropped on another page
    if isinstance(chosen, str) and chosen in by_label:
        tab = by_label[chosen]
    else:
        tab = kept if kept in tabs.ids else tabs.ids[0]
    ss[KEPT_TAB + tabs.key] = tab
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
    chosen tab, its container). A click on another tab reruns the page: a data grid costs the
    browser work on every filter change even in a hidden tab."""
    shown = [t(tabs.label_key.format(tab=tab), lang) for tab in tabs.ids]  # catalogue labels
    drawn = st.tabs(shown, key=tabs.key, on_change="rerun")
    open_ = [(tab, box) for tab, box in zip(tabs.ids, drawn, strict=True) if box.open]
    return open_[0] if open_ else (tabs.ids[0], drawn[0])


def lazy_expander(text: str, key: str, *, expanded: bool = False, icon: str | None = None) -> Any:
    """A fold titled ``text`` (plain text, escaped here) whose ``.open`` says whether it is
    open (opening or closing it reruns the page), so that its content is built only while
    it shows; it stays open or closed across filter changes."""
    return st.expander(md(text), expanded=expanded, icon=icon, key=key, on_change="rerun")


def show_notices(lang: str) -> None:
    notices: list[Notice] = st.session_state.get(NOTICES, [])
    if not notices:
        return
    lines = [t(f"notice_{n.reason}", lang, key=md(n.key), value=md(n.shown_value)) for n in notices]
    st.warning(t("notice_title", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines))

    def dismiss() -> None:
        st.session_state[NOTICES] = []

    st.button(t("dismiss", lang), on_click=dismiss, key="dismiss_notices")


def show_data_error(err: DataError, lang: str) -> None:
    """The page shown instead of the app when the package does not validate."""
    st.title(t("data_error_title", lang))
    st.markdown(plural("data_error_body", len(err.problems), lang, path=md(resolve_data_dir())))
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
    """Markdown: one badge per source, its name and whether it is a checked seed, an
    external page, or an article the dataset names but could not read."""
    kinds, names = ctx.source_kinds, ctx.names["source"]
    parts = []
    for sid in source_ids:
        kind = kinds.get(sid, "external")
        text = f"{names.get(sid, sid)} · {t('badge_' + kind, ctx.lang)}"
        if kind == "seed":
            parts.append(f":blue-badge[:material/verified: {md(text)}]")
        elif kind == "not_found":
            parts.append(f":gray-badge[:material/link_off: {md(text)}]")
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
        parts.append(f"{claim_value(None, rec['claimed_value'], ctx.lang)} ({srcs})")
    first = disputed.iloc[0]
    resolved = disputed[disputed["resolved"]]
    value = resolved.iloc[0]["claimed_value"] if not resolved.empty else "?"
    reason = first[ctx.col("reason")]
    st.warning(
        md(
            ctx.t(
                "conflict_note",
                values="; ".join(parts),
                resolved=claim_value(None, str(value), ctx.lang),
                reason=reason if isinstance(reason, str) else "",
            )
        ),
        icon=":material/compare_arrows:",
    )


def empty_state(ctx: Context) -> None:
    st.info(
        ctx.t("empty_state") + " " + ctx.t("empty_state_hint"), icon=":material/filter_alt_off:"
    )
    st.button(ctx.t("reset_filters"), on_click=filter_bar.reset, key="empty_reset")


def share_box(ctx: Context, page_path: str, tab: str | None = None) -> None:
    """The view's link, as a link (not ``st.code``, whose syntax highlighter is a large
    download for every page)."""
    url = filter_bar.share_url(ctx, page_path, tab)
    target = safe_url(url)
    with st.expander(ctx.t("share_view"), icon=":material/link:"):
        st.caption(ctx.t("share_view_help"))
        st.markdown(f"[{md(url)}]({target})" if target else md(url))


def placeholder(ctx: Context, what_key: str) -> None:
    st.info(ctx.t("placeholder", what=ctx.t(what_key)))


def search_notice(ctx: Context) -> None:
    """While the view has a search (``q``), say so, with a one-click clear and a way to the
    Search page's grouped results."""
    if not ctx.state.q:
        return
    st.info(ctx.t("search_notice", q=md(ctx.state.q)), icon=":material/search:")
    left, right = st.columns(2)
    left.button(
        ctx.t("search_clear"),
        on_click=request_filters,
        kwargs={"q": None},
        icon=":material/close:",
        key="search_notice_clear",
    )
    if right.button(ctx.t("search_see_all"), icon=":material/search:", key="search_see_all"):
        open_page("search")


def page_header(
    ctx: Context, title_key: str, page_path: str, tab: str | None = None, *, search: bool = True
) -> None:
    """Notices, the title, the search notice (``search``: unless the page is the search)
    and the share box."""
    show_notices(ctx.lang)
    st.title(ctx.t(title_key))
    if search:
        search_notice(ctx)
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
