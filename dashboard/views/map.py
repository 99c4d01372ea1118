"""The map of the journey as a pydeck Deck: frames and options in, Deck out. No streamlit.

Drawn offline: country outlines come from ``data/basemap/countries_110m.geojson`` (Natural
Earth), served by the app itself as a static file (``BASEMAP_URL``) or embedded in the spec.
In the app the basemap is a map style of its own (``basemap_style()``, served as
``STYLE_URLS``), which Streamlit's bundled Mapbox GL JS draws under the deck in a canvas a
filter change does not touch: without a GPU, redrawing the basemap with the deck was most of
a filter change (docs/performance.md). Without that style (no static serving, other
countries highlighted, or tiles), the deck draws the basemap itself. Layers, bottom to top:

- the basemap (``BASEMAP_LAYER_IDS``): ``countries``, every country, filled, neutral;
  ``borders``, every border once, as one mesh of hairlines (``BORDERS_URL``, a binary glTF
  drawn by a ``ScenegraphLayer``) or, embedded, as straight segments; ``highlight``: Mali
  and Russia, shaded, and ``highlight-lines``: their outlines in their colours, as straight
  segments. A browser without a GPU draws the frame in software, where each instance of a
  deck.gl layer has a cost of its own: one mesh of 15 298 vertices costs less than 7 655
  segment instances, which cost a quarter of the outlines drawn as paths;
- ``legs``: the itinerary as great-circle arcs in travel order, orange at the departure,
  blue at the arrival; ``leg-arrows``: an arrowhead half-way along each leg, pointing to the
  arrival; ``leg-numbers``: the leg's number in travel order;
- ``halos``: a ring around each place whose radius says how precisely it is located
  (``HALO_PX``: a site, a locality, somewhere in a city);
- ``places``: where events happened, sized by the number of filtered events, coloured by
  the kind of place (grey when no event passes the filters);
- ``hq``: where the organisations taking part are *based* (a building icon) — not where an
  event happened;
- ``labels``: city names in the chosen language.

Tooltips use deck.gl's ``text`` template (``TOOLTIP``), which the browser writes with
``innerText``: data-derived text is never parsed as HTML. (Streamlit 1.67 also HTML-escapes
every value it puts into an ``html`` template, so pre-escaped values would show their
entities; the text template sidesteps both.)
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import math
import struct
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.core import derived as views
from dashboard.core.filters import codes, of_events, printable
from dashboard.core.ids import isin
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.i18n import Lang, as_lang, col, format_number, format_span, t

BASEMAP_FILE: Final = (
    Path(__file__).resolve().parents[2] / "data" / "basemap" / ("countries_110m.geojson")
)
STATIC_BASEMAP: Final = Path(__file__).resolve().parents[1] / "static" / "countries_110m.geojson"
# Relative to the page, so it also resolves under a server.baseUrlPath.
BASEMAP_URL: Final = "app/static/countries_110m.geojson"
# Every border of the outlines once, as a glTF line mesh (``borders_glb()``; kept in step by
# a test).
STATIC_BORDERS: Final = STATIC_BASEMAP.with_name("borders_110m.glb")
BORDERS_URL: Final = "app/static/borders_110m.glb"
# The outlines of the highlighted countries (``HIGHLIGHT``) as segments (``highlight_lines()``;
# kept in step by a test).
STATIC_OUTLINES: Final = STATIC_BASEMAP.with_name("highlight_110m.json")
OUTLINES_URL: Final = "app/static/highlight_110m.json"
# The basemap as a map style of the page's own (``basemap_style()``; kept in step by a test),
# one per theme: drawn by the map library Streamlit puts under the deck, in a canvas of its
# own that a filter change does not redraw.
STATIC_STYLES: Final = {
    theme: STATIC_BASEMAP.with_name(f"basemap_{theme}.json") for theme in ("light", "dark")
}
STYLE_URLS: Final = {theme: f"app/static/{path.name}" for theme, path in STATIC_STYLES.items()}
HIGHLIGHT: Final = ("MLI", "RUS")
TILES_STYLE: Final = pdk.map_styles.CARTO_LIGHT

Preset = Literal["journey", "tatarstan", "bamako"]
PRESETS: Final[tuple[Preset, ...]] = ("journey", "tatarstan", "bamako")
# Cities each preset frames (the journey frames everything on the map).
PRESET_CITIES: Final[Mapping[str, tuple[str, ...]]] = {
    "tatarstan": ("Kazan", "Naberezhnye Chelny"),
    "bamako": ("Bamako",),
}

# Drawn by the deck only without a served style (``MapOptions.style``), or over tiles.
BASEMAP_LAYER_IDS: Final = ("countries", "borders", "highlight", "highlight-lines")
LAYER_IDS: Final = (
    *BASEMAP_LAYER_IDS,
    "legs",
    "halos",
    "hq",
    "places",
    "leg-arrows",
    "leg-numbers",
    "labels",
)
PICKABLE: Final = ("legs", "places", "hq")

# Ring radius (pixels) by location precision: the wider the ring, the vaguer the place.
HALO_PX: Final[Mapping[str, int]] = {"site": 11, "locality": 17, "city": 24}
DOT_MIN_PX: Final = 4.0
DOT_MAX_PX: Final = 10.0  # stays inside the smallest ring
DOT_EMPTY_PX: Final = 3.0
MAX_PLACES: Final = 500  # most-visited places drawn; the rest are counted and said so
MAX_LEGS: Final = 150  # first legs drawn, in travel order; the rest are counted and said so
MAX_TOOLTIP_EVENTS: Final = 5
MAX_LISTED: Final = 50  # events or places listed as text under the map

KIND_COLOURS: Final[Mapping[str, str]] = {
    "city": palette.OKABE_ITO["blue"],
    "landmark": palette.OKABE_ITO["reddish_purple"],
    "airport": palette.OKABE_ITO["sky_blue"],
    "factory": palette.OKABE_ITO["orange"],
    "company": palette.OKABE_ITO["yellow"],
}
DEPARTURE_COLOUR: Final = palette.OKABE_ITO["orange"]
ARRIVAL_COLOUR: Final = palette.OKABE_ITO["blue"]
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
# The page behind the map, per theme (``.streamlit/config.toml``; kept in step by a test).
PAGE_BACKGROUND: Final[Mapping[str, str]] = {"light": "#FFFFFF", "dark": "#0E1117"}
HIGHLIGHT_COLOURS: Final[Mapping[str, str]] = {
    "MLI": palette.SIDE_COLOURS["mali"],
    "RUS": palette.SIDE_COLOURS["russia"],
}

TOOLTIP: Final = {
    "text": "{name}\n{what}\n{details}",
    "style": {
        "backgroundColor": "#1A1D23",
        "color": "#FFFFFF",
        "fontSize": "13px",
        "maxWidth": "340px",
        "whiteSpace": "pre-line",
    },
}
FONT: Final = '"Source Sans", "Source Sans Pro", "Helvetica Neue", Arial, sans-serif'


def _svg_atlas(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# A building with windows: "based here". Anchored at its foot, so it stands on the point.
HQ_ATLAS: Final = _svg_atlas(
    "<svg xmlns='http://www.w3.org/2000/svg' width='48' height='48' viewBox='0 0 48 48'>"
    "<path d='M10 44V8h20v12h8v24z' fill='#1A1D23' stroke='#FFFFFF' stroke-width='3'/>"
    "<path d='M15 13h4v4h-4zM21 13h4v4h-4zM15 21h4v4h-4zM21 21h4v4h-4zM15 29h4v4h-4z"
    "M21 29h4v4h-4zM31 26h4v4h-4zM31 33h4v4h-4z' fill='#FFFFFF'/></svg>"
)
HQ_MAPPING: Final = {
    "hq": {"x": 0, "y": 0, "width": 48, "height": 48, "anchorY": 46, "mask": False}
}
# A triangle pointing east; the layer turns it along the leg.
ARROW_ATLAS: Final = _svg_atlas(
    "<svg xmlns='http://www.w3.org/2000/svg' width='48' height='48' viewBox='0 0 48 48'>"
    f"<path d='M8 6L44 24L8 42L16 24z' fill='{ARRIVAL_COLOUR}' stroke='#FFFFFF' "
    "stroke-width='3' stroke-linejoin='round'/></svg>"
)
ARROW_MAPPING: Final = {
    "arrow": {"x": 0, "y": 0, "width": 48, "height": 48, "anchorY": 24, "mask": False}
}


class Deck(pdk.Deck):  # type: ignore[misc]
    """A pydeck Deck whose JSON is compact (pydeck indents it, tripling what each rerun
    sends to the browser)."""

    def to_json(self) -> str:
        # Memoised: a deck is built once per view and never changed, but Streamlit asks for
        # its JSON on every rerun (24 ms on the embedded data, 350 ms at 10 000 events).
        cached = self.__dict__.get("_compact_json")
        if not isinstance(cached, str):
            cached = json.dumps(
                json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False
            )
            self.__dict__["_compact_json"] = cached
        return cached


# The columns of ``views.event_table`` the map reads (its layers, tooltips and event lists).
EVENT_COLUMNS: Final = (
    "event_id",
    "place_id",
    "city",
    "start",
    "end",
    "date_precision",
    "title_en",
    "title_fr",
    "source_ids",
)

# The rows at given positions of a map's ``events``, with every one of ``EVENT_COLUMNS``: a
# caller that has the view's rows uncopied passes only the columns read for every row
# (place_id, event_id) and this for the few rows shown in full (``map_data``).
RowsAt = Callable[[np.ndarray], pd.DataFrame]


# --- text for tooltips and labels ----------------------------------------------------------


def plain(value: object, limit: int = 200) -> str:
    """Data text made safe for a tooltip field: control/bidi characters dropped, cut short,
    and braces broken so a value can never look like a ``{field}`` of the template."""
    return printable(str(value), limit).replace("{", "{\u2060").replace("}", "\u2060}")


def _const(value: str) -> Any:
    """A constant string prop (pydeck turns a bare string into a JS expression)."""
    return pdk.types.String(value)


def _rgb(colour: str, alpha: int = 255) -> list[int]:
    return palette.hex_to_rgb(colour, alpha)


# --- the data behind the layers ------------------------------------------------------------


@dataclass(frozen=True)
class MapData:
    """Rows for the layers (plain dicts, ready for JSON) and what the map cannot show."""

    places: list[dict[str, Any]]
    hq: list[dict[str, Any]]
    legs: list[dict[str, Any]]
    labels: list[dict[str, Any]]
    unlocated: pd.DataFrame  # filtered events whose place has no coordinates
    hidden_places: int = 0  # located places left off because of MAX_PLACES
    hidden_legs: int = 0  # legs after the first MAX_LEGS, not drawn
    counts: Mapping[str, int] = field(default_factory=dict)  # place_id -> filtered events


def _located(places: pd.DataFrame) -> pd.DataFrame:
    return places[places["lat"].notna() & places["lon"].notna()]


def _event_line(rec: Mapping[Any, Any], lang: Lang) -> str:
    when = format_span(rec["start"], rec["end"], str(rec["date_precision"]), lang)
    return f"{when} — {plain(rec[col('title', lang)], 90)}"


def used_places(pkg: Package) -> np.ndarray:
    """The places where at least one event of the package happened."""
    return np.asarray(pkg["events"]["place_id"].dropna().unique())


def _place_rows(
    pkg: Package, events: pd.DataFrame, lang: Lang, max_places: int, rows_at: RowsAt
) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    places = _located(pkg["places"])
    used = pkg.memo.get(used_places, inputs=(pkg,))
    places = places[isin(places["place_id"], used)]
    counts_s = events["place_id"].value_counts()
    counts = {str(k): int(v) for k, v in counts_s.items()}
    places = places.assign(_n=places["place_id"].map(counts).fillna(0).astype(int))
    places = places.sort_values(["_n", "place_id"], ascending=[False, True])
    hidden = max(len(places) - max_places, 0)
    places = places.head(max_places)
    top = max(int(places["_n"].max()) if len(places) else 1, 1)  # largest drawn dot
    # The first events of each drawn place, found on the place column alone: copying every
    # column of the shown rows first cost 35 ms at a million events (180 000 in the view).
    where = events["place_id"].reset_index(drop=True)
    where = where[isin(where, places["place_id"]).to_numpy(dtype=bool)]
    first_rows = where.groupby(where, sort=False).head(MAX_TOOLTIP_EVENTS).index
    firsts = rows_at(np.sort(first_rows.to_numpy()))
    lines: dict[str, list[str]] = {}
    for rec in firsts.to_dict("records"):
        lines.setdefault(str(rec["place_id"]), []).append(_event_line(rec, lang))
    rows = []
    for rec in places.to_dict("records"):
        pid, n = str(rec["place_id"]), int(rec["_n"])
        kind, precision = str(rec["kind"]), str(rec["precision"])
        details = lines.get(pid, [])
        if n > len(details):
            details.append(t("map_tip_more", lang, n=n - len(details)))
        if n:
            radius = DOT_MIN_PX + (DOT_MAX_PX - DOT_MIN_PX) * math.sqrt(n / top)
            fill = _rgb(KIND_COLOURS.get(kind, palette.NEUTRAL), 235)
        else:
            radius = DOT_EMPTY_PX
            fill = _rgb(palette.NEUTRAL, 150)
        rows.append(
            {
                "place_id": pid,
                "lon": float(rec["lon"]),
                "lat": float(rec["lat"]),
                "kind": kind,
                "precision": precision,
                "n_events": n,
                "radius": round(radius, 2),
                "halo": HALO_PX.get(precision, HALO_PX["city"]),
                "fill": fill,
                "name": plain(rec[col("name", lang)]),
                "what": t(
                    "map_tip_place",
                    lang,
                    kind=kind_label(kind, lang),
                    precision=precision_label(precision, lang),
                    n=format_number(n, lang),
                ),
                "details": "\n".join(details) if details else t("map_tip_none", lang),
            }
        )
    return rows, hidden, counts


def kind_label(kind: str, lang: str) -> str:
    return t(f"map_kind_{kind}", lang) if kind in KIND_COLOURS else plain(kind, 40)


def precision_label(precision: str, lang: str) -> str:
    known = (*HALO_PX, "region")
    return t(f"map_precision_{precision}", lang) if precision in known else plain(precision, 40)


def _hq_rows(
    pkg: Package, events: pd.DataFrame, lang: Lang, event_ids: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """One icon per home place of the organisations taking part in the filtered events
    (``event_ids``: their ids, when the caller has the selection's, read off its row mask
    instead of an ``isin`` over every link: 50 ms at a million events)."""
    links = pkg["event_organisations"]
    if event_ids is None:
        taking_part = isin(links["event_id"], events["event_id"]).to_numpy(dtype=bool)
    else:
        taking_part = of_events(pkg, links, "event_id", "event_organisations", event_ids)
    org_codes, org_ids = codes(pkg, links, "org_id", "event_organisations")
    orgs_in = set(org_ids[np.unique(org_codes[taking_part])])
    orgs = pkg["organisations"]
    orgs = orgs[orgs["org_id"].isin(orgs_in) & orgs["home_place_id"].notna()]
    places = {str(r["place_id"]): r for r in _located(pkg["places"]).to_dict("records")}
    grouped: dict[str, list[str]] = {}
    for rec in orgs.sort_values("org_id").to_dict("records"):
        home = str(rec["home_place_id"])
        if home in places:
            grouped.setdefault(home, []).append(plain(rec[col("name", lang)], 80))
    rows = []
    for home, names in sorted(grouped.items()):
        p = places[home]
        rows.append(
            {
                "place_id": home,
                "lon": float(p["lon"]),
                "lat": float(p["lat"]),
                "icon": "hq",
                "orgs": names,
                "name": ", ".join(names),
                "what": t("map_tip_hq", lang),
                "details": t(
                    "map_tip_hq_where",
                    lang,
                    place=plain(p[col("name", lang)]),
                    precision=precision_label(str(p["precision"]), lang),
                ),
            }
        )
    return rows


def slerp(lat1: float, lon1: float, lat2: float, lon2: float, f: float) -> tuple[float, float]:
    """The point a fraction ``f`` of the way along the great circle from 1 to 2."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = (math.cos(p1) * math.cos(l1), math.cos(p1) * math.sin(l1), math.sin(p1))
    b = (math.cos(p2) * math.cos(l2), math.cos(p2) * math.sin(l2), math.sin(p2))
    omega = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b, strict=True)))))
    if omega < 1e-12:
        return lat1, lon1
    s1 = math.sin((1 - f) * omega) / math.sin(omega)
    s2 = math.sin(f * omega) / math.sin(omega)
    x, y, z = (s1 * u + s2 * v for u, v in zip(a, b, strict=True))
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _mercator_y(lat: float, limit: float = 85.0) -> float:
    """Web-Mercator y (radians) of ``lat``, clamped to +-``limit`` degrees."""
    lat = max(-limit, min(limit, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def screen_angle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Direction from 1 to 2 on a Web Mercator map, degrees counter-clockwise from east."""
    dx = math.radians(lon2 - lon1)
    dy = _mercator_y(lat2) - _mercator_y(lat1)
    return math.degrees(math.atan2(dy, dx))


def _leg_rows(
    legs: pd.DataFrame, names: Mapping[str, str], sources: Mapping[str, str], lang: Lang
) -> list[dict[str, Any]]:
    rows = []
    for rec in legs.to_dict("records"):
        la1, lo1, la2, lo2 = (
            float(rec["from_lat"]),
            float(rec["from_lon"]),
            float(rec["to_lat"]),
            float(rec["to_lon"]),
        )
        mid = slerp(la1, lo1, la2, lo2, 0.5)
        before = slerp(la1, lo1, la2, lo2, 0.45)
        after = slerp(la1, lo1, la2, lo2, 0.55)
        origin = plain(names.get(rec["from_place_id"], rec["from_place_id"]))
        dest = plain(names.get(rec["to_place_id"], rec["to_place_id"]))
        when = format_span(rec["start"], rec["end"], str(rec["date_precision"]), lang)
        srcs = ", ".join(plain(sources.get(s, s), 60) for s in rec["source_ids"])
        rows.append(
            {
                "leg": int(rec["leg"]),
                "label": str(int(rec["leg"])),
                "from_place_id": str(rec["from_place_id"]),
                "to_place_id": str(rec["to_place_id"]),
                "source": [lo1, la1],
                "target": [lo2, la2],
                "mid": [mid[1], mid[0]],
                "angle": round(screen_angle(before[0], before[1], after[0], after[1]), 2),
                "distance_km": float(rec["distance_km"]),
                "name": t("map_tip_leg", lang, n=int(rec["leg"]), origin=origin, dest=dest),
                "what": t(
                    "map_tip_leg_when",
                    lang,
                    date=when,
                    km=format_number(float(rec["distance_km"]), lang),
                ),
                "details": t("map_tip_sources", lang, sources=srcs or "—"),
            }
        )
    return rows


def _city_names(pkg: Package, lang: Lang) -> dict[str, tuple[str, float, float]]:
    """City (the ``city`` column) -> (its name in ``lang``, lat, lon), from its city place."""
    places = _located(pkg["places"])
    cities = places[places["kind"] == "city"]
    return {
        str(r["city"]): (str(r[col("name", lang)]), float(r["lat"]), float(r["lon"]))
        for r in cities.to_dict("records")
    }


def _label_rows(
    pkg: Package,
    place_rows: Sequence[Mapping[str, Any]],
    hq_rows: Sequence[Mapping[str, Any]],
    legs: pd.DataFrame,
    lang: Lang,
) -> list[dict[str, Any]]:
    """One label per city the map shows something in: a leg ends there, an event happened
    there, or an organisation taking part is based there."""
    city_of = dict(zip(pkg["places"]["place_id"], pkg["places"]["city"], strict=True))
    wanted: dict[str, str] = {}  # city -> role (event, hq)
    for pid in [*legs["from_place_id"], *legs["to_place_id"]]:
        wanted.setdefault(str(city_of.get(pid, pid)), "event")
    for row in place_rows:
        if row["n_events"]:
            wanted[str(city_of.get(row["place_id"], row["place_id"]))] = "event"
    for row in hq_rows:
        wanted.setdefault(str(city_of.get(row["place_id"], row["place_id"])), "hq")
    cities = _city_names(pkg, lang)
    rows = []
    for city, role in sorted(wanted.items()):
        if city in cities:
            name, lat, lon = cities[city]
            rows.append(
                {
                    "city": city,
                    "text": plain(name, 60),
                    "lon": lon,
                    "lat": lat,
                    "role": role,
                }
            )
    return rows


def map_data(
    pkg: Package,
    events: pd.DataFrame,
    legs: pd.DataFrame,
    lang: str,
    *,
    place_names: Mapping[str, str] | None = None,
    source_names: Mapping[str, str] | None = None,
    max_places: int = MAX_PLACES,
    max_legs: int = MAX_LEGS,
    event_ids: Collection[str] | None = None,
    rows_at: RowsAt | None = None,
) -> MapData:
    """Everything the layers draw, from the filtered event table (``views.event_table``
    rows) and the filtered itinerary (``views.itinerary``); ``event_ids``: the selection's
    ids of those same events, when the caller has them (faster at a million events).
    With ``rows_at``, ``events`` need only hold place_id and event_id: the tooltips' and
    the unlocated events' rows are asked of it (copying every column of 180 000 rows
    took 25–100 ms of a new view at a million events)."""
    lg = as_lang(lang)
    if rows_at is None:
        rows_at = events.take
    if place_names is None:
        pl = pkg["places"]
        place_names = dict(zip(pl["place_id"], pl[col("name", lg)], strict=True))
    if source_names is None:
        src = pkg["sources"]
        source_names = {
            str(s): str(o) if isinstance(o, str) and o else str(s)
            for s, o in zip(src["source_id"], src["outlet"], strict=True)
        }
    place_rows, hidden, counts = _place_rows(pkg, events, lg, max_places, rows_at)
    hq_rows = _hq_rows(pkg, events, lg, event_ids)
    located = _located(pkg["places"])["place_id"]
    where = events["place_id"]
    unlocated = rows_at(np.flatnonzero((where.notna() & ~isin(where, located)).to_numpy(bool)))
    drawn = legs.head(max_legs)  # in travel order
    return MapData(
        places=place_rows,
        hq=hq_rows,
        legs=_leg_rows(drawn, place_names, source_names, lg),
        labels=_label_rows(pkg, place_rows, hq_rows, drawn, lg),
        unlocated=unlocated,
        hidden_places=hidden,
        hidden_legs=len(legs) - len(drawn),
        counts=counts,
    )


# --- the basemap ---------------------------------------------------------------------------


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


Point = tuple[float, float]


def _edges(geometry: Mapping[str, Any], digits: int) -> list[tuple[Point, Point]]:
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
        for a, b in _edges(feat["geometry"], digits):
            key = (a, b) if a <= b else (b, a)
            if key not in seen:
                seen.add(key)
                rows.append({"s": list(a), "t": list(b)})
    return tuple(rows)


# deck.gl's common space: the Web-Mercator world as a square of 512 units, y to the north.
WORLD_UNITS: Final = 512.0
MAX_LATITUDE: Final = 85.051129  # where the Web-Mercator square ends


def common_xy(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in deck.gl's common space (``WORLD_UNITS`` across): what a layer in
    ``cartesian`` coordinates draws on a ``MapView`` exactly where a ``lnglat`` layer would
    draw (lon, lat). Latitudes beyond the Web-Mercator square are clamped to its edge."""
    x = WORLD_UNITS * (lon + 180.0) / 360.0
    y = WORLD_UNITS * (math.pi + _mercator_y(lat, MAX_LATITUDE)) / (2 * math.pi)
    return x, y


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
        "asset": {"version": "2.0", "generator": "dashboard.maps.line_mesh_glb"},
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


def _f32(value: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


def borders_glb(path: Path = BASEMAP_FILE) -> bytes:
    """``borders()`` as the line mesh the app serves (``STATIC_BORDERS``)."""
    return line_mesh_glb([(tuple(r["s"]), tuple(r["t"])) for r in borders(path)])


def outlines_json(path: Path = BASEMAP_FILE) -> str:
    """``highlight_lines()`` of ``HIGHLIGHT`` as the compact JSON the app serves
    (``STATIC_OUTLINES``)."""
    return json.dumps(highlight_lines(HIGHLIGHT, path), separators=(",", ":"))


def write_static() -> None:
    """Write ``STATIC_BORDERS``, ``STATIC_OUTLINES`` and ``STATIC_STYLES`` again (after a
    change to the outlines or to the map's colours)."""
    STATIC_BORDERS.write_bytes(borders_glb())
    STATIC_OUTLINES.write_text(outlines_json(), encoding="utf-8")
    for theme, path in STATIC_STYLES.items():
        path.write_text(style_json(theme), encoding="utf-8")


def _css(rgba: Sequence[int]) -> str:
    r, g, b, a = rgba
    return f"rgba({r},{g},{b},{round(a / 255, 3)})"


def _over(top: Sequence[int], below: Sequence[int]) -> list[int]:
    """The opaque colour of ``top`` (RGBA) laid over the opaque ``below`` (RGB)."""
    alpha = top[3] / 255
    return [round(t * alpha + b * (1 - alpha)) for t, b in zip(top[:3], below[:3], strict=True)]


def basemap_style(theme: str, data_url: str = BASEMAP_URL) -> dict[str, Any]:
    """The basemap as a Mapbox GL style (version 8) for ``theme``: the land, Mali and Russia
    shaded, every border, and Mali's and Russia's outlines in their colours, all from the
    outlines at ``data_url`` and in the colours of the deck's own basemap layers. No tiles,
    no glyphs, no sprites: nothing but the app's own file is fetched. The borders are drawn
    in the opaque colour they show on the land, since a border two countries share is the
    edge of both and is drawn twice."""
    key = "dark" if theme == "dark" else "light"
    ink = INK[key]
    border = _over(ink["border"], _over(ink["land"], _rgb(PAGE_BACKGROUND[key])))
    shaded = {f["properties"]["ISO_A3"]: f["properties"] for f in highlighted()["features"]}

    def by_country(key: str) -> list[Any]:
        cases = [v for iso, props in shaded.items() for v in (iso, _css(props[key]))]
        return ["match", ["get", "ISO_A3"], *cases, "rgba(0,0,0,0)"]

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
                "paint": {"fill-color": by_country("fill"), "fill-antialias": False},
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
                "paint": {"line-color": by_country("line"), "line-width": 1.6},
            },
        ],
    }


def style_json(theme: str) -> str:
    """``basemap_style(theme)`` as the compact JSON the app serves (``STATIC_STYLES``)."""
    return json.dumps(basemap_style(theme), separators=(",", ":"))


def highlighted(codes: Collection[str] = HIGHLIGHT, path: Path = BASEMAP_FILE) -> dict[str, Any]:
    """The features of the given countries (ISO 3166-1 alpha-3), each with its fill colour."""
    wanted = set(codes)
    feats = []
    for feat in countries(path)["features"]:
        iso = feat["properties"].get("ISO_A3")
        if iso in wanted:
            colour = HIGHLIGHT_COLOURS.get(iso, palette.NEUTRAL)
            props = {"ISO_A3": iso, "fill": _rgb(colour, 60), "line": _rgb(colour, 230)}
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
        for a, b in _edges(feat["geometry"], 2)
    ]


# --- views ---------------------------------------------------------------------------------


def fit(
    points: Sequence[tuple[float, float]],
    width: int = 680,
    height: int = 560,
    margins: tuple[int, int, int, int] = (60, 60, 180, 60),
) -> tuple[float, float, float]:
    """(latitude, longitude, zoom) framing the (lat, lon) points on a ``width`` x ``height``
    Web Mercator map (deck.gl: the world is 512 px wide at zoom 0), keeping ``margins``
    pixels (top, bottom, right, left) free: the right one leaves room for labels."""
    if not points:
        return 30.0, 20.0, 1.5
    top, bottom, right, left = margins
    inner_w, inner_h = max(width - left - right, 50), max(height - top - bottom, 50)
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    y0, y1 = _mercator_y(min(lats)), _mercator_y(max(lats))
    span_x = math.radians(max(lons) - min(lons))
    span_y = y1 - y0
    zooms = [12.0]
    if span_x > 0:
        zooms.append(math.log2(inner_w / 512 * 2 * math.pi / span_x))
    if span_y > 0:
        zooms.append(math.log2(inner_h / 512 * 2 * math.pi / span_y))
    zoom = max(1.0, min(zooms))
    px_per_radian = 512 * 2**zoom / (2 * math.pi)
    # Shift the centre so the box sits in the middle of the free area.
    lon = (min(lons) + max(lons)) / 2 + math.degrees((right - left) / 2 / px_per_radian)
    y = (y0 + y1) / 2 + (top - bottom) / 2 / px_per_radian
    lat = math.degrees(math.atan(math.sinh(y)))
    return round(lat, 4), round(lon, 4), round(zoom, 2)


def preset_points(
    pkg: Package, preset: str, legs: pd.DataFrame | None = None
) -> list[tuple[float, float]]:
    """The points a view preset frames: the cities it names, or (journey) every located
    place where an event happened, the journey's origin, and both ends of any ``legs``."""
    places = _located(pkg["places"])
    if preset in PRESET_CITIES:
        chosen = places[places["city"].isin(PRESET_CITIES[preset])]
    else:
        visit = pkg.meta.get("visit")
        origin = visit.get("origin_place_id") if isinstance(visit, Mapping) else None
        used = pkg.memo.get(used_places, inputs=(pkg,))
        chosen = places[isin(places["place_id"], [*used.tolist(), origin])]
    pts = [(float(a), float(b)) for a, b in zip(chosen["lat"], chosen["lon"], strict=True)]
    if preset not in PRESET_CITIES and legs is not None:
        for rec in legs.to_dict("records"):
            pts += [(rec["from_lat"], rec["from_lon"]), (rec["to_lat"], rec["to_lon"])]
    return pts


def view_state(pkg: Package, preset: str, legs: pd.DataFrame | None = None) -> pdk.ViewState:
    lat, lon, zoom = fit(preset_points(pkg, preset, legs))
    return pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom, pitch=0, bearing=0)


# --- the deck ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapOptions:
    lang: str = "en"
    preset: str = "journey"
    tiles: bool = False  # an online tile basemap (CARTO): fetches tiles from the internet
    basemap: str | None = BASEMAP_URL  # a URL for the outlines; None embeds them
    borders: str | None = BORDERS_URL  # a URL for the border mesh; None embeds segments
    # A URL for the outlines of HIGHLIGHT; None (or another highlight) embeds them
    outlines: str | None = OUTLINES_URL
    highlight: tuple[str, ...] = HIGHLIGHT
    theme: str = "light"  # "dark" lightens rings, outlines and land for a dark page
    # A URL of the served basemap style for this theme (``STYLE_URLS``): the basemap is then
    # drawn under the deck, not by it, when it shows ``HIGHLIGHT`` and there are no tiles.
    style: str | None = None


def _borders_layer(url: str | None, colour: list[int]) -> pdk.Layer:
    """The borders: the served line mesh (``BORDERS_URL``) as one instance of a
    ``ScenegraphLayer`` whose vertices are already in common space (``cartesian``, at the
    origin), or, with no URL, the segments embedded in a ``LineLayer``."""
    if url:
        return pdk.Layer(
            "ScenegraphLayer",
            id="borders",
            data=[{"at": [0, 0, 0]}],
            scenegraph=_const(url),
            get_position="at",
            get_color=colour,
            coordinate_system=_const("cartesian"),
            pickable=False,
        )
    return pdk.Layer(
        "LineLayer",
        id="borders",
        data=list(borders()),
        get_source_position="s",
        get_target_position="t",
        get_color=colour,
        get_width=0.8,
        width_units=_const("pixels"),
        pickable=False,
    )


def _basemap_layers(opts: MapOptions, ink: Mapping[str, list[int]]) -> list[pdk.Layer]:
    """The basemap drawn by the deck itself (``BASEMAP_LAYER_IDS``)."""
    return [
        pdk.Layer(
            "GeoJsonLayer",
            id="countries",
            data=opts.basemap if opts.basemap else countries(),
            stroked=False,
            filled=True,
            get_fill_color=ink["land"],
            visible=not opts.tiles,  # over tiles, the borders alone
            pickable=False,
        ),
        _borders_layer(opts.borders, ink["border"]),
        pdk.Layer(
            "GeoJsonLayer",
            id="highlight",
            data=highlighted(opts.highlight),
            stroked=False,
            filled=True,
            get_fill_color="properties.fill",
            pickable=False,
        ),
        pdk.Layer(
            "LineLayer",
            id="highlight-lines",
            data=(
                opts.outlines
                if opts.outlines and tuple(opts.highlight) == HIGHLIGHT
                else highlight_lines(opts.highlight)
            ),
            get_source_position="s",
            get_target_position="t",
            get_color="c",
            get_width=1.6,
            width_units=_const("pixels"),
            pickable=False,
        ),
    ]


def build_deck(data: MapData, view: pdk.ViewState, options: MapOptions | None = None) -> pdk.Deck:
    """The deck: offline by default (no map provider, no style URL, nothing fetched but the
    app's own static outlines). With ``options.style``, the basemap is that served style,
    drawn under the deck by Streamlit's map library in a canvas of its own: a filter change
    then redraws the data layers only, which a browser without a GPU does in a fraction of
    the time (docs/performance.md)."""
    opts = options or MapOptions()
    ink = INK["dark" if opts.theme == "dark" else "light"]
    styled = bool(opts.style) and not opts.tiles and tuple(opts.highlight) == HIGHLIGHT
    layers = [
        *([] if styled else _basemap_layers(opts, ink)),
        pdk.Layer(
            "ArcLayer",
            id="legs",
            data=data.legs,
            get_source_position="source",
            get_target_position="target",
            get_source_color=_rgb(DEPARTURE_COLOUR, 255),
            get_target_color=_rgb(ARRIVAL_COLOUR, 255),
            get_width=3.5,
            width_units=_const("pixels"),
            great_circle=True,
            get_height=0,
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="halos",
            data=[{"lon": r["lon"], "lat": r["lat"], "halo": r["halo"]} for r in data.places],
            get_position="[lon, lat]",
            get_radius="halo",
            radius_units=_const("pixels"),
            stroked=True,
            filled=False,
            get_line_color=ink["ring"],
            line_width_units=_const("pixels"),
            get_line_width=1.5,
            pickable=False,
        ),
        pdk.Layer(
            "IconLayer",
            id="hq",
            data=data.hq,
            icon_atlas=_const(HQ_ATLAS),
            icon_mapping=HQ_MAPPING,
            get_position="[lon, lat]",
            get_icon="icon",
            get_size=24,
            size_units=_const("pixels"),
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="places",
            data=data.places,
            get_position="[lon, lat]",
            get_radius="radius",
            radius_units=_const("pixels"),
            stroked=True,
            filled=True,
            get_fill_color="fill",
            get_line_color=ink["outline"],
            line_width_units=_const("pixels"),
            get_line_width=1,
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "IconLayer",
            id="leg-arrows",
            data=[{"mid": r["mid"], "angle": r["angle"], "icon": "arrow"} for r in data.legs],
            icon_atlas=_const(ARROW_ATLAS),
            icon_mapping=ARROW_MAPPING,
            get_position="mid",
            get_icon="icon",
            get_angle="angle",
            get_size=20,
            size_units=_const("pixels"),
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            id="leg-numbers",
            data=[{"mid": r["mid"], "label": r["label"]} for r in data.legs],
            get_position="mid",
            get_text="label",
            get_size=13,
            get_color=[255, 255, 255, 255],
            get_pixel_offset=[0, -16],
            background=True,
            get_background_color=_rgb(ARRIVAL_COLOUR, 255),
            background_padding=[5, 2, 5, 2],
            font_family=_const(FONT),
            font_weight=700,
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            id="labels",
            # Seen whole, the journey labels only where something happened: a city where an
            # organisation is merely based (Naberezhnye Chelny) would sit on Kazan's label.
            data=[r for r in data.labels if r["role"] == "event" or opts.preset != "journey"],
            get_position="[lon, lat]",
            get_text="text",
            get_size=14,
            get_color=[26, 29, 35, 255],
            get_text_anchor=_const("start"),
            get_alignment_baseline=_const("center"),
            get_pixel_offset=[27, 0],
            background=True,
            get_background_color=[255, 255, 255, 215],
            background_padding=[4, 2, 4, 2],
            character_set=_const("auto"),
            font_family=_const(FONT),
            font_weight=600,
            pickable=False,
        ),
    ]
    kwargs: dict[str, Any] = {"map_provider": None}
    if opts.tiles:
        kwargs = {"map_provider": "carto", "map_style": TILES_STYLE}
    elif styled:
        # "mapbox": Streamlit draws it with its bundled Mapbox GL JS 1.x, which asks for no
        # access token when the style is not on mapbox.com; nothing is fetched but the style
        # and the outlines it names, both the app's own.
        kwargs = {"map_provider": "mapbox", "map_style": opts.style}
    return Deck(
        layers=layers,
        initial_view_state=view,
        tooltip=TOOLTIP,
        views=[pdk.View(type="MapView", controller=True)],
        **kwargs,
    )


# --- the legend and the text twin ----------------------------------------------------------


def _swatch(style: str) -> str:
    return (
        "<span aria-hidden='true' style='display:inline-block;vertical-align:middle;"
        f"margin-right:6px;{style}'></span>"
    )


def legend_html(lang: str, kinds: Collection[str] = tuple(KIND_COLOURS)) -> str:
    """The legend as HTML for ``st.html``: every text escaped (labels and kinds alike)."""
    e = html.escape

    def line(swatch: str, text: str) -> str:
        return f"<div style='margin:2px 0 2px 8px'>{swatch}{e(text)}</div>"

    ring_px = {"site": 12, "locality": 18, "city": 26}
    parts = [
        "<div style='font-size:0.9rem;line-height:1.35'>"
        f"<p><strong>{e(t('map_legend_title', lang))}</strong></p>",
        "<p>"
        + _swatch(
            f"width:34px;height:5px;background:linear-gradient(90deg,{DEPARTURE_COLOUR},"
            f"{ARRIVAL_COLOUR})"
        )
        + e(t("map_legend_legs", lang))
        + "</p>",
        f"<p>{e(t('map_legend_dots', lang))}</p>",
    ]
    for kind in kinds:
        colour = KIND_COLOURS.get(kind, palette.NEUTRAL)
        parts.append(
            line(
                _swatch(
                    f"width:12px;height:12px;border-radius:50%;background:{colour};"
                    "border:1px solid currentColor"
                ),
                kind_label(kind, lang),
            )
        )
    parts.append(
        line(
            _swatch(f"width:7px;height:7px;border-radius:50%;background:{palette.NEUTRAL}"),
            t("map_legend_empty", lang),
        )
    )
    parts.append(f"<p style='margin-top:8px'>{e(t('map_legend_rings', lang))}</p>")
    for precision, px in ring_px.items():
        parts.append(
            line(
                _swatch(
                    f"width:{px}px;height:{px}px;border-radius:50%;border:1.5px solid currentColor"
                ),
                t(f"map_legend_ring_{precision}", lang),
            )
        )
    parts.append(
        "<p style='margin-top:8px'>"
        f"<img src='{HQ_ATLAS}' width='22' height='22' alt='' "
        "style='vertical-align:middle;margin-right:6px'/>"
        f"{e(t('map_legend_hq', lang))}</p>"
    )
    parts.append(f"<p>{e(t('map_legend_countries', lang))}</p>")
    parts.append(f"<p>{e(t('map_legend_click', lang))}</p></div>")
    return "".join(parts)


def itinerary_lines(legs: pd.DataFrame, names: Mapping[str, str], lang: str) -> list[str]:
    """The legs as plain text, in travel order (escape before rendering as markdown)."""
    return [
        t(
            "map_twin_leg",
            lang,
            origin=names.get(rec["from_place_id"], rec["from_place_id"]),
            dest=names.get(rec["to_place_id"], rec["to_place_id"]),
            date=format_span(rec["start"], rec["end"], str(rec["date_precision"]), lang),
            km=format_number(float(rec["distance_km"]), lang),
        )
        for rec in legs.to_dict("records")
    ]


def place_lines(data: MapData, lang: str) -> list[str]:
    """Places with at least one filtered event (drawn or not), most events first."""
    rows = sorted(
        (r for r in data.places if r["n_events"]), key=lambda r: (-r["n_events"], r["name"])
    )
    return [
        t(
            "map_twin_place",
            lang,
            place=r["name"],
            kind=kind_label(r["kind"], lang),
            precision=precision_label(r["precision"], lang),
            n=format_number(r["n_events"], lang),
        )
        for r in rows
    ]


def hq_lines(data: MapData, lang: str) -> list[str]:
    return [t("map_twin_hq_line", lang, orgs=r["name"], place=r["details"]) for r in data.hq]


def total_km(data: MapData) -> float:
    return float(sum(r["distance_km"] for r in data.legs))


def summary(data: MapData, lang: str) -> str:
    """The written takeaway under the map: legs and distance, events and places drawn, and
    how many events are placed only in a region (plain text: escape before markdown)."""
    text = t(
        "map_takeaway",
        lang,
        legs=len(data.legs),
        km=format_number(total_km(data), lang),
        events=format_number(sum(r["n_events"] for r in data.places), lang),
        places=format_number(sum(1 for r in data.places if r["n_events"]), lang),
    )
    if len(data.unlocated):
        text += " " + t("map_takeaway_unlocated", lang, n=format_number(len(data.unlocated), lang))
    return text


def events_at(pkg: Package, events: pd.DataFrame, place_id: str) -> pd.DataFrame:
    """The events (rows of ``views.event_table``) at a place; a city includes its sites."""
    places = pkg["places"]
    row = places[places["place_id"] == place_id]
    mask = events["place_id"] == place_id
    if not row.empty and row.iloc[0]["kind"] == "city":
        mask |= events["city"] == row.iloc[0]["city"]
    return events[mask]


def journey_map(
    pkg: Package,
    events: pd.DataFrame,
    lang: str,
    options: MapOptions,
    *,
    place_names: Mapping[str, str] | None = None,
    source_names: Mapping[str, str] | None = None,
    legs: pd.DataFrame | None = None,
    event_ids: Collection[str] | None = None,
    rows_at: RowsAt | None = None,
) -> tuple[pd.DataFrame, MapData, pdk.Deck]:
    """The filtered itinerary, the layer data and the deck for the filtered events
    (``legs``: their itinerary when the caller has it cached; ``event_ids`` and
    ``rows_at``: as for ``map_data``)."""
    if legs is None:
        legs = views.itinerary(pkg, events["event_id"])
    data = map_data(
        pkg,
        events,
        legs,
        lang,
        place_names=place_names,
        source_names=source_names,
        event_ids=event_ids,
        rows_at=rows_at,
    )
    view = view_state(pkg, options.preset)
    return legs, data, build_deck(data, view, options)
