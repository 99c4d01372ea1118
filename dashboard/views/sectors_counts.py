"""What the Sectors page counts: frames and options in, counts out (no streamlit).

Counting rules, one line each so a reader sees them at once:
- an event counts once in each sector it is tagged with, so sector totals can exceed the
  number of events; a tag at a top-level sector counts there, not in a sub-sector;
- a cooperation item counts once, in its own sector;
- a mention is one evidence row (one source citing one event or item); a mention of an event
  counts in each of the event's sectors (once per top-level sector in the outlet matrix);
- ``only`` (the sector filter, sub-sectors included) leaves out tags outside it;
- ``source_ids`` (the source-kind filter) leaves out mentions by other sources.

The tags of a view (``tags``) are the input of most counts: a section of the page selects
them once and hands them to each count it draws (``views.sectors``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final, Literal

import numpy as np
import pandas as pd

from dashboard.core import model
from dashboard.core.filters import codes, event_rows, isin_few, of_events
from dashboard.core.ids import isin, rows_where
from dashboard.core.package import Package
from dashboard.present import palette

Measure = Literal["events", "mentions"]
Level = Literal["top", "sub"]
Names = Mapping[str, Mapping[str, str]]  # ``present.labels.labels``: kind -> id -> name

MEASURES: Final[tuple[Measure, ...]] = ("events", "mentions")
LEVELS: Final[tuple[Level, ...]] = ("top", "sub")
STATUS_RANK: Final = {s: i for i, s in enumerate(model.ITEM_STATUSES)}
TAGGED_KEY: Final = "sectors.tagged"  # names the frame of ``tagged`` for core.filters
EVIDENCE_KEY: Final = "sectors.evidence.event"  # names evidence_about(pkg, "event")


def sector_order(pkg: Package) -> dict[str, int]:
    """sector_id -> its place in the sector order of the package."""
    s = pkg["sectors"]
    return {str(k): int(v) for k, v in zip(s["sector_id"], s["sort_order"], strict=True)}


# --- the rows counted ------------------------------------------------------------------------


def tagged(pkg: Package) -> pd.DataFrame:
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


def tags(
    pkg: Package, event_ids: Collection[str], only: Collection[str] | None = None
) -> pd.DataFrame:
    """The tags of these events (within ``only``): rows of ``tagged``, its index kept. Select
    them once per section and hand them down; never mutate them."""
    links = tagged(pkg)
    keep = of_events(pkg, links, "event_id", TAGGED_KEY, event_ids)
    if only is not None:
        keep = keep & isin_few(pkg, links, "sector_id", TAGGED_KEY, only)
    return rows_where(links, keep)


def items_of(
    pkg: Package, item_ids: Collection[str], only: Collection[str] | None = None
) -> pd.DataFrame:
    """The cooperation items ``item_ids`` (within ``only``)."""
    items = pkg["cooperation"]
    items = items[isin(items["item_id"], item_ids)]
    if only is not None:
        items = items[isin(items["sector_id"], only)]
    return items


def evidence_about(pkg: Package, subject_type: str) -> pd.DataFrame:
    """source_id, subject_id of the evidence rows about events (or items): split once per
    package, so a view looks through its own kind of rows only."""
    return pkg.memo.get(_split_evidence, subject_type, inputs=(pkg,))


def _split_evidence(pkg: Package, subject_type: str) -> pd.DataFrame:
    ev = pkg["evidence"]
    rows = (ev["subject_type"] == subject_type).to_numpy(dtype=bool)
    return ev.loc[rows, ["source_id", "subject_id"]].reset_index(drop=True)


def evidence(
    pkg: Package, subject_type: str, ids: Collection[str], source_ids: Collection[str] | None
) -> pd.DataFrame:
    """The evidence rows about these events (or items), by ``source_ids`` (None: any)."""
    ev = evidence_about(pkg, subject_type)
    if subject_type == "event":
        keep = of_events(pkg, ev, "subject_id", EVIDENCE_KEY, ids)
    else:
        keep = isin(ev["subject_id"], ids).to_numpy(dtype=bool)
    if source_ids is not None:
        keep = keep & isin(ev["source_id"], source_ids).to_numpy(dtype=bool)
    return ev[keep]


def item_status(pkg: Package) -> dict[str, str]:
    """item_id -> status, once per package (a Series indexed anew per view builds its hash
    table on its first lookup, every view)."""
    coop = pkg["cooperation"]
    return pkg.memo.get(_status_by_item, inputs=(coop,))


def _status_by_item(coop: pd.DataFrame) -> dict[str, str]:
    return dict(zip(coop["item_id"].astype(str), coop["status"].astype(str), strict=True))


def partners(pkg: Package, item_ids: Collection[str], names: Names) -> dict[str, dict[str, str]]:
    """item_id -> {'mali': 'A, B', 'russia': 'C'}: partner names on each side."""
    ip = pkg["item_partners"]
    ip = ip[isin(ip["item_id"], item_ids)]
    found: dict[str, dict[str, list[str]]] = {}
    for item, org, side in zip(
        ip["item_id"].astype(str), ip["org_id"].astype(str), ip["side"].astype(str), strict=True
    ):
        found.setdefault(item, {}).setdefault(side, []).append(names["org"].get(org, org))
    return {
        item: {side: ", ".join(sorted(orgs)) for side, orgs in sorted(sides.items())}
        for item, sides in found.items()
    }


# --- the breakdown ---------------------------------------------------------------------------


def units(
    pkg: Package,
    view_tags: pd.DataFrame,
    item_ids: Collection[str],
    measure: Measure = "events",
    only: Collection[str] | None = None,
    source_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """What the breakdown counts, per sector: one row for the events tagged with a sector and
    one per cooperation item. ``view_tags``: ``tags(pkg, event_ids, only)``. Columns:
    sector_id, leaf ('events' or 'item'), item_id ('' for events), weight (events/items, or
    their mentions), n_events, n_items. Zero weights are dropped."""
    items = items_of(pkg, item_ids, only)
    if measure == "mentions":
        ev_m = evidence(pkg, "event", view_tags["event_id"].unique(), source_ids)
        per_event = ev_m.groupby("subject_id").size()
        tag_w = view_tags["event_id"].map(per_event).fillna(0).astype(int)
        it_m = evidence(pkg, "item", items["item_id"], source_ids)
        item_w = items["item_id"].map(it_m.groupby("subject_id").size()).fillna(0).astype(int)
    else:
        tag_w = pd.Series(1, index=view_tags.index)
        item_w = pd.Series(1, index=items.index)
    # Per sector: weights added up and distinct events counted on integer codes (a group-by
    # on the ids is slow at a million events).
    links = tagged(pkg)
    at = view_tags.index.to_numpy()  # rows of ``tagged``
    rows = event_rows(pkg, links, "event_id", TAGGED_KEY)[at]
    sector_codes, sector_ids = codes(pkg, links, "sector_id", TAGGED_KEY)
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


def distinct_events(group: np.ndarray, rows: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group code (0 .. ``n_groups`` - 1), how many distinct event rows it has."""
    if not len(rows):
        return np.zeros(n_groups, dtype=np.int64)
    n_ev = int(rows.max()) + 1
    pairs = pd.unique(group.astype(np.int64) * n_ev + rows.astype(np.int64))
    return np.bincount(pairs // n_ev, minlength=n_groups)


def tag_tops(pkg: Package, view_tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of ``view_tags`` (``tags``): the code of its top-level sector and its event's
    row in ``pkg["events"]``; and the top-level sector ids the codes stand for."""
    links = tagged(pkg)
    at = view_tags.index.to_numpy()  # rows of ``tagged``
    top_codes, top_ids = codes(pkg, links, "top", TAGGED_KEY)
    rows = event_rows(pkg, links, "event_id", TAGGED_KEY)[at]
    found = rows >= 0
    return top_codes[at][found], rows[found], top_ids


def events_per_top(pkg: Package, view_tags: pd.DataFrame) -> pd.Series:
    """Distinct events per top-level sector of ``view_tags`` (``tags``), most first (ties in
    sector order)."""
    order = sector_order(pkg)
    top, rows, top_ids = tag_tops(pkg, view_tags)
    # Distinct (top, event) pairs, on integer codes (event rows, top-level sectors).
    per = distinct_events(top, rows, len(top_ids))
    counts = {str(top_ids[k]): int(per[k]) for k in np.flatnonzero(per)}
    keys = sorted(counts, key=lambda s: (-counts[s], order.get(s, 1 << 30)))
    return pd.Series(
        [counts[k] for k in keys], index=pd.Index(keys, name="top"), name="event_id", dtype=int
    )


# --- mentions per outlet ---------------------------------------------------------------------


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
    # Events: counted on integer codes (event rows, sources, top-level sectors): joins and
    # group-bys on their ids are slow at a million events.
    links = tagged(pkg)
    at = tags(pkg, event_ids, only).index.to_numpy()  # rows of ``tagged``
    tag_rows = event_rows(pkg, links, "event_id", TAGGED_KEY)[at]
    top_codes, top_ids = codes(pkg, links, "top", TAGGED_KEY)
    has_top = np.zeros((len(pkg["events"]), len(top_ids)), dtype=bool)  # event x top sector
    placed = tag_rows >= 0
    has_top[tag_rows[placed], top_codes[at][placed]] = True
    about = evidence_about(pkg, "event")
    keep = of_events(pkg, about, "subject_id", EVIDENCE_KEY, event_ids)
    if source_ids is not None:
        keep = keep & isin(about["source_id"], source_ids).to_numpy(dtype=bool)
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
    items = items_of(pkg, item_ids, only)
    tops = palette.top_sector(pkg)
    it_top = pd.DataFrame({"item_id": items["item_id"], "sector_id": items["sector_id"].map(tops)})
    it_rows = evidence(pkg, "item", it_top["item_id"], source_ids).merge(
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


# --- events per place ------------------------------------------------------------------------


def place_links(pkg: Package, view_tags: pd.DataFrame, level: Level = "top") -> pd.DataFrame:
    """Event, place and sector of every tag of ``view_tags`` (``tags``) whose event has a
    place, and the event's start. Columns: event_id, place_id, sector_id (top-level sector,
    or the tag itself for 'sub'), start, row (the event's row in ``pkg["events"]``, to count
    events on)."""
    links = tagged(pkg)
    placed = view_tags[view_tags["place_id"].notna().to_numpy(dtype=bool)]
    at = placed.index.to_numpy()  # rows of ``tagged``
    rows = event_rows(pkg, links, "event_id", TAGGED_KEY)[at]
    sector = "top" if level == "top" else "sector_id"
    # One row per (event, place, sector), found on integer codes (a lookup on the ids is
    # slow at a million events).
    places, place_ids = codes(pkg, links, "place_id", TAGGED_KEY)
    sectors, sector_ids = codes(pkg, links, sector, TAGGED_KEY)
    key = (rows * len(place_ids) + places[at]) * len(sector_ids) + sectors[at]
    first = ~pd.Series(key).duplicated().to_numpy()
    placed = placed[first]
    out = pd.DataFrame(
        {
            "event_id": placed["event_id"].astype(str),
            "place_id": placed["place_id"].astype(str),
            "sector_id": placed[sector].astype(str),
            "start": placed["start"],
        }
    ).reset_index(drop=True)
    out["row"] = rows[first]
    return out


def unplaced(pkg: Package, event_ids: Collection[str]) -> int:
    """Filtered events with no place at all (left out of the place matrix)."""
    ev = pkg["events"]
    kept = of_events(pkg, ev, "event_id", "events", event_ids)
    return int(ev["place_id"][kept].isna().sum())
