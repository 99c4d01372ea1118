"""The Search page and ``q`` on every page, run with AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import qp, run_app, share_link

PAGE = "app_pages/search.py"
PAGES = (
    "app_pages/overview.py",
    "app_pages/timeline.py",
    "app_pages/map.py",
    "app_pages/sectors.py",
    "app_pages/sources.py",
    "app_pages/data.py",
)


def texts(at: AppTest) -> str:
    parts = [str(m.value) for m in at.markdown] + [str(m.value) for m in at.info]
    parts += [str(m.value) for m in at.warning] + [str(m.value) for m in at.caption]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("lang", "total", "events"),
    [("en", "21 matches", "Events · 4"), ("fr", "21 résultats", "Événements · 4")],
)
def test_search_page_groups_hits_by_kind(lang: str, total: str, events: str) -> None:
    at = run_app(PAGE, {"q": ["kamaz"]}, lang)
    assert not at.exception
    assert total in texts(at)
    headers = [str(s.value) for s in at.subheader]
    assert headers[0] == events
    assert any(h.startswith(("Quotes", "Citations")) for h in headers)
    assert ":orange-background[**Kamaz**]" in texts(at)
    assert qp(at, "q") == ["kamaz"]
    assert "q=kamaz" in share_link(at)


def test_search_page_without_words_explains() -> None:
    at = run_app(PAGE, {}, "en")
    assert not at.exception
    assert "Search every event" in texts(at)


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "NEAR(",
        "*",
        "'; DROP TABLE docs; --",
        "x" * 5000,
        "\u202ekamaz\x07",
        "<b>kamaz</b>",
        "[a](javascript:x)",
    ],
)
def test_hostile_q_is_text(q: str) -> None:
    at = run_app(PAGE, {"q": [q]}, "en")
    assert not at.exception
    shown = texts(at)
    assert "<b>" not in shown
    assert "](javascript" not in shown


def test_typing_in_the_page_box_searches() -> None:
    at = run_app(PAGE, {}, "en")
    at.text_input(key="search_page_q").input("Минниханов").run()
    assert not at.exception
    assert qp(at, "q") == ["Минниханов"]
    assert "People · 1" in [str(s.value) for s in at.subheader]


def test_sidebar_box_sets_q() -> None:
    at = run_app("app_pages/timeline.py", {}, "en")
    at.text_input(key="w_q").input("kamaz").run()
    assert not at.exception
    assert qp(at, "q") == ["kamaz"]


def test_q_combines_with_other_filters() -> None:
    at = run_app(PAGE, {"q": ["kamaz"], "sector": ["gold"]}, "en")
    assert not at.exception
    assert "limited to the other filters" in texts(at)
    headers = [str(s.value) for s in at.subheader]
    assert "Events · 4" not in headers  # narrowed to the events of the sector
    assert "Organisations · 1" in headers  # what no filter narrows stays


def test_a_hit_opens_in_place() -> None:
    at = run_app(PAGE, {"q": ["kamaz"]}, "fr")
    at.button(key="search_open_event_0").click().run()
    assert not at.exception
    assert [str(t.value) for t in at.title] == ["Chronologie"]
    assert qp(at, "event")
    assert qp(at, "q") == ["kamaz"]
    assert qp(at, "lang") == ["fr"]


def test_an_item_opens_on_sectors_items_tab() -> None:
    at = run_app(PAGE, {"q": ["kamaz"]}, "en")
    at.button(key="search_open_item_0").click().run()
    assert not at.exception
    assert qp(at, "tab") == ["items"]
    assert "Trucks" in texts(at) or any("KAMAZ" in str(d.value) for d in at.dataframe)


@pytest.mark.parametrize("page", PAGES)
def test_q_on_every_page_shows_a_notice_and_clears(page: str) -> None:
    at = run_app(page, {"q": ["kamaz"]}, "en")
    assert not at.exception
    assert "Only what matches the search “kamaz” is shown." in texts(at)
    at.button(key="search_notice_clear").click().run()
    assert not at.exception
    assert qp(at, "q") == []
    assert "Only what matches the search" not in texts(at)


def test_q_filters_the_timeline() -> None:
    at = run_app("app_pages/timeline.py", {"q": ["zzzzqqq"]}, "en")
    assert not at.exception
    assert at.button(key="empty_reset") is not None
