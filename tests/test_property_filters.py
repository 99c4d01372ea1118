"""Property-based tests of the URL filters: any query string gives a valid state or a notice,
filtering never raises, results are subsets, and the combination rules hold.

Run on the embedded package and on a small synthetic one (more ids, two sector levels, a
region without coordinates), so the properties are not tuned to twenty events.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks.synth import synthesize
from dashboard.core import filters
from dashboard.core.filters import FilterState, Notice, Options
from dashboard.core.load import load_package
from dashboard.core.package import Package
from tests.helpers import ROOT

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\u202eevil",
    "\u2066x\u2069",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "a" * 100_000,
    "2025-02-30",
    "9999-99-99",
    "0000-00-00",
    "２０２５-０６-２２",  # full-width digits match \d but are not a date
    "\ud7ff\ufeff",
]


def _load(which: str) -> Package:
    if which == "embedded":
        return load_package(ROOT / "data")
    return synthesize(400, seed=7)


_PACKAGES: dict[str, tuple[Package, Options]] = {}


@pytest.fixture(scope="module", params=["embedded", "synthetic"])
def world(request: pytest.FixtureRequest) -> tuple[Package, Options]:
    """(package, options), built once per module."""
    which = str(request.param)
    if which not in _PACKAGES:
        pkg = _load(which)
        _PACKAGES[which] = (pkg, Options.from_package(pkg))
    return _PACKAGES[which]


def _ids(opts: Options, key: str) -> list[str]:
    return list(
        {
            "sector": opts.sectors,
            "place": opts.places,
            "actor": opts.actors,
            "source": opts.source_kinds,
            "event": opts.events,
            "lang": ("en", "fr"),
        }.get(key, ())
    )


def values_for(opts: Options, key: str) -> st.SearchStrategy[str]:
    """A real id of this key, an id of another key, hostile text, or any text at all."""
    real = _ids(opts, key)
    other = [v for k in ("sector", "place", "actor", "event") for v in _ids(opts, k)[:5]]
    choices = [st.text(max_size=60), st.sampled_from(HOSTILE_TEXT), st.sampled_from(other)]
    if real:
        choices.insert(0, st.sampled_from(real))
    if key == "dates":
        choices.insert(0, st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat))
    return st.one_of(*choices)


def params_for(opts: Options) -> st.SearchStrategy[dict[str, list[str]]]:
    """A mapping str -> list[str]: mostly the real URL keys, sometimes a stray key."""
    key = st.one_of(st.sampled_from(filters.KEYS), st.text(max_size=20))
    return st.dictionaries(
        key,
        st.lists(st.just(None), max_size=6),
        max_size=8,
    ).flatmap(
        lambda shape: st.fixed_dictionaries(
            {
                k: st.lists(values_for(opts, k), min_size=len(v), max_size=len(v))
                for k, v in shape.items()
            }
        )
    )


def states_for(opts: Options) -> st.SearchStrategy[FilterState]:
    """Any valid state (what parse can return)."""
    span = (opts.last_day - opts.first_day).days

    def dates(draw_days: tuple[int, int] | None) -> tuple[date | None, date | None]:
        if draw_days is None:
            return None, None
        a, b = sorted(draw_days)
        return opts.first_day + timedelta(days=a), opts.first_day + timedelta(days=b)

    def subset(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
        if not values:
            return st.just(())
        return st.lists(st.sampled_from(values), max_size=4, unique=True).map(
            lambda chosen: tuple(v for v in values if v in chosen)
        )

    return st.builds(
        lambda sec, d, pl, ac, so, lang, ev: FilterState(
            sectors=sec,
            date_from=dates(d)[0],
            date_to=dates(d)[1],
            places=pl,
            actors=ac,
            sources=so,
            lang=lang,
            event=ev,
        ),
        subset(opts.sectors),
        st.none() | st.tuples(st.integers(0, span), st.integers(0, span)),
        subset(opts.places),
        subset(opts.actors),
        subset(opts.source_kinds),
        st.sampled_from([None, "en", "fr"]),
        st.none() | st.sampled_from(opts.events),
    )


def assert_valid(state: FilterState, opts: Options) -> None:
    assert isinstance(state, FilterState)
    assert set(state.sectors) <= set(opts.sectors)
    assert set(state.places) <= set(opts.places)
    assert set(state.actors) <= set(opts.actors)
    assert set(state.sources) <= set(opts.source_kinds)
    for values in (state.sectors, state.places, state.actors, state.sources):
        assert len(values) == len(set(values)) <= filters.MAX_VALUES
    assert state.lang in (None, "en", "fr")
    assert state.event is None or state.event in opts.events
    assert (state.date_from is None) == (state.date_to is None)
    if state.date_from is not None and state.date_to is not None:
        assert state.date_from <= state.date_to
        assert state.date_to >= opts.first_day
        assert state.date_from <= opts.last_day


@given(data=st.data())
@SETTINGS
def test_any_query_gives_a_valid_state_or_notices(
    world: tuple[Package, Options], data: st.DataObject
) -> None:
    """parse never raises: it returns a state holding only known ids and valid dates, and a
    notice (with a printable, bounded value) for what it dropped."""
    _, opts = world
    params = data.draw(params_for(opts))
    state, notices = filters.parse(params, opts)
    assert_valid(state, opts)
    for n in notices:
        assert isinstance(n, Notice)
        assert len(n.shown_value) <= 40
        assert "\x00" not in n.shown_value
        assert "\u202e" not in n.shown_value
    # A value that appears nowhere in the state was either blank or reported.
    reported = {(n.key, n.value) for n in notices}
    for key, attr in (("sector", "sectors"), ("place", "places"), ("actor", "actors")):
        for v in params.get(key, [])[: filters.MAX_VALUES]:
            if v.strip() and v not in getattr(state, attr):
                assert (key, v) in reported


@given(data=st.data())
@SETTINGS
def test_parse_then_to_query_round_trips(
    world: tuple[Package, Options], data: st.DataObject
) -> None:
    """to_query(parse(x)) is a fixed point: parsing it again gives the same state, silently."""
    _, opts = world
    state, _ = filters.parse(data.draw(params_for(opts)), opts)
    query = filters.to_query(state)
    again, notices = filters.parse(query, opts)
    assert again == state
    assert notices == []
    assert filters.to_query(again) == query


@given(data=st.data())
@SETTINGS
def test_valid_state_round_trips(world: tuple[Package, Options], data: st.DataObject) -> None:
    """Any valid state survives the URL unchanged."""
    _, opts = world
    state = data.draw(states_for(opts))
    assert filters.parse(filters.to_query(state), opts) == (state, [])


@given(data=st.data())
@SETTINGS
def test_apply_never_raises_and_returns_subsets(
    world: tuple[Package, Options], data: st.DataObject
) -> None:
    """Filtering a parsed state keeps only ids of the package."""
    pkg, opts = world
    state, _ = filters.parse(data.draw(params_for(opts)), opts)
    sel = filters.apply(state, pkg, opts)
    assert sel.event_ids <= set(pkg["events"]["event_id"])
    assert sel.item_ids <= set(pkg["cooperation"]["item_id"])
    assert sel.all_events == len(pkg["events"])
    if state.is_empty:
        assert sel.event_ids == set(pkg["events"]["event_id"])


MULTI = {"sector": "sectors", "place": "places", "actor": "actors", "source": "sources"}


@given(data=st.data())
@SETTINGS
def test_filters_on_different_keys_narrow(
    world: tuple[Package, Options], data: st.DataObject
) -> None:
    """Keys are AND-combined: adding a filter on a key that had none never grows the
    selection of events or items."""
    pkg, opts = world
    state = data.draw(states_for(opts))
    key = data.draw(st.sampled_from(sorted(MULTI)))
    attr = MULTI[key]
    assume(not getattr(state, attr))
    value = data.draw(st.sampled_from(_ids(opts, key)))
    before = filters.apply(state, pkg, opts)
    after = filters.apply(state.with_(**{attr: (value,)}), pkg, opts)
    assert after.event_ids <= before.event_ids
    assert after.item_ids <= before.item_ids


@given(data=st.data())
@SETTINGS
def test_values_within_a_key_widen(world: tuple[Package, Options], data: st.DataObject) -> None:
    """Values of one key are OR-combined: adding a value to an active filter never shrinks
    the selection."""
    pkg, opts = world
    state = data.draw(states_for(opts))
    key = data.draw(st.sampled_from(sorted(MULTI)))
    attr = MULTI[key]
    current: tuple[str, ...] = getattr(state, attr)
    assume(current)
    extra = data.draw(st.sampled_from(_ids(opts, key)))
    wider = tuple(v for v in _ids(opts, key) if v in {*current, extra})
    before = filters.apply(state, pkg, opts)
    after = filters.apply(state.with_(**{attr: wider}), pkg, opts)
    assert before.event_ids <= after.event_ids
    assert before.item_ids <= after.item_ids


@given(data=st.data())
@SETTINGS
def test_narrower_dates_narrow(world: tuple[Package, Options], data: st.DataObject) -> None:
    """A date range inside another keeps a subset of its events."""
    pkg, opts = world
    state = data.draw(states_for(opts)).with_(date_from=None, date_to=None)
    span = (opts.last_day - opts.first_day).days
    a, b, c, d = sorted(data.draw(st.lists(st.integers(0, span), min_size=4, max_size=4)))
    day = opts.first_day
    outer = state.with_(date_from=day + timedelta(a), date_to=day + timedelta(d))
    inner = state.with_(date_from=day + timedelta(b), date_to=day + timedelta(c))
    everything = filters.apply(state, pkg, opts)
    wide = filters.apply(outer, pkg, opts)
    narrow = filters.apply(inner, pkg, opts)
    assert narrow.event_ids <= wide.event_ids <= everything.event_ids
    assert narrow.item_ids <= wide.item_ids <= everything.item_ids


@given(params=st.lists(st.sampled_from(HOSTILE_TEXT), min_size=1, max_size=3))
@SETTINGS
def test_hostile_search_words_stay_text(world: tuple[Package, Options], params: list[str]) -> None:
    """q is free text, not an id: hostile text is kept as words to search, stripped of
    control and bidi characters and cut to length, and filtering on it never raises."""
    pkg, opts = world
    state, _ = filters.parse({"q": params}, opts)
    assert state.q is None or (state.q.isprintable() and len(state.q) <= filters.MAX_QUERY_LENGTH)
    filters.apply(state, pkg, opts)


@given(
    params=st.dictionaries(
        st.sampled_from([k for k in filters.KEYS if k != "q"]),  # q: the test above
        st.lists(st.sampled_from(HOSTILE_TEXT), min_size=1, max_size=3),
        min_size=1,
    )
)
@SETTINGS
def test_hostile_values_are_dropped_with_notices(
    world: tuple[Package, Options], params: dict[str, list[str]]
) -> None:
    """Only hostile text in the URL: nothing is kept but a notice says why (blank values
    aside), and the state is the empty one."""
    _, opts = world
    state, notices = filters.parse(params, opts)
    assert state == FilterState()
    meaningful = [v for values in params.values() for v in values if v.strip()]
    if meaningful:
        assert notices
