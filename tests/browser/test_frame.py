"""The frame in a real browser: pages, filters in the URL, languages, accessibility."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Tab

PAGES = ["/", "/timeline", "/map", "/sectors", "/sources", "/data", "/search"]


def metrics(tab: Tab) -> dict[str, str]:
    """The overview's key figures, once all seven are drawn."""
    expect(tab.page.get_by_test_id("stMetric")).to_have_count(7)
    out = {}
    for m in tab.page.get_by_test_id("stMetric").all():
        label = m.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = m.get_by_test_id("stMetricValue").inner_text().strip()
    return out


def sector_select(tab: Tab) -> Any:
    return (
        tab.page.get_by_test_id("stSidebar")
        .get_by_test_id("stMultiSelect")
        .filter(has_text=re.compile(r"^(Sectors|Secteurs)"))
    )


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_offline(tab: Tab, path: str) -> None:
    """Each page renders its title, no exception box, and fetches nothing off-machine."""
    tab.goto(path)
    expect(tab.page.locator("h1").first).to_be_visible()
    tab.screenshot("page_" + (path.strip("/") or "overview"))
    assert tab.external_requests == []


def test_key_facts_render_their_markdown(tab: Tab) -> None:
    """The key facts, one markdown text per run of cards, show as cards: bold titles, the
    dates and places in small grey type, badges, and no directive left as literal text."""
    tab.goto("/")
    facts = (
        tab.page.get_by_test_id("stColumn")
        .get_by_test_id("stVerticalBlock")
        .filter(has=tab.page.locator("strong", has_text="Welcome in Kazan"))
        .last
    )
    expect(facts.locator("strong", has_text="Welcome in Kazan")).to_be_visible()
    expect(facts.locator("hr").first).to_be_attached()
    expect(facts.get_by_test_id("stAlertContentWarning")).to_contain_text("Sources disagree")
    text = facts.inner_text()
    assert "24 June 2025" in text
    assert "25 June 2025" in text
    for literal in (":small[", ":gray[", "-badge[", ":material/", "**"):
        assert literal not in text, literal
    when = facts.get_by_text("25 June 2025 · Kazan International Airport", exact=True)
    size = when.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    body = facts.locator("p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size < body, (size, body)


def test_filter_goes_to_url_and_link_reproduces_view(tab: Tab, new_tab: Callable[..., Tab]) -> None:
    """Choosing a sector changes the URL; that URL opened elsewhere shows the same view."""
    tab.goto("/")
    before = metrics(tab)
    sector_select(tab).click()
    tab.page.get_by_role("option", name="Industry", exact=True).click()
    tab.page.keyboard.press("Escape")
    expect(tab.page).to_have_url(re.compile(r"[?&]sector=industry\b"))
    tab.wait_idle()
    after = metrics(tab)
    assert after.get("Events") != before.get("Events"), (before, after)
    url = tab.page.url

    other = new_tab()
    other.page.goto(url)
    other.wait_idle()
    expect(sector_select(other)).to_contain_text("Industry")
    assert metrics(other) == after
    expect(other.page).to_have_url(re.compile(r"[?&]sector=industry\b"))
    assert other.external_requests == []


def test_share_box_link_opens_the_same_view(tab: Tab, new_tab: Callable[..., Tab]) -> None:
    """'Share this view' holds an absolute link to this page, filters and language included,
    and that link opens the same view."""
    tab.goto("/timeline?sector=industry&lang=fr")
    tab.page.get_by_text("Partager cette vue").click()
    link = tab.page.get_by_role("link", name=re.compile(r"timeline\?"))
    expect(link).to_be_visible()
    href = link.get_attribute("href") or ""
    assert href.startswith(tab.base + "/timeline?"), href
    assert "sector=industry" in href
    assert "lang=fr" in href
    tab.screenshot("share_box_fr")
    other = new_tab()
    other.page.goto(href)
    other.wait_idle()
    expect(sector_select(other)).to_contain_text("Industrie")
    expect(other.page.locator("h1").first).to_have_text("Chronologie")


def test_page_switch_keeps_filters(tab: Tab) -> None:
    """Switching page keeps the filter in the sidebar and in the URL."""
    tab.goto("/?sector=gold")
    tab.page.get_by_role("link", name="Timeline").click()
    expect(tab.page).to_have_url(re.compile(r"/timeline\?(.*&)?sector=gold\b"))
    tab.wait_idle()
    expect(sector_select(tab)).to_contain_text("Gold refining")


def test_a_tab_leaves_the_url_with_its_page_and_comes_back_with_it(tab: Tab) -> None:
    """A link to the Sources disagreements opens that tab; on the Map the address has no
    tab=; back on Sources the same tab is chosen and in the address again, and it stays
    through a switch to French. (Streamlit drops a widget's state on another page: the
    choice is kept apart, which AppTest alone did not show.)"""
    tab.goto("/sources?lang=en&tab=conflicts")
    page = tab.page
    expect(page.get_by_role("tab", name="Disagreements")).to_have_attribute(
        "aria-selected", "true", timeout=60_000
    )
    page.get_by_role("link", name="Map").click()
    expect(page).to_have_url(re.compile(r"/map\?"), timeout=30_000)
    tab.wait_idle()
    expect(page).not_to_have_url(re.compile(r"tab="))
    expect(page.get_by_test_id("stAlert")).to_have_count(0)  # no notice for it
    page.get_by_role("link", name="Sources").click()
    expect(page).to_have_url(re.compile(r"/sources\?(.*&)?tab=conflicts\b"), timeout=30_000)
    expect(page.get_by_role("tab", name="Disagreements")).to_have_attribute(
        "aria-selected", "true", timeout=30_000
    )
    tab.wait_idle()
    page.get_by_test_id("stSidebar").get_by_text("Français", exact=True).click()
    expect(page.get_by_role("tab", name="Divergences")).to_have_attribute(
        "aria-selected", "true", timeout=30_000
    )
    expect(page).to_have_url(re.compile(r"[?&]tab=conflicts\b"))
    assert tab.external_requests == []


def test_french_from_url_and_from_locale(new_tab: Callable[..., Tab]) -> None:
    """?lang=fr and a French browser locale both give French; lang overrides the locale."""
    by_url = new_tab("en-GB")
    by_url.goto("/?lang=fr")
    expect(by_url.page.locator("h1").first).to_contain_text("La visite d'Assimi Goïta")
    expect(by_url.page.get_by_test_id("stSidebar")).to_contain_text("Filtres")

    by_locale = new_tab("fr-FR")
    by_locale.goto("/")
    expect(by_locale.page.locator("h1").first).to_contain_text("La visite d'Assimi Goïta")
    expect(by_locale.page.get_by_text("Jours datés")).to_be_visible()
    by_locale.screenshot("overview_fr")

    overridden = new_tab("fr-FR")
    overridden.goto("/?lang=en")
    expect(overridden.page.locator("h1").first).to_contain_text("Assimi Goïta's visit")


def test_hostile_link_shows_escaped_notice(tab: Tab) -> None:
    """A hostile value is echoed as text in a notice, never executed or rendered."""
    tab.page.on("dialog", lambda d: pytest.fail(f"a script ran: {d.message}"))
    tab.goto("/?sector=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&dates=2025-06-30&dates=2025-06-01")
    notice = tab.page.get_by_test_id("stAlert").first
    expect(notice).to_contain_text("<img src=x onerror=alert(1)>")
    expect(tab.page.locator("img[src=x]")).to_have_count(0)
    expect(tab.page).not_to_have_url(re.compile("sector="))


@pytest.mark.parametrize("path", PAGES)
def test_accessibility(tab: Tab, path: str) -> None:
    """axe-core finds no serious or critical violation on any page."""
    from axe_playwright_python.sync_playwright import Axe

    tab.goto(path)
    tab.page.wait_for_timeout(500)
    results = Axe().run(tab.page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
