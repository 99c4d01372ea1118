"""What the Overview page computes: key figures of a view, key-fact cards, itinerary lines.
Pure functions, no streamlit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.core.filters import Selection, of_events
from dashboard.core.ids import isin
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.i18n import col, format_date, format_number, format_span, t


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
    ev = selection.events(pkg, ["date_precision", "start", "end", "place_id"])
    dated = ev[ev["date_precision"] == "day"]
    places = pkg["places"]
    at = places[isin(places["place_id"], ev["place_id"].dropna().unique())]
    links = pkg["event_sectors"]
    tops = palette.top_sector(pkg)
    ids = selection.event_ids
    linked = links.loc[of_events(pkg, links, "event_id", "event_sectors", ids), "sector_id"]
    sectors = {tops[s] for s in linked.unique()}
    evid = pkg["evidence"]
    about = (evid["subject_type"] == "event").to_numpy(bool) & of_events(
        pkg, evid, "subject_id", "evidence", ids
    )
    cited = evid.loc[about, "source_id"]
    disputed = conflicts[
        (conflicts["subject_type"] == "event") & isin(conflicts["subject_id"], selection.event_ids)
    ]
    return KeyFigures(
        days=distinct_days(dated["start"], dated["end"]),
        cities=at.loc[at["precision"] != "region", "city"].nunique(),
        sites=int((at["precision"] == "site").sum()),
        events=len(ev),
        sectors=len(sectors),
        sources=cited.nunique(),
        disagreements=len(disputed[["subject_id", "claim"]].drop_duplicates()),
    )


def distinct_days(starts: pd.Series, ends: pd.Series) -> int:
    """How many distinct calendar days the spans [start, end] cover, without a loop."""
    if starts.empty:
        return 0
    first = starts.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    last = ends.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    lengths = np.maximum((last - first).astype(np.int64) + 1, 1)
    if lengths.max() == 1:
        return len(np.unique(first))
    # Each span's days as first + 0, 1, … lengths-1, all spans at once.
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return len(np.unique(np.repeat(first, lengths) + offsets.astype("timedelta64[D]")))


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
    kept = table[table["key_fact"]]
    return kept[isin(kept["event_id"], selection.event_ids)].reset_index(drop=True)


# --- what the page shows ------------------------------------------------------------------

MAX_KEY_FACTS = 12  # the first ones by date; the Timeline shows them all
MAX_LEGS = 20  # the first legs; the Map lists them all


@dataclass(frozen=True)
class Card:
    event_id: str
    title: str
    when_where: str
    summary: str
    source_ids: tuple[str, ...]
    disputed: pd.DataFrame | None  # rows of views.conflicts about this event


@dataclass(frozen=True)
class Overview:
    figures: KeyFigures
    cards: tuple[Card, ...]
    n_key_facts: int
    legs: tuple[str, ...]  # plain text: escape before rendering
    n_legs: int


def overview(
    pkg: Package,
    selection: Selection,
    key_facts: pd.DataFrame,
    legs: pd.DataFrame,
    conflicts: pd.DataFrame,
    place_names: Mapping[str, str],
    lang: str,
) -> Overview:
    """Everything the overview shows for one view: the key figures, the first key facts
    (``key_facts``: the view's rows of the event table that are key facts, by date) as
    cards, and the first legs of the itinerary (``legs``) as lines of plain text."""
    cards = []
    for rec in key_facts.head(MAX_KEY_FACTS).to_dict("records"):
        place = rec[col("place", lang)] if isinstance(rec[col("place", lang)], str) else ""
        when = format_span(rec["start"], rec["end"], rec["date_precision"], lang)
        disputed = conflicts[conflicts["subject_id"] == rec["event_id"]]
        cards.append(
            Card(
                str(rec["event_id"]),
                str(rec[col("title", lang)]),
                " · ".join(x for x in (when, place) if x),
                str(rec[col("summary", lang)]),
                tuple(rec["source_ids"]),
                None if disputed.empty else disputed,
            )
        )
    lines = tuple(
        t(
            "itinerary_leg",
            lang,
            origin=place_names[leg["from_place_id"]],
            dest=place_names[leg["to_place_id"]],
            date=format_date(leg["start"], lang),
            km=format_number(leg["distance_km"], lang),
        )
        for leg in legs.head(MAX_LEGS).to_dict("records")
    )
    return Overview(
        key_figures(pkg, selection, conflicts),
        tuple(cards),
        len(key_facts),
        lines,
        len(legs),
    )
