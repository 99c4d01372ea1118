"""The timeline chart and its helpers, tested by their spec (``fig.to_dict()``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import views
from dashboard.charts import timeline as tl
from dashboard.load import Package

MS_PER_DAY = 86_400_000


@pytest.fixture(scope="module")
def events(pkg: Package) -> pd.DataFrame:
    return views.event_table(pkg)


@pytest.fixture(scope="module")
def conflicts(pkg: Package) -> pd.DataFrame:
    return views.conflicts(pkg)


def spec(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame, **opts: Any
) -> dict[str, Any]:
    return tl.timeline_figure(pkg, events, conflicts, tl.TimelineOptions(**opts)).to_dict()


def traces(d: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [t for t in d["data"] if t.get("name") == name]


def where(d: dict[str, Any], event_id: str) -> list[tuple[dict[str, Any], int]]:
    """Every clickable mark of an event: (trace, index in the trace)."""
    out = []
    for t in d["data"]:
        for i, cd in enumerate(t.get("customdata") or []):
            if cd == event_id:
                out.append((t, i))
    return out


def test_spec_is_valid_plotly(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """The figure, built without Plotly's validation, passes it (in both languages)."""
    for lang in ("en", "fr"):
        go.Figure(spec(pkg, events, conflicts, lang=lang, selected="arrival_kazan"))


def test_lanes_follow_the_journey(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """Lanes are the cities in the order of the journey, the region-only place last, and each
    event sits inside its lane's band."""
    d = spec(pkg, events, conflicts)
    y = d["layout"]["yaxis"]
    labels = [t.replace("<b>", "").replace("</b>", "") for t in y["ticktext"]]
    assert labels == ["Bamako", "Moscow", "Kazan", "Tatarstan (place not stated)"]
    bands = [s for s in d["layout"]["shapes"] if s.get("name") == "lane"]
    assert len(bands) == 4
    lane_of = {
        "refinery_foundation": 0,
        "talks_putin": 1,
        "visit_helicopters": 2,
        "statement_goita_thanks": 2,
        "visit_kamaz": 3,
    }
    for event_id, lane in lane_of.items():
        for trace, i in where(d, event_id):
            assert bands[lane]["y0"] < trace["y"][i] < bands[lane]["y1"], event_id


def test_lanes_in_french(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """Lane names are translated: the city's French name, the region note in French."""
    labels = spec(pkg, events, conflicts, lang="fr")["layout"]["yaxis"]["ticktext"]
    assert "<b>Moscou</b>" in labels
    assert "<b>Tatarstan (lieu non précisé)</b>" in labels


def test_every_event_is_drawn_once_and_clickable(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """Each event has exactly one bar or filled marker carrying its id as customdata (the
    disputed event has one more, hollow, for the claim not used)."""
    d = spec(pkg, events, conflicts)
    for event_id in events["event_id"]:
        main = [(t, i) for t, i in where(d, event_id) if t["name"] != "claimed date"]
        assert len(main) == 1, event_id


def test_month_precision_spans_the_whole_month(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """A date known only to the month is a hatched, see-through bar from 1 June across the
    30 days, with a dotted outline; never a marker on a day."""
    d = spec(pkg, events, conflicts)
    for event_id in ("visit_kamaz", "visit_remdizel", "visit_eidos", "statement_camara"):
        ((trace, i),) = where(d, event_id)
        assert trace["type"] == "bar"
        assert trace["name"] == "month"
        assert trace["base"][i] == "2025-06-01 00:00"
        assert trace["x"][i] == 30 * MS_PER_DAY
        assert trace["marker"]["pattern"]["shape"] == "."
        assert "0.12)" in trace["marker"]["color"]  # see-through
    outlines = traces(d, "month outline")
    assert outlines
    assert all(t["line"]["dash"] == "dot" for t in outlines)
    day = traces(d, "day")[0]
    assert "visit_kamaz" not in day["customdata"]


def test_range_precision_is_an_uncertain_span(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """'Some day between 24 and 26 June' is a hatched bar over the three days, dashed."""
    d = spec(pkg, events, conflicts)
    ((trace, i),) = where(d, "joint_position")
    assert (trace["name"], trace["base"][i], trace["x"][i]) == (
        "range",
        "2025-06-24 00:00",
        3 * MS_PER_DAY,
    )
    assert trace["marker"]["pattern"]["shape"] == "/"
    assert all(t["line"]["dash"] == "dash" for t in traces(d, "range outline"))


def test_disputed_arrival_shows_both_claims(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """The Kazan arrival is drawn at 24 June (hollow) and 25 June (filled, larger, used by
    the dataset), joined by a dotted line and marked 'sources disagree'."""
    d = spec(pkg, events, conflicts)
    (hollow,) = traces(d, "claimed date")
    assert hollow["customdata"] == ["arrival_kazan"]
    assert hollow["x"] == ["2025-06-24 12:00"]
    assert hollow["marker"]["symbol"] == "circle-open"
    assert "Malikunafoni" in hollow["hovertext"][0]
    day = traces(d, "day")[0]
    j = day["customdata"].index("arrival_kazan")
    assert day["x"][j] == "2025-06-25 12:00"
    assert day["marker"]["size"][j] > day["marker"]["size"][day["customdata"].index("talks_kazan")]
    assert "3 independent sources" in day["hovertext"][j]
    (joined,) = traces(d, "claims joined")
    assert joined["x"] == ["2025-06-24 12:00", "2025-06-25 12:00"]
    assert joined["y"][0] == joined["y"][1] == hollow["y"][0] == day["y"][j]
    notes = [a["text"] for a in d["layout"]["annotations"]]
    assert notes == ["<i>sources disagree</i>"]
    fr = spec(pkg, events, conflicts, lang="fr")
    assert [a["text"] for a in fr["layout"]["annotations"]] == ["<i>sources divergentes</i>"]


def test_french_month_names(pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame) -> None:
    """Under lang=fr, tick labels, axis title and hover dates use French month names."""
    d = spec(pkg, events, conflicts, lang="fr")
    x = d["layout"]["xaxis"]
    assert x["tickmode"] == "array"
    assert len(x["tickvals"]) == len(x["ticktext"]) > 5
    assert all("juin" in t for t in x["ticktext"])
    assert not any("Jun" in t for t in x["ticktext"])
    assert x["title"]["text"] == "Date (juin 2025)"
    hovers = " ".join(h for t in d["data"] for h in (t.get("hovertext") or []))
    assert "juin 2025" in hovers
    assert "June" not in hovers
    assert "jour exact inconnu" in hovers
    assert "mois seulement" in hovers
    en = spec(pkg, events, conflicts, lang="en")["layout"]["xaxis"]["ticktext"]
    assert all("Jun" in t for t in en)


def test_hover_lists_everything(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """Hover: title, date with its precision, place, every sector, number of sources."""
    d = spec(pkg, events, conflicts)
    trace, i = where(d, "agreements_moscow")[0]
    hover = trace["hovertext"][i]
    for part in (
        "Three agreements signed in Moscow",
        "23 June 2025 (day)",
        "Moscow Kremlin",
        "Bilateral relations",
        "Trade & economic cooperation",
        "Energy (incl. nuclear)",
        "4 sources",
    ):
        assert part.replace("&", "&amp;") in hover, part


def test_colour_is_the_first_sectors_top_sector(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """An event with several sectors takes its first sector's top-level colour; the legend
    lists the top-level sectors used."""
    d = spec(pkg, events, conflicts)
    day = traces(d, "day")[0]
    gold = day["marker"]["color"][day["customdata"].index("refinery_foundation")]
    assert gold == "#E69F00"  # gold -> mining & energy
    diplomacy = day["marker"]["color"][day["customdata"].index("agreements_moscow")]
    assert diplomacy == "#56B4E9"  # bilateral first, then trade and energy
    legend = [t["name"] for t in d["data"] if t.get("legendgroup") == "sectors"]
    assert "Mining &amp; energy" in legend
    assert "Diplomacy &amp; geopolitics" in legend


def test_legend_explains_the_styles(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """The legend has one entry per date style, drawn in the style it explains."""
    d = spec(pkg, events, conflicts)
    styles = [t for t in d["data"] if t.get("legendgroup") == "styles"]
    assert [t["name"] for t in styles] == [
        "Known to the day",
        "Some day in this span (exact day unknown)",
        "Known only to the month (drawn across it)",
        "Date claimed by fewer sources (hollow); the date used is filled",
    ]
    assert styles[1]["line"]["dash"] == "dash"
    assert styles[2]["line"]["dash"] == "dot"
    assert d["layout"]["legend"]["itemclick"] is False


def test_x_range_follows_the_date_filter(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """With a date filter the x-range is exactly its days; without, the events' extent."""
    d = spec(pkg, events, conflicts, date_from=date(2025, 6, 22), date_to=date(2025, 6, 26))
    assert d["layout"]["xaxis"]["range"] == ["2025-06-22 00:00", "2025-06-27 00:00"]
    assert d["layout"]["xaxis"]["ticktext"][0] == "22 Jun<br>2025"
    full = spec(pkg, events, conflicts)["layout"]["xaxis"]["range"]
    assert full[0] < "2025-06-01"
    assert full[1] > "2025-07-01"


def test_selected_event_is_outlined(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame
) -> None:
    """The selected event gets an outline around all its marks (both claimed days)."""
    d = spec(pkg, events, conflicts, selected="arrival_kazan")
    (box,) = [s for s in d["layout"]["shapes"] if s.get("name") == "selected"]
    assert box["x0"] == "2025-06-24 00:00"
    assert box["x1"] == "2025-06-26 00:00"
    none = spec(pkg, events, conflicts, selected="nope")
    assert not [s for s in none["layout"]["shapes"] if s.get("name") == "selected"]


def test_data_text_is_escaped(pkg: Package, conflicts: pd.DataFrame) -> None:
    """A title with markup reaches Plotly's pseudo-HTML escaped, in labels and hover."""
    ev = pkg["events"].copy()
    ev.loc[ev["event_id"] == "talks_putin", "title_en"] = '<a href="javascript:x()">hi</a>'
    hostile = replace(pkg, tables={**pkg.tables, "events": ev})
    d = spec(hostile, views.event_table(hostile), conflicts)
    text = " ".join(
        str(v) for t in d["data"] for k in ("text", "hovertext") for v in (t.get(k) or [])
    )
    assert "<a href" not in text
    assert "&lt;a href=" in text


def test_many_events_stay_bounded(pkg: Package, events: pd.DataFrame) -> None:
    """Hundreds of events: no text labels, at most MAX_ROWS_PER_LANE rows per lane."""
    many = pd.concat(
        [events.assign(event_id=events["event_id"] + f"_{i}") for i in range(12)],
        ignore_index=True,
    )
    d = tl.timeline_figure(pkg, many, views.conflicts(pkg)).to_dict()
    assert not traces(d, "labels")
    bands = [s for s in d["layout"]["shapes"] if s.get("name") == "lane"]
    assert all(b["y1"] - b["y0"] <= tl.MAX_ROWS_PER_LANE for b in bands)


def test_empty_events_give_an_empty_chart(pkg: Package, conflicts: pd.DataFrame) -> None:
    """No event: a valid figure with no lanes, not an error."""
    d = tl.timeline_figure(pkg, views.event_table(pkg).head(0), conflicts).to_dict()
    assert d["layout"]["yaxis"]["ticktext"] == []
    go.Figure(d)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"points": [{"customdata": "talks_putin"}], "box": []}, ("event", "talks_putin")),
        ({"points": [{"customdata": ["talks_putin"]}]}, ("event", "talks_putin")),
        ({"points": [{"x": 1}, {"customdata": "wreath_moscow"}]}, ("event", "wreath_moscow")),
        ({"points": [], "box": [], "lasso": []}, ("event", None)),
        (
            {
                "points": [{"customdata": "x"}],
                "box": [{"x": ["2025-06-21 14:00:00.5", "2025-06-23 09:00"]}],
            },
            ("dates", (date(2025, 6, 21), date(2025, 6, 23))),
        ),
        (
            {"box": [{"x": ["2025-06-25 00:00", "2025-06-23 00:00"]}]},
            ("dates", (date(2025, 6, 23), date(2025, 6, 24))),
        ),
        (
            {"box": [{"x": ["2025-05-01", "2025-08-01"]}]},
            ("dates", (date(2025, 6, 1), date(2025, 6, 30))),
        ),
        ({"box": [{"x": ["2025-08-01", "2025-08-05"]}]}, None),
        ({"box": [{"x": ["junk", "2025-06-02"]}]}, None),
        ({"box": [{"x": []}], "points": [{"customdata": 5}]}, None),
        (None, None),
        ("nonsense", None),
    ],
)
def test_read_selection(selection: Any, expected: Any) -> None:
    """A box sets the dates it touches (clipped to the visit); a click selects the event;
    an emptied selection clears it; anything else asks for nothing."""
    assert tl.read_selection(selection, date(2025, 6, 1), date(2025, 6, 30)) == expected


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
    assert tl.safe_url(url) == expected


def test_event_detail_has_every_piece_of_evidence(pkg: Package) -> None:
    """The detail of the Kazan arrival: people with roles, sectors, six pieces of evidence
    with seed/external kinds, both claimed dates, and links only for external sources."""
    d = tl.event_detail(pkg, "arrival_kazan", "fr")
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
        "https://netafrique.net/",
    }
    assert tl.event_detail(pkg, "nope", "en") is None
    assert tl.event_detail(pkg, None, "en") is None


def test_claim_text() -> None:
    """Claimed values read as sentences, dates spelled out in the language."""
    assert tl.claim_text("date", "2025-06-24", "fr") == "Indique la date : 24 juin 2025"
    assert tl.claim_text("date", "2025-06", "en") == "States the date: June 2025"
    assert tl.claim_text("count", "3", "en") == "States the number: 3"
    assert tl.claim_text("odd", "x", "en") == "States the odd: x"


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
    assert len(table) == 20
    row = table[table["Événement"] == "KAMAZ au programme"].iloc[0]
    assert (row["Quand (tel que connu)"], row["Précision"]) == ("juin 2025", "mois seulement")
    text = tl.summary(events, conflicts, "fr")
    assert text.startswith("20 événements, 16–26 juin 2025.")
    assert "jour près : 9" in text
    assert "jour exact inconnu : 6" in text
    assert "seulement au mois : 5" in text
    assert "Accueil à Kazan par Roustam Minnikhanov" in text
    one = tl.summary(events[events["event_id"] == "talks_putin"], conflicts, "en")
    assert one.startswith("1 event, 23 June 2025.")
    assert "disagree" not in one
