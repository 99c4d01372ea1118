"""The Sectors page's matrices, items table and written takeaways (no streamlit).

The outlet matrix (mentions per outlet and top-level sector), the place matrix (events per
place and sector, places grouped by city), the cooperation items table, and the one-line
takeaway each section opens with.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from dashboard.core import model
from dashboard.core.ids import isin
from dashboard.core.package import Package
from dashboard.present.i18n import format_number, t
from dashboard.present.labels import plural
from dashboard.views.sectors_counts import (
    STATUS_RANK,
    Names,
    distinct_events,
    evidence,
    partners,
    sector_order,
    tag_tops,
)

MAX_SOURCES: Final = 25  # outlets shown in the outlet matrix, most mentions first
MAX_PLACES: Final = 30  # places shown in the place matrix, most events first
MAX_TABLE_ROWS: Final = 2000  # rows of the items table


def _join(parts: Sequence[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + t("sectors_and", lang) + parts[-1]


@dataclass(frozen=True)
class Matrix:
    """A count matrix ready to draw: rows and columns by id, with display labels."""

    counts: pd.DataFrame  # index: row keys, columns: sector ids
    row_labels: list[str]
    col_labels: list[str]
    left_out: int = 0  # rows beyond the cap


# --- the breakdown ---------------------------------------------------------------------------


def breakdown_takeaway(
    pkg: Package,
    view_tags: pd.DataFrame,
    per_top: pd.Series,
    shown: int,
    names: Names,
    lang: str,
) -> str:
    """ "Industry and Diplomacy account for N of the M events shown" — follows the filters.
    ``view_tags``: ``tags`` of the view; ``per_top``: their ``events_per_top``; ``shown``:
    how many events the view shows."""
    if per_top.empty:
        return t("sectors_takeaway_none", lang, m=format_number(shown, lang))
    lead = [str(s) for s in per_top.index[:2]]
    top, rows, top_ids = tag_tops(pkg, view_tags)
    in_lead = np.isin(top, [k for k, s in enumerate(top_ids) if s in lead])
    hit = len(pd.unique(rows[in_lead]))  # distinct events in either sector
    sectors = _join([t("sectors_quoted", lang, s=names["sector"].get(s, s)) for s in lead], lang)
    key = "sectors_takeaway_two" if len(lead) == 2 else "sectors_takeaway_one"
    return t(
        key,
        lang,
        sectors=sectors,
        n=format_number(hit, lang),
        m=plural("sectors_events", shown, lang),
    )


# --- mentions per outlet ---------------------------------------------------------------------


def source_matrix(
    counts: pd.DataFrame, pkg: Package, names: Names, max_rows: int = MAX_SOURCES
) -> Matrix:
    """Outlets (sources sharing an outlet name are added up) x top-level sectors, the outlet
    with most mentions first. ``counts``: ``source_sector_counts``."""
    order = sector_order(pkg)
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


# --- events per place ------------------------------------------------------------------------


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
    # Records read once: a .loc per place is slow.
    places = {str(r["place_id"]): r for r in pkg["places"].to_dict("records")}
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


def place_matrix(
    links: pd.DataFrame, pkg: Package, names: Names, lang: str, max_rows: int = MAX_PLACES
) -> tuple[Matrix, list[PlaceRow]]:
    """Places (rows, grouped by city) x sectors: distinct events per cell. ``links``: rows
    of ``place_links``, one per event, place and sector, so a cell's rows are its events."""
    if links.empty:
        return Matrix(pd.DataFrame(), [], []), []
    order = sector_order(pkg)
    # Counted on integer codes of the few places and sectors (group-bys on the ids are slow
    # at a million events).
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
    per_place = distinct_events(place, links["row"].to_numpy(), n_p)
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
    # On integer codes: a group-by on the ids is slow at a million events.
    place, place_ids = pd.factorize(links["place_id"])
    sector, sector_ids = pd.factorize(links["sector_id"])
    group_at = np.array(
        [seen.index(group_of[p]) if p in group_of else -1 for p in place_ids], dtype=np.int64
    )
    group = group_at[place]
    kept = group >= 0
    n_s = len(sector_ids)
    per = distinct_events(
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
    order = sector_order(pkg)
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
    items = items[isin(items["item_id"], item_ids)]
    order = sector_order(pkg)
    items = (
        items.assign(
            _rank=-items["status"].astype(str).map(STATUS_RANK).fillna(-1).astype(float),
            _order=items["sector_id"].astype(str).map(order).fillna(0).astype(float),
        )
        .sort_values(["_rank", "_order", "item_id"])
        .head(max_rows)
    )
    sides = partners(pkg, items["item_id"], names)
    ev = evidence(pkg, "item", items["item_id"], None)
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
    status = items.loc[isin(items["item_id"], item_ids), "status"].astype(str)
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
