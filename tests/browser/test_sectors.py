"""The Sectors page in Chromium: a click on the breakdown filters the whole dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Tab

pytestmark = pytest.mark.browser

BREAKDOWN = '[class*="st-key-sectors_breakdown-"] [data-testid="stEChartsChart"] svg'


def _box(tab: Tab, label: str) -> Any:
    """The treemap box label that starts with ``label`` (a parent's: its header), drawn by
    ECharts as SVG text."""
    return (
        tab.page.locator(BREAKDOWN)
        .locator("text", has_text=re.compile("^" + re.escape(label)))
        .first
    )


def test_click_on_a_sector_sets_the_filter_and_the_url(tab: Tab) -> None:
    """Clicking the Industry box puts Industry in the sidebar's sector filter and sector=industry
    in the address; before the click neither is there; nothing leaves the machine."""
    tab.goto("/sectors?lang=en")
    page = tab.page
    sidebar = page.get_by_test_id("stSidebar")
    sector_filter = sidebar.get_by_test_id("stMultiSelect").first
    expect(page).not_to_have_url(re.compile(r"sector="))
    expect(sector_filter).not_to_contain_text("Industry")
    box = _box(tab, "Industry")
    expect(box).to_be_visible(timeout=60_000)
    tab.screenshot("sectors_en", height=1600)
    box.click()  # the header label: the sector's box itself, not a child
    expect(page).to_have_url(re.compile(r"[?&]sector=industry(&|$)"), timeout=30_000)
    tab.wait_idle()
    expect(sector_filter).to_contain_text("Industry")
    takeaway = page.get_by_text(re.compile("“Industry” accounts for 8 of the 8 events"))
    expect(takeaway).to_be_visible()
    expect(_box(tab, "Defence")).to_have_count(0)  # the breakdown follows the filter
    tab.screenshot("sectors_en_industry", height=1600)
    assert tab.external_requests == []


def test_french_page(new_tab: Any) -> None:
    """A French browser gets the page in French, charts included."""
    tab: Tab = new_tab(locale="fr-FR")
    tab.goto("/sectors")
    page = tab.page
    expect(page.locator("h1").first).to_have_text("Secteurs")
    expect(_box(tab, "Industrie")).to_be_visible(timeout=60_000)
    tab.screenshot("sectors_fr", height=1600)
    page.get_by_role("tab", name="Par lieu").click()  # only the chosen tab is built
    expect(page).to_have_url(re.compile(r"[?&]tab=places(&|$)"), timeout=30_000)
    expect(page.get_by_text("Événements par lieu et par secteur", exact=True)).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text(re.compile("Tatarstan \\(lieu non précisé\\)")).first).to_be_visible()
    tab.wait_idle()
    expect(page.get_by_test_id("stEChartsChart")).to_have_count(1)
    expect(page.locator(BREAKDOWN)).to_have_count(0)
    tab.screenshot("sectors_fr_places", height=1600)
    assert tab.external_requests == []


def test_table_twin_opens_from_the_keyboard(tab: Tab) -> None:
    """A chart's table twin is built when its fold opens: Enter on the fold's summary shows
    the table, which stays open when a filter changes."""
    tab.goto("/sectors?lang=en")
    page = tab.page
    outlets = page.get_by_role("tab", name="By outlet")
    expect(outlets).to_be_visible(timeout=60_000)
    outlets.focus()  # the tabs, too, work from the keyboard
    page.keyboard.press("Enter")
    fold = page.locator(".st-key-sectors_twin_outlets")
    expect(fold).to_be_visible(timeout=60_000)
    expect(fold.get_by_test_id("stDataFrame")).to_have_count(0)
    summary = fold.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(fold.get_by_test_id("stDataFrame")).to_be_visible(timeout=30_000)
    tab.wait_idle()
    tab.screenshot("sectors_twin_open", height=2200)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Seed document").click()  # the source-kind filter
    expect(page).to_have_url(re.compile(r"[?&]source=seed(&|$)"), timeout=30_000)
    tab.wait_idle()
    expect(fold.get_by_test_id("stDataFrame")).to_be_visible(timeout=30_000)
    assert tab.external_requests == []


def test_a_link_opens_its_tab(tab: Tab) -> None:
    """A link with tab=items opens the cooperation items (a data grid, no chart); the first
    tab, clicked, takes tab= out of the address again."""
    tab.goto("/sectors?lang=en&tab=items")
    page = tab.page
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible(timeout=60_000)
    expect(page.get_by_role("tab", name="Cooperation items")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.get_by_test_id("stEChartsChart")).to_have_count(0)
    tab.wait_idle()
    expect(page).to_have_url(re.compile(r"[?&]tab=items(&|$)"))
    tab.screenshot("sectors_items", height=1600)
    page.get_by_role("tab", name="By sector").click()
    expect(page.locator(BREAKDOWN)).to_be_visible(timeout=30_000)
    expect(page).not_to_have_url(re.compile(r"tab="), timeout=30_000)
    assert tab.external_requests == []
