"""The search engine (core.search) and its view (views.search): a truth table of queries
and what they find, hostile input included, and the ``q`` filter."""

from __future__ import annotations

import json

import pytest

from dashboard.core import filters, search
from dashboard.core.load import load_package
from dashboard.core.package import Package
from dashboard.views import search as sv


@pytest.fixture(scope="module")
def pkg() -> Package:
    return load_package()


def refs(pkg: Package, text: str, kind: str, lang: str = "en") -> set[str]:
    found = sv.results(pkg, text, lang, per_kind=100)
    return {h.ref for g in found.groups if g.kind == kind for h in g.hits}


# query -> (kind, a ref it must find); each row one promise of the issue.
FINDS = [
    ("kamaz", "event", "visit_kamaz"),
    ("KAMAZ", "org", "kamaz"),
    ("КАМАЗ", "event", "visit_kamaz"),  # Cyrillic alias -> Latin texts
    ("kamaz", "quote", "ext_29ru_406403217"),  # Latin -> the Russian quote "КАМАЗа"
    ("Минниханов", "person", "minnikhanov"),
    ("Минниханов", "event", "arrival_kazan"),
    ("Рустам Минниханов", "person", "minnikhanov"),  # a multi-word alias, unquoted
    ("Goita", "person", "goita"),  # accent-insensitive: Goïta
    ("goïta", "person", "goita"),
    ("Etat", "event", "refinery_foundation"),  # État
    ("hélico", "org", "kazan_helicopters"),  # prefix: hélicoptères
    ("helico", "event", "visit_helicopters"),
    ('"raffinerie d\'or"', "item", "gold_refinery"),  # a phrase
    ("gold refinery", "item", "gold_refinery"),  # English text, whatever the language
    ("Sénou", "place", "yadran_refinery"),
    ("Malikunafoni", "source", "seed_000"),
    ("Москва", "place", "moscow"),
]


@pytest.mark.parametrize(("text", "kind", "ref"), FINDS)
def test_query_finds(pkg: Package, text: str, kind: str, ref: str) -> None:
    assert ref in refs(pkg, text, kind, "fr")
    assert ref in refs(pkg, text, kind, "en")


# query -> (kind, a ref it must NOT find)
MISSES = [
    ('"or raffinerie"', "item", "gold_refinery"),  # a phrase keeps its order
    ("kamaz yadran zzzz", "event", "statement_goita_industry"),  # words are ANDed
    ("helicopter", "org", "kamaz"),
]


@pytest.mark.parametrize(("text", "kind", "ref"), MISSES)
def test_query_misses(pkg: Package, text: str, kind: str, ref: str) -> None:
    assert ref not in refs(pkg, text, kind)


HOSTILE = [
    "",
    " ",
    "*",
    '"',
    '"unbalanced',
    'a"b"c"',
    "NEAR(",
    "NEAR(kamaz yadran, 2)",
    "kamaz OR",
    "AND OR NOT",
    "^kamaz",
    "title_en:kamaz",
    "{title_en}: kamaz",
    "kamaz*",
    "-kamaz",
    "+",
    "(((",
    ")",
    "'; DROP TABLE docs; --",
    "1' OR '1'='1",
    "SELECT * FROM docs",
    "x" * 10_000,
    "kamaz " * 2_000,
    "\x00\x01\x02\x03kamaz\x1b[31m",
    "\u202ekamaz\u202c\u200f\u2066",
    "\ufffd",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "**bold** _it_ `code` $x$",
    "\\",
    "%",
    "😀 kamaz",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_text(pkg: Package, text: str) -> None:
    """Never an exception; the expression is quoted tokens only."""
    idx = search.index(pkg)
    query = search.parse(text, idx.aliases)
    for term in query.terms:
        for words in term.spellings:
            assert all(w and all(c.isalnum() for c in w) for w in words)
    found = sv.results(pkg, text, "fr")
    assert found.total >= 0
    events, _ = search.matching(pkg, text)
    assert len(events) == len(pkg["events"])
    assert len(query.text) <= search.MAX_QUERY_CHARS


def test_operators_are_words(pkg: Package) -> None:
    """ "or" is a word (French for gold), not an operator."""
    idx = search.index(pkg)
    assert search.parse("kamaz OR yadran", idx.aliases).expression.count(" AND ") == 2
    assert "gold_refinery" in refs(pkg, "or", "item", "fr")


def test_hostile_expressions_give_friendly_empties(pkg: Package) -> None:
    found = sv.results(pkg, "*", "en")
    assert found.empty_query
    assert not found.groups
    assert sv.results(pkg, "zzzzqqq", "en").groups == ()
    assert sv.results(pkg, "x" * 10_000, "en").cut


def test_snippets_highlight_in_the_readers_language(pkg: Package) -> None:
    found = sv.results(pkg, "raffinerie", "fr")
    item = next(g for g in found.groups if g.kind == "item").hits[0]
    assert any(s.hit and s.text.lower().startswith("raffinerie") for s in item.snippet)
    en = sv.results(pkg, "refinery", "en")
    assert any(s.hit for g in en.groups for h in g.hits for s in h.snippet)


def test_best_matches_first_and_counts(pkg: Package) -> None:
    found = sv.results(pkg, "kamaz", "en")
    events = next(g for g in found.groups if g.kind == "event")
    assert events.count == len(events.hits) >= 3
    assert found.total == sum(g.count for g in found.groups)
    assert [g.kind for g in found.groups] == [
        k for k in sv.KINDS if k in {g.kind for g in found.groups}
    ]


def test_quote_hits_show_their_seed_passage(pkg: Package) -> None:
    found = sv.results(pkg, "Minnikhanov", "fr")
    quotes = next(g for g in found.groups if g.kind == "quote").hits
    seed = next(h for h in quotes if h.context)
    marked = [s for s in seed.context if s.hit]
    assert marked
    assert "Minnikhanov" in marked[0].text
    assert seed.target.page == "sources"
    assert seed.target.tab == "seeds"
    assert seed.about


def test_targets_open_in_place(pkg: Package) -> None:
    found = sv.results(pkg, "kamaz", "en")
    by_kind = {g.kind: g.hits[0] for g in found.groups}
    assert by_kind["event"].target.page == "timeline"
    assert by_kind["event"].target.changes == {"event": by_kind["event"].ref}
    assert by_kind["item"].target.page == "sectors"
    assert by_kind["item"].target.tab == "items"
    assert by_kind["org"].target.changes == {"actor": ["kamaz"], "q": None}
    assert by_kind["place"].target.page == "map"


def test_q_filter_ands_with_the_other_filters(pkg: Package) -> None:
    opts = filters.Options.from_package(pkg)
    state, notices = filters.parse({"q": ["kamaz"]}, opts)
    assert state.q == "kamaz"
    assert not notices
    assert filters.to_query(state) == {"q": ["kamaz"]}
    kept = filters.apply(state, pkg, opts)
    assert {"visit_kamaz", "visit_helicopters"} <= set(kept.event_ids)
    assert "arrival_moscow" not in kept.event_ids
    assert "kamaz_trucks" in kept.item_ids
    narrowed = filters.apply(state.with_(sectors=("industry",)), pkg, opts)
    alone = filters.apply(filters.FilterState(sectors=("industry",)), pkg, opts)
    assert set(narrowed.event_ids) == set(kept.event_ids) & set(alone.event_ids)
    assert filters.apply(state.with_(q="zzzzqqq"), pkg, opts).event_ids == frozenset()


def test_q_in_the_url_is_cleaned(pkg: Package) -> None:
    opts = filters.Options.from_package(pkg)
    state, notices = filters.parse({"q": ["x" * 500]}, opts)
    assert state.q is not None
    assert len(state.q) == filters.MAX_QUERY_LENGTH
    assert [n.reason for n in notices] == ["too_long"]
    state, _ = filters.parse({"q": ["  \u202ekamaz\x00 "]}, opts)
    assert state.q == "kamaz"
    state, _ = filters.parse({"q": ["   "]}, opts)
    assert state.q is None
    assert state.is_empty
    assert filters.FilterState(q="kamaz").cleared().q is None


def test_index_built_once_per_package(pkg: Package) -> None:
    assert search.index(pkg) is search.index(pkg)


def test_tiny_fixture_without_aliases() -> None:
    tiny = load_package("tests/fixtures/tiny")
    assert search.index(tiny).aliases == {}
    assert sv.results(tiny, "pump", "en").total >= 1


def test_command_line_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    from dashboard.cli import main

    assert main(["search", "КАМАЗ", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert "Événements · 4" in out
    assert "[КАМАЗа]" in out
    assert main(["search", "kamaz", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["groups"][0]["kind"] == "event"
    assert data["groups"][0]["hits"][0]["open"]["page"] == "timeline"
    assert main(["search", "NEAR(", '"x', "*"]) == 1
    assert "No match" in capsys.readouterr().out
    assert main(["search", "*"]) == 1


def test_aliases_are_validated(pkg: Package) -> None:
    import pandas as pd

    from dashboard.core import validate

    bad = pd.DataFrame(
        {
            "entity_type": ["org", "person", "place"],
            "entity_id": ["kamaz", "nobody", "moscow"],
            "alias": ["КАМАЗ", "X", "  "],
            "script": ["Cyrl", "Latn", "Latn"],
            "note": ["n", "n", "n"],
        }
    )
    broken = Package(pkg.path, pkg.meta, {**pkg.tables, "aliases": bad}, pkg.seed_texts)
    problems = validate.aliases(broken, {"aliases": "aliases.csv"})
    assert [(p.row, p.column) for p in problems] == [(3, "entity_id"), (4, "alias")]
    assert validate.aliases(pkg, {"aliases": "aliases.csv"}) == []
