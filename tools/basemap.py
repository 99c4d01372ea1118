"""Write the basemap files the app serves, from the credited outlines and the map's colours.

    python -m tools.basemap

writes, in ``dashboard/static/`` (``dashboard.views.map_basemap`` names them):

- ``borders_110m.glb``: every border once (``map_basemap.borders``), as one binary glTF 2.0
  mesh of lines whose vertices are in deck.gl's common space, so that a ``ScenegraphLayer``
  in ``cartesian`` coordinates draws them all as hairlines in one draw call;
- ``highlight_110m.json``: the outlines of Mali and Russia as ``LineLayer`` rows
  (``map_basemap.highlight_lines``);
- ``basemap_light.json`` and ``basemap_dark.json``: the basemap as a Mapbox GL style,
  drawn by Streamlit's map library under the deck.

Run it after a change to the outlines or to the map's colours; ``tests/test_map.py`` checks
that the served files are in step. The app never imports this module.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from dashboard.present import palette
from dashboard.views.map_basemap import (
    BASEMAP_FILE,
    BASEMAP_URL,
    HIGHLIGHT,
    INK,
    MAX_LATITUDE,
    STATIC_BORDERS,
    STATIC_OUTLINES,
    STATIC_STYLES,
    Point,
    borders,
    common_xy,
    highlight_lines,
    highlighted,
)

# The page behind the map, per theme (``.streamlit/config.toml``; kept in step by a test).
PAGE_BACKGROUND: Final[Mapping[str, str]] = {"light": "#FFFFFF", "dark": "#0E1117"}
GENERATOR: Final = "tools.basemap.line_mesh_glb"


# --- the border mesh: binary glTF ----------------------------------------------------------


def _glb(gltf: dict[str, Any], binary: bytes) -> bytes:
    """A binary glTF 2.0 file: header, JSON chunk (padded with spaces), BIN chunk (zeros)."""
    text = json.dumps(gltf, separators=(",", ":")).encode("ascii")
    text += b" " * (-len(text) % 4)
    binary += b"\0" * (-len(binary) % 4)
    size = 12 + 8 + len(text) + 8 + len(binary)
    return b"".join(
        (
            struct.pack("<4sII", b"glTF", 2, size),
            struct.pack("<I4s", len(text), b"JSON"),
            text,
            struct.pack("<I4s", len(binary), b"BIN\0"),
            binary,
        )
    )


def _f32(value: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


def line_mesh_glb(segments: Sequence[tuple[Point, Point]]) -> bytes:
    """Segments of (lon, lat) points as one glTF mesh of lines (mode 1, ``LINES``), its
    vertices in deck.gl's common space (``common_xy``, z = 0): a ``ScenegraphLayer`` in
    ``cartesian`` coordinates draws it with one draw call of hairlines. A segment wholly
    beyond the square's edge (Antarctica's closing edge along the pole) is left out: drawn
    in ``lnglat``, it would not show either."""
    kept = [(a, b) for a, b in segments if min(abs(a[1]), abs(b[1])) <= MAX_LATITUDE]
    flat = [v for a, b in kept for p in (a, b) for v in (*common_xy(*p), 0.0)]
    xs, ys = flat[0::3] or [0.0], flat[1::3] or [0.0]
    binary = struct.pack(f"<{len(flat)}f", *flat)
    gltf = {
        "asset": {"version": "2.0", "generator": GENERATOR},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "mode": 1}]}],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,  # float32
                "count": len(flat) // 3,
                "type": "VEC3",
                # glTF wants the bounds of POSITION, as the float32 values stored
                "min": [_f32(min(xs)), _f32(min(ys)), 0.0],
                "max": [_f32(max(xs)), _f32(max(ys)), 0.0],
            }
        ],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(binary), "target": 34962}],
        "buffers": [{"byteLength": len(binary) + (-len(binary) % 4)}],
    }
    return _glb(gltf, binary)


def borders_glb(path: Path = BASEMAP_FILE) -> bytes:
    """``borders()`` as the line mesh the app serves (``STATIC_BORDERS``)."""
    return line_mesh_glb([((r["s"][0], r["s"][1]), (r["t"][0], r["t"][1])) for r in borders(path)])


def outlines_json(path: Path = BASEMAP_FILE) -> str:
    """``highlight_lines()`` of ``HIGHLIGHT`` as the compact JSON the app serves
    (``STATIC_OUTLINES``)."""
    return json.dumps(highlight_lines(HIGHLIGHT, path), separators=(",", ":"))


# --- the basemap style ---------------------------------------------------------------------


def _css(rgba: Sequence[int]) -> str:
    r, g, b, a = rgba
    return f"rgba({r},{g},{b},{round(a / 255, 3)})"


def _over(top: Sequence[int], below: Sequence[int]) -> list[int]:
    """The opaque colour of ``top`` (RGBA) laid over the opaque ``below`` (RGB)."""
    alpha = top[3] / 255
    return [round(t * alpha + b * (1 - alpha)) for t, b in zip(top[:3], below[:3], strict=True)]


def _by_country(shaded: Mapping[str, Mapping[str, Any]], key: str) -> list[Any]:
    """A style expression: each highlighted country's ``key`` colour, transparent elsewhere."""
    cases = [v for iso, props in shaded.items() for v in (iso, _css(props[key]))]
    return ["match", ["get", "ISO_A3"], *cases, "rgba(0,0,0,0)"]


def basemap_style(theme: str, data_url: str = BASEMAP_URL) -> dict[str, Any]:
    """The basemap as a Mapbox GL style (version 8) for ``theme``: the land, Mali and Russia
    shaded, every border, and Mali's and Russia's outlines in their colours, all from the
    outlines at ``data_url`` and in the colours of the deck's own basemap layers. No tiles,
    no glyphs, no sprites: nothing but the app's own file is fetched. The borders are drawn
    in the opaque colour they show on the land, since a border two countries share is the
    edge of both and is drawn twice."""
    key = "dark" if theme == "dark" else "light"
    ink = INK[key]
    page = palette.hex_to_rgb(PAGE_BACKGROUND[key])
    border = _over(ink["border"], _over(ink["land"], page))
    shaded = {f["properties"]["ISO_A3"]: f["properties"] for f in highlighted()["features"]}
    highlighted_only = ["match", ["get", "ISO_A3"], list(HIGHLIGHT), True, False]
    return {
        "version": 8,
        "name": f"dashboard offline basemap ({theme})",
        "sources": {"countries": {"type": "geojson", "data": data_url, "maxzoom": 6}},
        "layers": [
            {
                "id": "land",
                "type": "fill",
                "source": "countries",
                "paint": {"fill-color": _css(ink["land"]), "fill-antialias": False},
            },
            {
                "id": "highlight",
                "type": "fill",
                "source": "countries",
                "filter": highlighted_only,
                "paint": {"fill-color": _by_country(shaded, "fill"), "fill-antialias": False},
            },
            {
                "id": "borders",
                "type": "line",
                "source": "countries",
                "paint": {"line-color": _css([*border, 255]), "line-width": 1},
            },
            {
                "id": "highlight-lines",
                "type": "line",
                "source": "countries",
                "filter": highlighted_only,
                "paint": {"line-color": _by_country(shaded, "line"), "line-width": 1.6},
            },
        ],
    }


def style_json(theme: str) -> str:
    """``basemap_style(theme)`` as the compact JSON the app serves (``STATIC_STYLES``)."""
    return json.dumps(basemap_style(theme), separators=(",", ":"))


def write_static() -> list[Path]:
    """Write ``STATIC_BORDERS``, ``STATIC_OUTLINES`` and ``STATIC_STYLES`` again; return
    the files written."""
    STATIC_BORDERS.write_bytes(borders_glb())
    STATIC_OUTLINES.write_text(outlines_json(), encoding="utf-8")
    for theme, path in STATIC_STYLES.items():
        path.write_text(style_json(theme), encoding="utf-8")
    return [STATIC_BORDERS, STATIC_OUTLINES, *STATIC_STYLES.values()]


def main() -> None:
    for path in write_static():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
