"""The Timeline page's plain-Python side: the chart, tested by its ECharts spec
(``views.timeline_chart``), the lanes, marks, selection and text twin (``views.timeline``),
and the event detail panel (``views.event_detail``)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import pytest

from dashboard.core import derived as views
from dashboard.core.package import Package
from dashboard.present.labels import safe_url
from dashboard.views import event_detail as detail
from dashboard.views import timeline as tl
from dashboard.views import timeline_chart as tc

MS_PER_DAY = 86_400_000


def at(day: str) -> float:
    """A time on the chart's value axis (ms since 1970)."""
    return tl.ms(pd.Timestamp(day))


@pytest.fixture(scope="module")
def events(pkg: Package) -> pd.DataFrame:
    return views.event_table(pkg)


@pytest.fixture(scope="module")
def conflicts(pkg: Package) -> pd.DataFrame:
    return views.conflicts(pkg)


MONTH_ONLY = ("visit_kamaz", "visit_remdizel", "visit_eidos", "statement_camara")


def as_month(events: pd.DataFrame) -> pd.DataFrame:
    """The package dates no event by its month alone any more: these four, as if it did."""
    month = events["event_id"].isin(MONTH_ONLY)
    return events.assign(
        start=events["start"].mask(month, pd.Timestamp("2025-06-01")),
        end=events["end"].mask(month, pd.Timestamp("2025-06-30")),
        date_precision=events["date_precision"].mask(month, "month"),
    )


def figure(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame, **opts: Any) -> tc.Figure:
    return tc.timeline_figure(pkg, events, conflicts, tl.TimelineOptions(**opts))


def spec(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame, **opts: Any
) -> dict[str, Any]:
    return figure(pkg, events, conflicts, **opts).spec


def series(d: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [s for s in d["series"] if s.get("name") == name]


def items(d: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """The data items of the named series, by event id."""
    return {i["id"]: i for s in series(d, name) for i in s["data"] if isinstance(i, dict)}


def where(d: dict[str, Any], event_id: str) -> list[tuple[str, int]]:
    """Every mark of an event but its title: (series name, row)."""
    out = []
    for s in d["series"]:
        if s.get("name") == "labels":
            continue
        for item in s["data"]:
            if isinstance(item, dict) and item.get("id") == event_id:
                out.append((s["name"], item["value"][1]))
    return out


def spans(d: dict[str, Any]) -> dict[str, tuple[float, float, dict[str, Any]]]:
    """Each span's (start, end, item) on the time axis: its bar's length added to the bars
    stacked under it in the same row (ECharts draws stacks from zero, by row)."""
    below: dict[tuple[str, int], float] = {}
    out = {}
    for s in d["series"]:
        if s["type"] != "bar" or "stack" not in s:
            continue
        for item in s["data"]:
            value, row = item["value"] if isinstance(item, dict) else item
            start = below.get((s["stack"], row), 0.0)
            below[(s["stack"], row)] = start + value
            if isinstance(item, dict):
                out[item["id"]] = (start, start + value, item)
    return out


def test_spec_is_plain_json(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """The spec is plain JSON without NaN (what st.echarts_chart sends), in both languages;
    the figure's ids name, per series and data index, the event of each clickable item."""
    for lang in ("en", "fr"):
        fig = figure(pkg, events, conflicts, lang=lang, selected="arrival_kazan")
        assert json.loads(json.dumps(fig.spec, allow_nan=False)) == fig.spec
        assert len(fig.ids) == len(fig.spec["series"])
        for s, ids in zip(fig.spec["series"], fig.ids, strict=True):
            assert len(ids) == len(s["data"])
            for item, found in zip(s["data"], ids, strict=True):
                assert found == (item.get("id") if isinstance(item, dict) else None)
        assert fig.height >= 300


def lanes(d: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(lane name, top edge, bottom edge) of each shaded lane band, top to bottom."""
    (band,) = series(d, "lanes")
    rows = d["yAxis"][0]["data"]
    out = []
    for first, last in band["markArea"]["data"]:
        lo, hi = first["coord"][1], last["coord"][1]
        names = [r for r in rows[int(lo + 0.5) : int(hi + 0.5)] if r]
        assert len(names) == 1  # one name per lane, on one of its rows
        out.append((names[0], lo, hi))
    return out


def test_lanes_follow_the_journey(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """Lanes are the cities in the order of the journey, the region-only place last, and each
    event sits inside its lane's band."""
    d = spec(pkg, events, conflicts)
    bands = lanes(d)
    assert [b[0] for b in bands] == ["Bamako", "Moscow", "Kazan", "Tatarstan (place not stated)"]
    lane_of = {
        "refinery_foundation": 0,
        "talks_putin": 1,
        "visit_helicopters": 2,
        "statement_goita_thanks": 2,
        "visit_kamaz": 3,
    }
    for event_id, lane in lane_of.items():
        marks = where(d, event_id)
        assert marks, event_id
        for _, row in marks:
            assert bands[lane][1] < row < bands[lane][2], event_id


def test_lanes_in_french(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """Lane names are translated: the city's French name, the region note in French."""
    rows = spec(pkg, events, conflicts, lang="fr")["yAxis"][0]["data"]
    assert "Moscou" in rows
    assert "Tatarstan (lieu non précisé)" in rows


def test_every_event_is_drawn_once_and_clickable(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """Each event has exactly one bar or filled marker carrying its id (the disputed event
    has one more, hollow, for the claim not used), in a series a click reads."""
    fig = figure(pkg, events, conflicts)
    for event_id in events["event_id"]:
        main = [(name, row) for name, row in where(fig.spec, event_id) if name != "claims"]
        assert len(main) == 1, event_id
        assert main[0][0] in tc.CLICKABLE
        assert any(event_id in ids for ids in fig.ids)


def test_month_precision_spans_the_whole_month(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """A date known only to the month is a dotted, see-through bar from 1 June across the
    30 days, with a dotted outline; never a marker on a day."""
    d = spec(pkg, as_month(events), conflicts)
    drawn = spans(d)
    for event_id in MONTH_ONLY:
        start, end, item = drawn[event_id]
        assert start == at("2025-06-01")
        assert end - start == 30 * MS_PER_DAY
        style = item["itemStyle"]
        assert style["borderType"] == "dotted"
        assert style["decal"]["symbol"] == "circle"
        assert "0.12)" in style["color"]  # see-through
    assert "visit_kamaz" not in items(d, "days")


def test_range_precision_is_an_uncertain_span(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """'Some day between 25 and 26 June' is a hatched bar over the two days, dashed."""
    start, end, item = spans(spec(pkg, events, conflicts))["joint_position"]
    assert (start, end - start) == (at("2025-06-25"), 2 * MS_PER_DAY)
    assert item["itemStyle"]["borderType"] == "dashed"
    assert item["itemStyle"]["decal"]["symbol"] == "rect"  # hatching


def test_spans_sharing_a_row_are_stacked_in_order(pkg: Package, conflicts: pd.DataFrame) -> None:
    """Many spans: every one starts and ends where its event does, whatever shares its row
    (gaps and spans alternate in each stack; overlapping spans go on another stack)."""
    ev = views.event_table(pkg)
    ranged = ev[ev["date_precision"] != "day"]
    many = pd.concat(
        [ranged.assign(event_id=ranged["event_id"] + f"_{i}") for i in range(30)],
        ignore_index=True,
    )
    drawn = spans(spec(pkg, many, conflicts))
    assert len(drawn) == len(many)
    for rec in many.to_dict("records"):
        start, end, _ = drawn[rec["event_id"]]
        assert start == tl.ms(pd.Timestamp(rec["start"]))
        assert end == tl.ms(pd.Timestamp(rec["end"]) + tl.DAY)


def test_disputed_arrival_shows_both_claims(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """The Kazan arrival is drawn at 24 June (hollow) and 25 June (filled, larger, used by
    the dataset), joined by a dotted line and marked 'sources disagree'."""
    d = spec(pkg, events, conflicts)
    (claims,) = series(d, "claims")
    assert claims["symbol"] == "emptyCircle"
    (hollow,) = claims["data"]
    assert hollow["id"] == "arrival_kazan"
    assert hollow["value"][0] == at("2025-06-24 12:00")
    assert "Malikunafoni" in hollow["tooltip"]["formatter"]
    days = items(d, "days")
    used = days["arrival_kazan"]
    assert used["value"][0] == at("2025-06-25 12:00")
    assert used["symbolSize"] > days["talks_kazan"]["symbolSize"]
    assert "3 independent sources" in used["tooltip"]["formatter"]
    (joined,) = series(d, "claims joined")
    assert [x for x, _ in joined["data"]] == [at("2025-06-24 12:00"), at("2025-06-25 12:00")]
    assert joined["lineStyle"]["type"] == "dotted"
    assert {y for _, y in joined["data"]} == {hollow["value"][1], used["value"][1]}
    (note,) = series(d, "sources disagree")
    assert note["label"]["formatter"] == "sources disagree"
    (fr,) = series(spec(pkg, events, conflicts, lang="fr"), "sources disagree")
    assert fr["label"]["formatter"] == "sources divergentes"


def test_french_month_names(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """Under lang=fr, day labels, axis title and hover dates use French month names."""
    events = as_month(events)
    d = spec(pkg, events, conflicts, lang="fr")
    days = d["xAxis"][1]
    shown = [x for x in days["data"] if x]
    assert len(days["data"]) == 30
    assert len(shown) > 5
    assert all("juin" in x for x in shown)
    assert not any("Jun" in x for x in shown)
    assert days["name"] == "Date (juin 2025)"
    hovers = " ".join(
        i["tooltip"]["formatter"]
        for s in d["series"]
        for i in s["data"]
        if isinstance(i, dict) and "tooltip" in i
    )
    assert "juin 2025" in hovers
    assert "June" not in hovers
    assert "jour exact inconnu" in hovers
    assert "mois seulement" in hovers
    en = [x for x in spec(pkg, events, conflicts, lang="en")["xAxis"][1]["data"] if x]
    assert all("Jun" in x for x in en)


def test_hover_lists_everything(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """Hover: title, date with its precision, place, every sector, number of sources."""
    hover = items(spec(pkg, events, conflicts), "days")["agreements_moscow"]["tooltip"]
    for part in (
        "Three agreements signed in Moscow",
        "23 June 2025 (day)",
        "Moscow Kremlin",
        "Bilateral relations",
        "Trade & economic cooperation",
        "Energy (incl. nuclear)",
        "6 sources",
    ):
        assert part.replace("&", "&amp;") in hover["formatter"], part


def test_colour_is_the_first_sectors_top_sector(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """An event with several sectors takes its first sector's top-level colour; the legend
    lists the top-level sectors used."""
    d = spec(pkg, events, conflicts)
    days = items(d, "days")
    assert days["refinery_foundation"]["itemStyle"]["color"] == "#E69F00"  # gold -> mining
    assert days["agreements_moscow"]["itemStyle"]["color"] == "#56B4E9"  # bilateral first
    legend = [x if isinstance(x, str) else x["name"] for x in d["legend"][1]["data"]]
    assert legend[0] == "Colour: first sector (all in the hover)"
    assert "Mining & energy" in legend
    assert "Diplomacy & geopolitics" in legend


def test_legend_explains_the_styles(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """The legend has one entry per date style, drawn in the style it explains, and does not
    hide series when clicked."""
    d = spec(pkg, events, conflicts)
    styles = d["legend"][0]
    assert styles["data"][0] == {
        "name": "Date",
        "icon": "none",
        "textStyle": {"fontWeight": "bold"},
    }
    assert styles["data"][1:] == [
        "Known to the day",
        "Some day in this span (exact day unknown)",
        "Known only to the month (drawn across it)",
        "Date claimed by fewer sources (hollow); the date used is filled",
    ]
    drawn = {s["name"]: s for s in d["series"] if not s["data"]}
    assert drawn[styles["data"][2]]["itemStyle"]["borderType"] == "dashed"
    assert drawn[styles["data"][3]]["itemStyle"]["borderType"] == "dotted"
    assert drawn[styles["data"][4]]["symbol"] == "emptyCircle"
    assert all(legend["selectedMode"] is False for legend in d["legend"])


def test_x_range_follows_the_date_filter(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """With a date filter the x-range is exactly its days, one day label each; without,
    the events' extent (from the refinery, 16 June, to the last possible day, 30 June)."""
    d = spec(pkg, events, conflicts, date_from=date(2025, 6, 22), date_to=date(2025, 6, 26))
    assert (d["xAxis"][0]["min"], d["xAxis"][0]["max"]) == (at("2025-06-22"), at("2025-06-27"))
    assert d["xAxis"][1]["data"][0] == "22 Jun\n2025"
    assert len(d["xAxis"][1]["data"]) == 5
    full = spec(pkg, events, conflicts)["xAxis"][0]
    assert (full["min"], full["max"]) == (at("2025-06-16"), at("2025-07-01"))


def test_selected_event_is_outlined(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """The selected event gets an outline around all its marks (both claimed days)."""
    d = spec(pkg, events, conflicts, selected="arrival_kazan")
    (box,) = series(d, "selected")
    ((first, last),) = box["markArea"]["data"]
    assert (first["coord"][0], last["coord"][0]) == (at("2025-06-24"), at("2025-06-26"))
    assert first["itemStyle"]["borderColor"] == "#000000"
    assert not series(spec(pkg, events, conflicts, selected="nope"), "selected")


def test_data_text_is_plain_in_labels_and_escaped_in_hovers(
    pkg: Package, conflicts: pd.DataFrame
) -> None:
    """A title with markup is drawn as plain text in its label (ECharts does not read it as
    HTML) and reaches the HTML hover text escaped."""
    ev = pkg["events"].copy()
    hostile_title = '<a href="javascript:x()">{b}</a>'
    ev.loc[ev["event_id"] == "talks_putin", "title_en"] = hostile_title
    hostile = replace(pkg, tables={**pkg.tables, "events": ev})
    d = spec(hostile, views.event_table(hostile), conflicts)
    label = items(d, "labels")["talks_putin"]
    assert label["name"] == '<a href="javascript:x()">\uff5bb\uff5d</a>'  # no {b} placeholder
    hovers = " ".join(
        i["tooltip"]["formatter"]
        for s in d["series"]
        for i in s["data"]
        if isinstance(i, dict) and "tooltip" in i
    )
    assert "<a href" not in hovers
    assert "&lt;a href=" in hovers


def test_many_events_stay_bounded(pkg: Package, events: pd.DataFrame) -> None:
    """Hundreds of events: no text labels, at most MAX_ROWS_PER_LANE rows per lane."""
    many = pd.concat(
        [events.assign(event_id=events["event_id"] + f"_{i}") for i in range(12)],
        ignore_index=True,
    )
    d = tc.timeline_figure(pkg, many, views.conflicts(pkg)).spec
    assert not series(d, "labels")
    assert all(hi - lo <= tl.MAX_ROWS_PER_LANE for _, lo, hi in lanes(d))


def test_empty_events_give_an_empty_chart(pkg: Package, conflicts: pd.DataFrame) -> None:
    """No event: a valid chart with no lanes, not an error."""
    fig = tc.timeline_figure(pkg, views.event_table(pkg).head(0), conflicts)
    assert fig.spec["yAxis"][0]["data"] == [""]
    assert series(fig.spec, "lanes")[0]["markArea"]["data"] == []
    json.dumps(fig.spec, allow_nan=False)


IDS = ((None, None), ("talks_putin", "wreath_moscow"))  # series 1 holds two events


def picked(*indices: int, series_index: int = 1) -> dict[str, Any]:
    return {"series_index": series_index, "data_type": "main", "data_indices": list(indices)}


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"selected": [picked(0)], "areas": []}, ("event", "talks_putin")),
        ({"selected": [picked(0, series_index=0), picked(1)]}, ("event", "wreath_moscow")),
        ({"selected": [picked(5), "x", {"series_index": True}]}, None),
        ({"selected": [], "areas": []}, ("event", None)),
        (
            {
                "selected": [picked(0)],
                "areas": [{"coord_range": [at("2025-06-21 14:00") + 0.5, at("2025-06-23 09:00")]}],
            },
            ("dates", (date(2025, 6, 21), date(2025, 6, 23))),
        ),
        (
            {"areas": [{"coord_range": [at("2025-06-25"), at("2025-06-23")]}]},
            ("dates", (date(2025, 6, 23), date(2025, 6, 24))),
        ),
        (
            {"areas": [{"coord_range": [at("2025-05-01"), at("2025-08-01")]}]},
            ("dates", (date(2025, 6, 1), date(2025, 6, 30))),
        ),
        ({"areas": [{"coord_range": [at("2025-08-01"), at("2025-08-05")]}]}, None),
        ({"areas": [{"coord_range": ["junk", at("2025-06-02")]}]}, None),
        ({"areas": [{"coord_range": [1e300, 2e300]}]}, None),
        ({"areas": [{"coord_range": [float("nan"), 0]}]}, None),
        ({"areas": [{"coord_range": []}], "selected": [{"data_indices": [0]}]}, None),
        (None, None),
        ("nonsense", None),
    ],
)
def test_read_selection(selection: Any, expected: Any) -> None:
    """A date brush sets the dates it touches (clipped to the visit); a click selects the
    event; an emptied selection clears it; anything else asks for nothing."""
    assert tl.read_selection(selection, date(2025, 6, 1), date(2025, 6, 30), IDS) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://netafrique.net/", "https://netafrique.net/"),
        ("http://a.example/x?q=1&r=2#f", "http://a.example/x?q=1&r=2#f"),
        ("https://a.example/a_(b)", "https://a.example/a_%28b%29"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT://x", None),
        ("data:text/html,hi", None),
        ("https://a.example/ x", None),
        ("//a.example/x", None),
        ("https:///nohost", None),
        ("", None),
        (None, None),
        ("https://a.example/" + "x" * 3000, None),
    ],
)
def test_safe_url(url: Any, expected: str | None) -> None:
    """Only http(s) addresses with a host become links; parentheses are encoded."""
    assert safe_url(url) == expected


def test_event_detail_has_every_piece_of_evidence(pkg: Package) -> None:
    """The detail of the Kazan arrival: people with roles, sectors, six pieces of evidence
    with seed/external kinds, both claimed dates, and links only for external sources."""
    d = detail.event_detail(pkg, "arrival_kazan", "fr")
    assert d is not None
    assert d.when == "25 juin 2025 (jour)"
    assert ("Roustam Minnikhanov", "hôte") in d.people
    assert d.sectors[0].startswith("Diplomatie")
    assert len(d.evidence) == 6
    assert {e.claimed_value for e in d.evidence if e.claim == "date"} == {
        "2025-06-24",
        "2025-06-25",
    }
    assert all(e.url is None for e in d.evidence if e.kind == "seed")
    assert {e.url for e in d.evidence if e.kind == "external"} == {
        "https://mali.news-pravda.com/mali/2025/06/25/5357.html",
        "https://netafrique.net/?p=6395598328",
    }
    assert detail.event_detail(pkg, "nope", "en") is None
    assert detail.event_detail(pkg, None, "en") is None


def test_claim_text() -> None:
    """Claimed values read as sentences, dates spelled out in the language."""
    assert detail.claim_text("date", "2025-06-24", "fr") == "Indique la date : 24 juin 2025"
    assert detail.claim_text("date", "2025-06", "en") == "States the date: June 2025"
    assert detail.claim_text("count", "3", "en") == "States the number: 3"
    assert detail.claim_text("odd", "x", "en") == "States the odd: x"


def test_table_and_summary(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """The text twin: one row per event with localised headers, and a summary that counts
    the precisions and names the disputed event."""
    table = tl.table(pkg, events, "fr")
    assert list(table.columns) == [
        "Date",
        "Quand (tel que connu)",
        "Précision",
        "Événement",
        "Lieu",
        "Secteurs",
        "Sources",
    ]
    assert len(table) == 22
    row = table[table["Événement"] == "KAMAZ au programme"].iloc[0]
    assert (row["Quand (tel que connu)"], row["Précision"]) == (
        "entre le 25 et le 27 juin 2025",
        "jour exact inconnu",
    )
    text = tl.summary(events, conflicts, "fr")
    assert text.startswith("22 événements, 16–30 juin 2025.")
    assert "jour près : 11" in text
    assert "jour exact inconnu : 11" in text
    assert "seulement au mois : 0" in text
    assert "Accueil à Kazan par Roustam Minnikhanov" in text
    one = tl.summary(events[events["event_id"] == "talks_putin"], conflicts, "en")
    assert one.startswith("1 event, 23 June 2025.")
    assert "disagree" not in one


def test_a_narrowed_date_shows_its_basis_and_what_bounds_it(pkg: Package) -> None:
    """visit_kamaz is dated by other facts, not by a source: the panel says how, in both
    languages, and names the event and the sources it rests on, never their ids."""
    en, fr = (
        detail.event_detail(pkg, "visit_kamaz", "en"),
        detail.event_detail(pkg, "visit_kamaz", "fr"),
    )
    assert en is not None
    assert fr is not None
    assert en.date_basis.startswith("On the Tatarstan leg")
    assert fr.date_basis.startswith("Pendant l'étape du Tatarstan")
    assert len(en.bounded_by) == 3
    assert not [n for n in en.bounded_by if "_" in n]
    stated = detail.event_detail(pkg, "arrival_kazan", "en")
    assert stated is not None
    assert stated.date_basis == ""
    assert stated.bounded_by == ()
