"""The Sources and Data pages in a real browser: highlighted quotes render as highlights
(no markdown leaks as text), the disagreement tab, and a downloaded CSV/GeoJSON that holds
exactly the filtered events."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.core import filters
from dashboard.core.load import load_package
from tests.browser.helpers import ROOT, Tab

pytestmark = pytest.mark.browser


def kept_events(**state: object) -> set[str]:
    pkg = load_package(ROOT / "data")
    return set(filters.apply(filters.FilterState(**state), pkg).event_ids)  # type: ignore[arg-type]


def download(tab: Tab, label: str) -> bytes:
    with tab.page.expect_download() as info:
        tab.page.get_by_role("button", name=label).click()
    path = info.value.path()
    return Path(path).read_bytes()


def test_data_csv_download_holds_the_filtered_events(tab: Tab) -> None:
    """On /data filtered to Industry, the downloaded CSV parses and its rows are exactly the
    filtered events; the GeoJSON is a FeatureCollection of the same events."""
    tab.goto("/data?sector=industry&lang=en")
    expect(tab.page.get_by_text("How to cite this view")).to_be_visible()
    csv = pd.read_csv(io.BytesIO(download(tab, "Events (CSV)")))
    expected = kept_events(sectors=("industry",))
    assert set(csv["event_id"]) == expected
    assert len(csv) == len(expected) > 0
    geo = json.loads(download(tab, "Events and places (GeoJSON)"))
    assert geo["type"] == "FeatureCollection"
    events = {
        f["properties"]["event_id"]
        for f in geo["features"]
        if f["properties"]["feature_type"] == "event"
    }
    assert events == expected
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)
    assert tab.external_requests == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_data_page_screenshot(new_tab: Callable[..., Tab], lang: str) -> None:
    """The Data page in each language: table, downloads, citation."""
    tab = new_tab("fr-FR" if lang == "fr" else "en-GB")
    tab.goto(f"/data?lang={lang}")
    cite = "Comment citer cette vue" if lang == "fr" else "How to cite this view"
    expect(tab.page.get_by_text(cite)).to_be_visible()
    expect(tab.page.get_by_test_id("stDataFrame")).to_have_count(1)
    tab.screenshot(f"data_{lang}", height=1300)
    assert tab.external_requests == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sources_highlights_render(new_tab: Callable[..., Tab], lang: str) -> None:
    """Highlights and [n] markers render as formatting, never as literal markdown or
    backslashes; the disagreement tab shows both Kazan dates."""
    tab = new_tab("fr-FR" if lang == "fr" else "en-GB")
    tab.goto(f"/sources?lang={lang}")
    main = tab.page.get_by_test_id("stMain")
    expect(main.get_by_text("Assimi Goïta au Tatarstan : cap sur").first).to_be_visible()
    expect(main.get_by_text("[1]").first).to_be_visible()
    for leak in (":blue-background", ":blue[", "\\[", "\\:"):
        expect(main.get_by_text(leak, exact=False)).to_have_count(0)
    tab.screenshot(f"sources_{lang}", height=1600)
    tab.page.get_by_role("tab", name="Divergences" if lang == "fr" else "Disagreements").click()
    used, other = (
        ("25 juin 2025", "24 juin 2025") if lang == "fr" else ("25 June 2025", "24 June 2025")
    )
    expect(main.get_by_role("heading", name=used)).to_be_visible()
    expect(main.get_by_role("heading", name=other)).to_be_visible()
    expect(tab.page).to_have_url(re.compile(r"[?&]tab=conflicts(&|$)"))  # a link to this tab
    tab.screenshot(f"sources_conflicts_{lang}", height=1000)
    assert tab.external_requests == []


def test_folded_seed_text_opens(tab: Tab) -> None:
    """Only the first seed text is built at first; opening the fold of another (Enter on
    its summary) shows its highlighted text."""
    tab.goto("/sources?lang=en")
    page = tab.page
    fold = page.locator(".st-key-sources_seed_seed_003")
    expect(fold).to_be_visible(timeout=60_000)
    expect(fold.get_by_test_id("stMarkdown")).to_have_count(0)
    fold.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(fold.get_by_text("[1]").first).to_be_visible(timeout=30_000)
    tab.wait_idle()
    tab.screenshot("sources_seed_003_open", height=1600)
    assert tab.external_requests == []
