"""Derived data the pages use: itinerary, corroboration, conflicts, the event table.

Pure functions of a validated ``Package`` (and, for filtered views, a set of event ids);
no streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import pandas as pd

from dashboard.load import Package

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


def conflicts(pkg: Package) -> pd.DataFrame:
    """One row per (subject, claim, value) where the sources disagree.

    Columns: subject_type, subject_id, claim, claimed_value, source_ids, n_sources,
    n_independent, resolved (this value is the one the dataset uses), reason_en, reason_fr.
    """
    c = claims(pkg)
    rows = []
    for (stype, sid, claim), group in c.groupby(["subject_type", "subject_id", "claim"]):
        if _compatible(list(group["claimed_value"]), str(claim)):
            continue
        for value, g in group.groupby("claimed_value"):
            rows.append(
                {
                    "subject_type": stype,
                    "subject_id": sid,
                    "claim": claim,
                    "claimed_value": value,
                    "source_ids": sorted(g["source_id"].unique()),
                    "n_sources": g["source_id"].nunique(),
                    "n_independent": g["independence_group"].nunique(),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "subject_type",
            "subject_id",
            "claim",
            "claimed_value",
            "source_ids",
            "n_sources",
            "n_independent",
        ],
    )
    res = pkg["resolutions"].rename(columns={"resolved_value": "_resolved"})
    out = out.merge(res, on=["subject_type", "subject_id", "claim"], how="left")
    out["resolved"] = out["claimed_value"] == out["_resolved"]
    return out.drop(columns="_resolved").reset_index(drop=True)


def corroboration(pkg: Package, minimum: int = 2) -> pd.DataFrame:
    """Subjects (events and items) backed by at least ``minimum`` independent sources.

    Columns: subject_type, subject_id, n_sources, n_independent, source_ids, kinds;
    sorted by n_independent, most first.
    """
    ev = pkg["evidence"].merge(
        pkg["sources"][["source_id", "kind", "independence_group"]], on="source_id"
    )
    g = ev.groupby(["subject_type", "subject_id"])
    out = pd.DataFrame(
        {
            "n_sources": g["source_id"].nunique(),
            "n_independent": g["independence_group"].nunique(),
            "source_ids": g["source_id"].agg(lambda s: sorted(s.unique())),
            "kinds": g["kind"].agg(lambda s: sorted(s.unique())),
        }
    ).reset_index()
    out = out[out["n_independent"] >= minimum]
    return out.sort_values(
        ["n_independent", "n_sources", "subject_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def _city_point(pkg: Package, place_id: str) -> tuple[str, float, float]:
    """The city a place belongs to, with the city's own point when the gazetteer has it."""
    places = pkg["places"].set_index("place_id")
    row = places.loc[place_id]
    city_rows = places[(places["kind"] == "city") & (places["city"] == row["city"])]
    if not city_rows.empty:
        city_id = str(city_rows.index[0])
        c = city_rows.iloc[0]
        return city_id, float(c["lat"]), float(c["lon"])
    return place_id, float(row["lat"]), float(row["lon"])


def itinerary(pkg: Package, event_ids: Collection[str] | None = None) -> pd.DataFrame:
    """The journey as ordered legs between cities, from the package's origin.

    A leg ends at each arrival event (in date order), drawn city to city. Legs whose arrival
    event is not in ``event_ids`` (when given) are dropped; the rest keep their order.
    Columns: leg, from_place_id, to_place_id, from_lat, from_lon, to_lat, to_lon,
    arrival_event_id, start, end, date_precision, distance_km, source_ids.
    """
    events = pkg["events"]
    arrivals = events[(events["kind"] == "arrival") & events["place_id"].notna()]
    arrivals = arrivals.sort_values(["start", "event_id"])
    visit = pkg.meta.get("visit", {})
    origin = visit.get("origin_place_id") if isinstance(visit, dict) else None
    ev = pkg["evidence"]
    rows = []
    prev = _city_point(pkg, str(origin)) if origin else None
    for rec in arrivals.to_dict("records"):
        here = _city_point(pkg, str(rec["place_id"]))
        if prev is not None and prev[0] != here[0]:
            srcs = ev[(ev["subject_type"] == "event") & (ev["subject_id"] == rec["event_id"])]
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
                    "source_ids": sorted(srcs["source_id"].unique()),
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
    if event_ids is not None:
        out = out[out["arrival_event_id"].isin(set(event_ids))]
    out.insert(0, "leg", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def event_sources(pkg: Package) -> pd.DataFrame:
    """Per event: the number of distinct sources and of independent groups, and their ids."""
    ev = pkg["evidence"]
    ev = ev[ev["subject_type"] == "event"].merge(
        pkg["sources"][["source_id", "independence_group"]], on="source_id"
    )
    g = ev.groupby("subject_id")
    return pd.DataFrame(
        {
            "n_sources": g["source_id"].nunique(),
            "n_independent": g["independence_group"].nunique(),
            "source_ids": g["source_id"].agg(lambda s: sorted(s.unique())),
        }
    ).rename_axis("event_id")


def event_table(pkg: Package) -> pd.DataFrame:
    """Events with place names, city, sectors (ids) and source counts, ordered by date."""
    ev = pkg["events"]
    places = pkg["places"][["place_id", "name_en", "name_fr", "city", "precision"]].rename(
        columns={"name_en": "place_en", "name_fr": "place_fr", "precision": "place_precision"}
    )
    out = ev.merge(places, on="place_id", how="left")
    sectors = pkg["event_sectors"].groupby("event_id")["sector_id"].agg(list)
    out["sector_ids"] = (
        out["event_id"].map(sectors).apply(lambda v: v if isinstance(v, list) else [])
    )
    out = out.join(event_sources(pkg), on="event_id")
    out["n_sources"] = out["n_sources"].fillna(0).astype(int)
    return out.sort_values(["start", "end", "event_id"]).reset_index(drop=True)
