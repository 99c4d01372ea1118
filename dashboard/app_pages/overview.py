"""Overview: headline, key figures, key facts with their sources, a compact itinerary."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard import ui
from dashboard.core import filters
from dashboard.present.i18n import format_number, format_span
from dashboard.views import overview as facts


def _overview(ctx: ui.Context) -> facts.Overview:
    """Everything the page shows for one view and language (``ctx.cached``; never mutated)."""
    return facts.overview(
        ctx.pkg,
        ctx.selection,
        ctx.events_where("key_fact"),
        ui.itinerary(ctx.pkg, ctx.selection.event_ids),
        ui.conflicts(ctx.pkg),
        ctx.names["place"],
        ctx.lang,
    )


CARD_RULE = "\n\n---\n\n"  # between two cards in one markdown text


def _card_text(ctx: ui.Context, card: facts.Card) -> str:
    return (
        f"**{ui.md(card.title)}**  \n:small[:gray[{ui.md(card.when_where)}]]\n\n"
        f"{ui.md(card.summary)}\n\n{ui.badges(ctx, card.source_ids)}"
    )


def _cards(ctx: ui.Context, cards: Sequence[facts.Card]) -> None:
    """The key-fact cards in one bordered box, as one markdown element for a run of cards
    and a warning after each card whose sources disagree (an element per line of each card
    made every filter change slower in the browser)."""
    with st.container(border=True):
        run: list[str] = []
        for card in cards:
            run.append(_card_text(ctx, card))
            if card.disputed is not None:
                st.markdown(CARD_RULE.join(run))
                ui.conflict_note(ctx, card.disputed)
                run = []
        if run:
            st.markdown(CARD_RULE.join(run))


def _more(ctx: ui.Context, label: str, n: int, page: str, nav: str, icon: str) -> None:
    """'N more …' and a link to the page that shows them all, in the same view."""
    st.caption(ctx.t(label, n=format_number(n, ctx.lang)))
    st.page_link(
        page,
        label=ctx.t(nav),
        icon=icon,
        query_params=filters.to_query(ctx.state.with_(lang=ctx.lang)),
    )


def render() -> None:
    """Draw the page (Streamlit runs this file as the page; tests import ``render``)."""
    ctx = ui.context()
    ui.show_notices(ctx.lang)
    pkg, lang = ctx.pkg, ctx.lang
    st.title(ui.md(pkg.text("title", lang)))
    ui.search_notice(ctx)
    span = facts.visit_span(pkg)
    if span is not None:
        st.caption(
            ctx.t(
                "overview_dates",
                span=format_span(*span, "day", lang),
                n_sources=len(pkg["sources"]),
            )
        )
    st.write(ui.md(pkg.text("description", lang)))
    ui.share_box(ctx, "")

    if not ctx.selection.event_ids:
        ui.empty_state(ctx)
        return

    if not ctx.state.is_empty:
        st.caption(
            ctx.t(
                "overview_filtered", n=len(ctx.selection.event_ids), total=ctx.selection.all_events
            )
        )
    view = ctx.cached(_overview)
    cols = [*st.columns(4), *st.columns(4)[:3]]
    with_help = {"days", "sites", "sectors", "disagreements"}
    for column, (key, value) in zip(cols, vars(view.figures).items(), strict=True):
        column.metric(
            ctx.t(f"metric_{key}"),
            format_number(value, lang),
            border=True,
            help=ctx.t(f"metric_{key}_help") if key in with_help else None,
        )

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(ctx.t("key_facts"))
        _cards(ctx, view.cards)
        if view.n_key_facts > facts.MAX_KEY_FACTS:
            more = view.n_key_facts - facts.MAX_KEY_FACTS
            _more(ctx, "key_facts_more", more, "app_pages/timeline.py", "nav_timeline",
                  ":material/timeline:")  # fmt: skip
    with right:
        st.subheader(ctx.t("itinerary"))
        if not view.legs:
            st.caption(ctx.t("itinerary_none"))
        st.markdown("\n".join(f"1. {ui.md(line)}" for line in view.legs))
        if view.n_legs > facts.MAX_LEGS:
            more = view.n_legs - facts.MAX_LEGS
            _more(ctx, "itinerary_more", more, "app_pages/map.py", "nav_map", ":material/map:")


if __name__ == "__main__":
    render()
