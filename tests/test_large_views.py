"""A package of thousands of events keeps every page bounded: capped lists say how many
more there are and where to see them, and the event picker does not list them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks import synth
from dashboard import ui
from dashboard.ui.context import CTX
from tests.helpers import run_app

N_EVENTS = 3_000


@pytest.fixture(scope="module")
def big_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("big")
    return synth.write_package(synth.synthesize(N_EVENTS, seed=3), out)


@pytest.fixture
def big(big_package: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DATA", str(big_package))
    return big_package


def _text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption])


def test_overview_draws_at_most_twelve_key_facts_and_links_to_the_rest(big: Path) -> None:
    at = run_app()
    assert not at.exception
    cards = [str(b.value) for b in at.markdown if "-badge[" in str(b.value)]
    # the cards, separated by rules (overview.CARD_RULE: the page module runs when imported)
    n_key = sum(text.count("\n\n---\n\n") + 1 for text in cards)
    assert 0 < n_key <= 12  # overview.MAX_KEY_FACTS
    more = [c.value for c in at.caption if "more key facts" in str(c.value)]
    assert len(more) == 1, _text(at)
    itinerary = [m.value for m in at.markdown if str(m.value).startswith("1. ")]
    assert itinerary
    assert str(itinerary[0]).count("\n1. ") < 20


def test_event_picker_lists_the_first_events_of_the_view_only(big: Path) -> None:
    at = run_app()
    picker = at.selectbox(key=ui.W["event"])
    assert len(picker.options) == ui.MAX_EVENT_CHOICES
    assert "first 500 events" in str(picker.help)


def test_an_event_beyond_the_cap_stays_selectable_from_the_url(big: Path) -> None:
    import pandas as pd

    events = pd.read_csv(big / "events.csv").sort_values(["start", "event_id"])
    late = str(events["event_id"].iloc[-1])
    at = run_app("app_pages/timeline.py", {"event": [late]})
    assert not at.exception
    picker = at.selectbox(key=ui.W["event"])
    assert picker.value == late
    assert late in str(at.query_params["event"])


def test_every_page_runs_on_the_large_package(big: Path) -> None:
    """Every page, and every tab of the pages with tabs (only the chosen tab is built)."""
    for page in ("app_pages/timeline.py", "app_pages/map.py", "app_pages/sectors.py",
                 "app_pages/sources.py", "app_pages/data.py"):  # fmt: skip
        at = run_app(page)
        assert not at.exception, page
        assert not at.error, page
        labels = [tab.label for tab in at.tabs]
        name = page.split("/")[1][:-3]
        assert len(labels) == {"sectors": 4, "sources": 5}.get(name, 0), page
        for label in labels[1:]:
            at.session_state[f"{name}_tab"] = label
            at.run()
            assert not at.exception, (page, label)
            assert not at.error, (page, label)


def test_timeline_draws_the_first_events_and_says_how_many_there_are(big: Path) -> None:
    """The timeline takes only its first MAX_EVENTS events of a big view and warns that the
    others (counted) are left out."""
    import json

    from dashboard.views import timeline as tl

    at = run_app("app_pages/timeline.py")
    assert not at.exception
    warning = " ".join(str(w.value) for w in at.warning)
    assert f"{tl.MAX_EVENTS:,}" in warning or str(tl.MAX_EVENTS) in warning
    assert f"{N_EVENTS:,}" in warning or str(N_EVENTS) in warning
    spec = json.loads(at.get("echarts_chart")[0].proto.spec)
    drawn = {
        i["id"] for s in spec["series"] for i in s["data"] if isinstance(i, dict) and "id" in i
    }
    assert 0 < len(drawn) <= tl.MAX_EVENTS


def test_a_page_reads_parts_of_the_view_as_slices_of_its_events(big: Path) -> None:
    """The context's head, key facts and column subsets of a big view are those slices of
    its whole event table, without it being copied first; the rows a download will read
    are copied only when it is built."""
    import pandas as pd

    sectors = pd.read_csv(big / "sectors.csv")
    top = str(sectors.loc[sectors["parent_id"].isna(), "sector_id"].iloc[1])
    for page in ("sectors", "data"):  # the Data page copies the rows for a download only
        at = run_app(f"app_pages/{page}.py", {"sector": [top]})
        assert not at.exception
        ctx = at.session_state[CTX]
        assert "events" not in ctx.__dict__, page
    later = ctx.events_later()
    head = ctx.events_head(7)
    facts = ctx.events_where("key_fact")
    few = ctx.event_columns(("event_id", "title_fr"))
    events = ctx.events
    assert head.equals(events.head(7))
    assert facts.equals(events[events["key_fact"]])
    assert few.equals(events[["event_id", "title_fr"]])
    assert later().equals(events)
    assert 0 < len(facts) < len(events) == len(ctx.selection.event_ids) < N_EVENTS
