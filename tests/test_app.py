"""Every page runs under AppTest: both languages, no filters, seeded filters, filters that
match nothing, hostile query strings, and a broken data package."""

from __future__ import annotations

import gc
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, ROOT, qp, run_app, share_link

PAGES = [
    "app_pages/overview.py",
    "app_pages/timeline.py",
    "app_pages/map.py",
    "app_pages/sectors.py",
    "app_pages/sources.py",
    "app_pages/data.py",
]
HOSTILE = [
    {"sector": ["<script>alert(1)</script>"], "place": ["<img src=x onerror=alert(1)>"]},
    {"actor": ["[click](javascript:alert(1))"], "event": ["**bold** `code`"]},
    {"dates": ["2025-13-45", "not-a-date"], "lang": ["xx\u202e"]},
    {"sector": ["a" * 5000], "source": ["\x00\x01"], "dates": ["2025-06-26", "2025-06-01"]},
]
CARD_RULE = "\n\n---\n\n"  # overview.CARD_RULE (a page module runs when imported)
QUERIES = {
    "none": {},
    "seeded": {
        "sector": ["industry"],
        "dates": ["2025-06-22", "2025-06-26"],
        "place": ["kazan"],
        "source": ["seed", "external"],
    },
    "nothing": {"sector": ["agriculture"], "place": ["moscow"]},
    "event": {"event": ["arrival_kazan"]},
}


def run(page: str, query: dict[str, list[str]], lang: str | None = None) -> AppTest:
    return run_app(page, query, lang)


def all_text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "warning",
        "info",
        "error",
        "text",
    ):
        parts.extend(str(e.value) for e in at.get(kind))
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("query", list(QUERIES))
def test_page_runs(page: str, lang: str, query: str) -> None:
    """Each page runs without an exception in each language and filter situation."""
    at = run(page, QUERIES[query], lang)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("hostile", range(len(HOSTILE)))
def test_hostile_query(page: str, hostile: int) -> None:
    """Hostile values are dropped with an escaped notice, never rendered or raised."""
    at = run(page, HOSTILE[hostile])
    assert not at.exception, at.exception
    assert at.warning, "a notice says which values were ignored"
    notice = str(at.warning[0].value)
    # markdown shows a backslash-escaped character literally: no unescaped < or ](
    assert re.search(r"(?<!\\)<", notice) is None, notice
    assert "](javascript" not in notice
    assert "\u202e" not in notice
    assert "\x00" not in notice
    # the URL keeps only valid values
    for key in ("sector", "place", "actor", "event"):
        assert key not in at.query_params


def test_french_by_url() -> None:
    """lang=fr gives French labels and French dates on the overview."""
    at = run(PAGES[0], {}, "fr")
    assert "juin 2025" in all_text(at)
    assert at.metric[0].label == "Jours datés"


def test_english_default_without_locale() -> None:
    at = run(PAGES[0], {})
    assert "June 2025" in all_text(at)
    assert at.metric[3].label == "Events"


def test_loaded_package_is_frozen_out_of_the_collector() -> None:
    """Once the app has loaded its package, the objects alive then are frozen
    (``gc.freeze``): no automatic full collection walks the package again on a rerun."""
    at = run(PAGES[0], {})
    assert not at.exception
    assert gc.get_freeze_count() > 0


def test_metrics_follow_filters() -> None:
    """Key figures change with the filters."""
    everything = run(PAGES[0], {})
    moscow = run(PAGES[0], {"place": ["moscow"]})
    events = {m.label: m.value for m in everything.metric}["Events"]
    moscow_events = {m.label: m.value for m in moscow.metric}["Events"]
    assert int(moscow_events) < int(events)
    assert {m.label: m.value for m in moscow.metric}["Cities"] == "1"


def test_disagreement_shown_on_overview() -> None:
    """The Kazan arrival appears as a key fact with both dates and the reason."""
    text = all_text(run(PAGES[0], {}))
    assert "24 June 2025" in text
    assert "25 June 2025" in text


def test_key_facts_are_few_elements_with_the_disagreement_after_its_card() -> None:
    """The key facts are one markdown element per run of cards (an element per card line
    costs the browser on every filter change), each card with its title and its sources'
    badges, and the disagreement as a warning right after the Kazan arrival's card."""
    at = run(PAGES[0], {})
    cards = [m for m in at.markdown if "-badge[" in str(m.value)]
    texts = [str(m.value) for m in cards]
    assert len(cards) == 2  # the cards up to the disputed one, then the rest
    assert texts[0].rstrip().endswith("]")  # its last card's badges close the run
    assert "Welcome in Kazan" in texts[0].split(CARD_RULE)[-1]  # the disputed card ends it
    for text in texts:
        for card in text.split(CARD_RULE):
            assert card.startswith("**"), card  # a bold title
            assert "-badge[:material/" in card, card  # and at least one source badge
    warnings = [str(w.value) for w in at.warning]
    assert any("Sources disagree" in w and "24 June 2025" in w for w in warnings)


def test_nothing_matches_shows_empty_state() -> None:
    at = run(PAGES[0], QUERIES["nothing"])
    assert any("No event matches" in str(i.value) for i in at.info)
    assert not at.metric


def test_filters_survive_page_switch() -> None:
    """Widgets live in the entrypoint: switching page keeps the filters and the URL."""
    at = run(PAGES[0], {"sector": ["gold"], "lang": ["fr"]})
    for page in PAGES[1:]:
        at.switch_page(page)
        at.run()
        assert qp(at, "sector") == ["gold"]
        assert qp(at, "lang") == ["fr"]


def test_reset_filters() -> None:
    """Reset clears every filter but keeps the language."""
    at = run(PAGES[0], {"sector": ["gold"], "place": ["kazan"]}, "fr")
    reset = next(b for b in at.button if b.label == "Réinitialiser les filtres")
    reset.click()
    at.run()
    assert "sector" not in at.query_params
    assert "place" not in at.query_params
    assert qp(at, "lang") == ["fr"]


def test_a_tab_in_the_url_belongs_to_its_page() -> None:
    """tab= opens a tab of the page it names; on a page without tabs it gets a notice and
    leaves the URL. A chosen tab leaves the URL on another page and comes back with its
    page, and switching pages says nothing of it."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["tab"] = "places"
    at.switch_page("app_pages/map.py")
    at.run()
    assert not at.exception
    assert "tab" in " ".join(w.value for w in at.warning)
    assert qp(at, "tab") == []
    at.switch_page("app_pages/sources.py")
    at.session_state["sources_tab"] = "Disagreements"
    at.run()
    assert qp(at, "tab") == ["conflicts"]
    for page in ("app_pages/timeline.py", "app_pages/sectors.py"):
        at.switch_page(page)
        at.run()
        assert qp(at, "tab") == [], page
    at.switch_page("app_pages/sources.py")
    at.run()
    assert qp(at, "tab") == ["conflicts"]
    assert at.session_state["sources_tab"] == "Disagreements"


def test_share_link_contains_view() -> None:
    """'Share this view' gives a link with the filters and the language."""
    at = run(PAGES[0], {"sector": ["gold"]})
    link = share_link(at)
    assert "sector=gold" in link
    assert "lang=en" in link
    assert not at.code  # no code block: it would load a 1.5 MB highlighter on every page


@pytest.fixture
def broken_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    events = data / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2025-06-16", "2025-13-16", 1)
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "people.csv").unlink()
    monkeypatch.setenv("DASHBOARD_DATA", str(data))
    return data


def test_broken_package_shows_problem_list(broken_data: Path) -> None:
    """A package that fails validation shows its problems, not a traceback."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert "could not be loaded" in at.title[0].value
    table = at.dataframe[0].value
    assert set(table["File"]) >= {"events.csv", "people.csv"}
    assert any("file not found" in m for m in table["Problem"])


def test_a_link_with_dates_before_the_first_event_opens() -> None:
    """An older share link whose dates start before the package's first day opens the view
    (the sidebar's date picker would refuse a day outside the data)."""
    at = run_app(None, {"dates": ["2025-06-01", "2025-06-30"]})
    assert not at.exception, at.exception
    first, last = at.date_input[0].value
    assert "2025-06-01" < first.isoformat() <= last.isoformat() <= "2025-06-30"
