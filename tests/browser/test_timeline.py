"""The Timeline page in Chromium: a real click on an event, a box across days, screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Tab

pytestmark = pytest.mark.browser

# Screen position of one event's mark, from Plotly's own axes (the marks sit under Plotly's
# drag layer, so a locator click is intercepted; a mouse click at the point is what a user
# does).
POINT_OF = """([trace, id]) => {
  const gd = document.querySelector('.js-plotly-plot');
  const t = gd.data.findIndex(d => d.name === trace && (d.customdata || []).includes(id));
  const d = gd.data[t], i = d.customdata.indexOf(id);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
  // a bar: the middle of its span (x is a duration from its base)
  const x = d.type === 'bar' ? xa.l2p(xa.d2l(d.base[i]) + d.x[i] / 2) : xa.d2p(d.x[i]);
  return [box.left + x, box.top + ya.d2p(d.y[i])];
}"""


def chart_ready(tab: Tab) -> Any:
    plot = tab.page.locator(".js-plotly-plot")
    expect(plot).to_be_visible(timeout=30_000)
    expect(plot.locator(".scatterlayer .points path").first).to_be_attached()
    plot.scroll_into_view_if_needed()
    return plot


def click_event(tab: Tab, trace: str, event_id: str) -> None:
    x, y = tab.page.evaluate(POINT_OF, [trace, event_id])
    tab.page.mouse.move(x, y)
    expect(tab.page.locator(".hoverlayer .hovertext")).to_have_count(1)
    tab.page.mouse.click(x, y)
    tab.wait_idle()


def test_click_selects_event(tab: Tab) -> None:
    """Clicking the Moscow arrival opens its detail panel and puts event= in the URL; no
    exception and nothing fetched off the machine."""
    tab.goto("/timeline")
    chart_ready(tab)
    detail = tab.page.locator(".st-key-timeline_detail")
    expect(detail).to_have_count(0)
    click_event(tab, "day", "arrival_moscow")
    expect(tab.page).to_have_url(re.compile(r"[?&]event=arrival_moscow(&|$)"))
    expect(detail).to_contain_text("Goïta arrives in Moscow")
    expect(detail).to_contain_text("aBamako")
    expect(detail.get_by_role("link", name="Open the source")).to_have_attribute(
        "href", "https://news.abamako.com/h/300891.html"
    )
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)
    assert tab.external_requests == []


def test_click_month_bar(tab: Tab) -> None:
    """Clicking the month-long KAMAZ bar selects it; the panel says the place is not stated."""
    tab.goto("/timeline")
    chart_ready(tab)
    click_event(tab, "month", "visit_kamaz")
    expect(tab.page).to_have_url(re.compile(r"[?&]event=visit_kamaz(&|$)"))
    detail = tab.page.locator(".st-key-timeline_detail")
    expect(detail).to_contain_text("June 2025 (month only)")
    expect(detail).to_contain_text("region only: the place is not stated")
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)


def test_click_hollow_claim_then_screenshots(tab: Tab, new_tab: Callable[..., Tab]) -> None:
    """Clicking the hollow 24 June claim selects the disputed Kazan arrival; the French page
    opened from a link shows the same panel with French dates."""
    tab.goto("/timeline")
    chart_ready(tab)
    click_event(tab, "claimed date", "arrival_kazan")
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
    expect(fr.page.locator(".js-plotly-plot .xtick").first).to_contain_text("juin")
    fr.page.locator("h1").first.scroll_into_view_if_needed()
    fr.screenshot("timeline_fr", height=2400)
    assert tab.external_requests == []
    assert fr.external_requests == []


def test_box_select_sets_dates(tab: Tab) -> None:
    """With the toolbar's Box select, dragging across 22–24 June sets the date filter (URL
    and sidebar) and the chart's range to those days."""
    tab.goto("/timeline")
    plot = chart_ready(tab)
    plot.hover()
    tab.page.locator('.modebar-btn[data-val="select"]').first.click()
    start = tab.page.evaluate(POINT_OF, ["day", "arrival_moscow"])  # 22 June, noon
    end = tab.page.evaluate(POINT_OF, ["day", "arrival_kazan"])  # 25 June, noon
    y = start[1] + 5
    tab.page.mouse.move(start[0], y)
    tab.page.mouse.down()
    tab.page.mouse.move((start[0] + end[0]) / 2, y + 10, steps=5)
    tab.page.mouse.move(end[0] - 60, y + 20, steps=5)
    tab.page.mouse.up()
    tab.wait_idle()
    expect(tab.page).to_have_url(re.compile(r"dates=2025-06-22&dates=2025-06-2[2-4]"))
    expect(tab.page).not_to_have_url(re.compile(r"event="))
    ticks = tab.page.locator(".js-plotly-plot .xtick")
    expect(ticks.first).to_contain_text("22 Jun")
