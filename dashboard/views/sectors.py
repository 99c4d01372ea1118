"""Sector breakdowns for the Sectors page: frames and options in, frames and figures out.

Pure functions, no streamlit. Counting rules, one line each so a reader sees them at once:
- an event counts once in each sector it is tagged with, so sector totals can exceed the
  number of events; a tag at a top-level sector counts there, not in a sub-sector;
- a cooperation item counts once, in its own sector;
- a mention is one evidence row (one source citing one event or item); a mention of an event
  counts in each of the event's sectors (once per top-level sector in the outlet matrix);
- ``only`` (the sector filter, sub-sectors included) leaves out tags outside it;
- ``source_ids`` (the source-kind filter) leaves out mentions by other sources.

Node ids of the breakdown are paths of sector ids (``industry/trucks/item:kamaz_trucks``),
so a click on any ring gives back its sector with ``sector_of_node``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar, cast

import numpy as np
import pandas as pd

from dashboard.core import model
from dashboard.core.filters import codes, event_rows, isin_few, of_events
from dashboard.core.ids import isin, rows_where
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.echarts import esc, literal, picked
from dashboard.present.i18n import format_number, t

Measure = Literal["events", "mentions"]
Level = Literal["top", "sub"]
Names = Mapping[str, Mapping[str, str]]

MEASURES: Final[tuple[Measure, ...]] = ("events", "mentions")
LEVELS: Final[tuple[Level, ...]] = ("top", "sub")
MAX_ITEMS_PER_SECTOR: Final = 8  # more items in one sector are grouped into "n other items"
MAX_SOURCES: Final = 25  # outlets shown in the outlet matrix, most mentions first
MAX_PLACES: Final = 30  # places shown in the place matrix, most events first
MAX_TABLE_ROWS: Final = 2000  # rows of the items table
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
STATUS_RANK: Final = {s: i for i, s in enumerate(model.ITEM_STATUSES)}


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(key: str, n: int, lang: str, **kw: object) -> str:
    """``{key}_one`` for one (zero and one in French), ``{key}_other`` otherwise."""
    one = n == 1 or (lang == "fr" and n == 0)
    return t(f"{key}_{'one' if one else 'other'}", lang, n=format_number(n, lang), **kw)


def _join(parts: Sequence[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + t("sectors_and", lang) + parts[-1]


def _order(pkg: Package) -> dict[str, int]:
    s = pkg["sectors"]
    return {str(k): int(v) for k, v in zip(s["sector_id"], s["sort_order"], strict=True)}


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


def clicked_sector(selection: Mapping[str, Any] | None, ids: Sequence[str | None]) -> str | None:
    """The sector of the first clicked box in a ``st.echarts_chart`` selection of the
    treemap whose node ids (``tree_ids``) are ``ids``; None for junk or an empty click."""
    for _, index in picked(selection):
        if index < len(ids):
            sector = sector_of_node(ids[index])
            if sector:
                return sector
    return None


# --- what is counted -----------------------------------------------------------------------


def _in(column: pd.Series, ids: Collection[str]) -> pd.Series:
    """``column.isin(ids)``, with Arrow's hash lookup (fast for a million ids)."""
    return isin(column, ids)


def _tagged(pkg: Package) -> pd.DataFrame:
    """Every sector tag with its event's top-level sector, place and start: joined once per
    package, so a view filters rows instead of merging a million events again.
    Columns: event_id, sector_id, top, place_id (missing for an event with no place), start."""
    return pkg.memo.get(_join_tags, inputs=(pkg,))


def _join_tags(pkg: Package) -> pd.DataFrame:
    tags = pkg["event_sectors"][["event_id", "sector_id"]]
    events = pkg["events"][["event_id", "place_id", "start"]]
    out = tags.merge(events, on="event_id", how="left")
    out.insert(2, "top", out["sector_id"].map(palette.top_sector(pkg)).astype(str))
    return out


# Per kind of result, the last (package, event ids, only) and the result: ``build`` asks
# for the same tags seven times and for the events per top-level sector twice.
T = TypeVar("T")
_LAST: dict[str, tuple[Package, Collection[str], Collection[str] | None, Any]] = {}


def _per_view(
    kind: str,
    pkg: Package,
    event_ids: Collection[str],
    only: Collection[str] | None,
    make: Callable[[], T],
) -> T:
    """``make()``, or its result for the same package, event ids (the same object) and
    ``only`` as the last call of this ``kind``. Never mutate what this returns."""
    known = _LAST.get(kind)
    if known is not None and known[0] is pkg and known[1] is event_ids and known[2] == only:
        return cast(T, known[3])
    value = make()
    _LAST[kind] = (pkg, event_ids, only, value)
    return value


def _tags(pkg: Package, event_ids: Collection[str], only: Collection[str] | None) -> pd.DataFrame:
    """The tags of these events (within ``only``), with the columns of ``_tagged``."""

    def select() -> pd.DataFrame:
        links = _tagged(pkg)
        keep = of_events(pkg, links, "event_id", "sectors.tagged", event_ids)
        if only is not None:
            keep = keep & isin_few(pkg, links, "sector_id", "sectors.tagged", only)
        return rows_where(links, keep)

    return _per_view("tags", pkg, event_ids, only, select)


def _items(pkg: Package, item_ids: Collection[str], only: Collection[str] | None) -> pd.DataFrame:
    items = pkg["cooperation"]
    items = items[_in(items["item_id"], item_ids)]
    if only is not None:
        items = items[_in(items["sector_id"], only)]
    return items


def _evidence(
    pkg: Package, subject_type: str, ids: Collection[str], source_ids: Collection[str] | None
) -> pd.DataFrame:
    ev = _evidence_about(pkg, subject_type)
    if subject_type == "event":
        keep = of_events(pkg, ev, "subject_id", EVIDENCE_KEY, ids)
    else:
        keep = _in(ev["subject_id"], ids).to_numpy(dtype=bool)
    if source_ids is not None:
        keep = keep & _in(ev["source_id"], source_ids).to_numpy(dtype=bool)
    return ev[keep]


EVIDENCE_KEY: Final = "sectors.evidence.event"  # names _evidence_about(pkg, "event")


def _evidence_about(pkg: Package, subject_type: str) -> pd.DataFrame:
    """source_id, subject_id of the evidence rows about events (or items): split once per
    package, so a view looks through its own kind of rows only."""
    return pkg.memo.get(_split_evidence, subject_type, inputs=(pkg,))


def _split_evidence(pkg: Package, subject_type: str) -> pd.DataFrame:
    ev = pkg["evidence"]
    rows = (ev["subject_type"] == subject_type).to_numpy(dtype=bool)
    return ev.loc[rows, ["source_id", "subject_id"]].reset_index(drop=True)


def units(
    pkg: Package,
    event_ids: Collection[str],
    item_ids: Collection[str],
    measure: Measure = "events",
    only: Collection[str] | None = None,
    source_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """What the breakdown counts, per sector: one row for the events tagged with a sector and
    one per cooperation item. Columns: sector_id, leaf ('events' or 'item'), item_id ('' for
    events), weight (events/items, or their mentions), n_events, n_items. Zero weights are
    dropped."""
    tags = _tags(pkg, event_ids, only)
    items = _items(pkg, item_ids, only)
    if measure == "mentions":
        ev_m = _evidence(pkg, "event", tags["event_id"].unique(), source_ids)
        per_event = ev_m.groupby("subject_id").size()
        tag_w = tags["event_id"].map(per_event).fillna(0).astype(int)
        it_m = _evidence(pkg, "item", items["item_id"], source_ids)
        item_w = items["item_id"].map(it_m.groupby("subject_id").size()).fillna(0).astype(int)
    else:
        tag_w = pd.Series(1, index=tags.index)
        item_w = pd.Series(1, index=items.index)
    # Per sector: weights added up and distinct events counted on integer codes (the
    # group-by on the ids took 50 ms at a million events).
    tagged = _tagged(pkg)
    at = tags.index.to_numpy()  # rows of _tagged
    rows = event_rows(pkg, tagged, "event_id", "sectors.tagged")[at]
    sector_codes, sector_ids = codes(pkg, tagged, "sector_id", "sectors.tagged")
    code = sector_codes[at]
    n_ev = max(len(pkg["events"]), 1)
    pairs = pd.unique(code[rows >= 0].astype(np.int64) * n_ev + rows[rows >= 0])
    per = pd.DataFrame(
        {
            "sector_id": sector_ids,
            "weight": np.bincount(code, weights=tag_w.to_numpy(), minlength=len(sector_ids)),
            "n_events": np.bincount(pairs // n_ev, minlength=len(sector_ids)),
            "n_tags": np.bincount(code, minlength=len(sector_ids)),
        }
    )
    ev_units = (
        per[per["n_tags"] > 0]
        .sort_values("sector_id")
        .astype({"sector_id": str, "weight": "int64", "n_events": "int64"})
        .assign(leaf="events", item_id="", n_items=0)
    )
    it_units = pd.DataFrame(
        {
            "sector_id": items["sector_id"].astype(str).to_numpy(),
            "leaf": "item",
            "item_id": items["item_id"].astype(str).to_numpy(),
            "weight": item_w.to_numpy(),
            "n_events": 0,
            "n_items": 1,
        }
    )
    cols = ["sector_id", "leaf", "item_id", "weight", "n_events", "n_items"]
    out = pd.concat([ev_units[cols], it_units[cols]], ignore_index=True)
    out["sector_id"] = out["sector_id"].astype(str)
    out["weight"] = out["weight"].astype(int)
    return out[out["weight"] > 0].reset_index(drop=True)


def partners(pkg: Package, item_ids: Collection[str], names: Names) -> dict[str, dict[str, str]]:
    """item_id -> {'mali': 'A, B', 'russia': 'C'}: partner names on each side."""
    ip = pkg["item_partners"]
    ip = ip[_in(ip["item_id"], item_ids)]
    found: dict[str, dict[str, list[str]]] = {}
    for item, org, side in zip(
        ip["item_id"].astype(str), ip["org_id"].astype(str), ip["side"].astype(str), strict=True
    ):
        found.setdefault(item, {}).setdefault(side, []).append(names["org"].get(org, org))
    return {
        item: {side: ", ".join(sorted(orgs)) for side, orgs in sorted(sides.items())}
        for item, sides in found.items()
    }


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


def _item_status(pkg: Package) -> dict[str, str]:
    """item_id -> status, once per package (a Series indexed anew per view built its hash
    table on the first lookup: 50 ms at 100 000 items)."""
    coop = pkg["cooperation"]
    return pkg.memo.get(_status_by_item, inputs=(coop,))


def _status_by_item(coop: pd.DataFrame) -> dict[str, str]:
    return dict(zip(coop["item_id"].astype(str), coop["status"].astype(str), strict=True))


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
    order = _order(pkg)
    status = _item_status(pkg)
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
                short(label),
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


def _tint(colour: str, kind: str) -> str:
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


def _text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG relative luminance)."""

    def linear(c: int) -> float:
        x = c / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in palette.hex_to_rgb(colour)[:3])
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
        nid, colour = str(rec["id"]), _tint(str(rec["colour"]), str(rec["kind"]))
        name, count = literal(str(rec["label"])), literal(format_number(int(rec["value"]), lang))
        item: dict[str, Any] = {
            "id": nid,
            "name": str(rec["label"]),
            "value": int(rec["value"]),
            "itemStyle": {"color": colour},
            "label": {"color": _text_on(colour), "formatter": f"{name}\n{count}"},
            "upperLabel": {"color": _text_on(colour), "formatter": f"{name} · {count}"},
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


def _tag_tops(
    pkg: Package, event_ids: Collection[str], only: Collection[str] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each tag of these events (``_tags``): the code of its top-level sector and its
    event's row in ``pkg["events"]``; and the top-level sector ids the codes stand for."""
    tagged = _tagged(pkg)
    at = _tags(pkg, event_ids, only).index.to_numpy()  # rows of _tagged
    top_codes, top_ids = codes(pkg, tagged, "top", "sectors.tagged")
    rows = event_rows(pkg, tagged, "event_id", "sectors.tagged")[at]
    found = rows >= 0
    return top_codes[at][found], rows[found], top_ids


def events_per_top(
    pkg: Package, event_ids: Collection[str], only: Collection[str] | None = None
) -> pd.Series:
    """Distinct events per top-level sector, most first (ties in sector order)."""

    def count() -> pd.Series:
        order = _order(pkg)
        top, rows, top_ids = _tag_tops(pkg, event_ids, only)
        # Distinct (top, event) pairs, on integer codes (event rows, top-level sectors).
        per = _distinct_events(top, rows, len(top_ids))
        counts = {str(top_ids[k]): int(per[k]) for k in np.flatnonzero(per)}
        keys = sorted(counts, key=lambda s: (-counts[s], order.get(s, 1 << 30)))
        return pd.Series(
            [counts[k] for k in keys], index=pd.Index(keys, name="top"), name="event_id", dtype=int
        )

    return _per_view("events_per_top", pkg, event_ids, only, count)


def breakdown_takeaway(
    pkg: Package,
    event_ids: Collection[str],
    names: Names,
    lang: str,
    only: Collection[str] | None = None,
) -> str:
    """ "Industry and Diplomacy account for N of the M events shown" — follows the filters."""
    per = events_per_top(pkg, event_ids, only)
    m = len(event_ids)
    if per.empty:
        return t("sectors_takeaway_none", lang, m=format_number(m, lang))
    lead = [str(s) for s in per.index[:2]]
    top, rows, top_ids = _tag_tops(pkg, event_ids, only)
    in_lead = np.isin(top, [k for k, s in enumerate(top_ids) if s in lead])
    hit = len(pd.unique(rows[in_lead]))  # distinct events in either sector
    sectors = _join([t("sectors_quoted", lang, s=names["sector"].get(s, s)) for s in lead], lang)
    key = "sectors_takeaway_two" if len(lead) == 2 else "sectors_takeaway_one"
    return t(
        key, lang, sectors=sectors, n=format_number(hit, lang), m=plural("sectors_events", m, lang)
    )


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
                "label": {"color": _text_on(colour), "formatter": format_number(v, lang)},
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


def source_sector_counts(
    pkg: Package,
    event_ids: Collection[str],
    item_ids: Collection[str],
    only: Collection[str] | None = None,
    source_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """Mentions per source and top-level sector. Columns: source_id, sector_id, n.

    An evidence row about an event counts once for each distinct top-level sector of the
    event; one about an item, once for the item's top-level sector.
    """
    # Events: counted on integer codes (event rows, sources, top-level sectors). At a
    # million events, the joins and group-bys on their ids took about 200 ms a view.
    tagged = _tagged(pkg)
    tags = _tags(pkg, event_ids, only)
    at = tags.index.to_numpy()  # rows of _tagged
    tag_rows = event_rows(pkg, tagged, "event_id", "sectors.tagged")[at]
    top_codes, top_ids = codes(pkg, tagged, "top", "sectors.tagged")
    has_top = np.zeros((len(pkg["events"]), len(top_ids)), dtype=bool)  # event x top sector
    placed = tag_rows >= 0
    has_top[tag_rows[placed], top_codes[at][placed]] = True
    about = _evidence_about(pkg, "event")
    keep = of_events(pkg, about, "subject_id", EVIDENCE_KEY, event_ids)
    if source_ids is not None:
        keep = keep & _in(about["source_id"], source_ids).to_numpy(dtype=bool)
    cited = event_rows(pkg, about, "subject_id", EVIDENCE_KEY)[keep]
    src_codes, src_ids = codes(pkg, about, "source_id", EVIDENCE_KEY)
    src = src_codes[keep][cited >= 0]
    tops_of_cited = has_top[cited[cited >= 0]]
    per_source = np.zeros((len(src_ids), len(top_ids)), dtype=np.int64)
    for k in range(len(top_ids)):
        per_source[:, k] = np.bincount(src[tops_of_cited[:, k]], minlength=len(src_ids))
    s_at, k_at = np.nonzero(per_source)
    ev_counts = pd.DataFrame(
        {"source_id": src_ids[s_at], "sector_id": top_ids[k_at], "n": per_source[s_at, k_at]}
    )
    # Items: a few per view, joined by id.
    items = _items(pkg, item_ids, only)
    tops = palette.top_sector(pkg)
    it_top = pd.DataFrame({"item_id": items["item_id"], "sector_id": items["sector_id"].map(tops)})
    it_rows = _evidence(pkg, "item", it_top["item_id"], source_ids).merge(
        it_top, left_on="subject_id", right_on="item_id"
    )
    it_counts = (
        it_rows[["source_id", "sector_id"]]
        .astype(str)
        .groupby(["source_id", "sector_id"])
        .size()
        .rename("n")
        .reset_index()
    )
    both = pd.concat([ev_counts, it_counts], ignore_index=True)
    both = both.astype({"source_id": str, "sector_id": str, "n": "int64"})
    return both.groupby(["source_id", "sector_id"])["n"].sum().reset_index()


@dataclass(frozen=True)
class Matrix:
    """A count matrix ready to draw: rows and columns by id, with display labels."""

    counts: pd.DataFrame  # index: row keys, columns: sector ids
    row_labels: list[str]
    col_labels: list[str]
    left_out: int = 0  # rows beyond the cap


def source_matrix(
    counts: pd.DataFrame, pkg: Package, names: Names, max_rows: int = MAX_SOURCES
) -> Matrix:
    """Outlets (sources sharing an outlet name are added up) x top-level sectors, the outlet
    with most mentions first."""
    order = _order(pkg)
    if counts.empty:
        return Matrix(pd.DataFrame(), [], [])
    c = counts.assign(outlet=counts["source_id"].map(lambda s: names["source"].get(s, s)))
    m = c.pivot_table(index="outlet", columns="sector_id", values="n", aggfunc="sum", fill_value=0)
    m = m[sorted(m.columns, key=lambda s: (order.get(str(s), 1 << 30), str(s)))]
    totals = m.sum(axis=1)
    rows = sorted(m.index, key=lambda o: (-int(totals[o]), str(o)))
    m = m.loc[rows].astype(int)
    kept = m.iloc[:max_rows]
    return Matrix(
        kept,
        [f"{o} ({int(totals[o])})" for o in kept.index],
        [names["sector"].get(str(s), str(s)) for s in kept.columns],
        left_out=len(m) - len(kept),
    )


def sources_takeaway(matrix: Matrix, lang: str, limit: int = 3) -> str:
    """What the outlets with most mentions stressed most."""
    if matrix.counts.empty:
        return t("sectors_sources_none", lang)
    parts = []
    for outlet, row in list(matrix.counts.iterrows())[:limit]:
        best = int(row.max())
        tied = [matrix.col_labels[i] for i, v in enumerate(row) if int(v) == best]
        parts.append(
            t(
                "sectors_sources_part",
                lang,
                outlet=str(outlet),
                sector=" / ".join(tied),
                k=format_number(best, lang),
                n=plural("sectors_unit_mentions", int(row.sum()), lang),
            )
        )
    return t("sectors_sources_takeaway", lang, parts=t("sectors_list_sep", lang).join(parts))


@dataclass(frozen=True)
class PlaceRow:
    place_id: str
    group: str  # the city, or the region for a place known only to its region
    label: str


def place_rows(
    pkg: Package,
    place_ids: Collection[str],
    names: Names,
    lang: str,
    starts: Mapping[str, pd.Timestamp],
) -> list[PlaceRow]:
    """Places grouped by city, cities in order of their first event, a region last; in a city,
    the city itself (site not stated) first, then its sites."""
    places = {
        str(r["place_id"]): r for r in pkg["places"].to_dict("records")
    }  # .loc per place: 25 ms a call
    city_name = {
        str(r["city"]): names["place"].get(pid, str(r["city"]))
        for pid, r in places.items()
        if r["kind"] == "city"
    }
    rows: list[tuple[tuple[Any, ...], PlaceRow]] = []
    first_in_group: dict[str, pd.Timestamp] = {}
    for pid in place_ids:
        if pid not in places:
            continue
        rec = places[pid]
        group = str(rec["city"])
        s = starts.get(pid, pd.Timestamp.max)
        first_in_group[group] = min(first_in_group.get(group, pd.Timestamp.max), s)
    for pid in place_ids:
        if pid not in places:
            continue
        rec = places[pid]
        group = str(rec["city"])
        is_region = rec["precision"] == "region"
        city = city_name.get(group, group)
        if is_region:
            label = t("sectors_place_region", lang, region=city)
        elif rec["kind"] == "city":
            label = t("sectors_place_city", lang, city=city)
        else:
            label = f"{city} · {names['place'].get(pid, pid)}"
        key = (
            is_region,
            first_in_group[group],
            group,
            rec["kind"] != "city",
            starts.get(pid, pd.Timestamp.max),
            label,
        )
        rows.append((key, PlaceRow(str(pid), city if not is_region else label, label)))
    return [r for _, r in sorted(rows, key=lambda kr: kr[0])]


def place_links(
    pkg: Package,
    event_ids: Collection[str],
    level: Level = "top",
    only: Collection[str] | None = None,
) -> pd.DataFrame:
    """Event, place and sector of every sector tag of events with a place, and the event's
    start. Columns: event_id, place_id, sector_id (top-level sector, or the tag itself for
    'sub'), start, row (the event's row in ``pkg["events"]``, to count events on)."""
    tagged = _tagged(pkg)
    tags = _tags(pkg, event_ids, only)
    tags = tags[tags["place_id"].notna().to_numpy(dtype=bool)]
    at = tags.index.to_numpy()  # rows of _tagged
    rows = event_rows(pkg, tagged, "event_id", "sectors.tagged")[at]
    sector = "top" if level == "top" else "sector_id"
    # One row per (event, place, sector), found on integer codes (on the ids: 45 ms a call
    # at a million events).
    places, place_ids = codes(pkg, tagged, "place_id", "sectors.tagged")
    sectors, sector_ids = codes(pkg, tagged, sector, "sectors.tagged")
    key = (rows * len(place_ids) + places[at]) * len(sector_ids) + sectors[at]
    first = ~pd.Series(key).duplicated().to_numpy()
    tags = tags[first]
    out = pd.DataFrame(
        {
            "event_id": tags["event_id"].astype(str),
            "place_id": tags["place_id"].astype(str),
            "sector_id": tags[sector].astype(str),
            "start": tags["start"],
        }
    ).reset_index(drop=True)
    out["row"] = rows[first]
    return out


def _distinct_events(group: np.ndarray, rows: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group code (0 .. ``n_groups`` - 1), how many distinct event rows it has."""
    if not len(rows):
        return np.zeros(n_groups, dtype=np.int64)
    n_ev = int(rows.max()) + 1
    pairs = pd.unique(group.astype(np.int64) * n_ev + rows.astype(np.int64))
    return np.bincount(pairs // n_ev, minlength=n_groups)


def place_matrix(
    links: pd.DataFrame, pkg: Package, names: Names, lang: str, max_rows: int = MAX_PLACES
) -> tuple[Matrix, list[PlaceRow]]:
    """Places (rows, grouped by city) x sectors: distinct events per cell. ``links``: rows
    of ``place_links``, one per event, place and sector, so a cell's rows are its events."""
    if links.empty:
        return Matrix(pd.DataFrame(), [], []), []
    order = _order(pkg)
    # Counted on integer codes of the few places and sectors (the group-bys on the ids
    # took about 80 ms a call at a million events).
    place, place_ids = pd.factorize(links["place_id"])
    sector, sector_ids = pd.factorize(links["sector_id"])
    n_p, n_s = len(place_ids), len(sector_ids)
    cells = np.bincount(place * n_s + sector, minlength=n_p * n_s).reshape(n_p, n_s)
    m = pd.DataFrame(
        cells,
        index=pd.Index([str(p) for p in place_ids], name="place_id"),
        columns=pd.Index([str(s) for s in sector_ids], name="sector_id"),
    ).sort_index()
    m = m[sorted(m.columns, key=lambda s: (order.get(str(s), 1 << 30), str(s)))]
    per_place = _distinct_events(place, links["row"].to_numpy(), n_p)
    totals = {str(p): int(n) for p, n in zip(place_ids, per_place, strict=True)}
    starts = links["start"].groupby(place).min()
    first = {str(place_ids[int(i)]): v for i, v in zip(starts.index, starts, strict=True)}
    keep = set(sorted(m.index, key=lambda p: (-totals[p], str(p)))[:max_rows])
    rows = place_rows(pkg, [p for p in m.index if p in keep], names, lang, first)
    m = m.loc[[r.place_id for r in rows]].astype(int)
    return (
        Matrix(
            m,
            [r.label for r in rows],
            [names["sector"].get(str(s), str(s)) for s in m.columns],
            left_out=len(totals) - len(rows),
        ),
        rows,
    )


def group_sector_events(
    links: pd.DataFrame, rows: Sequence[PlaceRow]
) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The groups of ``rows`` (cities, a region) in their order, and per group and sector
    the distinct events of ``links`` (``place_links``) at the group's places."""
    group_of = {r.place_id: r.group for r in rows}
    seen: list[str] = []
    for r in rows:
        if r.group not in seen:
            seen.append(r.group)
    # On integer codes: a group-by on the ids took about 50 ms at a million events.
    place, place_ids = pd.factorize(links["place_id"])
    sector, sector_ids = pd.factorize(links["sector_id"])
    group_at = np.array(
        [seen.index(group_of[p]) if p in group_of else -1 for p in place_ids], dtype=np.int64
    )
    group = group_at[place]
    kept = group >= 0
    n_s = len(sector_ids)
    per = _distinct_events(
        group[kept] * n_s + sector[kept], links["row"].to_numpy()[kept], len(seen) * n_s
    )
    by_group: dict[str, dict[str, int]] = {}
    for at in np.flatnonzero(per):
        g, k = divmod(int(at), n_s)
        by_group.setdefault(seen[g], {})[str(sector_ids[k])] = int(per[at])
    return seen, by_group


def places_takeaway(
    links: pd.DataFrame,
    rows: Sequence[PlaceRow],
    pkg: Package,
    names: Names,
    lang: str,
    limit: int = 4,
) -> str:
    """Per city (and a region apart), the sector that came up at most events there."""
    if links.empty or not rows:
        return t("sectors_places_none", lang)
    seen, by_group = group_sector_events(links, rows)
    order = _order(pkg)
    parts = []
    for group in seen[:limit]:
        counts = by_group.get(group, {})
        if not counts:
            continue
        best = max(counts.values())
        tied = [
            names["sector"].get(s, s)
            for s in sorted(counts, key=lambda s: (order.get(s, 1 << 30), s))
            if counts[s] == best
        ]
        parts.append(
            t(
                "sectors_places_part",
                lang,
                place=group,
                sector=" / ".join(tied),
                n=plural("sectors_events", best, lang),
            )
        )
    return t("sectors_places_takeaway", lang, parts=t("sectors_list_sep", lang).join(parts))


def unplaced(pkg: Package, event_ids: Collection[str]) -> int:
    """Filtered events with no place at all (left out of the place matrix)."""
    ev = pkg["events"]
    kept = of_events(pkg, ev, "event_id", "events", event_ids)
    return int(ev["place_id"][kept].isna().sum())


# --- the cooperation items -------------------------------------------------------------------


def items_table(
    pkg: Package,
    item_ids: Collection[str],
    names: Names,
    lang: str,
    max_rows: int = MAX_TABLE_ROWS,
) -> pd.DataFrame:
    """One row per item: topic, status, sector, partners on each side, its sources.
    Furthest along first (signed, ongoing, under construction…), then in sector order;
    at most ``max_rows`` rows."""
    items = pkg["cooperation"]
    items = items[_in(items["item_id"], item_ids)]
    order = _order(pkg)
    items = (
        items.assign(
            _rank=-items["status"].astype(str).map(STATUS_RANK).fillna(-1).astype(float),
            _order=items["sector_id"].astype(str).map(order).fillna(0).astype(float),
        )
        .sort_values(["_rank", "_order", "item_id"])
        .head(max_rows)
    )
    sides = partners(pkg, items["item_id"], names)
    ev = _evidence(pkg, "item", items["item_id"], None)
    outlets: dict[str, set[str]] = {}
    for subject, source in zip(
        ev["subject_id"].astype(str), ev["source_id"].astype(str), strict=True
    ):
        outlets.setdefault(subject, set()).add(names["source"].get(source, source))
    cited = {k: sorted(v) for k, v in outlets.items()}
    columns = [
        t(f"sectors_col_{c}", lang)
        for c in ("topic", "status", "sector", "mali", "russia", "sources", "n_sources")
    ]
    status_label: dict[str, str] = {}  # a few statuses, up to 2 000 rows
    rows = []
    for iid, status, sector in zip(
        items["item_id"].astype(str), items["status"], items["sector_id"].astype(str), strict=True
    ):
        srcs = cited.get(iid, [])
        side = sides.get(iid, {})
        if status not in status_label:
            status_label[status] = t(f"sectors_status_{status}", lang)
        rows.append(
            (
                names["item"].get(iid, iid),
                status_label[status],
                names["sector_full"].get(sector, sector),
                side.get("mali", "—"),
                side.get("russia", "—"),
                "; ".join(srcs) or "—",
                len(srcs),
            )
        )
    return pd.DataFrame(rows, columns=columns)


def items_takeaway(pkg: Package, item_ids: Collection[str], lang: str) -> str:
    """ "16 cooperation items: 4 signed, 1 under construction, …" — furthest along first."""
    items = pkg["cooperation"]
    status = items.loc[_in(items["item_id"], item_ids), "status"].astype(str)
    if status.empty:
        return t("sectors_items_none", lang)
    counts = status.value_counts()
    parts = [
        plural(f"sectors_count_{s}", int(counts[s]), lang)
        for s in reversed(model.ITEM_STATUSES)
        if s in counts.index
    ]
    return t(
        "sectors_items_takeaway",
        lang,
        n=plural("sectors_items", len(status), lang),
        parts=", ".join(parts),
    )


# --- everything the page draws ---------------------------------------------------------------


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


def _twin(m: Matrix, index_name: str) -> pd.DataFrame:
    return pd.DataFrame(
        m.counts.to_numpy(), index=pd.Index(m.row_labels, name=index_name), columns=m.col_labels
    )


@dataclass(frozen=True)
class Query:
    """One view of the data for the page's sections: the events and items shown, the sector
    filter with sub-sectors (``only``: tags outside it are left out) and the sources of the
    selected kinds (``source_ids``: other sources' mentions left out)."""

    event_ids: Collection[str]
    item_ids: Collection[str]
    only: Collection[str] | None = None
    source_ids: Collection[str] | None = None


def breakdown_chart(
    pkg: Package, q: Query, names: Names, lang: str, measure: Measure = "events"
) -> Chart:
    """The treemap of sectors, sub-sectors, events and items, its table and takeaway."""
    ev, it = q.event_ids, q.item_ids
    nodes = hierarchy(
        pkg,
        units(pkg, ev, it, measure, q.only, q.source_ids),
        names,
        lang,
        measure,
        top_events={str(k): int(n) for k, n in events_per_top(pkg, ev, q.only).items()},
    )
    tree = treemap(nodes, lang, measure) if not nodes.empty else None
    return Chart(
        tree,
        hierarchy_table(nodes, names, lang, measure),
        breakdown_takeaway(pkg, ev, names, lang, q.only),
        ids=tuple(tree_ids(tree)) if tree else (),
    )


def outlets_chart(pkg: Package, q: Query, names: Names, lang: str) -> Chart:
    """Mentions per outlet and top-level sector."""
    counts = source_sector_counts(pkg, q.event_ids, q.item_ids, q.only, q.source_ids)
    om = source_matrix(counts, pkg, names)
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
        sources_takeaway(om, lang),
        (t("sectors_capped_sources", lang, n=om.left_out),) if om.left_out else (),
        heat_height(len(om.row_labels)),
    )


def places_charts(pkg: Package, q: Query, names: Names, lang: str) -> dict[str, Chart]:
    """Events per place and sector, by level of sector ("top", "sub")."""
    ev = q.event_ids
    places: dict[str, Chart] = {}
    n_unplaced = unplaced(pkg, ev)
    text = ""
    for level in LEVELS:  # "top" first: its takeaway serves both levels
        links = place_links(pkg, ev, level, q.only)
        pm, rows = place_matrix(links, pkg, names, lang)
        if level == "top":
            text = places_takeaway(links, rows, pkg, names, lang)
        notes = [t("sectors_places_unplaced", lang, n=n_unplaced)] if n_unplaced else []
        if pm.left_out:
            notes.append(t("sectors_capped_places", lang, n=pm.left_out))
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
    table = items_table(pkg, it, names, lang)
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
    return Chart(None, table, items_takeaway(pkg, it, lang), capped)


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
