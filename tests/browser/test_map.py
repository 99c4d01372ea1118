"""The Map page in Chromium: the deck.gl canvas draws the outlines (served by the app
itself), tooltips are text, a click on a place filters on it in the URL, and no request
leaves the machine."""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from dashboard.core import derived as views
from dashboard.core.load import load_package
from dashboard.views import map as maps
from dashboard.views import map_basemap as basemap
from tests.browser.helpers import ROOT, SCREENSHOTS, Tab

pytestmark = pytest.mark.browser
# The deck's own canvas (pointer events, tooltips); the basemap's is under it.
CANVAS = '[data-testid="stDeckGlJsonChart"] canvas#deckgl-overlay'


def _open_map(tab: Tab, path: str = "/map") -> Any:
    """Go to the map and wait until the outlines are fetched and the basemap is drawn."""
    with tab.page.expect_response(
        lambda r: "countries_110m.geojson" in r.url, timeout=60_000
    ) as response:
        tab.goto(path)
    assert response.value.status == 200
    assert response.value.url.endswith("/app/static/countries_110m.geojson")
    canvas = tab.page.locator(CANVAS)
    expect(canvas).to_be_visible(timeout=60_000)
    # The basemap is drawn under the deck once the outlines are tiled and painted; nothing
    # in the DOM says so, the pixels do: the journey's land covers most of the map.
    for _ in range(120):
        if _white_share(canvas.screenshot()) < 0.5:
            break
        tab.page.wait_for_timeout(500)
    else:
        raise AssertionError("the basemap was not drawn within 60 s")
    return canvas


def _colours(png: bytes) -> Counter[tuple[int, ...]]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 160))
    return Counter(image.getdata())


def _white_share(png: bytes) -> float:
    """The share of the image that is the white page (nothing drawn there)."""
    colours = _colours(png)
    return sum(n for c, n in colours.items() if min(c) > 245) / sum(colours.values())


def _projection(canvas: Any, preset: str) -> Callable[[float, float], tuple[float, float]]:
    """(lat, lon) -> where it is drawn in the canvas, for the preset's initial view."""
    pkg = load_package(ROOT / "data")
    lat0, lon0, zoom = maps.fit(maps.preset_points(pkg, preset, views.itinerary(pkg)))
    box = canvas.bounding_box()
    scale = 512 * 2**zoom / (2 * math.pi)

    def project(lat: float, lon: float) -> tuple[float, float]:
        x = box["width"] / 2 + math.radians(lon - lon0) * scale
        y = box["height"] / 2 - (basemap.mercator_y(lat) - basemap.mercator_y(lat0)) * scale
        return x, y

    return project


def _screen(canvas: Any, preset: str, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) is drawn in the canvas, for the preset's initial view."""
    return _projection(canvas, preset)(lat, lon)


def _mouse_at(canvas: Any, x: float, y: float) -> tuple[float, float]:
    """Page coordinates of (x, y) in the canvas. The mouse goes there as a person's would:
    the basemap's view lies over the deck's canvas and deck.gl listens on their container,
    so an element-targeted hover on the canvas would be refused as intercepted."""
    box = canvas.bounding_box()
    return box["x"] + x, box["y"] + y


def _hover_until(tab: Tab, canvas: Any, x: float, y: float, text: str) -> Any:
    """Hover (x, y) until deck.gl's tooltip shows ``text``. The canvas gives no DOM signal
    when a new view has been painted, so the hover is repeated a few times."""
    tooltip = tab.page.locator(".deck-tooltip")
    px, py = _mouse_at(canvas, x, y)
    for _ in range(20):
        tab.page.mouse.move(px + 1, py)
        tab.page.mouse.move(px, py)
        if tooltip.is_visible() and text in tooltip.inner_text():
            return tooltip
        tab.page.wait_for_timeout(500)
    raise AssertionError(f"no tooltip with {text!r} at {x:.0f},{y:.0f}")


def test_map_canvas_draws_offline(tab: Tab) -> None:
    """The canvas is painted (grey land, Mali's green, Russia's orange), not one flat colour,
    with no exception box, and nothing is requested from outside the machine."""
    canvas = _open_map(tab)
    colours = _colours(canvas.screenshot(path=str(SCREENSHOTS / "map_canvas.png")))
    most, count = colours.most_common(1)[0]
    assert count < 0.8 * sum(colours.values()), f"canvas is mostly {most}"
    assert len(colours) > 50
    tab.screenshot("map_en", height=2200)
    assert tab.page.get_by_text("How to read the map").is_visible()
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)
    assert tab.external_requests == []
    # Streamlit probes /map/_stcore/* before the root (404s); anything else is an error.
    assert [e for e in tab.console_errors if "404" not in e] == []


def _dark_near(image: Any, x: float, y: float, radius: int = 2) -> bool:
    """Whether a pixel within ``radius`` of (x, y) is as dark as a border line on the land
    (the land is about 234 grey on the white page, a border about 145)."""
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            px, py = round(x) + dx, round(y) + dy
            if 0 <= px < image.width and 0 <= py < image.height:
                r, g, b = image.getpixel((px, py))[:3]
                if 0.299 * r + 0.587 * g + 0.114 * b < 195:
                    return True
    return False


def _on_the_borders(canvas: Any) -> tuple[float, float]:
    """The share of the projected ends of the border segments in view (but Mali's and
    Russia's, outlined in their colours) with a border-dark pixel near them, and the share
    of the same points moved 7 px off the lines that have one."""
    from PIL import Image

    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    box = canvas.bounding_box()
    project = _projection(canvas, "journey")
    skip = {
        point
        for feature in basemap.highlighted()["features"]
        for edge in basemap.edges(feature["geometry"], 2)
        for point in edge
    }
    points = []
    for row in basemap.borders():
        for lon, lat in (row["s"], row["t"]):
            if (lon, lat) in skip or not -60 < lat < 75:
                continue
            x, y = project(lat, lon)
            if 10 < x < box["width"] - 10 and 10 < y < box["height"] - 10:
                points.append((x, y))
    assert len(points) > 300
    on = sum(_dark_near(image, x, y) for x, y in points) / len(points)
    off = sum(_dark_near(image, x + 7, y + 7, 0) for x, y in points) / len(points)
    return on, off


def test_borders_are_drawn_on_the_outlines(tab: Tab) -> None:
    """The basemap under the deck lines up with it: near the projected ends of the border
    segments nearly every point has a border-dark pixel; 7 px off the lines most do not."""
    on, off = _on_the_borders(_open_map(tab))
    assert on > 0.85, f"{on:.0%} of the border points have a border pixel"
    assert off < 0.5, f"{off:.0%} of the points off the borders look like borders"


def test_border_mesh_over_unreachable_tiles_is_on_the_outlines(tab: Tab) -> None:
    """Over tiles the deck draws the borders itself, as one mesh of lines: with the online
    basemap chosen and the tiles out of reach, the mesh lies on the outlines and the page
    shows no error. (The served style is kept from loading here, so that the borders seen
    are the mesh's alone.)"""
    tab.page.route("**/app/static/basemap_*.json", lambda route: route.abort())
    tab.goto("/map")
    canvas = tab.page.locator(CANVAS)
    expect(canvas).to_be_visible(timeout=60_000)
    tab.page.get_by_text("Online basemap", exact=False).click()
    tab.wait_idle()
    for _ in range(60):  # the mesh is fetched, then drawn: no DOM signal
        on, off = _on_the_borders(canvas)
        if on > 0.85:
            break
        tab.page.wait_for_timeout(500)
    white = _white_share(canvas.screenshot(path=str(SCREENSHOTS / "map_tiles_offline.png")))
    assert white > 0.5, "a land fill is drawn: not the mesh alone"
    assert on > 0.85, f"{on:.0%} of the border points have a border pixel"
    assert off < 0.5, f"{off:.0%} of the points off the borders look like borders"
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)
    assert tab.external_requests, "the tiles were not even asked for"
    assert all("cartocdn.com" in url for url in tab.external_requests)


def test_tooltip_is_plain_text(tab: Tab) -> None:
    """Hovering the Moscow Kremlin (or the Alexander Garden beside it, drawn on top at this
    zoom) shows its name, kind and events as text (no markup)."""
    canvas = _open_map(tab)
    x, y = _screen(canvas, "journey", 55.75167, 37.61778)
    tooltip = _hover_until(tab, canvas, x, y, "event")
    assert any(name in tooltip.inner_text() for name in ("Kremlin", "Unknown Soldier"))
    # innerText: lines become <br>, never other elements
    tags = tooltip.evaluate("el => [...el.querySelectorAll('*')].map(n => n.tagName)")
    assert set(tags) <= {"BR"}
    assert tab.external_requests == []


def test_click_on_a_place_filters_on_it_in_the_url(new_tab: Any) -> None:
    """In French, the Bamako view, a click on the refinery dot sets place= in the URL and
    lists its event; the view stays offline."""
    tab = new_tab(locale="fr-FR")
    canvas = _open_map(tab, "/map?lang=fr")
    tab.page.get_by_role("radio", name="Bamako").click()
    tab.wait_idle()
    x, y = _screen(canvas, "bamako", 12.55, -7.95)
    _hover_until(tab, canvas, x, y, "Sénou")
    tab.page.mouse.click(*_mouse_at(canvas, x, y))
    expect(tab.page).to_have_url(re.compile(r"place=yadran_refinery"), timeout=30_000)
    tab.wait_idle()
    expect(tab.page.get_by_text("Lieu sélectionné", exact=False)).to_be_visible()
    listed = tab.page.get_by_test_id("stMarkdownContainer").filter(
        has_text="Première pierre de la raffinerie"
    )
    expect(listed.first).to_be_visible()  # the event, listed under the selected place
    tab.screenshot("map_fr_selected", height=2000)
    assert tab.external_requests == []
