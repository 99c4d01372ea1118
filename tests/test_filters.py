"""The shared filters: URL parsing, round trip, and what each filter keeps."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from dashboard.core import filters
from dashboard.core.filters import FilterState, Options
from dashboard.core.ids import IdSet
from dashboard.core.package import Package


@pytest.fixture(scope="module")
def opts(pkg: Package) -> Options:
    return Options.from_package(pkg)


# --- parsing: one truth table --------------------------------------------------------------

PARSE_CASES = [
    # (query pairs, expected state, expected notice reasons)
    ({}, FilterState(), []),
    ({"sector": ["industry"]}, FilterState(sectors=("industry",)), []),
    ({"sector": ["gold", "industry"]}, FilterState(sectors=("industry", "gold")), []),
    ({"sector": ["industry", "industry"]}, FilterState(sectors=("industry",)), []),
    ({"sector": ["nope"]}, FilterState(), ["unknown"]),
    ({"sector": ["<script>alert(1)</script>"]}, FilterState(), ["unknown"]),
    ({"sector": ["x" * 500]}, FilterState(), ["too_long"]),
    ({"sector": [""]}, FilterState(), []),
    (
        {"dates": ["2025-06-22", "2025-06-26"]},
        FilterState(date_from=date(2025, 6, 22), date_to=date(2025, 6, 26)),
        [],
    ),
    ({"dates": ["2025-06-26", "2025-06-22"]}, FilterState(), ["reversed"]),
    ({"dates": ["2025-02-30", "2025-06-22"]}, FilterState(), ["bad_date"]),
    ({"dates": ["2025-06-22"]}, FilterState(), ["bad_date"]),
    ({"dates": ["22/06/2025", "26/06/2025"]}, FilterState(), ["bad_date"]),
    ({"dates": ["1990-01-01", "1990-12-31"]}, FilterState(), ["out_of_range"]),
    ({"place": ["kazan", "moscow"]}, FilterState(places=("moscow", "kazan")), []),
    ({"actor": ["goita", "kamaz"]}, FilterState(actors=("goita", "kamaz")), []),
    ({"actor": ["nobody"]}, FilterState(), ["unknown"]),
    ({"source": ["seed"]}, FilterState(sources=("seed",)), []),
    ({"source": ["blog"]}, FilterState(), ["unknown"]),
    ({"lang": ["fr"]}, FilterState(lang="fr"), []),
    ({"lang": ["de"]}, FilterState(), ["unknown"]),
    ({"event": ["arrival_kazan"]}, FilterState(event="arrival_kazan"), []),
    ({"event": ["no_such_event"]}, FilterState(), ["unknown"]),
    ({"utm_source": ["x"]}, FilterState(), ["unknown_key"]),
    ({"tab": ["<b>x</b>"]}, FilterState(), []),  # the page checks its tab= (ui.TabSet)
    ({"event": ["arrival_kazan", "talks_kazan"]}, FilterState(event="arrival_kazan"), ["too_many"]),
    ({"lang": ["fr", "en"]}, FilterState(lang="fr"), ["too_many"]),
    ({"sector": ["industry"] * 80}, FilterState(sectors=("industry",)), ["too_many"]),
    ({"sector": "industry"}, FilterState(sectors=("industry",)), []),
]


@pytest.mark.parametrize(("params", "expected", "reasons"), PARSE_CASES)
def test_parse(
    params: dict[str, list[str]], expected: FilterState, reasons: list[str], opts: Options
) -> None:
    """URL pairs give the expected state, and a notice for each value dropped."""
    state, notices = filters.parse(params, opts)
    assert state == expected
    assert [n.reason for n in notices] == reasons


def test_round_trip(opts: Options) -> None:
    """A state written to the URL and read back is the same state, with no notice."""
    state = FilterState(
        sectors=("defence", "gold"),
        date_from=date(2025, 6, 22),
        date_to=date(2025, 6, 26),
        places=("kazan",),
        actors=("goita",),
        sources=("seed",),
        lang="fr",
        event="arrival_kazan",
    )
    query = filters.to_query(state)
    assert query["dates"] == ["2025-06-22", "2025-06-26"]
    assert query["sector"] == ["defence", "gold"]
    back, notices = filters.parse(query, opts)
    assert back == state
    assert notices == []


def test_empty_state_writes_no_parameters() -> None:
    """The default view has a clean URL."""
    assert filters.to_query(FilterState()) == {}


def test_printable_strips_bidi_and_control_characters() -> None:
    """Notices never echo control or bidi-override characters, and are cut short."""
    shown = filters.printable("a\u202eb\x00c" + "d" * 100)
    assert "\u202e" not in shown
    assert "\x00" not in shown
    assert len(shown) == 40
    assert shown.endswith("…")


# --- applying: what each filter keeps --------------------------------------------------------

APPLY_CASES = [
    # (state, events that must be kept, events that must be dropped)
    (FilterState(), {"arrival_kazan", "visit_kamaz", "refinery_foundation"}, set()),
    # a parent sector includes its children (helicopters is under industry)
    (
        FilterState(sectors=("industry",)),
        {"visit_helicopters", "visit_kamaz", "visit_eidos"},
        {"wreath_moscow", "refinery_foundation"},
    ),
    (
        FilterState(sectors=("gold",)),
        {"refinery_foundation", "meeting_yadran"},
        {"visit_helicopters"},
    ),
    # dates overlap: the events of that day are kept, the others dropped
    (
        FilterState(date_from=date(2025, 6, 23), date_to=date(2025, 6, 23)),
        {"talks_putin", "wreath_moscow"},
        {"arrival_moscow", "arrival_kazan"},
    ),
    # a range-precision event (25-26 June) is kept while it may fall inside
    (
        FilterState(date_from=date(2025, 6, 26), date_to=date(2025, 6, 30)),
        {"forum_invitation", "visit_helicopters"},
        {"arrival_kazan"},
    ),
    # a city includes its sites; a site alone does not include the city
    (
        FilterState(places=("kazan",)),
        {"arrival_kazan", "talks_kazan", "visit_helicopters", "forum_invitation"},
        {"visit_kamaz", "talks_putin"},
    ),
    (FilterState(places=("kazan_airport",)), {"arrival_kazan"}, {"talks_kazan"}),
    (FilterState(places=("tatarstan",)), {"visit_kamaz"}, {"arrival_kazan"}),
    # actors: people and organisations
    (FilterState(actors=("putin",)), {"talks_putin"}, {"arrival_kazan"}),
    (
        FilterState(actors=("remdizel",)),
        {"visit_remdizel", "statement_zainutdinov"},
        {"visit_kamaz"},
    ),
    # source kind: external-only keeps events with at least one external source
    (
        FilterState(sources=("external",)),
        {"arrival_kazan", "wreath_moscow"},
        {"statement_camara", "visit_eidos"},
    ),
    (FilterState(sources=("seed",)), {"statement_camara"}, {"wreath_moscow"}),
    # filters combine with AND
    (
        FilterState(sectors=("gold",), places=("kazan",)),
        {"meeting_yadran"},
        {"refinery_foundation", "talks_putin"},
    ),
    (
        FilterState(sectors=("armoured_vehicles",), actors=("putin",)),
        set(),
        {"visit_remdizel", "talks_putin"},
    ),
]


@pytest.mark.parametrize(("state", "kept", "dropped"), APPLY_CASES)
def test_apply(
    state: FilterState, kept: set[str], dropped: set[str], pkg: Package, opts: Options
) -> None:
    """Each filter keeps what its policy says and drops the rest."""
    sel = filters.apply(state, pkg, opts)
    assert kept <= sel.event_ids
    assert not (dropped & sel.event_ids)
    assert sel.event_ids <= set(pkg["events"]["event_id"])


@pytest.mark.parametrize(("state", "kept", "dropped"), APPLY_CASES)
def test_rows_of_the_selection_read_off_its_mask(
    state: FilterState, kept: set[str], dropped: set[str], pkg: Package, opts: Options
) -> None:
    """Tables pointing at events are filtered through the selection's row mask: the same
    rows as testing their event ids one by one."""
    sel = filters.apply(state, pkg, opts)
    assert isinstance(sel.event_ids, IdSet)
    assert sel.event_ids.frame is pkg["events"]  # the mask is there to be read
    plain = set(sel.event_ids)
    for table, column in (
        ("event_sectors", "event_id"),
        ("evidence", "subject_id"),
        ("cooperation", "event_id"),
        ("events", "event_id"),
    ):
        frame = pkg[table]
        got = filters.of_events(pkg, frame, column, table, sel.event_ids)
        want = [isinstance(v, str) and v in plain for v in frame[column]]
        assert got.tolist() == want, table


def test_apply_items_follow_sector_and_events(pkg: Package, opts: Options) -> None:
    """Cooperation items follow their sector, and their event for the other filters."""
    sel = filters.apply(FilterState(sectors=("mining_energy",)), pkg, opts)
    assert {"gold_refinery", "agreement_atomic", "mining"} <= sel.item_ids
    assert "students" not in sel.item_ids
    moscow = filters.apply(FilterState(places=("moscow",)), pkg, opts)
    assert moscow.item_ids == {"agreement_principles", "agreement_commission", "agreement_atomic"}


def test_nothing_matches(pkg: Package, opts: Options) -> None:
    """Filters that exclude everything give an empty selection, not an error."""
    sel = filters.apply(FilterState(sectors=("agriculture",), places=("moscow",)), pkg, opts)
    assert sel.event_ids == frozenset()
    assert sel.all_events == len(pkg["events"])


def test_expand_sectors(opts: Options) -> None:
    """A parent brings its children; a child stays alone."""
    assert filters.expand_sectors(["defence"], opts) == {
        "defence",
        "armoured_vehicles",
        "counter_terrorism",
    }
    assert filters.expand_sectors(["gold"], opts) == {"gold"}


def test_cleared_keeps_language() -> None:
    """Reset filters clears everything but the language."""
    state = FilterState(sectors=("gold",), lang="fr", event="arrival_kazan")
    assert state.cleared() == FilterState(lang="fr")
    assert FilterState(lang="fr", event="x").is_empty


def test_prepare_works_out_the_event_rows_at_load(
    pkg: Package, opts: Options, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``prepare``, filtering by sector and place looks nothing up again."""
    fresh = Package(pkg.path, pkg.meta, pkg.tables, pkg.seed_texts)
    filters.prepare(fresh)

    def no_more(*_: object) -> None:
        raise AssertionError("event rows worked out again")

    monkeypatch.setattr(filters, "positions", no_more)
    sel = filters.apply(FilterState(sectors=("gold",), places=("kazan",)), fresh, opts)
    assert "meeting_yadran" in sel.event_ids
    assert filters.of_events(
        fresh, fresh["evidence"], "subject_id", "evidence", sel.event_ids
    ).any()


def _about_by_isin(
    frame: pd.DataFrame, event_ids: Collection[str], item_ids: Collection[str]
) -> list[bool]:
    is_event = frame["subject_type"] == "event"
    return list(
        (is_event & frame["subject_id"].isin(set(event_ids)))
        | (~is_event & frame["subject_id"].isin(set(item_ids)))
    )


@pytest.mark.parametrize(
    "state",
    [
        filters.FilterState(),
        filters.FilterState(sectors=("industry",)),
        filters.FilterState(date_from=date(2025, 6, 23), date_to=date(2025, 6, 23)),
    ],
)
def test_rows_about_the_selection_read_off_its_masks(
    pkg: Package, state: filters.FilterState
) -> None:
    """``of_subjects`` gives the rows an isin on the ids gives: for the table first seen
    under its key (row masks), and for any other frame under that key (an isin)."""
    from benchmarks import synth

    fresh = synth.synthesize(500, seed=4)
    for p, st in ((pkg, state), (fresh, filters.FilterState())):
        selection = filters.apply(st, p)
        evidence = p["evidence"]
        narrowed = evidence.iloc[::3]
        for frame in (narrowed, evidence, narrowed):  # a narrowed frame seen first, too
            got = filters.of_subjects(
                p, frame, "test.evidence", selection.event_ids, selection.item_ids
            )
            assert list(got) == _about_by_isin(frame, selection.event_ids, selection.item_ids)
        fast = filters.of_subjects(p, evidence, "evidence", selection.event_ids, selection.item_ids)
        assert list(fast) == _about_by_isin(evidence, selection.event_ids, selection.item_ids)
        assert fast.any()


_KEYS = itertools.count()


@given(
    hs.lists(hs.sampled_from(["a", "b", "c", None]), max_size=40),
    hs.sets(hs.sampled_from(["a", "b", "z", ""]), max_size=4),
)
def test_isin_on_codes_is_isin(pkg: Package, column: list[str | None], wanted: set[str]) -> None:
    """``isin_few`` (a column's codes worked out once per package and key) answers as an
    ``isin`` on the strings, missing values never matching."""
    frame = pd.DataFrame({"sector_id": pd.Series(column, dtype="str")})
    key = f"test.isin_few.{next(_KEYS)}"  # a key per frame: the codes belong to that frame
    got = filters.isin_few(pkg, frame, "sector_id", key, wanted)
    assert list(got) == [v is not None and v in wanted for v in column]


def test_a_range_reaching_past_the_data_is_cut_to_its_days(pkg: Package) -> None:
    """A link made when the data had earlier dates (``dates=2025-06-01..2025-06-30``) keeps
    its events, cut to the package's first and last day, with no notice."""
    opts = filters.Options.from_package(pkg)
    state, notices = filters.parse({"dates": ["2000-01-01", "2099-12-31"]}, opts)
    assert (state.date_from, state.date_to) == (opts.first_day, opts.last_day)
    assert notices == []
