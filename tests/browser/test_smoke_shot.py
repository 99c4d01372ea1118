"""Every page opens in the browser without an exception and is screenshotted."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab

PAGES = ["/", "/timeline", "/map", "/sectors", "/sources", "/data"]


@pytest.mark.parametrize("path", PAGES)
def test_page_opens(tab: Tab, path: str) -> None:
    """Each page renders its title and no exception box, and nothing is fetched off-machine."""
    tab.goto(path)
    assert tab.page.locator("h1").first.is_visible()
    name = path.strip("/") or "overview"
    tab.screenshot(f"page_{name}")
    assert tab.external_requests == []
