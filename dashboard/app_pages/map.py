"""Map: the journey and the places it touched, drawn offline (no tiles, no API key)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.present.i18n import format_number, format_span
from dashboard.views import map as maps
from dashboard.views import map_deck

DECK = "map_deck"


def _on_select() -> None:
    """A click on a place sets the place filter, so the sidebar and the URL follow."""
    place = maps.picked_place(st.session_state.get(DECK))
    if place:
        ui.request_filters(place=[place])


PER_ROW = ("event_id", "place_id")  # what the map reads of every row of a view


def _build(_ctx: ui.Context, opts: map_deck.MapOptions) -> Any:
    """Legs, layer data and deck (its JSON written once) for one view and options
    (``ctx.cached``; never mutate)."""
    names = ui.labels(_ctx.pkg, opts.lang)
    return map_deck.journey_map(
        _ctx.pkg,
        _ctx.event_columns(PER_ROW),  # every row of the view, the columns counted
        opts.lang,
        opts,
        place_names=names["place"],
        source_names=names["source"],
        legs=ui.itinerary(_ctx.pkg, _ctx.selection.event_ids),
        event_ids=_ctx.selection.event_ids,
        rows_at=lambda at: _ctx.event_rows_at(at, maps.EVENT_COLUMNS),  # the few shown in full
    )


def _numbered(
    ctx: ui.Context, title_key: str, items: list[str], empty_key: str = "", total: int = 0
) -> None:
    """A bold heading, then the items as a numbered list (capped), or the empty message;
    ``total``: how many there are when ``items`` holds only the first ones."""
    total = max(total, len(items))
    if not items and not empty_key:
        return
    st.markdown(f"**{ctx.t(title_key)}**")
    st.markdown(
        "\n".join(f"1. {ui.md(x)}" for x in items[: maps.MAX_LISTED]) or ui.md(ctx.t(empty_key))
    )
    if total > maps.MAX_LISTED:
        st.caption(ctx.t("map_more_listed", n=format_number(total - maps.MAX_LISTED, ctx.lang)))


def _events(ctx: ui.Context, events: pd.DataFrame) -> None:
    for rec in events.head(maps.MAX_LISTED).to_dict("records"):
        when = format_span(rec["start"], rec["end"], rec["date_precision"], ctx.lang)
        st.markdown(f"**{ui.md(rec[ctx.col('title')])}** · {ui.md(when)}")
        ui.source_badges(ctx, rec["source_ids"] if isinstance(rec["source_ids"], list) else [])
    if len(events) > maps.MAX_LISTED:
        st.caption(
            ctx.t("map_more_listed", n=format_number(len(events) - maps.MAX_LISTED, ctx.lang))
        )


def body(ctx: ui.Context) -> None:
    left, right = st.columns([3, 1], gap="medium")
    preset = left.segmented_control(
        ctx.t("map_preset"),
        maps.PRESETS,
        default="journey",
        required=True,
        key="map_view",
        persist_state="session",
        format_func=lambda p: ctx.t(f"map_preset_{p}"),
    )
    tiles = right.toggle(
        ctx.t("map_tiles"), key="map_tiles", help=ctx.t("map_tiles_help"), wrap=True
    )
    opts = map_deck.page_options(
        ctx.lang,
        preset or "journey",
        tiles,
        theme="dark" if getattr(st.context.theme, "type", None) == "dark" else "light",
        static=bool(st.get_option("server.enableStaticServing")),
    )
    legs, data, deck = ctx.cached(_build, opts)
    names = ui.labels(ctx.pkg, ctx.lang)["place"]

    left.pydeck_chart(
        deck,
        key=DECK,
        on_select=_on_select,
        selection_mode="single-object",
        height=560,
        alt=ctx.t("map_alt"),
    )
    left.markdown(ui.md(maps.summary(data, ctx.lang)))
    left.caption(ctx.t("map_credit_tiles" if tiles else "map_credit"))
    if data.hidden_places:
        left.caption(ctx.t("map_hidden", shown=len(data.places), hidden=data.hidden_places))
    if data.hidden_legs:
        left.caption(ctx.t("map_hidden_legs", shown=len(data.legs), hidden=data.hidden_legs))
    right.html(map_deck.legend_html(ctx.lang))

    for place in ctx.state.places:
        with st.container(border=True):
            st.subheader(ui.md(ctx.t("map_selected", place=names.get(place, place))))
            here = maps.events_at(ctx.pkg, ctx.event_columns(maps.EVENT_COLUMNS), place)
            st.caption(ctx.t("map_selected_events", events=maps.n_events(len(here), ctx.lang)))
            _events(ctx, here)
            st.button(
                ctx.t("map_clear_place"),
                key=f"map_clear_{place}",
                on_click=ui.request_filters,
                kwargs={"place": []},
            )
    if len(data.unlocated):
        st.subheader(ctx.t("map_unlocated_title"))
    for region, group in data.unlocated.groupby("place_id", sort=False):
        st.caption(ui.md(ctx.t("map_unlocated_help", region=names.get(str(region), region))))
        _events(ctx, group)

    st.subheader(ctx.t("map_twin_title"))
    lines = maps.itinerary_lines(legs.head(maps.MAX_LISTED), names, ctx.lang)
    _numbered(ctx, "map_twin_itinerary", lines, "map_twin_no_legs", len(legs))
    _numbered(ctx, "map_twin_places", maps.place_lines(data, ctx.lang), "map_tip_none")
    _numbered(ctx, "map_twin_hq", maps.hq_lines(data, ctx.lang))


def render() -> None:
    """Draw the page (Streamlit runs this file as the page; tests import ``render``)."""
    ui.run_page(body, "nav_map", "map")


if __name__ == "__main__":
    render()
