"""The map deck, tested by its spec (json.loads(deck.to_json())), and the pure helpers."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
import struct
import tomllib
from datetime import date
from typing import Any

import pandas as pd
import pytest

from dashboard.core import derived as views
from dashboard.core import filters
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.views import map as maps
from dashboard.views import map_basemap as basemap
from dashboard.views import map_deck
from tests.helpers import ROOT
from tools import basemap as tool

HOSTILE = "<img src=x onerror=alert(1)>{details} $& \u202eevil\x07"


def spec(
    pkg: Package,
    event_ids: set[str] | None = None,
    lang: str = "en",
    **options: Any,
) -> dict[str, Any]:
    table = views.event_table(pkg)
    if event_ids is not None:
        table = table[table["event_id"].isin(event_ids)]
    opts = map_deck.MapOptions(lang=lang, **options)
    _, _, deck = map_deck.journey_map(pkg, table, lang, opts)
    result: dict[str, Any] = json.loads(deck.to_json())
    return result


def layer(doc: dict[str, Any], layer_id: str) -> dict[str, Any]:
    return next(lay for lay in doc["layers"] if lay["id"] == layer_id)


def selected(pkg: Package, **state: Any) -> set[str]:
    return set(filters.apply(filters.FilterState(**state), pkg).event_ids)


# --- structure -----------------------------------------------------------------------------


def test_layers_in_drawing_order_and_only_three_pickable(pkg: Package) -> None:
    """The deck has the documented layers, bottom to top; legs, places and HQs are pickable
    (they carry tooltips and clicks), nothing else is."""
    doc = spec(pkg)
    assert [lay["id"] for lay in doc["layers"]] == list(map_deck.LAYER_IDS)
    pickable = {lay["id"] for lay in doc["layers"] if lay.get("pickable")}
    assert pickable == set(map_deck.PICKABLE) == {"legs", "places", "hq"}
    types = {lay["id"]: lay["@@type"] for lay in doc["layers"]}
    assert types["countries"] == types["highlight"] == "GeoJsonLayer"
    assert types["borders"] == "ScenegraphLayer"
    assert types["highlight-lines"] == "LineLayer"
    assert types["legs"] == "ArcLayer"
    assert types["places"] == types["halos"] == "ScatterplotLayer"
    assert types["hq"] == "IconLayer"
    assert types["labels"] == "TextLayer"


def test_offline_no_map_provider_no_style_url(pkg: Package) -> None:
    """By default nothing points outside the app: no map provider, no style URL, no http(s)
    address anywhere in the spec; the outlines are the app's own static file."""
    doc = spec(pkg)
    text = json.dumps(doc)
    assert "mapProvider" not in doc
    assert doc.get("mapStyle") in (None, "__MAP_STYLE__")  # pydeck's "none" sentinel
    assert "http" not in text
    assert "cartocdn" not in text
    assert "mapbox" not in text
    assert layer(doc, "countries")["data"] == "app/static/countries_110m.geojson"
    assert layer(doc, "borders")["scenegraph"] == "app/static/borders_110m.glb"
    assert layer(doc, "borders")["coordinateSystem"] == "cartesian"
    assert layer(doc, "highlight-lines")["data"] == "app/static/highlight_110m.json"


def test_tiles_toggle_brings_carto_style(pkg: Package) -> None:
    """With the online basemap on, the deck asks for CARTO's light style (and only then)."""
    doc = spec(pkg, tiles=True)
    assert doc["mapProvider"] == "carto"
    assert doc["mapStyle"] == map_deck.TILES_STYLE
    assert map_deck.TILES_STYLE.startswith("https://basemaps.cartocdn.com/")
    assert layer(doc, "countries")["visible"] is False  # only the borders over the tiles
    assert "visible" not in layer(doc, "borders")


def test_spec_is_compact(pkg: Package) -> None:
    """The deck JSON has no indentation and stays small when the outlines are served as a
    file; embedding them puts every country in the spec instead."""
    served = map_deck.journey_map(pkg, views.event_table(pkg), "en", map_deck.MapOptions())[2]
    text = served.to_json()
    assert "\n" not in text
    assert len(text) < 40_000
    embedded = map_deck.journey_map(
        pkg,
        views.event_table(pkg),
        "en",
        map_deck.MapOptions(basemap=None, borders=None, outlines=None),
    )[2]
    doc = json.loads(embedded.to_json())
    countries = layer(doc, "countries")["data"]
    assert countries["type"] == "FeatureCollection"
    assert len(countries["features"]) == 177
    borders = layer(doc, "borders")
    assert borders["@@type"] == "LineLayer"
    assert len(borders["data"]) == len(basemap.borders())
    assert layer(doc, "highlight-lines")["data"] == basemap.highlight_lines()


def test_other_highlight_embeds_its_outlines(pkg: Package) -> None:
    """The served outlines are those of ``HIGHLIGHT``: another choice of countries embeds its
    own, in its own colours."""
    doc = spec(pkg, highlight=("MLI",))
    rows = layer(doc, "highlight-lines")["data"]
    assert rows == basemap.highlight_lines(("MLI",))
    mali = basemap.highlighted(("MLI",))["features"][0]
    assert {tuple(r["c"]) for r in rows} == {tuple(mali["properties"]["line"])}
    assert len(rows) == len(basemap.edges(mali["geometry"], 2))


def test_served_files_are_derived_from_the_outlines() -> None:
    """The border mesh, the highlighted outlines and the basemap styles the app serves are
    derived from the credited outlines and the map's colours, and in step with them
    (regenerate: ``python -m tools.basemap``); the mesh names the tool that wrote it."""
    assert basemap.STATIC_BORDERS.read_bytes() == tool.borders_glb()
    assert json.loads(basemap.STATIC_OUTLINES.read_text(encoding="utf-8")) == (
        basemap.highlight_lines()
    )
    assert set(basemap.STATIC_STYLES) == set(basemap.STYLE_URLS) == {"light", "dark"}
    for theme, path in basemap.STATIC_STYLES.items():
        assert json.loads(path.read_text(encoding="utf-8")) == tool.basemap_style(theme)
        assert basemap.STYLE_URLS[theme] == f"app/static/{path.name}"
    gltf, _ = _read_glb(basemap.STATIC_BORDERS.read_bytes())
    assert gltf["asset"] == {"version": "2.0", "generator": "tools.basemap.line_mesh_glb"}


def test_with_a_served_style_the_deck_leaves_the_basemap_to_it(pkg: Package) -> None:
    """With the served style of its theme, the deck draws the data layers only and names
    the style, the app's own file: nothing outside the app, no token."""
    for theme in ("light", "dark"):
        doc = spec(pkg, theme=theme, style=basemap.STYLE_URLS[theme])
        ids = [lay["id"] for lay in doc["layers"]]
        assert ids == [i for i in map_deck.LAYER_IDS if i not in map_deck.BASEMAP_LAYER_IDS]
        assert doc["mapProvider"] == "mapbox"
        assert doc["mapStyle"] == f"app/static/basemap_{theme}.json"
        text = json.dumps(doc)
        assert "http" not in text
        assert "mapbox://" not in text
        assert "token" not in text.lower()


def test_tiles_or_another_highlight_bring_the_deck_basemap_back(pkg: Package) -> None:
    """The style shows ``HIGHLIGHT`` on no tiles: with the tiles on, or other countries
    highlighted, the deck draws the basemap layers itself, as without a style."""
    tiles = spec(pkg, tiles=True, style=basemap.STYLE_URLS["light"])
    assert tiles["mapProvider"] == "carto"
    assert [lay["id"] for lay in tiles["layers"]] == list(map_deck.LAYER_IDS)
    other = spec(pkg, highlight=("MLI",), style=basemap.STYLE_URLS["light"])
    assert "mapProvider" not in other
    assert [lay["id"] for lay in other["layers"]] == list(map_deck.LAYER_IDS)


def _paint(style: dict[str, Any], layer_id: str) -> dict[str, Any]:
    paint: dict[str, Any] = next(x for x in style["layers"] if x["id"] == layer_id)["paint"]
    return paint


def _css_rgba(text: str) -> tuple[float, ...]:
    assert text.startswith("rgba("), text
    assert text.endswith(")"), text
    return tuple(float(v) for v in text[5:-1].split(","))


def test_basemap_style_draws_the_deck_basemap_offline() -> None:
    """The style reads the served outlines only (no tiles, glyphs or sprites), and draws
    what the deck's basemap layers draw, in their colours: the land, Mali and Russia shaded
    and outlined in their colours, and every border in the opaque colour a border shows on
    the land of the page's theme."""
    light, dark = tool.basemap_style("light"), tool.basemap_style("dark")
    for style in (light, dark):
        assert style["version"] == 8
        assert style["sources"] == {
            "countries": {"type": "geojson", "data": basemap.BASEMAP_URL, "maxzoom": 6}
        }
        assert not {"glyphs", "sprite"} & set(style)
        assert [x["id"] for x in style["layers"]] == [
            "land",
            "highlight",
            "borders",
            "highlight-lines",
        ]
        assert "http" not in json.dumps(style)
    land = _css_rgba(_paint(light, "land")["fill-color"])
    assert land[:3] == tuple(basemap.INK["light"]["land"][:3])
    assert land[3] == pytest.approx(basemap.INK["light"]["land"][3] / 255, abs=0.001)
    # Worked by hand from INK: light, the land (200, 203, 208) at 110/255 on white is
    # (231, 233, 235) and the border (120, 124, 130) at 200/255 on that (144, 148, 153);
    # dark, the land (72, 77, 86) at 190/255 on #0E1117 is (57, 62, 70), the border (138,
    # 143, 152) at 220/255 on that (127, 132, 141).
    assert _css_rgba(_paint(light, "borders")["line-color"]) == (144, 148, 153, 1)
    assert _css_rgba(_paint(dark, "borders")["line-color"]) == (127, 132, 141, 1)
    shaded = {f["properties"]["ISO_A3"]: f["properties"] for f in basemap.highlighted()["features"]}
    fill = _paint(light, "highlight")["fill-color"]
    assert fill[:2] == ["match", ["get", "ISO_A3"]]
    for iso in basemap.HIGHLIGHT:
        colour = _css_rgba(fill[fill.index(iso) + 1])
        assert colour[:3] == tuple(shaded[iso]["fill"][:3])
        line = _paint(light, "highlight-lines")["line-color"]
        assert _css_rgba(line[line.index(iso) + 1])[:3] == tuple(shaded[iso]["line"][:3])


def test_page_backgrounds_are_the_themes() -> None:
    """The colour the borders are made opaque against is the page's, for each theme."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    for theme, colour in tool.PAGE_BACKGROUND.items():
        assert config["theme"][theme]["backgroundColor"].upper() == colour.upper()


def _read_glb(blob: bytes) -> tuple[dict[str, Any], bytes]:
    """The JSON and BIN chunks of a binary glTF, checked against the format's framing."""
    magic, version, size = struct.unpack_from("<4sII", blob, 0)
    assert (magic, version, size) == (b"glTF", 2, len(blob))
    json_len, json_type = struct.unpack_from("<I4s", blob, 12)
    assert json_type == b"JSON"
    assert json_len % 4 == 0
    gltf = json.loads(blob[20 : 20 + json_len])
    bin_len, bin_type = struct.unpack_from("<I4s", blob, 20 + json_len)
    assert bin_type == b"BIN\0"
    assert bin_len % 4 == 0
    assert 28 + json_len + bin_len == len(blob)
    return gltf, blob[28 + json_len : 28 + json_len + bin_len]


def _lon_lat(x: float, y: float) -> tuple[float, float]:
    """The inverse of Web Mercator in deck.gl's common space (512 units across)."""
    lon = x / 512 * 360 - 180
    lat = math.degrees(math.atan(math.sinh((y / 512 - 0.5) * 2 * math.pi)))
    return lon, lat


def test_border_mesh_holds_every_segment_where_it_is() -> None:
    """The served mesh is one glTF primitive of lines whose vertices, read back from the
    file and projected back to degrees, are the segments of ``basemap.borders()`` in order
    (float32: within 1e-4 degrees); only Antarctica's edge along the pole, beyond the
    Web-Mercator square, is left out."""
    gltf, binary = _read_glb(basemap.STATIC_BORDERS.read_bytes())
    (primitive,) = gltf["meshes"][0]["primitives"]
    assert primitive["mode"] == 1  # LINES
    accessor = gltf["accessors"][primitive["attributes"]["POSITION"]]
    assert (accessor["componentType"], accessor["type"]) == (5126, "VEC3")
    view = gltf["bufferViews"][accessor["bufferView"]]
    values = struct.unpack_from(f"<{accessor['count'] * 3}f", binary, view["byteOffset"])
    points = [_lon_lat(x, y) for x, y in zip(values[0::3], values[1::3], strict=True)]
    assert set(values[2::3]) == {0.0}
    expected = [
        (tuple(r["s"]), tuple(r["t"]))
        for r in basemap.borders()
        if min(abs(r["s"][1]), abs(r["t"][1])) <= basemap.MAX_LATITUDE
    ]
    assert len(basemap.borders()) - len(expected) == 6  # the pole's edge
    assert accessor["count"] == 2 * len(expected)
    for (a, b), got_a, got_b in zip(expected, points[0::2], points[1::2], strict=True):
        for want, got in ((a, got_a), (b, got_b)):
            lat = max(-basemap.MAX_LATITUDE, min(basemap.MAX_LATITUDE, want[1]))
            assert got == pytest.approx((want[0], lat), abs=1e-4)
    xs, ys = values[0::3], values[1::3]
    assert accessor["min"] == [min(xs), min(ys), 0.0]
    assert accessor["max"] == [max(xs), max(ys), 0.0]


@pytest.mark.parametrize(
    ("lon", "lat", "x", "y"),
    [(0, 0, 256, 256), (-180, 0, 0, 256), (180, 0, 512, 256), (90, 0, 384, 256)],
)
def test_common_xy_on_the_axes(lon: float, lat: float, x: float, y: float) -> None:
    assert basemap.common_xy(lon, lat) == pytest.approx((x, y))


def test_common_xy_is_web_mercator() -> None:
    """y is Web Mercator's, written another way (asinh of the tangent), north up; the square
    ends at 85.051129 degrees, where y reaches the world's width."""
    for lat in (-80.0, -33.9, 12.6, 55.75, 70.0):
        want = 256 + 512 * math.asinh(math.tan(math.radians(lat))) / (2 * math.pi)
        assert basemap.common_xy(10.0, lat)[1] == pytest.approx(want)
    assert basemap.common_xy(0, 85.051129)[1] == pytest.approx(512, abs=1e-4)
    assert basemap.common_xy(0, 90)[1] == basemap.common_xy(0, 85.051129)[1]  # clamped


def test_borders_are_every_edge_once() -> None:
    """Every edge of every ring is a segment, and a border two countries share is drawn
    once: Mali's edges are all there, and the world holds fewer segments than edges."""
    segments = {(tuple(r["s"]), tuple(r["t"])) for r in basemap.borders()}
    assert len(segments) == len(basemap.borders())  # no edge twice
    undirected = {frozenset(seg) for seg in segments}
    assert len(undirected) == len(segments)  # nor once each way
    mali = next(f for f in basemap.countries()["features"] if f["properties"]["ISO_A3"] == "MLI")
    ring = [(round(x, 2), round(y, 2)) for x, y in mali["geometry"]["coordinates"][0]]
    for a, b in itertools.pairwise(ring):
        if a != b:
            assert frozenset((a, b)) in undirected
    total = sum(len(basemap.edges(f["geometry"], 2)) for f in basemap.countries()["features"])
    assert len(segments) < total  # shared borders were merged


# --- the itinerary -------------------------------------------------------------------------


def test_arcs_in_travel_order_with_direction(pkg: Package) -> None:
    """Legs run Bamako -> Moscow -> Kazan in that order, along great circles, orange at the
    departure and blue at the arrival, with an arrowhead and a number per leg."""
    doc = spec(pkg)
    legs = layer(doc, "legs")
    assert legs["greatCircle"] is True
    assert [(r["from_place_id"], r["to_place_id"]) for r in legs["data"]] == [
        ("bamako", "moscow"),
        ("moscow", "kazan"),
    ]
    first = legs["data"][0]
    assert first["source"] == [-8.00278, 12.63917]  # Bamako, lon/lat
    assert legs["getSourceColor"][:3] == palette.hex_to_rgb(maps.DEPARTURE_COLOUR)
    assert legs["getTargetColor"][:3] == palette.hex_to_rgb(maps.ARRIVAL_COLOUR)
    assert [r["label"] for r in layer(doc, "leg-numbers")["data"]] == ["1", "2"]
    arrows = layer(doc, "leg-arrows")["data"]
    assert len(arrows) == 2
    # Bamako -> Moscow heads north-east on the map; Moscow -> Kazan almost due east.
    assert 30 < arrows[0]["angle"] < 80
    assert abs(arrows[1]["angle"]) < 10


def test_leg_tooltip_has_dates_distance_and_sources(pkg: Package) -> None:
    """Each leg's tooltip fields give its arrival date, its distance and its sources."""
    first = layer(spec(pkg), "legs")["data"][0]
    assert first["name"] == "Leg 1: Bamako → Moscow"
    assert "22 June 2025" in first["what"]
    assert "6,183 km" in first["what"]
    assert first["details"].startswith("Sources: ")
    fr = layer(spec(pkg, lang="fr"), "legs")["data"][0]
    assert fr["name"] == "Étape 1 : Bamako → Moscou"
    assert "22 juin 2025" in fr["what"]
    assert "6\u202f183 km" in fr["what"]


def test_a_date_range_that_excludes_a_leg_removes_it(pkg: Package) -> None:
    """Filtering to 24-30 June drops the Bamako -> Moscow leg (arrival on the 22nd)."""
    ids = selected(pkg, date_from=date(2025, 6, 24), date_to=date(2025, 6, 30))
    legs = layer(spec(pkg, ids), "legs")["data"]
    assert [(r["from_place_id"], r["to_place_id"]) for r in legs] == [("moscow", "kazan")]


# --- places --------------------------------------------------------------------------------


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["place_id"]: r for r in rows}


def test_halo_radius_follows_location_precision(pkg: Package) -> None:
    """The ring is small for a site, medium for a locality, large for a city."""
    doc = spec(pkg)
    places = _by_id(layer(doc, "places")["data"])
    assert places["moscow_kremlin"]["halo"] == maps.HALO_PX["site"]
    assert places["yadran_refinery"]["halo"] == maps.HALO_PX["locality"]
    assert places["kazan"]["halo"] == maps.HALO_PX["city"]
    assert maps.HALO_PX["site"] < maps.HALO_PX["locality"] < maps.HALO_PX["city"]
    halos = layer(doc, "halos")
    assert halos["getRadius"] == "@@=halo"
    assert halos["radiusUnits"] == "pixels"
    assert sorted(r["halo"] for r in halos["data"]) == sorted(r["halo"] for r in places.values())
    # every dot sits inside its ring
    assert all(r["radius"] < r["halo"] for r in places.values())


def test_dots_sized_by_filtered_events_and_coloured_by_kind(pkg: Package) -> None:
    """More filtered events, bigger dot; the fill is the kind's colour; a place with no
    filtered event stays as a small grey dot."""
    ids = selected(pkg, date_from=date(2025, 6, 23), date_to=date(2025, 6, 23))
    places = _by_id(layer(spec(pkg, ids), "places")["data"])
    kremlin, kazan = places["moscow_kremlin"], places["kazan_kremlin"]
    assert kremlin["n_events"] == 2
    assert kazan["n_events"] == 0
    assert kremlin["radius"] == maps.DOT_MAX_PX
    assert kremlin["fill"][:3] == palette.hex_to_rgb(maps.KIND_COLOURS["landmark"])
    assert kazan["radius"] == maps.DOT_EMPTY_PX
    assert kazan["fill"][:3] == palette.hex_to_rgb(palette.NEUTRAL)
    full = _by_id(layer(spec(pkg), "places")["data"])
    assert full["kazan"]["radius"] > full["moscow"]["radius"]  # 8 events vs 2


def test_region_without_coordinates_is_never_drawn(pkg: Package) -> None:
    """Tatarstan (no coordinates) appears in no layer; its events are reported instead."""
    doc = spec(pkg)
    for lay in doc["layers"]:
        rows = lay["data"] if isinstance(lay["data"], list) else []
        assert all(r.get("place_id") != "tatarstan" for r in rows)
    data = maps.map_data(pkg, views.event_table(pkg), views.itinerary(pkg), "en")
    assert set(data.unlocated["place_id"]) == {"tatarstan"}
    assert len(data.unlocated) == 5


def test_headquarters_are_a_separate_layer_not_event_places(pkg: Package) -> None:
    """KAMAZ and Remdizel are drawn where they are based (Naberezhnye Chelny) in the HQ
    layer, as one building icon; no event dot is drawn there."""
    doc = spec(pkg)
    hq = _by_id(layer(doc, "hq")["data"])
    assert hq["kamaz"]["name"] == "KAMAZ"
    assert hq["remdizel"]["name"] == "Remdizel"
    assert "Based here" in hq["kamaz"]["what"]
    chelny = (55.73718, 52.41961)
    assert (hq["kamaz"]["lat"], hq["kamaz"]["lon"]) == chelny
    places = layer(doc, "places")["data"]
    assert all((r["lat"], r["lon"]) != chelny for r in places)
    assert {"kamaz", "remdizel"}.isdisjoint(r["place_id"] for r in places)
    assert layer(doc, "hq")["iconMapping"]["hq"]["mask"] is False


def test_hq_follow_the_filters(pkg: Package) -> None:
    """Only organisations taking part in a filtered event are drawn at their base."""
    ids = selected(pkg, places=("yadran_refinery",))  # Yadran and SOROMA: no known base
    assert {r["place_id"] for r in layer(spec(pkg, ids), "hq")["data"]} == set()
    ids = selected(pkg, actors=("kamaz",))
    assert "kamaz" in {r["place_id"] for r in layer(spec(pkg, ids), "hq")["data"]}


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"places": ("yadran_refinery",)},
        {"actors": ("kamaz",)},
        {"sectors": ("industry",)},
        {"date_from": date(2025, 6, 23), "date_to": date(2025, 6, 23)},
    ],
)
def test_layer_data_is_the_same_read_off_the_selection(pkg: Package, state: Any) -> None:
    """With the selection's ids (the page passes them: a row-mask lookup, fast at a million
    events), the layers get exactly what the isin over every link gives; and so they do
    from two columns of the events and their full rows asked for by position (the page's
    way: the unlocated events and the tooltips' few rows only)."""
    selection = filters.apply(filters.FilterState(**state), pkg)
    table = views.event_table(pkg)
    events = table[table["event_id"].isin(set(selection.event_ids))]
    legs = views.itinerary(pkg, selection.event_ids)
    plain_data = maps.map_data(pkg, events, legs, "en")
    fast = maps.map_data(pkg, events, legs, "en", event_ids=selection.event_ids)
    assert fast.hq == plain_data.hq
    assert fast.places == plain_data.places
    assert fast.labels == plain_data.labels
    asked: list[int] = []

    def rows_at(at: Any) -> pd.DataFrame:
        asked.extend(at.tolist())
        return events.take(at)

    narrow = events[["event_id", "place_id"]]
    lean = maps.map_data(pkg, narrow, legs, "en", event_ids=selection.event_ids, rows_at=rows_at)
    assert (lean.places, lean.hq, lean.labels) == (fast.places, fast.hq, fast.labels)
    assert lean.unlocated.equals(fast.unlocated)
    # Only the unlocated rows and, per drawn place, the first events its tooltip lists.
    assert len(asked) <= len(lean.unlocated) + len(lean.places) * maps.MAX_TOOLTIP_EVENTS
    if state.get("actors"):
        assert {r["place_id"] for r in fast.hq} >= {"kamaz"}


def test_labels_in_the_chosen_language(pkg: Package) -> None:
    """City labels are written in the page's language; the journey view leaves out a city
    where an organisation is merely based, the Tatarstan view labels it."""
    fr = {r["city"]: r["text"] for r in layer(spec(pkg, lang="fr"), "labels")["data"]}
    assert fr["Moscow"] == "Moscou"
    assert "Naberezhnye Chelny" not in fr
    zoomed = layer(spec(pkg, lang="fr", preset="tatarstan"), "labels")["data"]
    assert {r["text"] for r in zoomed} >= {"Kazan", "Naberejnye Tchelny"}
    assert layer(spec(pkg), "labels")["characterSet"] == "auto"


def test_too_many_places_are_capped_and_counted(pkg: Package) -> None:
    """Beyond max_places, the places with the fewest events are left off and counted."""
    data = maps.map_data(pkg, views.event_table(pkg), views.itinerary(pkg), "en", max_places=2)
    assert [r["place_id"] for r in data.places] == ["kazan", "moscow"]
    assert data.hidden_places > 0


# --- escaping ------------------------------------------------------------------------------


def _hostile(pkg: Package) -> Package:
    places = pkg["places"].copy()
    places.loc[places["place_id"] == "moscow_kremlin", ["name_en", "name_fr"]] = HOSTILE
    return dataclasses.replace(pkg, tables={**pkg.tables, "places": places})


def test_tooltips_are_text_and_hostile_names_stay_inert(pkg: Package) -> None:
    """The tooltip is a static text template (written with innerText, never parsed as HTML);
    a hostile name reaches it without control characters and cannot fake a {field}."""
    doc = spec(_hostile(pkg))
    assert "html" not in map_deck.TOOLTIP
    assert map_deck.TOOLTIP["text"] == "{name}\n{what}\n{details}"
    name = _by_id(layer(doc, "places")["data"])["moscow_kremlin"]["name"]
    assert "<img src=x onerror=alert(1)>" in name  # shown as text, not markup
    assert "{details}" not in name
    assert "\u202e" not in name
    assert "\x07" not in name
    for lay in doc["layers"]:
        for row in lay["data"] if isinstance(lay["data"], list) else []:
            for key in ("name", "what", "details"):
                assert "{name}" not in row.get(key, "")
                assert "{details}" not in row.get(key, "")


def test_legend_escapes_its_text() -> None:
    """The legend HTML escapes every label, including an unknown kind from the data."""
    out = map_deck.legend_html("en", kinds=("city", "<script>alert(1)</script>"))
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "How to read the map" in out
    assert "not where an event happened" in out
    assert "Lire la carte" in map_deck.legend_html("fr")


# --- text twin and geometry ----------------------------------------------------------------


def test_text_twin_lists_legs_and_places(pkg: Package) -> None:
    """The itinerary reads in travel order with dates and distances; places come with their
    event counts, most first."""
    legs = views.itinerary(pkg)
    names = dict(zip(pkg["places"]["place_id"], pkg["places"]["name_fr"], strict=True))
    assert maps.itinerary_lines(legs, names, "fr") == [
        "Bamako → Moscou (arrivée : 22 juin 2025) : 6\u202f183 km",
        "Moscou → Kazan (arrivée : 25 juin 2025) : 718 km",
    ]
    data = maps.map_data(pkg, views.event_table(pkg), legs, "en")
    lines = maps.place_lines(data, "en")
    assert lines[0] == "Kazan (City, somewhere in the city): 8 events"
    assert len(lines) == 8
    assert maps.total_km(data) == pytest.approx(6182.8 + 717.9)


def test_events_at_a_city_include_its_sites(pkg: Package) -> None:
    """Selecting Kazan lists the events at every Kazan site; a site lists only its own."""
    table = views.event_table(pkg)
    assert len(maps.events_at(pkg, table, "kazan")) == 11
    assert set(maps.events_at(pkg, table, "moscow_kremlin")["place_id"]) == {"moscow_kremlin"}


def _project(lat: float, lon: float, view: tuple[float, float, float]) -> tuple[float, float]:
    lat0, lon0, zoom = view
    scale = 512 * 2**zoom / (2 * math.pi)
    x = 680 / 2 + math.radians(lon - lon0) * scale
    y = 560 / 2 - (basemap.mercator_y(lat) - basemap.mercator_y(lat0)) * scale
    return x, y


@pytest.mark.parametrize("preset", maps.PRESETS)
def test_presets_frame_their_places(pkg: Package, preset: str) -> None:
    """Each view preset puts all its places inside the map, clear of the edges."""
    points = maps.preset_points(pkg, preset, views.itinerary(pkg))
    assert points
    view = maps.fit(points)
    for lat, lon in points:
        x, y = _project(lat, lon, view)
        assert 50 <= x <= 680 - 170, (preset, lat, lon, x)
        assert 50 <= y <= 560 - 50, (preset, lat, lon, y)


def test_presets_zoom_in_from_journey_to_bamako(pkg: Package) -> None:
    """The whole journey is a continental view, Tatarstan a regional one, Bamako a city."""
    zooms = [maps.fit(maps.preset_points(pkg, p, views.itinerary(pkg)))[2] for p in maps.PRESETS]
    assert zooms == sorted(zooms)
    assert zooms[0] < 4
    assert 5 < zooms[1] < 9
    assert zooms[2] > 9


def test_slerp_follows_the_great_circle() -> None:
    """Half-way between two points on the equator is on the equator; a meridian leg's
    midpoint is on the meridian at the middle latitude."""
    assert maps.slerp(0, 0, 0, 90, 0.5) == pytest.approx((0, 45))
    assert maps.slerp(10, 20, 50, 20, 0.5) == pytest.approx((30, 20))
    lat, _ = maps.slerp(12.6, -8.0, 55.8, 37.6, 0.5)
    assert lat > (12.6 + 55.8) / 2  # great circles bow towards the pole


def test_empty_selection_draws_no_marks(pkg: Package) -> None:
    """With no event selected there are no legs, no coloured dots, no HQ and no labels."""
    doc = spec(pkg, set())
    assert layer(doc, "legs")["data"] == []
    assert all(r["n_events"] == 0 for r in layer(doc, "places")["data"])
    assert layer(doc, "hq")["data"] == []
    assert layer(doc, "labels")["data"] == []
    empty = maps.map_data(pkg, views.event_table(pkg).iloc[0:0], views.itinerary(pkg, []), "en")
    assert isinstance(empty.unlocated, pd.DataFrame)
    assert empty.unlocated.empty


def test_dark_theme_lightens_rings_and_outlines(pkg: Package) -> None:
    """On a dark page the rings and dot outlines turn light (dark ones would vanish)."""
    light, dark = spec(pkg), spec(pkg, theme="dark")
    assert layer(light, "halos")["getLineColor"] == basemap.INK["light"]["ring"]
    assert layer(dark, "halos")["getLineColor"] == basemap.INK["dark"]["ring"]
    assert sum(basemap.INK["dark"]["ring"][:3]) > sum(basemap.INK["light"]["ring"][:3])
    assert layer(dark, "places")["getLineColor"] == basemap.INK["dark"]["outline"]
    # the border mesh takes its colour from the layer, so one file serves both themes
    assert layer(light, "borders")["getColor"] == basemap.INK["light"]["border"]
    assert layer(dark, "borders")["getColor"] == basemap.INK["dark"]["border"]
    assert layer(dark, "borders")["scenegraph"] == layer(light, "borders")["scenegraph"]


def test_summary_follows_the_filters(pkg: Package) -> None:
    """The takeaway counts legs, kilometres, drawn events and places, and the events placed
    only in a region; filtered to 23 June it speaks of Moscow alone (the Kremlin and the
    Alexander Garden)."""
    data = maps.map_data(pkg, views.event_table(pkg), views.itinerary(pkg), "en")
    assert maps.summary(data, "en") == (
        "2 legs shown, 6,901 km in all; 17 events at 8 places on the map. "
        "5 events are placed only in a region and are listed below, not drawn."
    )
    ids = selected(pkg, date_from=date(2025, 6, 23), date_to=date(2025, 6, 23))
    table = views.event_table(pkg)
    data = maps.map_data(pkg, table[table["event_id"].isin(ids)], views.itinerary(pkg, ids), "fr")
    assert maps.summary(data, "fr").startswith(
        "0 étape affichée, 0 km au total ; 3 événements en 2 lieux sur la carte."
    )
    ids = selected(pkg, places=("yadran_refinery",))
    data = maps.map_data(pkg, table[table["event_id"].isin(ids)], views.itinerary(pkg, ids), "en")
    assert maps.summary(data, "en") == "0 legs shown, 0 km in all; 1 event at 1 place on the map."
    assert (
        maps.summary(data, "fr")
        == "0 étape affichée, 0 km au total ; 1 événement en 1 lieu sur la carte."
    )
    ids = selected(pkg, date_from=date(2025, 6, 24), date_to=date(2025, 6, 30))
    data = maps.map_data(pkg, table[table["event_id"].isin(ids)], views.itinerary(pkg, ids), "en")
    assert maps.summary(data, "en").startswith("1 leg shown, 718 km in all; 12 events at 5 places")


def test_counts_take_cldr_plural_forms() -> None:
    """Counts read "1 event", "2 events" (French: "0 événement", "1 événement", "2
    événements"), never "event(s)"; no label of the page keeps a "(s)" suffix."""
    assert [maps.n_events(n, "en") for n in (0, 1, 2)] == ["0 events", "1 event", "2 events"]
    assert [maps.n_events(n, "fr") for n in (0, 1, 2)] == [
        "0 événement",
        "1 événement",
        "2 événements",
    ]
    assert maps.n_events(1500, "fr") == "1\u202f500 événements"
    labels = json.loads((ROOT / "dashboard/present/locales/map.json").read_text(encoding="utf-8"))
    for lang in ("en", "fr"):
        for key, text in labels[lang].items():
            assert not re.search(r"\((s|x|es)\)", text), (lang, key, text)


def test_headquarters_lines_agree_with_the_number_of_organisations(pkg: Package) -> None:
    """The text twin's line for an organisation's base agrees in French with how many
    organisations are based there ("basée", "basées")."""
    data = maps.map_data(pkg, views.event_table(pkg), views.itinerary(pkg), "fr")
    assert "KAMAZ : basée à Siège et usines principales de KAMAZ · quelque part dans la ville" in (
        maps.hq_lines(data, "fr")
    )
    two = dataclasses.replace(data, hq=[{**data.hq[0], "orgs": ["A", "B"], "name": "A, B"}])
    assert maps.hq_lines(two, "fr")[0].startswith("A, B : basées à ")
    assert maps.hq_lines(two, "en")[0].startswith("A, B: based at ")


def test_place_tooltip_counts_its_events(pkg: Package) -> None:
    """A place's tooltip gives its kind, its precision and its events in the plural form
    of their number."""
    places = _by_id(layer(spec(pkg), "places")["data"])
    assert places["kazan"]["what"] == "City · somewhere in the city · 8 events"
    assert places["yadran_refinery"]["what"] == "Plant or factory · neighbourhood only · 1 event"
    fr = _by_id(layer(spec(pkg, lang="fr"), "places")["data"])
    assert fr["yadran_refinery"]["what"] == "Usine · quartier seulement · 1 événement"


def test_legs_beyond_the_cap_are_counted_not_drawn(pkg: Package) -> None:
    table = views.event_table(pkg)
    legs = views.itinerary(pkg)
    assert len(legs) >= 2
    data = maps.map_data(pkg, table, legs, "en", max_legs=1)
    assert [leg["leg"] for leg in data.legs] == [1]
    assert data.hidden_legs == len(legs) - 1
    full = maps.map_data(pkg, table, legs, "en")
    assert full.hidden_legs == 0
    assert len(full.legs) == len(legs)


def test_deck_json_is_built_once(pkg: Package) -> None:
    """The deck is written to JSON when it is built: asking for it (Streamlit does on every
    rerun) returns that same text and writes nothing into the deck."""
    _, _, deck = map_deck.journey_map(pkg, views.event_table(pkg), "en", map_deck.MapOptions())
    before = dict(vars(deck))
    first = deck.to_json()
    assert deck.to_json() is first
    assert vars(deck) == before
    assert json.loads(first)["layers"]
    assert "spec" not in json.loads(first)


@pytest.mark.parametrize(
    ("state", "place"),
    [
        ({"selection": {"objects": {"places": [{"place_id": "kazan"}]}}}, "kazan"),
        ({"selection": {"indices": {}, "objects": {}}}, None),
        ({"selection": {"objects": {"hq": [{"place_id": "kamaz"}]}}}, None),
        ({"selection": {"objects": {"places": ["kazan"]}}}, None),
        ({"selection": {"objects": {"places": [{"place_id": ""}]}}}, None),
        ({}, None),
        (None, None),
    ],
)
def test_a_click_picks_a_place_of_the_places_layer_only(state: Any, place: str | None) -> None:
    """The chart's state after a click names the place of the clicked dot; a click on a
    building (where an organisation is based), on nothing, or an unreadable state names
    none."""
    assert maps.picked_place(state) == place


def test_page_options_use_the_served_files_only_when_served() -> None:
    """Served static files: the outlines, mesh, outlines of Mali and Russia and the theme's
    style are the app's own URLs; without static serving everything is embedded."""
    served = map_deck.page_options("fr", "bamako", False, "dark", static=True)
    assert served == map_deck.MapOptions(
        lang="fr", preset="bamako", theme="dark", style="app/static/basemap_dark.json"
    )
    bare = map_deck.page_options("en", "journey", True, "light", static=False)
    assert (bare.basemap, bare.borders, bare.outlines, bare.style) == (None, None, None, None)
    assert bare.tiles is True
