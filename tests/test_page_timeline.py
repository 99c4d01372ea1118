"""The Timeline page under AppTest: chart, text twin, detail panel, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP

PAGE = "app_pages/timeline.py"


def run(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def with_table(at: AppTest) -> AppTest:
    """Turn on 'Show the table' (off when a session opens the page)."""
    assert not at.dataframe  # not drawn until asked for
    at.toggle(key="timeline_table").set_value(True).run()
    assert not at.exception
    return at


def chart(at: AppTest) -> dict[str, Any]:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    spec: dict[str, Any] = json.loads(charts[0].proto.spec)
    return spec


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "warning", "subheader") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def test_page_in_english() -> None:
    """The chart, the written summary, the hint to click, and the 20-row table."""
    at = run()
    spec = chart(at)
    assert "<b>Kazan</b>" in spec["layout"]["yaxis"]["ticktext"]
    body = text(at)
    assert "20 events" in body
    assert "Click an event on the chart" in body
    assert "Box select" in body
    assert with_table(at).dataframe[0].value.shape[0] == 20
    assert at.session_state["timeline_table"] is True  # it stays on for the session
    at.run()
    assert at.dataframe[0].value.shape[0] == 20


def test_page_in_french() -> None:
    """lang=fr: French labels, French month names on the axis, French table headers."""
    at = run(lang="fr")
    spec = chart(at)
    assert all("juin" in t for t in spec["layout"]["xaxis"]["ticktext"])
    assert "<b>Moscou</b>" in spec["layout"]["yaxis"]["ticktext"]
    body = text(at)
    assert "20 événements" in body
    assert "Les événements en tableau" in body
    assert at.toggle(key="timeline_table").label == "Afficher le tableau"
    assert "Événement" in with_table(at).dataframe[0].value.columns


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
    assert "(https://netafrique.net/)" in body
    names = [s.get("name") for s in chart(at)["layout"]["shapes"]]
    assert "selected" in names


def test_selection_through_session_state() -> None:
    """Choosing an event through session state (what a chart click does via
    ui.select_event) opens its detail panel and outlines it."""
    at = run()
    assert "KAMAZ in the programme" not in "\n".join(str(s.value) for s in at.get("subheader"))
    at.session_state["_pending_filters"] = {"event": "visit_kamaz"}
    at.run()
    assert not at.exception
    assert "KAMAZ in the programme" in [s.value for s in at.get("subheader")]
    assert "region only" in text(at)
    assert at.session_state["w_event"] == "visit_kamaz"
    assert "selected" in [s.get("name") for s in chart(at)["layout"]["shapes"]]


def test_date_filter_sets_the_chart_range() -> None:
    """dates=… narrows the events and sets the x-range to exactly those days."""
    at = run(dates=["2025-06-22", "2025-06-23"])
    spec = chart(at)
    assert spec["layout"]["xaxis"]["range"] == ["2025-06-22 00:00", "2025-06-24 00:00"]
    assert "<b>Bamako</b>" not in spec["layout"]["yaxis"]["ticktext"]
    table = with_table(at).dataframe[0].value
    assert table.shape[0] == 9  # 4 in Moscow + the 5 month-only events


def test_hidden_selected_event_says_so() -> None:
    """A selected event that the filters hide is still detailed, with a note saying so."""
    at = run(event="refinery_foundation", place="moscow")
    body = text(at)
    assert "hidden by the current filters" in body
    assert "Foundation stone of the Sénou gold refinery" in body


def test_filters_matching_nothing() -> None:
    """No event left: the empty state, no chart, no exception."""
    at = run(sector="gold", place="moscow")
    assert not at.get("plotly_chart")
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
    assert len(at.get("plotly_chart")) == 1
    body = text(at)
    assert "<script>" not in body
    assert "<b>fr</b>" not in body
    assert "ignored" in body
