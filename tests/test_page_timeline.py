"""The Timeline page under AppTest: chart, text twin, detail panel, chart selections, bad
input (the real clicks in Chromium: tests/browser/test_timeline.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.present.echarts import item_ids
from dashboard.views import timeline as tl
from tests.helpers import APP

PAGE = "app_pages/timeline.py"


def run(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest) -> dict[str, Any]:
    charts = at.get("echarts_chart")
    assert len(charts) == 1
    spec: dict[str, Any] = json.loads(charts[0].proto.spec)
    return spec


def alt(at: AppTest) -> str:
    """The chart's text alternative (what a screen reader reads for it)."""
    (drawn,) = at.get("echarts_chart")
    return str(drawn.proto.alt)


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in [*at.info, *at.warning, *at.subheader]]
    return "\n".join(str(p) for p in parts)


def test_page_in_english() -> None:
    """The chart, the written summary, the hint to click, and the 22-row table."""
    at = run()
    spec = chart(at)
    assert "Kazan" in spec["yAxis"][0]["data"]
    body = text(at)
    assert "22 events" in body
    assert "Click an event on the chart" in body
    assert "Select dates" in body
    assert at.dataframe[0].value.shape[0] == 22
    assert alt(at).startswith("Timeline of 22 events by place and date.")


def test_page_in_french() -> None:
    """lang=fr: French labels, French month names on the axis, French table headers."""
    at = run(lang="fr")
    spec = chart(at)
    assert all("juin" in t for t in spec["xAxis"][1]["data"] if t)
    assert "Moscou" in spec["yAxis"][0]["data"]
    body = text(at)
    assert "22 événements" in body
    assert "Les événements en tableau" in body
    assert "Événement" in at.dataframe[0].value.columns
    assert alt(at).startswith("Chronologie de 22 événements par lieu et par date.")


@pytest.mark.parametrize(
    ("lang", "summary", "described"),
    [
        ("en", "1 event, 16 June 2025", "Timeline of 1 event by place and date."),
        ("fr", "1 événement, 16 juin 2025", "Chronologie de 1 événement par lieu et par date."),
    ],
)
def test_one_event_reads_in_the_singular(lang: str, summary: str, described: str) -> None:
    """A view of one event: the summary and the chart's text alternative in the singular."""
    at = run(place="yadran_refinery", lang=lang)
    assert at.dataframe[0].value.shape[0] == 1
    assert summary in text(at)
    assert alt(at).startswith(described)


def test_event_in_url_opens_detail_with_both_claims() -> None:
    """event=arrival_kazan: the detail panel lists both claimed dates with their sources,
    the 'sources disagree' note, and the event is outlined on the chart."""
    at = run(event="arrival_kazan")
    body = text(at)
    assert "Welcome in Kazan by Rustam Minnikhanov" in body
    assert "States the date\\: 24 June 2025" in body
    assert "States the date\\: 25 June 2025" in body
    assert "Sources disagree" in body
    assert "Evidence \\(6\\)" in body
    assert "seed document, quote verified" in body
    assert "external reference" in body
    assert "(https://netafrique.net/?p=6395598328)" in body
    names = [s.get("name") for s in chart(at)["series"]]
    assert "selected" in names


def test_selection_through_session_state() -> None:
    """Choosing an event through session state (what a chart click does via
    ui.select_event) opens its detail panel and outlines it."""
    at = run()
    assert "KAMAZ in the programme" not in "\n".join(str(s.value) for s in at.subheader)
    at.session_state["_pending_filters"] = {"event": "visit_kamaz"}
    at.run()
    assert not at.exception
    assert "KAMAZ in the programme" in [s.value for s in at.subheader]
    assert "region only" in text(at)
    assert at.session_state["w_event"] == "visit_kamaz"
    assert "selected" in [s.get("name") for s in chart(at)["series"]]


def _page_with_a_chart_selection() -> None:
    """The entrypoint's run (the sidebar, the context) and the Timeline page, plus a button
    that hands the selection a test put in ``test_selection`` to the page's ``_on_select``
    with the drawn figure's ids: what the chart's ``on_select`` callback does with a click
    or a date brush, before the next run. (AppTest runs this function's body as the script;
    the real click in Chromium is tests/browser/test_timeline.py.)"""
    import streamlit as st

    from dashboard import ui
    from dashboard.app_pages import timeline as page
    from dashboard.core.package import DataError

    pkg = ui.package()
    assert not isinstance(pkg, DataError)
    ctx = ui.sidebar(pkg, "en")
    page.render()
    sent = st.session_state.get("test_selection")
    if sent is not None and ctx.selection.event_ids:
        figure = ctx.cached(page._figure, ctx.state.event)  # the drawn chart's figure
        st.button("send", key="test_send", on_click=page._on_select, args=(sent, figure.ids))


def selecting() -> AppTest:
    """The Timeline page, run once, ready for ``choose``."""
    at = AppTest.from_function(_page_with_a_chart_selection, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, selection: dict[str, Any]) -> AppTest:
    """Send a selection of the drawn chart to the page's callback, as the chart does, and
    rerun."""
    at.session_state["test_selection"] = selection
    at.run()
    at.button(key="test_send").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_click_on_a_mark_selects_its_event() -> None:
    """A click reports the clicked item's series and data index; the page reads the event
    id off the drawn chart, opens its detail and puts it in the URL."""
    at = selecting()
    spec = chart(at)
    (days,) = [i for i, s in enumerate(spec["series"]) if s.get("name") == "days"]
    index = [item["id"] for item in spec["series"][days]["data"]].index("visit_helicopters")
    picked = {"series_index": days, "data_type": "main", "data_indices": [index]}
    at = choose(at, {"selected": [picked], "areas": []})
    assert at.query_params.get("event") in ("visit_helicopters", ["visit_helicopters"])
    assert "Visit to the Kazan Helicopter Plant" in [s.value for s in at.subheader]
    assert "selected" in [s.get("name") for s in chart(at)["series"]]


def test_an_emptied_selection_clears_the_event() -> None:
    """The chart reports an emptied selection when the selected mark is clicked again: the
    event leaves the URL and the detail panel closes."""
    at = selecting()
    at.session_state["_pending_filters"] = {"event": "visit_kamaz"}
    at.run()
    assert at.query_params.get("event") in ("visit_kamaz", ["visit_kamaz"])
    at = choose(at, {"selected": [], "areas": []})
    assert "event" not in at.query_params
    assert "KAMAZ in the programme" not in [s.value for s in at.subheader]


def test_a_date_brush_sets_the_date_filter() -> None:
    """A brush across 22-24 June (in the chart's milliseconds) sets the dates it touches."""
    at = selecting()
    lo, hi = tl.ms(pd.Timestamp("2025-06-22 03:00")), tl.ms(pd.Timestamp("2025-06-24 20:00"))
    at = choose(at, {"selected": [], "areas": [{"brush_type": "lineX", "coord_range": [lo, hi]}]})
    assert at.query_params.get("dates") == ["2025-06-22", "2025-06-24"]
    assert at.date_input(key="w_dates").value == (date(2025, 6, 22), date(2025, 6, 24))


@pytest.mark.parametrize("index", [10_000, -1])
def test_a_stale_or_junk_click_changes_nothing(index: int) -> None:
    """A data index the drawn chart does not have selects nothing, without an error."""
    at = selecting()
    at = choose(at, {"selected": [{"series_index": 1, "data_indices": [index]}], "areas": []})
    assert "event" not in at.query_params


def test_the_url_round_trip_of_a_selection() -> None:
    """What a click and a brush ask for (``read_selection``) is what the URL then carries:
    a page opened from that URL shows the same event and dates."""
    at = run()
    spec = chart(at)
    ids = item_ids(spec)
    (days,) = [i for i, s in enumerate(spec["series"]) if s.get("name") == "days"]
    index = ids[days].index("talks_putin")
    click = {"selected": [{"series_index": days, "data_indices": [index]}], "areas": []}
    assert tl.read_selection(click, date(2025, 6, 1), date(2025, 6, 30), ids) == (
        "event",
        "talks_putin",
    )
    lo, hi = tl.ms(pd.Timestamp("2025-06-23 01:00")), tl.ms(pd.Timestamp("2025-06-23 23:00"))
    brush = {"areas": [{"coord_range": [lo, hi]}]}
    asked = tl.read_selection(brush, date(2025, 6, 1), date(2025, 6, 30), ids)
    assert asked == ("dates", (date(2025, 6, 23), date(2025, 6, 23)))
    at = run(event="talks_putin", dates=[d.isoformat() for d in asked[1]])
    assert "Talks with Vladimir Putin in the Kremlin" in [s.value for s in at.subheader]
    assert at.date_input(key="w_dates").value == (date(2025, 6, 23), date(2025, 6, 23))
    assert "selected" in [s.get("name") for s in chart(at)["series"]]


def test_date_filter_sets_the_chart_range() -> None:
    """dates=… narrows the events and sets the x-range to exactly those days."""
    at = run(dates=["2025-06-22", "2025-06-23"])
    spec = chart(at)
    days = (spec["xAxis"][0]["min"], spec["xAxis"][0]["max"])
    assert days == (tl.ms(pd.Timestamp("2025-06-22")), tl.ms(pd.Timestamp("2025-06-24")))
    assert "Bamako" not in spec["yAxis"][0]["data"]
    assert at.dataframe[0].value.shape[0] == 4  # the 4 in Moscow; none is dated by month only


def test_hidden_selected_event_says_so() -> None:
    """A selected event that the filters hide is still detailed, with a note saying so."""
    at = run(event="refinery_foundation", place="moscow")
    body = text(at)
    assert "hidden by the current filters" in body
    assert "Foundation stone of the Sénou gold refinery" in body


def test_filters_matching_nothing() -> None:
    """No event left: the empty state, no chart, no exception."""
    at = run(sector="gold", place="moscow")
    assert not at.get("echarts_chart")
    assert "No event matches these filters" in text(at)


@pytest.mark.parametrize(
    "params",
    [
        {"event": "<script>alert(1)</script>"},
        {"event": "x" * 5000, "dates": ["2025-13-01", "2025-06-02"]},
        {"dates": ["2025-06-30", "2025-06-01"], "lang": "<b>fr</b>", "sector": ["'; drop"]},
        {"place": ["moscow"] * 200},
    ],
)
def test_hostile_query_string(params: dict[str, Any]) -> None:
    """Bad values are dropped with a notice; nothing from them is rendered as markup."""
    at = run(**params)
    assert len(at.get("echarts_chart")) == 1
    body = text(at)
    assert "<script>" not in body
    assert "<b>fr</b>" not in body
    assert "ignored" in body
