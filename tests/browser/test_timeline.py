"""The Timeline page in Chromium: real clicks on events, a date brush, screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Tab

pytestmark = pytest.mark.browser

CHART = '[class*="st-key-timeline_chart-"] [data-testid="stEChartsChart"] svg'


def chart_ready(tab: Tab) -> Any:
    svg = tab.page.locator(CHART)
    expect(svg).to_be_visible(timeout=30_000)
    expect(svg.locator("text", has_text="Kazan").first).to_be_attached()
    svg.scroll_into_view_if_needed()
    return svg


def text_box(tab: Tab, text: str) -> dict[str, float]:
    """The screen box of the chart's first SVG text starting with ``text``."""
    found = tab.page.locator(CHART).locator("text", has_text=re.compile("^" + re.escape(text)))
    expect(found.first).to_be_visible()
    box = found.first.bounding_box()
    assert box is not None
    return box


def click_at(tab: Tab, x: float, y: float) -> None:
    tab.page.mouse.move(x, y)
    tab.page.mouse.click(x, y)
    tab.wait_idle()


def test_click_selects_event(tab: Tab) -> None:
    """Clicking the Moscow arrival (its title, next to its mark) opens its detail panel and
    puts event= in the URL; no exception and nothing fetched off the machine."""
    tab.goto("/timeline")
    chart_ready(tab)
    detail = tab.page.locator(".st-key-timeline_detail")
    expect(detail).to_have_count(0)
    box = text_box(tab, "Goïta arrives in Moscow")
    click_at(tab, box["x"] + 10, box["y"] + box["height"] / 2)
    expect(tab.page).to_have_url(re.compile(r"[?&]event=arrival_moscow(&|$)"))
    expect(detail).to_contain_text("Goïta arrives in Moscow")
    expect(detail).to_contain_text("aBamako")
    expect(
        detail.get_by_role("link", name="Open the source: http://news.abamako")
    ).to_have_attribute("href", "http://news.abamako.com/h/300891.html")
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)
    assert tab.external_requests == []


def test_click_range_bar(tab: Tab) -> None:
    """Clicking the KAMAZ visit's bar itself (some day from 25 to 27 June, just before its
    title) selects it; the panel gives the range, how it was worked out, and says the place
    is not stated."""
    tab.goto("/timeline")
    chart_ready(tab)
    box = text_box(tab, "KAMAZ in the programme")
    click_at(tab, box["x"] - 4, box["y"] + box["height"] / 2)  # the bar, left of its title
    expect(tab.page).to_have_url(re.compile(r"[?&]event=visit_kamaz(&|$)"))
    detail = tab.page.locator(".st-key-timeline_detail")
    expect(detail).to_contain_text("27 June 2025")
    expect(detail).to_contain_text("No source states this date")
    expect(detail).to_contain_text("region only: the place is not stated")
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)


def day_x(tab: Tab, label: str, days: float) -> float:
    """The screen x of ``days`` after the middle of the day labelled ``label`` (days sit
    at the middle of their band; 0.5 is the next midnight)."""
    box = text_box(tab, label)
    nxt = text_box(tab, f"{int(label.split()[0]) + 2} {label.split()[1]}")  # labels: every 2nd day
    width = (nxt["x"] + nxt["width"] / 2 - box["x"] - box["width"] / 2) / 2
    return box["x"] + box["width"] / 2 + days * width


def test_click_hollow_claim_then_screenshots(tab: Tab, new_tab: Callable[..., Tab]) -> None:
    """Clicking the hollow 24 June claim selects the disputed Kazan arrival; the French page
    opened from a link shows the same panel with French dates."""
    tab.goto("/timeline")
    chart_ready(tab)
    row = text_box(tab, "Welcome in Kazan by Rustam")  # the arrival's title, on its row
    click_at(tab, day_x(tab, "23 Jun", 1), row["y"] + row["height"] / 2)  # 24 June, noon
    expect(tab.page).to_have_url(re.compile(r"[?&]event=arrival_kazan(&|$)"))
    detail = tab.page.locator(".st-key-timeline_detail")
    expect(detail).to_contain_text("States the date: 24 June 2025")
    expect(detail).to_contain_text("Sources disagree")
    tab.page.locator("h1").first.scroll_into_view_if_needed()
    tab.screenshot("timeline_en", height=2400)
    fr = new_tab(locale="fr-FR")
    fr.goto("/timeline?lang=fr&event=arrival_kazan")
    chart_ready(fr)
    detail_fr = fr.page.locator(".st-key-timeline_detail")
    expect(detail_fr).to_contain_text("Indique la date : 24 juin 2025")
    expect(fr.page.locator(CHART).locator("text", has_text="21 juin").first).to_be_visible()
    fr.page.locator("h1").first.scroll_into_view_if_needed()
    fr.screenshot("timeline_fr", height=2400)
    assert tab.external_requests == []
    assert fr.external_requests == []


def test_date_brush_sets_dates(tab: Tab) -> None:
    """With the toolbar's 'Select dates', dragging from 22 to 24 June sets the date filter
    (URL and sidebar) and the chart's range to those days."""
    tab.goto("/timeline")
    svg = chart_ready(tab)
    chart = svg.bounding_box()
    assert chart is not None
    button = (chart["x"] + chart["width"] - 48, chart["y"] + 12)  # fixed by the spec's toolbox
    tab.page.mouse.move(*button)
    expect(svg.locator("text", has_text="Select dates")).to_be_visible()  # the button's title
    tab.page.mouse.click(*button)
    y = text_box(tab, "Goïta arrives in Moscow")["y"]
    tab.page.mouse.move(day_x(tab, "21 Jun", 1), y)  # 22 June, noon
    tab.page.mouse.down()
    tab.page.mouse.move(day_x(tab, "21 Jun", 2), y + 10, steps=5)
    tab.page.mouse.move(day_x(tab, "21 Jun", 3), y + 20, steps=5)  # 24 June, noon
    tab.page.mouse.up()
    tab.wait_idle()
    expect(tab.page).to_have_url(re.compile(r"dates=2025-06-22&dates=2025-06-24"))
    expect(tab.page).not_to_have_url(re.compile(r"event="))
    expect(svg.locator("text", has_text="22 Jun").first).to_be_visible()
    expect(svg.locator("text", has_text=re.compile("^1 Jun"))).to_have_count(0)
