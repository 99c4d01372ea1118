"""What the Sectors page draws, section by section (no streamlit): start here.

Each tab of the page is one section, built by one function from one view of the data
(``Query``): ``breakdown_chart`` (the treemap of sectors, sub-sectors, events and items),
``outlets_chart`` (mentions per outlet and sector), ``places_charts`` (events per place and
sector) and ``items_chart`` (the cooperation items table); ``clicked_sector`` reads a click
on the treemap. The page builds only the chosen tab's section.

The parts, one module each:
- ``sectors_counts``: what is counted (the counting rules are in its docstring);
- ``sectors_charts``: the ECharts specs (treemap, heatmaps) and the breakdown's node ids;
- ``sectors_tables``: the outlet and place matrices, the items table, the takeaways.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core.package import Package
from dashboard.present.echarts import picked
from dashboard.present.i18n import format_number, t
from dashboard.present.labels import plural
from dashboard.views import sectors_counts as counts
from dashboard.views import sectors_tables as tables
from dashboard.views.sectors_charts import (
    TREEMAP_PX,
    heat_height,
    heatmap,
    hierarchy,
    hierarchy_table,
    sector_of_node,
    tree_ids,
    treemap,
)
from dashboard.views.sectors_counts import LEVELS, Measure, Names


@dataclass(frozen=True)
class Chart:
    """An ECharts spec (None when there is nothing to draw) and its height in pixels, its
    table twin and its takeaway; for the treemap, what a clicked data index stands for."""

    figure: dict[str, Any] | None
    table: pd.DataFrame
    takeaway: str
    notes: tuple[str, ...] = ()
    height: int = TREEMAP_PX
    ids: tuple[str | None, ...] = ()  # a treemap's node ids by data index (``tree_ids``)


@dataclass(frozen=True)
class Views:
    breakdown: Chart
    outlets: Chart
    places: Mapping[str, Chart]  # by level: "top", "sub"
    items: Chart


@dataclass(frozen=True)
class Query:
    """One view of the data for the page's sections: the events and items shown, the sector
    filter with sub-sectors (``only``: tags outside it are left out) and the sources of the
    selected kinds (``source_ids``: other sources' mentions left out)."""

    event_ids: Collection[str]
    item_ids: Collection[str]
    only: Collection[str] | None = None
    source_ids: Collection[str] | None = None


def clicked_sector(selection: Mapping[str, Any] | None, ids: Sequence[str | None]) -> str | None:
    """The sector of the first clicked box in a ``st.echarts_chart`` selection of the
    treemap whose node ids (``tree_ids``) are ``ids``; None for junk or an empty click."""
    for _, index in picked(selection):
        if index < len(ids):
            sector = sector_of_node(ids[index])
            if sector:
                return sector
    return None


def _twin(m: tables.Matrix, index_name: str) -> pd.DataFrame:
    return pd.DataFrame(
        m.counts.to_numpy(), index=pd.Index(m.row_labels, name=index_name), columns=m.col_labels
    )


def breakdown_chart(
    pkg: Package, q: Query, names: Names, lang: str, measure: Measure = "events"
) -> Chart:
    """The treemap of sectors, sub-sectors, events and items, its table and takeaway."""
    view_tags = counts.tags(pkg, q.event_ids, q.only)  # once, for every count below
    per_top = counts.events_per_top(pkg, view_tags)
    nodes = hierarchy(
        pkg,
        counts.units(pkg, view_tags, q.item_ids, measure, q.only, q.source_ids),
        names,
        lang,
        measure,
        top_events={str(k): int(n) for k, n in per_top.items()},
    )
    tree = treemap(nodes, lang, measure) if not nodes.empty else None
    return Chart(
        tree,
        hierarchy_table(nodes, names, lang, measure),
        tables.breakdown_takeaway(pkg, view_tags, per_top, len(q.event_ids), names, lang),
        ids=tuple(tree_ids(tree)) if tree else (),
    )


def outlets_chart(pkg: Package, q: Query, names: Names, lang: str) -> Chart:
    """Mentions per outlet and top-level sector."""
    found = counts.source_sector_counts(pkg, q.event_ids, q.item_ids, q.only, q.source_ids)
    om = tables.source_matrix(found, pkg, names)
    return Chart(
        heatmap(
            om.counts,
            om.col_labels,
            om.row_labels,
            t("sectors_sources_chart", lang),
            lang,
            "sectors_unit_mentions",
        )
        if om.row_labels
        else None,
        _twin(om, t("sectors_col_outlet", lang)),
        tables.sources_takeaway(om, lang),
        (plural("sectors_capped_sources", om.left_out, lang),) if om.left_out else (),
        heat_height(len(om.row_labels)),
    )


def places_charts(pkg: Package, q: Query, names: Names, lang: str) -> dict[str, Chart]:
    """Events per place and sector, by level of sector ("top", "sub")."""
    view_tags = counts.tags(pkg, q.event_ids, q.only)  # once, for both levels
    places: dict[str, Chart] = {}
    n_unplaced = counts.unplaced(pkg, q.event_ids)
    text = ""
    for level in LEVELS:  # "top" first: its takeaway serves both levels
        links = counts.place_links(pkg, view_tags, level)
        pm, rows = tables.place_matrix(links, pkg, names, lang)
        if level == "top":
            text = tables.places_takeaway(links, rows, pkg, names, lang)
        notes = [plural("sectors_places_unplaced", n_unplaced, lang)] if n_unplaced else []
        if pm.left_out:
            notes.append(plural("sectors_capped_places", pm.left_out, lang))
        fig = heatmap(
            pm.counts,
            pm.col_labels,
            pm.row_labels,
            t("sectors_places_chart", lang),
            lang,
            groups=[r.group for r in rows],
        )
        places[level] = Chart(
            fig if rows else None,
            _twin(pm, t("sectors_col_place", lang)),
            text,
            tuple(notes),
            heat_height(len(pm.row_labels)),
        )
    return places


def items_chart(pkg: Package, q: Query, names: Names, lang: str) -> Chart:
    """The cooperation items table (no chart) and its takeaway."""
    it = q.item_ids
    table = tables.items_table(pkg, it, names, lang)
    capped = (
        (
            t(
                "sectors_items_capped",
                lang,
                shown=format_number(len(table), lang),
                total=format_number(len(it), lang),
            ),
        )
        if len(table) < len(it)
        else ()
    )
    return Chart(None, table, tables.items_takeaway(pkg, it, lang), capped)


def build(
    pkg: Package,
    event_ids: Collection[str],
    item_ids: Collection[str],
    names: Names,
    lang: str,
    measure: Measure = "events",
    only: Collection[str] | None = None,
    source_ids: Collection[str] | None = None,
) -> Views:
    """Every section of the page for one view of the data (the page builds only the chosen
    tab's section; this is all of them at once)."""
    q = Query(event_ids, item_ids, only, source_ids)
    return Views(
        breakdown_chart(pkg, q, names, lang, measure),
        outlets_chart(pkg, q, names, lang),
        places_charts(pkg, q, names, lang),
        items_chart(pkg, q, names, lang),
    )
