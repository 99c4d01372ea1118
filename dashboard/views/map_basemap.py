"""The country outlines under the map: read, cut into edges, highlighted. No streamlit.

The outlines are ``data/basemap/countries_110m.geojson`` (Natural Earth). The app serves a
copy and four files derived from it (``dashboard/static/``, written by ``python -m
tools.basemap``; a test keeps them in step): the browser fetches them once from the app
itself instead of receiving them with every rerun. Without static serving the deck embeds
what this module computes instead.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from dashboard.present import palette

BASEMAP_FILE: Final = (
    Path(__file__).resolve().parents[2] / "data" / "basemap" / ("countries_110m.geojson")
)
STATIC_BASEMAP: Final = Path(__file__).resolve().parents[1] / "static" / "countries_110m.geojson"
# Relative to the page, so it also resolves under a server.baseUrlPath.
BASEMAP_URL: Final = "app/static/countries_110m.geojson"
# Every border of the outlines once, as a glTF line mesh (``tools.basemap.borders_glb``).
STATIC_BORDERS: Final = STATIC_BASEMAP.with_name("borders_110m.glb")
BORDERS_URL: Final = "app/static/borders_110m.glb"
# The outlines of the highlighted countries (``HIGHLIGHT``) as segments (``highlight_lines``).
STATIC_OUTLINES: Final = STATIC_BASEMAP.with_name("highlight_110m.json")
OUTLINES_URL: Final = "app/static/highlight_110m.json"
# The basemap as a map style of the page's own (``tools.basemap.basemap_style``), one per
# theme: drawn by the map library Streamlit puts under the deck, in a canvas of its own that
# a filter change does not redraw.
STATIC_STYLES: Final = {
    theme: STATIC_BASEMAP.with_name(f"basemap_{theme}.json") for theme in ("light", "dark")
}
STYLE_URLS: Final = {theme: f"app/static/{path.name}" for theme, path in STATIC_STYLES.items()}

HIGHLIGHT: Final = ("MLI", "RUS")
HIGHLIGHT_COLOURS: Final[Mapping[str, str]] = {
    "MLI": palette.SIDE_COLOURS["mali"],
    "RUS": palette.SIDE_COLOURS["russia"],
}
# Neutral colours per theme (the deck has no background: the page's shows through).
INK: Final[Mapping[str, Mapping[str, list[int]]]] = {
    "light": {
        "outline": [26, 29, 35, 220],
        "ring": [60, 60, 60, 200],
        "land": [200, 203, 208, 110],
        "border": [120, 124, 130, 200],
    },
    "dark": {
        "outline": [242, 244, 247, 230],
        "ring": [222, 226, 232, 220],
        "land": [72, 77, 86, 190],
        "border": [138, 143, 152, 220],
    },
}

# deck.gl's common space: the Web-Mercator world as a square of 512 units, y to the north.
WORLD_UNITS: Final = 512.0
MAX_LATITUDE: Final = 85.051129  # where the Web-Mercator square ends

Point = tuple[float, float]


def mercator_y(lat: float, limit: float = 85.0) -> float:
    """Web-Mercator y (radians) of ``lat``, clamped to +-``limit`` degrees."""
    lat = max(-limit, min(limit, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def common_xy(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in deck.gl's common space (``WORLD_UNITS`` across): what a layer in
    ``cartesian`` coordinates draws on a ``MapView`` exactly where a ``lnglat`` layer would
    draw (lon, lat). Latitudes beyond the Web-Mercator square are clamped to its edge."""
    x = WORLD_UNITS * (lon + 180.0) / 360.0
    y = WORLD_UNITS * (math.pi + mercator_y(lat, MAX_LATITUDE)) / (2 * math.pi)
    return x, y


@cache
def countries(path: Path = BASEMAP_FILE) -> dict[str, Any]:
    """The country outlines (GeoJSON FeatureCollection). Do not mutate."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _rounded(coords: Any, digits: int) -> Any:
    """Nested coordinate lists rounded (2 digits: about 1 km, finer than 1:110m lines)."""
    if isinstance(coords, list | tuple):
        return [_rounded(c, digits) for c in coords]
    return round(float(coords), digits)


def edges(geometry: Mapping[str, Any], digits: int) -> list[tuple[Point, Point]]:
    """The edges of every ring of a (Multi)Polygon, each as ((lon, lat), (lon, lat))."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    out: list[tuple[Point, Point]] = []
    for polygon in polygons:
        for ring in polygon:
            points = [(round(float(x), digits), round(float(y), digits)) for x, y, *_ in ring]
            out.extend((a, b) for a, b in itertools.pairwise(points) if a != b)
    return out


@cache
def borders(path: Path = BASEMAP_FILE, digits: int = 2) -> tuple[dict[str, Any], ...]:
    """Every edge of the country outlines once (a border two countries share is one edge),
    as LineLayer rows ``{"s": [lon, lat], "t": [lon, lat]}``; 2 digits: about 1 km, finer
    than the 1:110m lines."""
    seen: set[tuple[Point, Point]] = set()
    rows = []
    for feat in countries(path)["features"]:
        for a, b in edges(feat["geometry"], digits):
            key = (a, b) if a <= b else (b, a)
            if key not in seen:
                seen.add(key)
                rows.append({"s": list(a), "t": list(b)})
    return tuple(rows)


def highlighted(codes: Collection[str] = HIGHLIGHT, path: Path = BASEMAP_FILE) -> dict[str, Any]:
    """The features of the given countries (ISO 3166-1 alpha-3), each with its fill colour."""
    wanted = set(codes)
    feats = []
    for feat in countries(path)["features"]:
        iso = feat["properties"].get("ISO_A3")
        if iso in wanted:
            colour = HIGHLIGHT_COLOURS.get(iso, palette.NEUTRAL)
            props = {
                "ISO_A3": iso,
                "fill": palette.hex_to_rgb(colour, 60),
                "line": palette.hex_to_rgb(colour, 230),
            }
            geom = feat["geometry"]
            geom = {"type": geom["type"], "coordinates": _rounded(geom["coordinates"], 2)}
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


def highlight_lines(
    codes: Collection[str] = HIGHLIGHT, path: Path = BASEMAP_FILE
) -> list[dict[str, Any]]:
    """The outlines of ``highlighted(codes)`` as LineLayer rows ``{"s", "t", "c"}``, ``c``
    the country's line colour: straight segments cost a browser without a GPU a fraction of
    what the same outlines cost as paths (``GeoJsonLayer``'s stroke)."""
    return [
        {"s": list(a), "t": list(b), "c": feat["properties"]["line"]}
        for feat in highlighted(codes, path)["features"]
        for a, b in edges(feat["geometry"], 2)
    ]
