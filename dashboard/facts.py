"""Key figures of a filtered view, for the overview. Pure functions, no streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import palette
from dashboard.filters import Selection
from dashboard.load import Package


@dataclass(frozen=True)
class KeyFigures:
    days: int
    cities: int
    sites: int
    events: int
    sectors: int
    sources: int
    disagreements: int


def key_figures(pkg: Package, selection: Selection, conflicts: pd.DataFrame) -> KeyFigures:
    """Counts over the selected events.

    days: distinct days covered by events dated to the day (uncertain dates don't count);
    cities: distinct cities of their places (a region is not a city); sites: distinct
    places located to the site; sectors: distinct top-level sectors; sources: distinct
    sources citing them; disagreements: distinct (event, claim) pairs the sources dispute.
    """
    ev = selection.events(pkg)
    dated = ev[ev["date_precision"] == "day"]
    days: set[pd.Timestamp] = set()
    for start, end in zip(dated["start"], dated["end"], strict=True):
        days.update(pd.date_range(start, end, freq="D"))
    places = pkg["places"].set_index("place_id")
    at = places.loc[places.index.intersection(list(ev["place_id"].dropna().unique()))]
    links = pkg["event_sectors"]
    tops = palette.top_sector(pkg)
    sectors = {tops[s] for s in links.loc[links["event_id"].isin(selection.event_ids), "sector_id"]}
    evid = pkg["evidence"]
    cited = evid[(evid["subject_type"] == "event") & evid["subject_id"].isin(selection.event_ids)]
    disputed = conflicts[
        (conflicts["subject_type"] == "event") & conflicts["subject_id"].isin(selection.event_ids)
    ]
    return KeyFigures(
        days=len(days),
        cities=at.loc[at["precision"] != "region", "city"].nunique(),
        sites=int((at["precision"] == "site").sum()),
        events=len(ev),
        sectors=len(sectors),
        sources=cited["source_id"].nunique(),
        disagreements=len(disputed[["subject_id", "claim"]].drop_duplicates()),
    )


def visit_span(pkg: Package) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The visit's dates from the package metadata, when it states them."""
    visit = pkg.meta.get("visit")
    if not isinstance(visit, dict):
        return None
    try:
        return pd.Timestamp(visit["start"]), pd.Timestamp(visit["end"])
    except (KeyError, ValueError):
        return None


def key_facts(table: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Selected events flagged as key facts, in date order, with their source ids
    (``table`` is ``views.event_table``, passed in so a caller can cache it)."""
    kept = table[table["event_id"].isin(selection.event_ids) & table["key_fact"]]
    return kept.reset_index(drop=True)
