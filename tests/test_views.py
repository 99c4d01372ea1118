"""Derived views: conflicts and their resolution, the itinerary, corroboration."""

from __future__ import annotations

import dataclasses
import gc
import math

import numpy as np
import pandas as pd
import pytest

from dashboard.core import derived as views
from dashboard.core.load import load_package
from dashboard.core.package import Package


@pytest.fixture(scope="module")
def pkg() -> Package:
    return load_package()


def with_table(pkg: Package, name: str, frame: pd.DataFrame) -> Package:
    """The same package with one table replaced (views are pure functions of it)."""
    return dataclasses.replace(pkg, tables={**pkg.tables, name: frame.reset_index(drop=True)})


def add_evidence(pkg: Package, **values: str) -> Package:
    ev = pkg["evidence"]
    row = pd.DataFrame([{c: values.get(c, pd.NA) for c in ev.columns}]).astype(ev.dtypes)
    return with_table(pkg, "evidence", pd.concat([ev, row], ignore_index=True))


# --- conflicts ----------------------------------------------------------------------------


def test_kazan_arrival_conflict_is_found_with_both_claims(pkg: Package) -> None:
    """Seed 000 says 24 June, three independent sources say 25 June: one conflict, two rows."""
    c = views.conflicts(pkg)
    assert set(c["subject_id"]) == {"arrival_kazan"}
    by_value = c.set_index("claimed_value")
    assert list(by_value.index) == ["2025-06-24", "2025-06-25"]
    assert by_value.at["2025-06-24", "source_ids"] == ["seed_000"]
    assert by_value.at["2025-06-25", "source_ids"] == [
        "ext_netafrique",
        "ext_pravda_tatarstan_5357",
        "seed_003",
    ]
    assert by_value.at["2025-06-25", "n_independent"] == 3
    assert by_value.at["2025-06-24", "n_independent"] == 1


def test_kazan_arrival_is_resolved_to_25_june_with_its_reason(pkg: Package) -> None:
    """The resolved value is 25 June, with the reason in English and French."""
    c = views.conflicts(pkg).set_index("claimed_value")
    assert bool(c.at["2025-06-25", "resolved"]) is True
    assert bool(c.at["2025-06-24", "resolved"]) is False
    assert "press office of the President of Tatarstan" in c.at["2025-06-25", "reason_en"]
    assert "service de presse du Président du Tatarstan" in c.at["2025-06-25", "reason_fr"]
    # The event itself is dated with the resolved value.
    ev = pkg["events"].set_index("event_id")
    assert ev.at["arrival_kazan", "start"] == pd.Timestamp("2025-06-25")


def test_a_month_claim_agrees_with_a_day_in_that_month(pkg: Package) -> None:
    """Seed 002's 2025-06 and L'Essor's 2025-06-26 on the helicopter plant do not conflict."""
    dated = views.claims(pkg)
    heli = dated[(dated["subject_id"] == "visit_helicopters") & (dated["claim"] == "date")]
    assert set(heli["claimed_value"]) == {"2025-06", "2025-06-26"}
    assert "visit_helicopters" not in set(views.conflicts(pkg)["subject_id"])


def test_a_month_claim_outside_the_day_conflicts(pkg: Package) -> None:
    """A claim of July 2025 disagrees with 26 June, and the conflict is unresolved."""
    changed = add_evidence(
        pkg,
        evidence_id="ev999",
        source_id="seed_002",
        subject_type="event",
        subject_id="visit_helicopters",
        claim="date",
        claimed_value="2025-07",
    )
    c = views.conflicts(changed)
    heli = c[c["subject_id"] == "visit_helicopters"]
    assert set(heli["claimed_value"]) == {"2025-06", "2025-06-26", "2025-07"}
    assert not heli["resolved"].any()


def test_non_date_claims_conflict_on_any_difference(pkg: Package) -> None:
    """Two counts of Malian students (35 and 36) disagree."""
    changed = add_evidence(
        pkg,
        evidence_id="ev999",
        source_id="ext_netafrique",
        subject_type="item",
        subject_id="students",
        claim="count",
        claimed_value="36",
    )
    c = views.conflicts(changed)
    assert set(c.loc[c["subject_id"] == "students", "claimed_value"]) == {"35", "36"}


# --- itinerary ----------------------------------------------------------------------------


def independent_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Spherical law of cosines on unit vectors (not the haversine the module uses)."""

    def unit(lat: float, lon: float) -> np.ndarray:
        la, lo = np.radians(lat), np.radians(lon)
        return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    cos_angle = float(np.clip(unit(lat1, lon1) @ unit(lat2, lon2), -1.0, 1.0))
    return 6371.0 * math.acos(cos_angle)


def test_itinerary_is_bamako_then_moscow_then_kazan(pkg: Package) -> None:
    """Two legs, in date order, each ending at its arrival event."""
    it = views.itinerary(pkg)
    assert list(it["leg"]) == [1, 2]
    assert list(zip(it["from_place_id"], it["to_place_id"], strict=True)) == [
        ("bamako", "moscow"),
        ("moscow", "kazan"),
    ]
    assert list(it["arrival_event_id"]) == ["arrival_moscow", "arrival_kazan"]
    assert list(it["start"]) == [pd.Timestamp("2025-06-22"), pd.Timestamp("2025-06-25")]
    assert it.at[0, "source_ids"] == ("ext_abamako_300891", "ext_lessor_arrival")


def test_itinerary_distances_are_great_circles(pkg: Package) -> None:
    """Bamako–Moscow is about 6,180 km and Moscow–Kazan about 720 km, within 0.5 %."""
    it = views.itinerary(pkg)
    for rec in it.to_dict("records"):
        expected = independent_km(rec["from_lat"], rec["from_lon"], rec["to_lat"], rec["to_lon"])
        assert rec["distance_km"] == pytest.approx(expected, rel=0.005)
    bamako_moscow, moscow_kazan = it["distance_km"]
    assert 6000 < bamako_moscow < 6400
    assert 690 < moscow_kazan < 750


def test_legs_are_drawn_city_to_city(pkg: Package) -> None:
    """The Kazan arrival is at the airport, but the leg ends at the city of Kazan."""
    it = views.itinerary(pkg)
    kazan = pkg["places"].set_index("place_id").loc["kazan"]
    assert pkg["events"].set_index("event_id").at["arrival_kazan", "place_id"] == "kazan_airport"
    assert (it.at[1, "to_lat"], it.at[1, "to_lon"]) == (kazan["lat"], kazan["lon"])


def test_itinerary_can_be_filtered_to_some_events(pkg: Package) -> None:
    """Keeping only the Kazan arrival keeps its leg, still numbered 2 (travel order); none
    gives no legs."""
    it = views.itinerary(pkg, event_ids={"arrival_kazan", "talks_kazan"})
    assert list(it["leg"]) == [2]
    assert list(it["to_place_id"]) == ["kazan"]
    assert views.itinerary(pkg, event_ids=set()).empty


def test_an_arrival_in_a_region_draws_no_leg(pkg: Package) -> None:
    """An arrival placed only in Tatarstan (no point) is skipped, not a crash."""
    events = pkg["events"].copy()
    events.loc[events["event_id"] == "visit_kamaz", "kind"] = "arrival"
    it = views.itinerary(with_table(pkg, "events", events))
    assert list(it["arrival_event_id"]) == ["arrival_moscow", "arrival_kazan"]


def test_great_circle_is_zero_for_one_point_and_symmetric() -> None:
    """Distance from a point to itself is 0; A to B equals B to A."""
    assert views.great_circle_km(55.8, 49.1, 55.8, 49.1) == 0
    ab = views.great_circle_km(12.6, -8.0, 55.8, 37.6)
    assert ab == pytest.approx(views.great_circle_km(55.8, 37.6, 12.6, -8.0))


# --- corroboration ------------------------------------------------------------------------


def test_corroboration_includes_students_forum_and_refinery(pkg: Package) -> None:
    """Facts with two or more independent sources, with their counts."""
    c = views.corroboration(pkg).set_index(["subject_type", "subject_id"])
    assert c.loc[("item", "students"), "n_independent"] == 2
    assert c.loc[("item", "students"), "source_ids"] == [
        "ext_abamako_300967",
        "seed_000",
        "seed_003",
    ]
    assert c.loc[("event", "forum_invitation"), "n_independent"] == 2
    refinery = c.loc[("item", "gold_refinery")]
    # Sputnik's article on the refinery could not be read (found = false): it does not count.
    assert refinery["n_sources"] == refinery["n_independent"] == 3
    assert "ext_sputnik_1074340857" not in refinery["source_ids"]
    assert refinery["kinds"] == ["external", "seed"]
    unread = set(pkg["sources"].loc[~pkg["sources"]["found"].astype(bool), "source_id"])
    assert not [ids for ids in c["source_ids"] if unread & set(ids)]
    # Sorted by independent sources, most first.
    assert list(c["n_independent"]) == sorted(c["n_independent"], reverse=True)


def test_a_single_source_is_not_corroboration(pkg: Package) -> None:
    """The meeting with Malians in Moscow, told by the Malian presidency only, is not listed."""
    c = views.corroboration(pkg)
    assert "diaspora_moscow" not in set(c["subject_id"])
    assert (c["n_independent"] >= 2).all()


def test_a_reprint_counts_once(pkg: Package) -> None:
    """aBamako's reprint of L'Essor and L'Essor itself are two sources but one voice."""
    groups = pkg["sources"].set_index("source_id")["independence_group"]
    assert groups["ext_abamako_300986"] == groups["ext_lessor"] == "lessor"
    # The Yadran meeting is told by the reprint only; add L'Essor itself.
    before = views.corroboration(pkg, minimum=1).set_index("subject_id")
    assert before.at["meeting_yadran", "source_ids"] == ["ext_abamako_300986"]
    changed = add_evidence(
        pkg,
        evidence_id="ev999",
        source_id="ext_lessor",
        subject_type="event",
        subject_id="meeting_yadran",
    )
    all_subjects = views.corroboration(changed, minimum=1).set_index("subject_id")
    assert all_subjects.at["meeting_yadran", "n_sources"] == 2
    assert all_subjects.at["meeting_yadran", "n_independent"] == 1
    assert "meeting_yadran" not in set(views.corroboration(changed)["subject_id"])


def test_event_sources_count_every_event(pkg: Package) -> None:
    """Every event has at least one source; counts match the evidence table."""
    es = views.event_sources(pkg)
    assert set(es.index) == set(pkg["events"]["event_id"])
    assert es.at["arrival_kazan", "n_sources"] == 4
    assert es.at["arrival_kazan", "n_independent"] == 3
    assert (es["n_sources"] >= 1).all()


def test_event_table_is_in_date_order_with_places_and_sectors(pkg: Package) -> None:
    """One row per event, sorted by start, with place names and source counts attached."""
    t = views.event_table(pkg)
    assert len(t) == len(pkg["events"])
    assert t["start"].is_monotonic_increasing
    # No event is dated by its month alone: the refinery (16 June) comes first.
    assert t.iloc[0]["start"] == pd.Timestamp("2025-06-16")
    days = t[t["date_precision"] == "day"]
    assert days.iloc[0]["event_id"] == "refinery_foundation"
    row = t.set_index("event_id").loc["arrival_kazan"]
    assert row["place_en"] == "Kazan International Airport"
    assert row["city"] == "Kazan"
    assert t["n_sources"].dtype.kind == "i"


def test_event_sector_ids_lists_each_events_sectors(pkg: Package) -> None:
    """Each event's sector ids, in the link table's order, as tuples (which the garbage
    collector stops tracking); narrowed to the events asked for."""
    sectors = views.event_sector_ids(pkg)
    assert sectors["statement_zainutdinov"] == ("armoured_vehicles", "technology")
    assert set(sectors) == set(pkg["events"]["event_id"])
    assert all(isinstance(v, tuple) and v for v in sectors.values())
    some = views.event_sector_ids(pkg, ["statement_zainutdinov", "visit_kamaz", "unknown"])
    assert set(some) == {"statement_zainutdinov", "visit_kamaz"}
    gc.collect()
    assert not gc.is_tracked(sectors["visit_kamaz"])
