"""The Search page in Chromium: search, click a hit, the right place opens; screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import SCREENSHOTS, Tab

pytestmark = pytest.mark.browser


def test_search_then_open_an_event(tab: Tab) -> None:
    """Typing KAMAZ in the Search page's box finds the events (the Cyrillic alias included);
    "Open on the timeline" opens that event's detail, the search kept in the URL."""
    tab.goto("/search")
    box = tab.page.locator(".st-key-search_page_q input")
    box.fill("КАМАЗ")
    box.press("Enter")
    tab.wait_idle()
    expect(tab.page).to_have_url(re.compile(r"[?&]q=%D0%9A%D0%90%D0%9C%D0%90%D0%97(&|$)"))
    expect(tab.page.get_by_role("heading", name="Events · 4")).to_be_visible()
    expect(tab.page.locator("mark, span").filter(has_text="КАМАЗа").first).to_be_attached()
    tab.page.locator(".st-key-search_open_event_0 button").click()
    tab.wait_idle()
    expect(tab.page).to_have_url(re.compile(r"/timeline\?.*event=statement_goita_industry"))
    expect(tab.page.locator(".st-key-timeline_detail")).to_contain_text("Kamaz")
    expect(tab.page.get_by_text("Only what matches the search “КАМАЗ” is shown.")).to_be_visible()
    tab.page.locator(".st-key-search_notice_clear button").click()
    tab.wait_idle()
    expect(tab.page).not_to_have_url(re.compile(r"[?&]q="))
    assert tab.external_requests == []


def test_a_quote_opens_in_its_seed_text(new_tab: Callable[..., Tab]) -> None:
    """A quote hit opens Sources on the seed texts, the quote's event in focus (its quotes
    highlighted)."""
    tab = new_tab("fr-FR")
    tab.goto("/search?q=Minnikhanov")
    tab.page.locator(".st-key-search_open_quote_0 button").click()
    tab.wait_idle()
    expect(tab.page).to_have_url(re.compile(r"/sources\?.*event="))
    expect(tab.page.get_by_role("tab", selected=True)).to_contain_text("Documents sources")


@pytest.mark.parametrize(("locale", "size"), [("en-GB", (1400, 1000)), ("fr-FR", (390, 844))])
def test_screenshots(new_tab: Callable[..., Tab], locale: str, size: tuple[int, int]) -> None:
    tab = new_tab(locale)
    tab.page.set_viewport_size({"width": size[0], "height": size[1]})
    tab.goto("/search?q=kamaz")
    expect(tab.page.locator("h1").first).to_be_visible()
    name = f"search_{locale[:2]}_{size[0]}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
