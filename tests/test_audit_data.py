"""The audit of 2026-12-06 (issue 30), as facts of the embedded package.

Each test states one finding of the fact-check and what the data now says, so that a later
edit cannot quietly bring the defect back. The general rules live in ``validate`` (tested in
test_validate.py); these are the particular facts.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
import pytest

from dashboard.core import derived as views
from dashboard.core.package import Package


def by_id(pkg: Package, table: str, key: str) -> pd.DataFrame:
    return pkg[table].set_index(key)


def test_the_wreath_is_laid_in_the_alexander_garden_not_in_the_palace(pkg: Package) -> None:
    """The Tomb of the Unknown Soldier is outside the Kremlin wall, a place of its own; the
    Kremlin point is named the Kremlin, not the Grand Kremlin Palace."""
    events = by_id(pkg, "events", "event_id")
    places = by_id(pkg, "places", "place_id")
    assert events.at["wreath_moscow", "place_id"] == "tomb_unknown_soldier"
    assert "Alexander Garden" in places.at["tomb_unknown_soldier", "name_en"]
    assert places.at["tomb_unknown_soldier", "precision"] == "site"
    assert places.at["moscow_kremlin", "name_en"] == "Moscow Kremlin"
    assert (
        "Palace"
        not in places.at["moscow_kremlin", "name_fr"] + places.at["moscow_kremlin", "name_en"]
    )
    assert "Alexander Garden" in events.at["wreath_moscow", "summary_en"]


def test_each_lessor_article_is_a_source_with_its_own_address(pkg: Package) -> None:
    """L'Essor's arrival, wreath, Kazan and return articles are four sources, each with its
    article's address and its own label."""
    src = pkg["sources"]
    lessor = src[src["outlet"] == "L'Essor"]
    assert len(lessor) == 4
    assert lessor["url"].is_unique
    assert lessor["label_en"].is_unique
    assert all("/posts/" in u for u in lessor["url"])
    evidence = pkg["evidence"].set_index("evidence_id")
    assert evidence.at["ev051", "source_id"] == "ext_lessor"  # the wreath
    assert evidence.at["ev062", "source_id"] == "ext_lessor_kazan"  # the tête-à-tête


def test_found_sources_point_at_articles_and_the_others_say_so(pkg: Package) -> None:
    """No source that was read points at a home page; the two that could not be found are
    marked, and are the only ones."""
    src = pkg["sources"]
    ext = src[src["kind"] == "external"]
    home = ext["url"].map(lambda u: urlsplit(str(u)).path in ("", "/") and not urlsplit(u).query)
    assert not (home & ext["found"]).any()
    assert set(src.loc[~src["found"], "source_id"]) == {
        "ext_timeslive_reuters",
        "ext_sputnik_1074340857",
    }
    assert src.set_index("source_id").at["ext_netafrique", "url"].endswith("?p=6395598328")


def test_published_dates_the_pages_give_are_filled(pkg: Package) -> None:
    published = by_id(pkg, "sources", "source_id")["published"]
    assert published["ext_abamako_300891"] == "2025-06-22"
    assert published["ext_tass_1979497"] == "2025-06-23"
    assert published["ext_abamako_300986"] == "2025-06-27"
    assert published["ext_lessor"] == "2025-06-24"
    assert published["ext_pravda_burkina"] == "2025-07-02"


def test_the_visit_dates_rest_on_more_than_the_pravda_summary(pkg: Package) -> None:
    visit = pkg.meta["visit"]
    assert (visit["start"], visit["end"]) == ("2025-06-22", "2025-06-26")
    assert len(visit["source_ids"]) >= 3
    assert {"ext_lessor_arrival", "ext_lessor_return"} <= set(visit["source_ids"])
    assert "27 June" in visit["note_en"]


@pytest.mark.parametrize(
    ("event_id", "start", "end", "bounds"),
    [
        ("visit_kamaz", "2025-06-25", "2025-06-27", {"arrival_kazan", "ext_lessor_return"}),
        ("visit_remdizel", "2025-06-25", "2025-06-27", {"arrival_kazan", "ext_lessor_return"}),
        ("visit_eidos", "2025-06-25", "2025-06-27", {"arrival_kazan", "ext_lessor_return"}),
        ("statement_camara", "2025-06-26", "2025-06-30", {"visit_helicopters"}),
        ("statement_zainutdinov", "2025-06-25", "2025-06-30", {"arrival_kazan"}),
    ],
)
def test_month_only_dates_are_narrowed_with_their_basis(
    pkg: Package, event_id: str, start: str, end: str, bounds: set[str]
) -> None:
    """Dated only 'June 2025' by their source, these keep a range bounded by other sourced
    facts, and say which."""
    ev = by_id(pkg, "events", "event_id").loc[event_id]
    assert (ev["start"], ev["end"]) == (pd.Timestamp(start), pd.Timestamp(end))
    assert ev["date_precision"] == "range"
    assert bounds <= set(str(ev["bounded_by"]).split())
    assert ev["date_basis_en"]
    assert ev["date_basis_fr"]


def test_no_event_spans_the_whole_of_june_any_more(pkg: Package) -> None:
    assert not (pkg["events"]["date_precision"] == "month").any()


@pytest.mark.parametrize("item_id", ["remdizel_partnership", "counter_terrorism"])
def test_overstated_statuses_are_discussed(pkg: Package, item_id: str) -> None:
    """'Est prête à s'engager' and 'ont réaffirmé leur engagement' are not announcements."""
    assert by_id(pkg, "cooperation", "item_id").at[item_id, "status"] == "discussed"


def test_the_pravda_relays_are_one_voice_with_what_they_relay(pkg: Package) -> None:
    groups = by_id(pkg, "sources", "source_id")["independence_group"]
    assert groups["ext_pravda_tatarstan_5357"] == groups["ext_pravda_senegal_10467"]
    assert groups["ext_pravda_tatarstan_5357"] == groups["ext_abamako_300967"]
    assert groups["ext_pravda_kremlin_2725"] == groups["ext_pravda_kremlin_5108"]
    assert groups["ext_pravda_burkina_37169"] == groups["ext_koulouba_31026"]
    # Malikunafoni restates the Tatarstan readout: it is no independent confirmation of it.
    assert groups["seed_000"] == groups["ext_pravda_tatarstan_5357"]


def test_the_kazan_date_keeps_three_voices_for_25_june(pkg: Package) -> None:
    c = views.conflicts(pkg).set_index("claimed_value")
    assert c.at["2025-06-25", "n_independent"] == 3
    assert c.at["2025-06-24", "n_independent"] == 1
    assert "Malikunafoni" in c.at["2025-06-25", "reason_en"]


def test_reader_text_names_outlets_never_ids(pkg: Package) -> None:
    """The notes the fact-check quoted are rewritten; labels name every source."""
    ev = by_id(pkg, "evidence", "evidence_id")
    assert ev.at["ev001", "note_en"] == "Malikunafoni puts the welcome on 24 June."
    assert ev.at["ev001", "note_fr"] == "Malikunafoni situe l'accueil au 24 juin."
    labels = by_id(pkg, "sources", "source_id")
    assert labels.at["seed_002", "label_en"].startswith("Unsigned article, June 2025")
    pattern = re.compile(r"seed_\d|ext_|\b(?:seed|document)s? 0\d\d", re.IGNORECASE)
    for col in ("label_en", "label_fr", "note"):
        assert not pkg["sources"][col].dropna().str.contains(pattern).any(), col


def test_seed_002_is_recorded_where_it_can_be_read(pkg: Package) -> None:
    src = by_id(pkg, "sources", "source_id")
    assert "alwihdainfo.com" in src.at["seed_002", "online_at"]
    assert pd.isna(src.at["seed_002", "outlet"])  # the document itself names none
    assert src["online_at"].notna().sum() == 3  # each seed's page was found


@pytest.mark.parametrize(
    ("source_id", "furniture"),
    [
        ("seed_000", "top of page"),
        ("seed_000", "Noté 0 étoile sur 5.\nPas encore de note"),
        ("seed_000", "bottom of page"),
        ("seed_002", "date 2025-06"),
        ("seed_003", "Subscribe to get the latest posts sent to your email."),
        ("seed_003", "En savoir plus sur Sahel Tribune"),
    ],
)
def test_page_furniture_is_recorded_apart_from_the_article(
    pkg: Package, source_id: str, furniture: str
) -> None:
    """Every piece of furniture the fact-check saw lies inside a recorded span."""
    text = pkg.seed_texts[source_id]
    at = text.index(furniture)
    spans = pkg["seed_furniture"]
    spans = spans[spans["source_id"] == source_id]
    assert ((spans["start"] <= at) & (spans["end"] >= at + len(furniture))).any()


def test_what_the_seeds_say_is_held(pkg: Package) -> None:
    """Sentences of the seeds that the data did not hold before the audit."""
    items = by_id(pkg, "cooperation", "item_id")
    for item in ("energy_cooperation", "training", "industrial_innovation"):
        assert items.at[item, "status"] == "discussed"
    assert items.at["equipment_in_service", "status"] == "ongoing"
    events = by_id(pkg, "events", "event_id")
    assert "good prospects" in events.at["statement_minnikhanov_prospects", "title_en"]
    camara = events.at["statement_camara", "summary_en"]
    for said in ("initiated by President Goïta", "fraternal relations", "linked to defence"):
        assert said in camara
    claims = pkg["evidence"]
    more = claims[(claims["subject_id"] == "students_kazan") & (claims["claim"] == "count")]
    assert list(more["claimed_value"]) == [">2000"]


def test_sahel_tribune_is_not_evidence_of_the_plant_visit(pkg: Package) -> None:
    """It says where Mi helicopters are built, not that the delegation went there."""
    ev = pkg["evidence"]
    heli = ev[(ev["subject_id"] == "visit_helicopters") & (ev["source_id"] == "seed_003")]
    assert heli.empty
