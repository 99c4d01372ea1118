"""The Sectors page's charts as ECharts specs: the breakdown (treemap) and the heatmaps.

Node ids of the breakdown are paths of sector ids (``industry/trucks/item:kamaz_trucks``),
so a click on any ring gives back its sector with ``sector_of_node``.
Labels are plain text to ECharts; hover texts are HTML, escaped where they come from data.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.echarts import esc, literal, short
from dashboard.present.i18n import format_number, t
from dashboard.present.labels import plural
from dashboard.views.sectors_counts import (
    STATUS_RANK,
    Measure,
    Names,
    item_status,
    partners,
    sector_order,
)

MAX_ITEMS_PER_SECTOR: Final = 8  # more items in one sector are grouped into "n other items"
TREEMAP_PX: Final = 720
LABEL_CHARS: Final = 38
SEP: Final = "/"
ROOT: Final = "*"  # the frame around all sectors; not a sector id (ids never hold "*")
ROOT_COLOUR: Final = "#F0F2F6"
# Sequential single-hue scale (ColorBrewer Blues): readable by colour-blind readers, and
# every non-empty cell also carries its number.
HEAT_SCALE: Final[tuple[tuple[float, str], ...]] = (
    (0.0, "#F7FBFF"),
    (0.25, "#C6DBEF"),
    (0.5, "#6BAED6"),
    (1.0, "#08306B"),
)


def sector_of_node(node_id: object) -> str | None:
    """The sector a breakdown node stands for: the last sector id in its path."""
    if not isinstance(node_id, str) or not node_id:
        return None
    parts = [
        p
        for p in node_id.split(SEP)
        if p and p != ROOT and ":" not in p and p not in ("events", "other")
    ]
    return parts[-1] if parts else None


# --- the breakdown (treemap) ---------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str
    parent: str
    sector_id: str
    kind: str  # root | sector | subsector | events | item | other
    label: str  # shortened for the segment
    full_label: str
    value: int
    n_events: int
    n_items: int
    colour: str
    hover: str


def hierarchy(
    pkg: Package,
    counted: pd.DataFrame,
    names: Names,
    lang: str,
    measure: Measure = "events",
    max_items: int = MAX_ITEMS_PER_SECTOR,
    top_events: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Nodes of the breakdown: top-level sector -> sub-sector -> events / items.

    ``counted`` is ``units(...)``. A parent's value is the sum of its children's (the
    treemap draws the values as given). Events tagged at a top-level sector sit directly under it.
    ``top_events`` (``events_per_top``) gives the distinct events of a top-level sector for
    its hover text (its segment counts an event once per sub-sector it touches).
    Columns: the fields of ``Node``; rows in sector order.
    """
    tops = palette.top_sector(pkg)
    colours = palette.sector_colours(pkg)
    order = sector_order(pkg)
    status = item_status(pkg)
    shown = (
        counted[counted["leaf"] == "item"]
        .sort_values(["sector_id", "weight", "item_id"], ascending=[True, False, True])
        .groupby("sector_id")
        .head(max_items)
    )
    sides = partners(pkg, shown["item_id"], names)
    total = int(counted["weight"].sum())
    unit = "sectors_unit_" + measure
    nodes: list[Node] = []

    def add(
        nid: str,
        parent: str,
        sector: str,
        kind: str,
        label: str,
        rows: pd.DataFrame | Mapping[str, Any],
        extra: str = "",
    ) -> None:
        if isinstance(rows, pd.DataFrame):
            value = int(rows["weight"].sum())
            ne, ni = int(rows["n_events"].sum()), int(rows["n_items"].sum())
        else:  # one unit
            value, ne, ni = int(rows["weight"]), int(rows["n_events"]), int(rows["n_items"])
        if kind == "sector" and top_events is not None:
            ne = int(top_events.get(sector, ne))
        lines = [f"<b>{esc(label)}</b>"]
        if kind == "events":
            lines.append(plural("sectors_events", ne, lang))
        if kind != "events" or measure == "mentions":
            lines.append(plural(unit, value, lang))
        if kind in ("sector", "subsector"):
            lines.append(
                t(
                    "sectors_hover_counts",
                    lang,
                    events=plural("sectors_events", ne, lang),
                    items=plural("sectors_items", ni, lang),
                )
            )
        if extra:
            lines.append(extra)
        if total:
            lines.append(
                t("sectors_hover_share", lang, pct=format_number(100 * value / total, lang))
            )
        colour = colours.get(tops.get(sector, sector), palette.NEUTRAL) if sector else ROOT_COLOUR
        nodes.append(
            Node(
                nid,
                parent,
                sector,
                kind,
                short(label, LABEL_CHARS),
                label,
                value,
                ne,
                ni,
                colour,
                "<br>".join(lines),
            )
        )

    if counted.empty:
        return pd.DataFrame([], columns=list(Node.__dataclass_fields__))
    add(ROOT, "", "", "root", t("sectors_root", lang), counted)
    u = counted.assign(top=counted["sector_id"].map(tops).fillna(counted["sector_id"]))
    for top in sorted(u["top"].unique(), key=lambda s: (order.get(s, 1 << 30), s)):
        in_top = u[u["top"] == top]
        add(top, ROOT, top, "sector", names["sector"].get(top, top), in_top)
        for sector in sorted(
            in_top["sector_id"].unique(), key=lambda s: (order.get(s, 1 << 30), s)
        ):
            rows = in_top[in_top["sector_id"] == sector]
            base = top
            if sector != top:
                base = f"{top}{SEP}{sector}"
                add(base, top, sector, "subsector", names["sector"].get(sector, sector), rows)
            events = rows[rows["leaf"] == "events"]
            if not events.empty:
                add(
                    f"{base}{SEP}events",
                    base,
                    sector,
                    "events",
                    t("sectors_leaf_events", lang),
                    events,
                )
            items = rows[rows["leaf"] == "item"].sort_values(
                ["weight", "item_id"], ascending=[False, True]
            )
            for rec in items.head(max_items).to_dict("records"):
                iid = str(rec["item_id"])
                extra = _item_lines(str(status.get(iid, "")), sides.get(iid, {}), lang)
                add(
                    f"{base}{SEP}item:{iid}",
                    base,
                    sector,
                    "item",
                    names["item"].get(iid, iid),
                    rec,
                    extra,
                )
            rest = items.iloc[max_items:]
            if not rest.empty:
                add(
                    f"{base}{SEP}other",
                    base,
                    sector,
                    "other",
                    plural("sectors_leaf_other", len(rest), lang),
                    rest,
                )
    return pd.DataFrame([vars(n) for n in nodes], columns=list(Node.__dataclass_fields__))


def tint(colour: str, kind: str) -> str:
    """The sector's colour, lighter for each ring down (same hue, so the sector stays
    recognisable; the nesting is also drawn by the boxes and their header labels)."""
    alpha = {"root": 1.0, "sector": 1.0, "subsector": 0.8}.get(kind, 0.6)
    r, g, b = palette.hex_to_rgb(colour)
    mix = [round(c * alpha + 255 * (1 - alpha)) for c in (r, g, b)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def _item_lines(status: str, side: Mapping[str, str], lang: str) -> str:
    """An item's hover lines: its status, then its partners on each side."""
    lines = []
    if status in STATUS_RANK:
        lines.append(t("sectors_status_line", lang, status=t(f"sectors_status_{status}", lang)))
    for s in ("mali", "russia"):
        if s in side:
            lines.append(
                t("sectors_side_line", lang, side=t(f"sectors_side_{s}", lang), names=esc(side[s]))
            )
    return "<br>".join(lines)


def _linear(c: int) -> float:
    x = c / 255
    return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG relative luminance)."""
    r, g, b = (_linear(c) for c in palette.hex_to_rgb(colour)[:3])
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#FFFFFF"


def tree_ids(chart: Mapping[str, Any]) -> list[str | None]:
    """The node ids of a treemap spec in ECharts' data-index order: the tree walked depth
    first, after the series' own (unnamed) root, which takes index 0."""
    order: list[str | None] = [None]

    def walk(items: Sequence[Mapping[str, Any]]) -> None:
        for item in items:
            order.append(str(item.get("id", "")))
            walk(item.get("children") or [])

    for series in chart.get("series") or []:
        walk(series.get("data") or [])
    return order


def treemap(nodes: pd.DataFrame, lang: str, measure: Measure = "events") -> dict[str, Any]:
    """The breakdown as an ECharts treemap: nested boxes in the sector colours, each labelled
    with its name and count (the sector names head their boxes). Labels are plain text to
    ECharts; the hover text is HTML, escaped where it comes from the data (``hierarchy``)."""
    by_parent: dict[str, list[dict[str, Any]]] = {}
    items: dict[str, dict[str, Any]] = {}
    for rec in nodes.to_dict("records"):
        nid, colour = str(rec["id"]), tint(str(rec["colour"]), str(rec["kind"]))
        name, count = literal(str(rec["label"])), literal(format_number(int(rec["value"]), lang))
        item: dict[str, Any] = {
            "id": nid,
            "name": str(rec["label"]),
            "value": int(rec["value"]),
            "itemStyle": {"color": colour},
            "label": {"color": text_on(colour), "formatter": f"{name}\n{count}"},
            "upperLabel": {"color": text_on(colour), "formatter": f"{name} · {count}"},
            "tooltip": {"formatter": str(rec["hover"])},
        }
        items[nid] = item
        by_parent.setdefault(str(rec["parent"]), []).append(item)
    for nid, item in items.items():
        if nid in by_parent:
            item["children"] = by_parent[nid]
            # ECharts paints a parent's header and the gaps between its children in its
            # border colour: the sector's colour, as the box around its parts.
            colour = item["itemStyle"]["color"]
            item["itemStyle"] = {"color": colour, "borderColor": colour, "borderWidth": 3}
    roots = [item for nid, item in items.items() if nid == ROOT] or by_parent.get("", [])
    series = {
        "type": "treemap",
        "data": roots,
        "nodeClick": False,  # a click selects (and filters); it does not zoom
        "selectedMode": "single",
        "roam": False,
        "sort": False,  # sector order, as everywhere else
        "breadcrumb": {"show": False},
        "leafDepth": None,
        "visibleMin": 0,
        "childrenVisibleMin": 0,
        "top": 44,
        "left": 4,
        "right": 4,
        "bottom": 4,
        "label": {"show": True, "overflow": "truncate", "lineHeight": 16},
        "levels": [{"upperLabel": {"show": False}}],  # the series' own root: no header
        "upperLabel": {"show": True, "height": 22},
        "itemStyle": {"borderColor": "#FFFFFF", "borderWidth": 1, "gapWidth": 1},
        "select": {"itemStyle": {"borderColor": "#000000", "borderWidth": 3}},
    }
    return {
        "title": {"text": t("sectors_breakdown_chart_" + measure, lang), "left": 0},
        "animation": False,  # drawn at once: no motion, and less work on every filter change
        "tooltip": {"confine": True},
        "series": [series],
    }


def hierarchy_table(nodes: pd.DataFrame, names: Names, lang: str, measure: Measure) -> pd.DataFrame:
    """The breakdown's text twin: one row per leaf, with its sector and sub-sector."""
    rows = []
    for rec in nodes[nodes["kind"].isin(["events", "item", "other"])].to_dict("records"):
        parts = str(rec["id"]).split(SEP)
        top = parts[0]
        sub = parts[1] if len(parts) == 3 else ""
        rows.append(
            {
                t("sectors_col_sector", lang): names["sector"].get(top, top),
                t("sectors_col_subsector", lang): names["sector"].get(sub, sub) if sub else "—",
                t("sectors_col_what", lang): (
                    plural("sectors_events", int(rec["n_events"]), lang)
                    if rec["kind"] == "events"
                    else str(rec["full_label"])
                ),
                t("sectors_col_" + measure, lang): int(rec["value"]),
            }
        )
    return pd.DataFrame(rows)


# --- heatmaps --------------------------------------------------------------------------------


def _wrap(text: str, width: int = 14) -> str:
    """Break a label into lines of about ``width`` characters."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines)


def heat_colour(value: int, top: int) -> str:
    """The cell colour of ``value`` on ``HEAT_SCALE`` (0 .. ``top``), interpolated in RGB."""
    x = min(max(value / top, 0.0), 1.0) if top > 0 else 0.0
    for (x0, c0), (x1, c1) in itertools.pairwise(HEAT_SCALE):
        if x <= x1:
            f = (x - x0) / (x1 - x0)
            a, b = palette.hex_to_rgb(c0)[:3], palette.hex_to_rgb(c1)[:3]
            mix = (round(p + (q - p) * f) for p, q in zip(a, b, strict=True))
            return "#{:02X}{:02X}{:02X}".format(*mix)
    return HEAT_SCALE[-1][1]


def heatmap(
    matrix: pd.DataFrame,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    title: str,
    lang: str,
    unit: str = "sectors_events",
    groups: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A count matrix as an ECharts heatmap, its numbers written in the cells (empty cells
    left blank); the first row on top.

    ``unit`` is the plural label key for the hover text ("3 events", "3 mentions");
    ``groups`` (one per row, e.g. the city) draws a rule between consecutive groups.
    Axis labels and titles are plain text to ECharts; the hover text is HTML, escaped here.
    """
    values = matrix.to_numpy().astype(int) if not matrix.empty else np.zeros((0, 0), int)
    top = int(values.max()) if values.size else 0
    cells = []
    for yi, xi in zip(*np.nonzero(values), strict=True):
        v = int(values[yi, xi])
        colour = heat_colour(v, top)
        hover = t(
            "sectors_heat_hover",
            lang,
            y=esc(y_labels[yi]),
            x=esc(x_labels[xi]),
            n=plural(unit, v, lang),
        )
        cells.append(
            {
                "value": [int(xi), int(yi), v],
                "itemStyle": {"color": colour},
                "label": {"color": text_on(colour), "formatter": format_number(v, lang)},
                "tooltip": {"formatter": hover},
            }
        )
    # Group separators between consecutive groups: half-way between two rows.
    groups = groups or []
    rules = [
        [{"coord": [0, i - 0.5]}, {"coord": [1, i - 0.5]}]
        for i in range(1, len(groups))
        if groups[i] != groups[i - 1]
    ]
    series: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "data": cells,
            "label": {"show": True},
            "itemStyle": {"borderColor": "#FFFFFF", "borderWidth": 2},
        }
    ]
    x_axes: list[dict[str, Any]] = [
        {
            "type": "category",
            "position": "top",
            "data": [literal(_wrap(x)) for x in x_labels],
            "axisLabel": {"interval": 0, "lineHeight": 14},
            "splitArea": {"show": False},
        }
    ]
    y_axes: list[dict[str, Any]] = [
        {
            "type": "category",
            "inverse": True,
            "data": [literal(short(y, 48)) for y in y_labels],
            "axisLabel": {"interval": 0},
        }
    ]
    if rules:
        # A category axis puts a mark at a row's middle; the rules sit between rows, so they
        # are drawn on hidden value axes laid over the grid (row i at i, its edges at
        # i +- 0.5; the width from 0 to 1).
        x_axes.append({"type": "value", "min": 0, "max": 1, "show": False})
        y_axes.append(
            {
                "type": "value",
                "inverse": True,
                "min": -0.5,
                "max": len(y_labels) - 0.5,
                "show": False,
            }
        )
        series.append(
            {
                "type": "line",
                "xAxisIndex": 1,
                "yAxisIndex": 1,
                "data": [],
                "silent": True,
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "label": {"show": False},
                    "lineStyle": {"color": "#555555", "width": 1.5, "type": "solid"},
                    "data": rules,
                },
            }
        )
    return {
        "title": {"text": title, "left": 0},
        "animation": False,
        "tooltip": {"confine": True},
        "grid": {"left": 10, "right": 10, "top": 40, "bottom": 10, "containLabel": True},
        "xAxis": x_axes,
        "yAxis": y_axes,
        "series": series,
    }


def heat_height(n_rows: int) -> int:
    """The pixel height of a heatmap of ``n_rows`` rows (titles and axis labels included)."""
    return max(260, 120 + 34 * n_rows)
