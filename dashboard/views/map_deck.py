"""The map of the journey as a pydeck Deck, and its legend: ``MapData`` in, Deck out. No
streamlit.

Drawn offline: the country outlines (``views.map_basemap``) are served by the app itself as
static files, or embedded in the spec. In the app the basemap is a map style of its own
(``STYLE_URLS``), which Streamlit's bundled Mapbox GL JS draws under the deck in a canvas a
filter change does not touch: without a GPU, redrawing the basemap with the deck was most of
a filter change (docs/performance.md). Without that style (no static serving, other
countries highlighted, or tiles), the deck draws the basemap itself. Layers, bottom to top:

- the basemap (``BASEMAP_LAYER_IDS``): ``countries``, every country, filled, neutral;
  ``borders``, every border once, as one mesh of hairlines (``BORDERS_URL``, a binary glTF
  drawn by a ``ScenegraphLayer``) or, embedded, as straight segments; ``highlight``: Mali
  and Russia, shaded, and ``highlight-lines``: their outlines in their colours, as straight
  segments. A browser without a GPU draws the frame in software, where each instance of a
  deck.gl layer has a cost of its own: one mesh costs less than thousands of segment
  instances, which cost less than the same outlines drawn as paths;
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
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import pydeck as pdk

from dashboard.core import derived as views
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.i18n import t
from dashboard.views.map import (
    ARRIVAL_COLOUR,
    DEPARTURE_COLOUR,
    KIND_COLOURS,
    MapData,
    RowsAt,
    fit,
    kind_label,
    map_data,
    preset_points,
)
from dashboard.views.map_basemap import (
    BASEMAP_URL,
    BORDERS_URL,
    HIGHLIGHT,
    INK,
    OUTLINES_URL,
    STATIC_BASEMAP,
    STYLE_URLS,
    borders,
    countries,
    highlight_lines,
    highlighted,
)

TILES_STYLE: Final = pdk.map_styles.CARTO_LIGHT

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
    """A pydeck Deck written once, as compact JSON, when it is built (``build_deck``).

    Streamlit asks a deck for its JSON on every rerun, and a page keeps its deck for a view
    (``ctx.cached``): written once, the layers are not serialised again on each rerun (a
    measured cost at many events), and compact, the JSON is a third of pydeck's indented
    one that each rerun would send to the browser. Never change a deck once built: its
    JSON would not follow."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        indented = super().to_json()
        self.spec: Final[str] = json.dumps(
            json.loads(indented), separators=(",", ":"), ensure_ascii=False
        )

    def to_json(self) -> str:
        return self.spec

    def __repr__(self) -> str:  # pydeck's repr is the JSON too
        return self.spec


def _const(value: str) -> Any:
    """A constant string prop (pydeck turns a bare string into a JS expression)."""
    return pdk.types.String(value)


def view_state(pkg: Package, preset: str, legs: pd.DataFrame | None = None) -> pdk.ViewState:
    lat, lon, zoom = fit(preset_points(pkg, preset, legs))
    return pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom, pitch=0, bearing=0)


# --- the deck ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapOptions:
    """How the deck is drawn: hashable, so that a page caches a deck per options."""

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


def page_options(lang: str, preset: str, tiles: bool, theme: str, static: bool) -> MapOptions:
    """The page's options: the app's own served files (outlines, border mesh, highlighted
    outlines, the theme's basemap style) when Streamlit serves static files (``static``)
    and they are there; else everything embedded in the spec."""
    served = static and STATIC_BASEMAP.exists()
    key = "dark" if theme == "dark" else "light"
    return MapOptions(
        lang=lang,
        preset=preset,
        tiles=tiles,
        basemap=BASEMAP_URL if served else None,
        borders=BORDERS_URL if served else None,
        outlines=OUTLINES_URL if served else None,
        theme=key,
        style=STYLE_URLS[key] if served else None,
    )


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


def build_deck(data: MapData, view: pdk.ViewState, options: MapOptions | None = None) -> Deck:
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
            get_source_color=palette.hex_to_rgb(DEPARTURE_COLOUR, 255),
            get_target_color=palette.hex_to_rgb(ARRIVAL_COLOUR, 255),
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
            get_background_color=palette.hex_to_rgb(ARRIVAL_COLOUR, 255),
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


# --- the legend ---------------------------------------------------------------------------


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


# --- the page's map ------------------------------------------------------------------------


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
) -> tuple[pd.DataFrame, MapData, Deck]:
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
