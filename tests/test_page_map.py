"""The Map page under AppTest: both languages, a place click (its callback, then the
filter it asks for), view presets and the tile toggle, a date range that drops a leg,
filters matching nothing, and a hostile URL."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.typing import PydeckState

from dashboard.ui.context import PENDING
from tests.helpers import run_app

PAGE = "app_pages/map.py"


def run(query: dict[str, list[str]] | None = None, lang: str = "en") -> AppTest:
    at = run_app(PAGE, query, lang)
    assert not at.exception, at.exception
    return at


def deck(at: AppTest) -> dict[str, Any]:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    spec: dict[str, Any] = json.loads(charts[0].proto.json)
    return spec


def layer(spec: dict[str, Any], layer_id: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = next(x for x in spec["layers"] if x["id"] == layer_id)["data"]
    return data


def text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _click_script() -> None:
    """A script that runs the page's chart callback on the chart state found in session
    state, as Streamlit does after a click (run by ``AppTest.from_function``)."""
    from dashboard.app_pages import map as page

    page._on_select()


def click(state: Any) -> AppTest:
    """Run the page's ``on_select`` callback with ``state`` as the chart's state."""
    at = AppTest.from_function(_click_script, default_timeout=60)
    at.session_state["map_deck"] = state
    at.run()
    assert not at.exception, at.exception
    return at


def picked(place_id: str, layer_id: str = "places") -> PydeckState:
    """The chart's state after a click on a row of a layer, as Streamlit keeps it."""
    objects = {layer_id: [{"place_id": place_id, "name": place_id}]}
    return PydeckState({"selection": {"indices": {layer_id: [0]}, "objects": objects}})


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_map_and_text_twin_in_both_languages(lang: str) -> None:
    """The page draws one offline deck with the two legs, lists the itinerary with dates and
    distances, the places with their counts, the Tatarstan events apart, and the legend."""
    at = run(lang=lang)
    spec = deck(at)
    # the basemap is the app's own served style, drawn under the deck
    assert (spec["mapProvider"], spec["mapStyle"]) == ("mapbox", "app/static/basemap_light.json")
    assert "countries" not in {x["id"] for x in spec["layers"]}
    assert [(r["from_place_id"], r["to_place_id"]) for r in layer(spec, "legs")] == [
        ("bamako", "moscow"),
        ("moscow", "kazan"),
    ]
    body = text(at)
    legend = html.unescape(" ".join(str(h.proto.body) for h in at.get("html")))
    subheads = [str(s.value) for s in at.subheader]
    if lang == "en":
        assert at.title[0].value == "Map"
        assert "1. Bamako → Moscow \\(arrival\\: 22 June 2025\\)\\: 6,183 km" in body
        assert "Kazan \\(City, somewhere in the city\\)\\: 8 events" in body
        assert "Not on the map: events located only in a region" in subheads
        assert "not where an event happened" in legend
        assert "Moscow" in {r["text"] for r in layer(spec, "labels")}
    else:
        assert at.title[0].value == "Carte"
        assert "1. Bamako → Moscou \\(arrivée \\: 22 juin 2025\\) \\: 6\u202f183 km" in body
        assert "Hors carte : événements situés seulement dans une région" in subheads
        assert "pas le lieu d'un événement" in legend
        assert "Moscou" in {r["text"] for r in layer(spec, "labels")}
        assert layer(spec, "legs")[0]["name"] == "Étape 1 : Bamako → Moscou"
    # the region's five events are listed, never drawn
    assert "KAMAZ in the programme" in body or "KAMAZ au programme" in body
    assert all(r["place_id"] != "tatarstan" for r in layer(spec, "places"))


def test_a_click_on_a_place_asks_for_its_filter() -> None:
    """A click on a dot asks for the place filter (applied before the next run's widgets,
    so the sidebar and the URL follow); a click on a building (an organisation's base) or
    on nothing asks for nothing. The real click in a browser: tests/browser/test_map.py."""
    at = click(picked("moscow_kremlin"))
    assert at.session_state[PENDING] == {"place": ["moscow_kremlin"]}
    for state in (picked("kamaz", "hq"), PydeckState({"selection": {"objects": {}}}), None):
        assert PENDING not in click(state).session_state


def test_the_asked_place_filters_the_page_and_lists_its_events() -> None:
    """The place a click asks for puts place=moscow_kremlin in the URL, lists its three
    events with their sources, and the clear button removes the filter again; a link with
    place=moscow_kremlin opens the same view."""
    at = run()
    at.session_state[PENDING] = {"place": ["moscow_kremlin"]}  # what the click asks for
    at.run()
    assert not at.exception, at.exception
    linked = run({"place": ["moscow_kremlin"]})
    for view in (at, linked):
        assert view.query_params.get("place") == "moscow_kremlin"
        assert "Selected place\\: Moscow Kremlin" in [str(s.value) for s in view.subheader]
        assert "2 events here under the current filters." in [str(c.value) for c in view.caption]
        body = text(view)
        for title in ("Talks with Vladimir Putin in the Kremlin", "Three agreements signed"):
            assert title in body
        assert body.count("-badge[") >= 3, "each event shows its source badges"
        assert view.session_state["w_place"] == ["moscow_kremlin"]
        # the legs no longer match (their arrival events are elsewhere)
        assert layer(deck(view), "legs") == []
    at.button(key="map_clear_moscow_kremlin").click().run()
    assert "place" not in at.query_params
    assert len(layer(deck(at), "legs")) == 2


def test_a_selected_place_reads_in_french_with_plural_forms() -> None:
    """In French, a place with one event says "1 événement", a city with ten "10
    événements"; the takeaway has no "(s)"."""
    at = run({"place": ["yadran_refinery"]}, lang="fr")
    captions = [str(c.value) for c in at.caption]
    assert "1 événement ici avec les filtres actuels." in captions
    assert "0 étape affichée, 0 km au total ; 1 événement en 1 lieu sur la carte\\." in text(at)
    at = run({"place": ["kazan"]}, lang="fr")
    assert "11 événements ici avec les filtres actuels." in [str(c.value) for c in at.caption]
    assert "(s)" not in text(at)


def test_presets_and_tile_toggle() -> None:
    """The Tatarstan preset zooms to the region; the tile toggle (off by default) switches
    to CARTO tiles and says so in the credit."""
    at = run()
    journey = deck(at)["initialViewState"]["zoom"]
    at.button_group(key="map_view").set_value("tatarstan").run()
    assert not at.exception
    spec = deck(at)
    assert spec["initialViewState"]["zoom"] > journey + 3
    assert "Naberezhnye Chelny" in {r["text"] for r in layer(spec, "labels")}
    assert at.toggle(key="map_tiles").value is False
    assert "CARTO" in at.toggle(key="map_tiles").label
    at.toggle(key="map_tiles").set_value(True).run()
    spec = deck(at)
    assert spec["mapProvider"] == "carto"
    assert any("CARTO" in str(c.value) for c in at.caption)


def test_a_date_range_excluding_a_leg_removes_it() -> None:
    """With dates 24-30 June, only Moscow -> Kazan is drawn and listed."""
    at = run({"dates": ["2025-06-24", "2025-06-30"]})
    legs = layer(deck(at), "legs")
    assert [(r["from_place_id"], r["to_place_id"]) for r in legs] == [("moscow", "kazan")]
    body = text(at)
    assert "Moscow → Kazan" in body
    assert "Bamako → Moscow" not in body


def test_filters_matching_nothing_show_the_empty_state() -> None:
    """Moscow on 25-26 June matches no event: no map, the empty state and its reset."""
    at = run({"place": ["moscow"], "dates": ["2025-06-25", "2025-06-26"]})
    assert at.get("deck_gl_json_chart") == []
    assert any("No event matches" in str(i.value) for i in at.info)
    assert at.button(key="empty_reset")


def test_hostile_url_is_dropped_and_the_map_still_draws() -> None:
    """A script tag and an overlong value in the URL are reported as ignored, never run;
    the map is drawn unfiltered."""
    at = run({"place": ["<script>alert(1)</script>", "x" * 5000]})
    warning = " ".join(str(w.value) for w in at.warning)
    assert "<script>" not in warning
    assert "alert" in warning  # shown escaped, as text
    assert len(layer(deck(at), "legs")) == 2


def test_without_static_serving_the_deck_draws_an_embedded_basemap() -> None:
    """Served by a Streamlit without static files, the page names no style and no file:
    the deck draws the outlines and borders it carries in its spec."""
    from streamlit import config

    before = config.get_option("server.enableStaticServing")
    config.set_option("server.enableStaticServing", False)
    try:
        spec = deck(run())
    finally:
        config.set_option("server.enableStaticServing", before)
    assert "mapProvider" not in spec
    assert "app/static" not in json.dumps(spec)
    countries = next(x for x in spec["layers"] if x["id"] == "countries")["data"]
    assert len(countries["features"]) == 177
    assert next(x for x in spec["layers"] if x["id"] == "borders")["@@type"] == "LineLayer"
