"""The map page's data and words: the rows each layer of the journey map draws, the view
presets, and the map as text (the takeaway, the itinerary, the places). No streamlit.

The deck that draws these rows, and its legend, are in ``views.map_deck``; the country
outlines under it in ``views.map_basemap``. Every data-derived text that reaches a tooltip
goes through ``plain`` (deck.gl writes tooltips as text; ``plain`` keeps a value from
faking a ``{field}`` of the template).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from dashboard.core.filters import codes, of_events, printable
from dashboard.core.ids import isin
from dashboard.core.package import Package
from dashboard.present import labels as present_labels
from dashboard.present import palette
from dashboard.present.i18n import Lang, as_lang, col, format_number, format_span, t
from dashboard.views.map_basemap import mercator_y

Preset = Literal["journey", "tatarstan", "bamako"]
PRESETS: Final[tuple[Preset, ...]] = ("journey", "tatarstan", "bamako")
# Cities each preset frames (the journey frames everything on the map).
PRESET_CITIES: Final[Mapping[str, tuple[str, ...]]] = {
    "tatarstan": ("Kazan", "Naberezhnye Chelny"),
    "bamako": ("Bamako",),
}


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
    # column of the shown rows first was a measured cost at a million events.
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
            fill = palette.hex_to_rgb(KIND_COLOURS.get(kind, palette.NEUTRAL), 235)
        else:
            radius = DOT_EMPTY_PX
            fill = palette.hex_to_rgb(palette.NEUTRAL, 150)
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
                    events=n_events(n, lang),
                ),
                "details": "\n".join(details) if details else t("map_tip_none", lang),
            }
        )
    return rows, hidden, counts


def n_events(n: int, lang: str) -> str:
    """A count of events in CLDR's plural form: 1 event, 2 events (1 événement, 2 événements)."""
    return present_labels.plural("map_n_events", n, lang)


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
    instead of an ``isin`` over every link, which is slow at a million events)."""
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


def screen_angle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Direction from 1 to 2 on a Web Mercator map, degrees counter-clockwise from east."""
    dx = math.radians(lon2 - lon1)
    dy = mercator_y(lat2) - mercator_y(lat1)
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
    the unlocated events' rows are asked of it (copying every column of the view's rows
    is a measured cost of a new view at a million events). ``place_names`` and
    ``source_names``: ``present.labels``' names, when the caller has them."""
    lg = as_lang(lang)
    if rows_at is None:
        rows_at = events.take
    if place_names is None:
        place_names = present_labels.labels(pkg, lg)["place"]
    if source_names is None:
        source_names = present_labels.source_names(pkg, lg)
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
    y0, y1 = mercator_y(min(lats)), mercator_y(max(lats))
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


# --- the map as text ----------------------------------------------------------------------


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
            events=n_events(r["n_events"], lang),
        )
        for r in rows
    ]


def hq_lines(data: MapData, lang: str) -> list[str]:
    """Each home place with the organisations based there (French agrees with their number)."""
    return [
        present_labels.plural(
            "map_twin_hq_line", len(r["orgs"]), lang, orgs=r["name"], place=r["details"]
        )
        for r in data.hq
    ]


def total_km(data: MapData) -> float:
    return float(sum(r["distance_km"] for r in data.legs))


def summary(data: MapData, lang: str) -> str:
    """The written takeaway under the map: legs and distance, events and places drawn, and
    how many events are placed only in a region (plain text: escape before markdown)."""
    text = t(
        "map_takeaway",
        lang,
        legs=present_labels.plural("map_n_legs_shown", len(data.legs), lang),
        km=format_number(total_km(data), lang),
        events=n_events(sum(r["n_events"] for r in data.places), lang),
        places=present_labels.plural(
            "map_n_places", sum(1 for r in data.places if r["n_events"]), lang
        ),
    )
    if len(data.unlocated):
        text += " " + present_labels.plural("map_takeaway_unlocated", len(data.unlocated), lang)
    return text


def events_at(pkg: Package, events: pd.DataFrame, place_id: str) -> pd.DataFrame:
    """The events (rows of ``views.event_table``) at a place; a city includes its sites."""
    places = pkg["places"]
    row = places[places["place_id"] == place_id]
    mask = events["place_id"] == place_id
    if not row.empty and row.iloc[0]["kind"] == "city":
        mask |= events["city"] == row.iloc[0]["city"]
    return events[mask]


def picked_place(state: object) -> str | None:
    """The place a click on the map picked: from the chart's state as Streamlit keeps it
    (``{"selection": {"objects": {layer: [row, ...]}}}``), the ``place_id`` of the row of
    the ``places`` layer; None when nothing, or something else, was picked."""
    selection = state.get("selection") if isinstance(state, Mapping) else None
    objects = selection.get("objects") if isinstance(selection, Mapping) else None
    picked = objects.get("places") if isinstance(objects, Mapping) else None
    first = picked[0] if isinstance(picked, Sequence) and picked else None
    place = first.get("place_id") if isinstance(first, Mapping) else None
    return str(place) if place else None
