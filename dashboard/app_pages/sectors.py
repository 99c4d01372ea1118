"""Sectors: what the cooperation is about — by sector, by outlet, by place, item by item."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from dashboard import ui
from dashboard.core import filters
from dashboard.views import sectors as sc
from dashboard.views.sectors_counts import MEASURES, Measure

BREAKDOWN = "sectors_breakdown"


def react_to_click(selection: Mapping[str, Any] | None, ids: Sequence[str | None]) -> None:
    """A click on a box filters the whole dashboard (sidebar, URL) to its sector. ``ids``:
    the node ids of the treemap the reader clicked, in ECharts' data-index order."""
    sector = sc.clicked_sector(selection, ids)
    if sector:
        ui.request_filters(sector=[sector])


def _query(ctx: ui.Context) -> sc.Query:
    only = filters.expand_sectors(ctx.state.sectors, ctx.options) if ctx.state.sectors else None
    srcs = None
    if ctx.state.sources:
        s = ctx.pkg["sources"]
        srcs = frozenset(s.loc[s["kind"].isin(list(ctx.state.sources)), "source_id"])
    return sc.Query(ctx.selection.event_ids, ctx.selection.item_ids, only, srcs)


# One cache per section, so that a view builds only the sections a reader opens: the four
# together are slow to build for a new view at a million events. Not mutated.
def _breakdown_of(ctx: ui.Context, measure: Measure) -> sc.Chart:
    return sc.breakdown_chart(ctx.pkg, _query(ctx), ctx.names, ctx.lang, measure)


def _chart_of(ctx: ui.Context, tab: str) -> sc.Chart:
    build = sc.outlets_chart if tab == "outlets" else sc.items_chart
    return build(ctx.pkg, _query(ctx), ctx.names, ctx.lang)


def _places_of(ctx: ui.Context) -> Mapping[str, sc.Chart]:
    return sc.places_charts(ctx.pkg, _query(ctx), ctx.names, ctx.lang)


def _show(ctx: ui.Context, chart: sc.Chart, twin: str, clickable: bool = False) -> None:
    """A written takeaway, the chart (SVG, so its labels are text; an SVG download from its
    toolbar) and, folded, its table twin (``twin``: the fold's key), built only while the fold
    is open: a data grid costs the browser time on every filter change, even folded."""
    st.markdown(":material/lightbulb: " + ui.md(chart.takeaway))
    if chart.notes:
        st.caption(ui.md(" ".join(chart.notes)))
    if chart.figure is None:
        return
    if clickable:
        ids = chart.ids
        ui.selectable_chart(
            chart.figure,
            BREAKDOWN,
            ids,
            lambda picked: react_to_click(picked, ids),
            height=chart.height,
            alt=chart.takeaway,
        )
    else:
        st.echarts_chart(chart.figure, height=chart.height, renderer="svg", alt=chart.takeaway)
    fold = ui.lazy_expander(ctx.t("sectors_table_twin"), twin, icon=":material/table:")
    if fold.open:
        fold.dataframe(chart.table, width="stretch", hide_index=clickable)


def _breakdown(ctx: ui.Context) -> None:
    st.subheader(ctx.t("sectors_breakdown_title"))
    st.caption(ctx.t("sectors_breakdown_how"))
    measure = st.segmented_control(
        ctx.t("sectors_measure"),
        MEASURES,
        default="events",
        required=True,
        key="sectors_measure",
        format_func=lambda m: ctx.t(f"sectors_measure_{m}"),
        help=ctx.t("sectors_measure_help"),
        persist_state="session",
    )
    if ctx.state.sectors:
        st.button(
            ctx.t("sectors_show_all"),
            on_click=ui.request_filters,
            kwargs={"sector": []},
            icon=":material/filter_alt_off:",
        )
    m = measure if measure in MEASURES else "events"
    _show(ctx, ctx.cached(_breakdown_of, m), "sectors_twin_breakdown", clickable=True)


def _outlets(ctx: ui.Context) -> None:
    st.subheader(ctx.t("sectors_sources_title"))
    st.caption(ctx.t("sectors_sources_how"))
    _show(ctx, ctx.cached(_chart_of, "outlets"), "sectors_twin_outlets")


def _places(ctx: ui.Context) -> None:
    st.subheader(ctx.t("sectors_places_title"))
    st.caption(ctx.t("sectors_places_how"))
    sub = st.toggle(ctx.t("sectors_places_sub"), key="sectors_places_sub", persist_state="session")
    _show(ctx, ctx.cached(_places_of)["sub" if sub else "top"], "sectors_twin_places")


def _items(ctx: ui.Context) -> None:
    st.subheader(ctx.t("sectors_items_title"))
    st.caption(ctx.t("sectors_items_how"))
    items = ctx.cached(_chart_of, "items")
    st.markdown(":material/lightbulb: " + ui.md(items.takeaway))
    if items.notes:
        st.caption(ui.md(" ".join(items.notes)))
    if not items.table.empty:
        col = {k: ctx.t(f"sectors_col_{k}") for k in ("topic", "n_sources")}
        st.dataframe(
            items.table,
            hide_index=True,
            width="stretch",
            height=min(36 * (len(items.table) + 1) + 3, 760),
            column_config={
                col["topic"]: st.column_config.TextColumn(width="large", pinned=True),
                col["n_sources"]: st.column_config.NumberColumn(width="small"),
            },
        )


# Each tab's content, in tab order; only the chosen tab's is built (ui.lazy_tabs): with all
# four sections on one page, every filter change laid out and painted three SVG charts and a
# data grid, measurably slower than one section at a time (docs/performance.md).
TABS: dict[str, Callable[[ui.Context], None]] = {
    "breakdown": _breakdown,
    "outlets": _outlets,
    "places": _places,
    "items": _items,
}
TABSET = ui.TabSet("sectors_tab", tuple(TABS), "sectors_tab_{tab}")  # tab={id} in the URL


def body(ctx: ui.Context) -> None:
    st.caption(ctx.t("sectors_intro"))
    chosen, tab = ui.lazy_tabs(TABSET, ctx.lang)
    with tab:
        TABS[chosen](ctx)


def render() -> None:
    """Draw the page (Streamlit runs this file as the page; tests import ``render``)."""
    ui.run_page(body, "nav_sectors", "sectors", TABSET)


if __name__ == "__main__":
    render()
