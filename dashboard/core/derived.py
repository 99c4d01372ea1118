"""Derived data the pages use: itinerary, corroboration, conflicts, the event table.

Pure functions of a validated ``Package`` (and, for filtered views, a set of event ids);
no streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np
import pandas as pd

from dashboard.core.ids import first_rows, group_codes, isin, member_of
from dashboard.core.package import Package

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on the mean Earth sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _compatible(values: Collection[str], claim: str) -> bool:
    """Do these claimed values agree? A month agrees with any day inside it."""
    vals = sorted(set(values), key=len)
    if claim != "date":
        return len(vals) <= 1
    return all(longer.startswith(shorter) for i, shorter in enumerate(vals) for longer in vals[i:])


def claims(pkg: Package) -> pd.DataFrame:
    """Evidence rows that state a value, with the source's kind and independence group."""
    ev = pkg["evidence"]
    ev = ev[ev["claim"].notna()]
    src = pkg["sources"][["source_id", "kind", "independence_group"]]
    return ev.merge(src, on="source_id", how="left")


_CLAIM_KEYS = ["subject_type", "subject_id", "claim"]
_CONFLICT_COLUMNS = [
    "subject_type",
    "subject_id",
    "claim",
    "claimed_value",
    "source_ids",
    "n_sources",
    "n_independent",
]


def _sorted_lists(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Per group of ``keys``: the sorted distinct values of ``column`` as a list."""
    pairs = frame[[*keys, column]].drop_duplicates().sort_values([*keys, column])
    return pairs.groupby(keys, sort=True)[column].agg(list)


def conflicts(pkg: Package) -> pd.DataFrame:
    """One row per (subject, claim, value) where the sources disagree.

    Columns: subject_type, subject_id, claim, claimed_value, source_ids, n_sources,
    n_independent, resolved (this value is the one the dataset uses), reason_en, reason_fr.
    """
    # Only subjects with two or more distinct values can disagree: found with integer codes
    # (fast on millions of claims), then the few such groups are checked one by one, since
    # a month agrees with any day inside it.
    ev = pkg["evidence"]
    ev = ev.loc[ev["claim"].notna(), [*_CLAIM_KEYS, "claimed_value"]]
    keys = group_codes([ev[k] for k in _CLAIM_KEYS])
    pairs = group_codes([pd.Series(keys), ev["claimed_value"]])
    n_values = np.bincount(keys[first_rows(pairs)], minlength=len(first_rows(keys)))
    several_ids = ev.index[n_values[keys] > 1]
    # The rows left are few: plain Python from here.
    group_of = dict(
        zip(pkg["sources"]["source_id"], pkg["sources"]["independence_group"], strict=True)
    )
    by_key: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for rec in pkg["evidence"].loc[several_ids].to_dict("records"):
        key = (str(rec["subject_type"]), str(rec["subject_id"]), str(rec["claim"]))
        by_key.setdefault(key, []).append((str(rec["claimed_value"]), str(rec["source_id"])))
    resolutions = {
        (str(r["subject_type"]), str(r["subject_id"]), str(r["claim"])): r
        for r in pkg["resolutions"].to_dict("records")
    }
    rows = []
    for key in sorted(by_key):
        claimed = by_key[key]
        if _compatible([value for value, _ in claimed], key[2]):
            continue
        res = resolutions.get(key, {})
        for value in sorted({value for value, _ in claimed}):
            sources = sorted({sid for v, sid in claimed if v == value})
            rows.append(
                {
                    **dict(zip(_CLAIM_KEYS, key, strict=True)),
                    "claimed_value": value,
                    "source_ids": sources,
                    "n_sources": len(sources),
                    "n_independent": len({group_of.get(sid, sid) for sid in sources}),
                    "reason_en": res.get("reason_en", pd.NA),
                    "reason_fr": res.get("reason_fr", pd.NA),
                    "resolved": value == res.get("resolved_value"),
                }
            )
    out = pd.DataFrame(rows, columns=[*_CONFLICT_COLUMNS, "reason_en", "reason_fr", "resolved"])
    text = [*_CLAIM_KEYS, "claimed_value", "reason_en", "reason_fr"]
    return out.astype(
        {**dict.fromkeys(text, "string"), "n_sources": int, "n_independent": int, "resolved": bool}
    )


def _source_counts(ev: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = ev.groupby(keys, sort=True)
    return pd.DataFrame(
        {
            "n_sources": g["source_id"].nunique(),
            "n_independent": g["independence_group"].nunique(),
            "source_ids": _sorted_lists(ev, keys, "source_id"),
        }
    )


def corroboration(pkg: Package, minimum: int = 2) -> pd.DataFrame:
    """Subjects (events and items) backed by at least ``minimum`` independent sources.

    Sources sharing an independence group (a reprint, the same press office) count once; a
    source whose article could not be read (``found`` false) does not count at all.
    Columns: subject_type, subject_id, n_sources, n_independent, source_ids, kinds;
    sorted by n_independent, most first.
    """
    keys = ["subject_type", "subject_id"]
    sources = pkg["sources"]
    read = sources[sources["found"].fillna(True).astype(bool)]
    ev = pkg["evidence"].merge(read[["source_id", "kind", "independence_group"]], on="source_id")
    out = _source_counts(ev, keys)
    out["kinds"] = _sorted_lists(ev, keys, "kind")
    out = out.reset_index()
    out = out[out["n_independent"] >= minimum]
    return out.sort_values(
        ["n_independent", "n_sources", "subject_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def _city_points(pkg: Package) -> dict[str, tuple[str, float, float] | None]:
    """Place id -> (city id, lat, lon): the city's own point when the gazetteer has one.

    None for a place with no point at all (a region), which cannot start or end a leg.
    """
    places = pkg["places"]
    cities = places[places["kind"] == "city"].drop_duplicates("city")
    city_of = {
        str(r["city"]): (str(r["place_id"]), r["lat"], r["lon"]) for r in cities.to_dict("records")
    }
    out: dict[str, tuple[str, float, float] | None] = {}
    for r in places.to_dict("records"):
        pid = str(r["place_id"])
        cid, lat, lon = city_of.get(str(r["city"]), (pid, r["lat"], r["lon"]))
        out[pid] = None if pd.isna(lat) or pd.isna(lon) else (cid, float(lat), float(lon))
    return out


def itinerary(pkg: Package, event_ids: Collection[str] | None = None) -> pd.DataFrame:
    """The journey as ordered legs between cities, from the package's origin.

    A leg ends at each arrival event (in date order), drawn city to city. Legs whose arrival
    event is not in ``event_ids`` (when given) are dropped; the rest keep their order and
    their travel-order number (``leg``), so Moscow -> Kazan stays leg 2 when shown alone.
    Columns: leg, from_place_id, to_place_id, from_lat, from_lon, to_lat, to_lon,
    arrival_event_id, start, end, date_precision, distance_km, source_ids.
    """
    events = pkg["events"]
    arrivals = events[(events["kind"] == "arrival") & events["place_id"].notna()]
    arrivals = arrivals.sort_values(["start", "event_id"])
    visit = pkg.meta.get("visit", {})
    origin = visit.get("origin_place_id") if isinstance(visit, dict) else None
    points = _city_points(pkg)
    ev = pkg["evidence"]
    ev = ev[(ev["subject_type"] == "event") & member_of(ev["subject_id"], arrivals["event_id"])]
    sources = _sorted_lists(ev, ["subject_id"], "source_id")
    rows = []
    prev = points.get(str(origin)) if origin else None
    for rec in arrivals.to_dict("records"):
        here = points.get(str(rec["place_id"]))
        if here is None:  # an arrival somewhere without a point (a region) draws no leg
            continue
        if prev is not None and prev[0] != here[0]:
            rows.append(
                {
                    "from_place_id": prev[0],
                    "to_place_id": here[0],
                    "from_lat": prev[1],
                    "from_lon": prev[2],
                    "to_lat": here[1],
                    "to_lon": here[2],
                    "arrival_event_id": rec["event_id"],
                    "start": rec["start"],
                    "end": rec["end"],
                    "date_precision": rec["date_precision"],
                    "distance_km": round(great_circle_km(prev[1], prev[2], here[1], here[2]), 1),
                    "source_ids": tuple(sources.get(rec["event_id"], ())),  # untracked by gc
                }
            )
        prev = here
    out = pd.DataFrame(
        rows,
        columns=[
            "from_place_id",
            "to_place_id",
            "from_lat",
            "from_lon",
            "to_lat",
            "to_lon",
            "arrival_event_id",
            "start",
            "end",
            "date_precision",
            "distance_km",
            "source_ids",
        ],
    )
    out.insert(0, "leg", range(1, len(out) + 1))
    if event_ids is not None:
        out = out[isin(out["arrival_event_id"], event_ids)]
    return out.reset_index(drop=True)


def event_sources(pkg: Package) -> pd.DataFrame:
    """Per event: the number of distinct sources and of independent groups, and their ids."""
    ev = pkg["evidence"]
    ev = ev[ev["subject_type"] == "event"].merge(
        pkg["sources"][["source_id", "independence_group"]], on="source_id"
    )
    return _source_counts(ev, ["subject_id"]).rename_axis("event_id")


def event_sector_ids(
    pkg: Package, event_ids: Collection[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """event_id -> its sector ids, in the link table's order (the first is the main one);
    only the events of ``event_ids`` when given. Tuples, not lists: the garbage collector
    stops tracking a tuple of strings, whereas a million cached lists made every full
    collection walk them all."""
    links = pkg["event_sectors"]
    if event_ids is not None:
        links = links[isin(links["event_id"], event_ids)]
    lists: dict[str, list[str]] = {}
    for eid, sid in zip(links["event_id"].tolist(), links["sector_id"].tolist(), strict=True):
        lists.setdefault(str(eid), []).append(str(sid))
    return {eid: tuple(ids) for eid, ids in lists.items()}


def event_table(pkg: Package) -> pd.DataFrame:
    """Events with place names, city and source counts, ordered by date (their sectors:
    ``event_sector_ids``)."""
    ev = pkg["events"]
    places = pkg["places"][["place_id", "name_en", "name_fr", "city", "precision"]].rename(
        columns={"name_en": "place_en", "name_fr": "place_fr", "precision": "place_precision"}
    )
    out = ev.merge(places, on="place_id", how="left")
    out = out.join(event_sources(pkg), on="event_id")
    out["n_sources"] = out["n_sources"].fillna(0).astype(int)
    return out.sort_values(["start", "end", "event_id"]).reset_index(drop=True)
