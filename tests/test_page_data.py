"""The Data page under AppTest: the readable table in both languages, filters, the four
downloads, the citation, filters matching nothing and a hostile URL."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import derived, filters
from dashboard.core.package import Package
from dashboard.views import data, export
from tests.helpers import run_app

PAGE = "app_pages/data.py"


def run(query: dict[str, list[str]] | None = None, lang: str = "en") -> AppTest:
    at = run_app(PAGE, query, lang)
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("lang", "month", "kind", "region", "download"),
    [
        ("en", "between 25 and 27 June 2025", "arrival", "the region (no point)", "Events (CSV)"),
        (
            "fr",
            "entre le 25 et le 27 juin 2025",
            "arrivée",
            "à la région près (sans point)",
            "Événements (CSV)",
        ),
    ],
)
def test_table_and_downloads_in_both_languages(
    pkg: Package, lang: str, month: str, kind: str, region: str, download: str
) -> None:
    """Every event is listed with its date as precisely as known, its kind, place precision,
    sectors and sources in the chosen language; four downloads are offered."""
    at = run(lang=lang)
    table = at.dataframe[0].value
    assert len(table) == len(pkg["events"])
    assert list(table.columns) == [
        "when",
        "event",
        "kind",
        "place",
        "place_precision",
        "sectors",
        "sources",
        "n_independent",
    ]
    assert month in set(table["when"])
    assert kind in set(table["kind"])
    assert region in set(table["place_precision"])
    assert table["sectors"].str.len().gt(0).all(), "every event has a sector"
    buttons = at.get("download_button")
    assert [b.key for b in buttons] == [
        f"data_download_{f}" for f in ("csv", "json", "geojson", "zip")
    ]
    assert buttons[0].proto.label == download


def test_table_follows_filters(pkg: Package) -> None:
    """The table holds exactly the events the filters keep."""
    at = run({"sector": ["gold"], "dates": ["2025-06-16", "2025-06-30"]})
    state = filters.FilterState(sectors=("gold",))
    kept = filters.apply(state, pkg).event_ids
    titles = set(pkg["events"].set_index("event_id").loc[sorted(kept), "title_en"])
    assert set(at.dataframe[0].value["event"]) == titles
    assert f"{len(kept)} of {len(pkg['events'])} events" in " ".join(
        str(c.value) for c in at.caption
    )


@pytest.mark.parametrize(
    ("lang", "bits"),
    [
        ("en", ["Assimi Goïta's visit to Russia", "Version 1.0.0", "Filtered view: ", "accessed "]),
        ("fr", ["La visite d'Assimi Goïta", "Version 1.0.0", "Vue filtrée : ", "consulté le "]),
    ],
)
def test_citation_links_the_view(lang: str, bits: list[str]) -> None:
    """'How to cite this view' gives title, version, the link with the view's filters and
    the access date, in the chosen language."""
    at = run({"sector": ["gold"]}, lang=lang)
    cite = str(at.code[-1].value)
    for bit in bits:
        assert bit in cite
    assert re.search(rf"data\?sector=gold&lang={lang}\b", cite), cite


def test_filters_matching_nothing_show_the_empty_state() -> None:
    """No event kept: the empty state, no table and no downloads."""
    at = run({"sector": ["agriculture"], "place": ["moscow"]})
    assert not at.dataframe
    assert not at.get("download_button")
    assert at.info


def test_hostile_query_is_escaped(pkg: Package) -> None:
    """Hostile URL values are dropped with an escaped notice; the whole table is shown."""
    at = run(
        {
            "place": ["<img src=x onerror=alert(1)>"],
            "dates": ["2025-13-45", "x"],
            "sector": ["a" * 5000],
        }
    )
    assert len(at.dataframe[0].value) == len(pkg["events"])
    notice = str(at.warning[0].value)
    assert re.search(r"(?<!\\)<", notice) is None


def test_count_reads_in_real_plural_forms() -> None:
    """'1 événement sur 16', '0 événement', '2 événements' (CLDR's French: 0 and 1 are
    singular); English keeps 'of 16 events'."""
    assert data.count_text(1, 16, "fr") == "1 événement sur 16 dans cette vue."
    assert data.count_text(0, 16, "fr") == "0 événement sur 16 dans cette vue."
    assert data.count_text(2, 16, "fr") == "2 événements sur 16 dans cette vue."
    assert data.count_text(1, 16, "en") == "1 of 16 events in this view."
    assert data.count_text(2000, 16000, "en") == "2,000 of 16,000 events in this view."


def test_table_is_the_export_rows_translated(pkg: Package) -> None:
    """The page's table: one row per export row (``export.events_frame``), in the same
    order, with translated kinds and place precisions, and 'not stated' for no place."""
    table = derived.event_table(pkg)
    rows = export.events_frame(pkg, table, "fr")
    shown = data.table(pkg, table, "fr")
    assert list(shown.columns) == list(data.COLUMNS)
    assert shown["event"].tolist() == rows["title"].tolist()
    assert shown["when"].tolist() == rows["date_text"].tolist()
    assert "arrivée" in set(shown["kind"])
    odd = rows.head(1).assign(place=[None], place_precision=[None], kind=["new_kind"])
    odd_row = data.readable(odd, "fr").iloc[0]
    assert (odd_row["place"], odd_row["place_precision"], odd_row["kind"]) == (
        "non indiqué",
        "non indiqué",
        "new_kind",
    )
