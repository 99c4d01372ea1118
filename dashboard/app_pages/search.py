"""Search: every event, item, quote, seed text, person, organisation, place and source that
matches the view's words (URL ``q=``), grouped by kind, best first, each opening in place."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.core.filters import MAX_QUERY_LENGTH, clean_q
from dashboard.core.search import Segment
from dashboard.present.i18n import format_number
from dashboard.present.labels import plural
from dashboard.ui import data as ui_data
from dashboard.views import search as sv

BOX = "search_page_q"
OPEN_LABEL = {
    "timeline": "search_open_timeline",
    "sectors": "search_open_sectors",
    "sources": "search_open_sources",
    "map": "search_open_map",
}


def _results_of(ctx: ui.Context, text: str) -> sv.Results:
    """The hits of the view's search (``ctx.cached``: once per view and language), within
    what the view's other filters keep."""
    others = ctx.state.with_(q=None)
    selection = None if others.is_empty else ui_data.select(ctx.pkg, others)[0]
    return sv.results(ctx.pkg, text, ctx.lang, selection)


def _typed() -> None:
    ui.request_filters(q=clean_q(st.session_state.get(BOX)))


def highlighted(segments: tuple[Segment, ...]) -> str:
    """Markdown of a snippet: each piece escaped, matched words in bold on orange."""
    parts = []
    for seg in segments:
        text = ui.md(seg.text)
        parts.append(f":orange-background[**{text}**]" if seg.hit and text.strip() else text)
    return "".join(parts)


def _hit(ctx: ui.Context, hit: sv.Hit, key: str) -> None:
    with st.container(border=True):
        if hit.in_title and hit.snippet:  # the title is what matched: shown highlighted
            st.markdown(f"**{highlighted(hit.snippet)}**")
        else:
            st.markdown(f"**{ui.md(hit.title)}**")
            if hit.snippet:
                st.markdown(highlighted(hit.snippet))
        if hit.about:
            st.caption(ui.md(hit.about))
        if hit.context:
            st.caption(ctx.t("search_passage"))
            st.markdown("> " + highlighted(hit.context))
        target = hit.target
        if st.button(ctx.t(OPEN_LABEL[target.page]), key=key, icon=":material/open_in_new:"):
            ui.open_page(target.page, target.tab, **target.changes)


def _body(ctx: ui.Context) -> None:
    st.session_state[BOX] = ctx.state.q or ""
    st.text_input(
        ctx.t("search_box"),
        key=BOX,
        on_change=_typed,
        max_chars=MAX_QUERY_LENGTH,
        placeholder=ctx.t("search_placeholder"),
        help=ctx.t("search_box_help"),
        icon=":material/search:",
    )
    q = ctx.state.q
    if not q:
        st.info(ctx.t("search_intro"), icon=":material/search:")
        return
    found = ctx.cached(_results_of, q)
    if found.cut:
        st.warning(ctx.t("search_cut"))
    if found.empty_query:
        st.info(ctx.t("search_empty_query", q=ui.md(q)), icon=":material/search_off:")
        return
    if found.filtered:
        st.caption(ctx.t("search_filtered"))
    if not found.groups:
        st.info(
            ctx.t("search_no_match", q=ui.md(q)) + " " + ctx.t("search_no_match_hint"),
            icon=":material/search_off:",
        )
        return
    st.markdown(plural("search_total", found.total, ctx.lang, q=ui.md(q)))
    for group in found.groups:
        count = format_number(group.count, ctx.lang)
        st.subheader(ctx.t(f"search_kind_{group.kind}") + f" · {count}")
        if group.count > len(group.hits):
            shown = format_number(len(group.hits), ctx.lang)
            st.caption(ctx.t("search_shown", shown=shown, n=count))
        if group.kind in found.unranked:
            st.caption(ctx.t("search_unranked"))
        for i, hit in enumerate(group.hits):
            _hit(ctx, hit, f"search_open_{group.kind}_{i}")


def render() -> None:
    ctx = ui.context()
    ui.page_header(ctx, "search_title", "search", search=False)
    _body(ctx)


if __name__ == "__main__":
    render()
