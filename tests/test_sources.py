"""Quotes located in the seed texts, overlapping quotes merged, hostile text escaped
(``present.quotes``), and what the Sources page shows: its tables (sources, corroboration,
disagreements; ``views.sources_tables``) and parts (``views.sources``)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import ui
from dashboard.core import derived as views
from dashboard.core.normalise import normalise
from dashboard.core.package import Package
from dashboard.present import quotes
from dashboard.present.labels import claim_name, claim_value, safe_url
from dashboard.views import sources as sv
from dashboard.views import sources_tables as tables

HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) :red[boom] `code`"


def seed_evidence(pkg: Package) -> pd.DataFrame:
    ev = pkg["evidence"]
    return ev[ev["source_id"].isin(pkg.seed_texts.keys())]


# --- locating quotes ------------------------------------------------------------------------


def test_offset_map_reproduces_validate_normalise(pkg: Package) -> None:
    """The normalised text with its offset map is exactly validate.normalise's text."""
    for text in pkg.seed_texts.values():
        folded, offsets = quotes.normalise_with_offsets(text)
        assert folded == normalise(text)
        assert len(offsets) == len(folded)


@given(st.text(alphabet=" \n\t\u00a0\u202f«»“”'’\"aAeÉe\u0301ßİ-–—xyz", max_size=60))
def test_offset_map_matches_normalise_on_awkward_text(text: str) -> None:
    """Typographic quotes and spaces, combining accents and case folding keep the map exact."""
    folded, offsets = quotes.normalise_with_offsets(text)
    assert folded == normalise(text)
    assert all(0 <= s < e <= len(text) for s, e in offsets)
    assert [s for s, _ in offsets] == sorted(s for s, _ in offsets)


def test_every_seed_quote_is_found(pkg: Package) -> None:
    """Each seed quote is located, and the located original text normalises to the quote."""
    ev = seed_evidence(pkg)
    assert len(ev) > 40
    for rec in ev.to_dict("records"):
        text = pkg.seed_texts[rec["source_id"]]
        span = quotes.find_quote(text, rec["quote"])
        assert span is not None, rec["evidence_id"]
        start, end = span
        assert normalise(text[start:end]) == normalise(rec["quote"]), rec["evidence_id"]
        assert not text[start].isspace()
        assert not text[end - 1].isspace()


def test_quote_with_straight_marks_maps_to_typographic_original() -> None:
    """A quote typed with straight quotes and spaces finds the guillemets and no-break spaces
    of the original, and the span covers the original characters."""
    text = "Il a dit :\u00a0«\u202fNous pensons qu’il existe\u202f» à Kazan."
    span = quotes.find_quote(text, '"Nous pensons qu\'il existe"')
    assert span is not None
    assert text[span[0] : span[1]] == "«\u202fNous pensons qu’il existe\u202f»"


def test_missing_quote_is_reported() -> None:
    """A quote absent from the text is listed as missing, not highlighted."""
    found, missing = quotes.locate("un texte court", [("a", "texte"), ("b", "absent"), ("c", "")])
    assert [s.evidence_id for s in found] == ["a"]
    assert missing == ["b", "c"]


# --- segments ---------------------------------------------------------------------------


def cut(text: str, spans: list[quotes.Span]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(s.text, s.evidence_ids, s.ending) for s in quotes.segments(text, spans)]


def test_overlapping_quotes_are_merged_into_runs() -> None:
    """Two overlapping quotes give three runs; the middle one lists both, in reading order."""
    spans = [quotes.Span("a", 0, 6), quotes.Span("b", 3, 9)]
    assert cut("abcdefghij", spans) == [
        ("abc", ("a",), ()),
        ("def", ("a", "b"), ("a",)),
        ("ghi", ("b",), ("b",)),
        ("j", (), ()),
    ]


def test_nested_and_identical_quotes() -> None:
    """A quote inside another splits it; two identical quotes share every run and end
    together."""
    assert cut("abcdefghij", [quotes.Span("outer", 0, 10), quotes.Span("inner", 2, 4)]) == [
        ("ab", ("outer",), ()),
        ("cd", ("outer", "inner"), ("inner",)),
        ("efghij", ("outer",), ("outer",)),
    ]
    assert cut("xx yy zz", [quotes.Span("p", 3, 5), quotes.Span("q", 3, 5)]) == [
        ("xx ", (), ()),
        ("yy", ("p", "q"), ("p", "q")),
        (" zz", (), ()),
    ]


def test_segments_rebuild_the_text(pkg: Package) -> None:
    """The runs of a seed text put back together are the text, unchanged."""
    for sid, text in pkg.seed_texts.items():
        ev = seed_evidence(pkg)
        ev = ev[ev["source_id"] == sid]
        spans, _ = quotes.locate(text, zip(ev["evidence_id"], ev["quote"], strict=True))
        assert "".join(s.text for s in quotes.segments(text, spans)) == text


def test_seed_000_overlaps_list_all_their_evidence(pkg: Package) -> None:
    """In seed 000, 'Le Président malien … Kamaz et Yadran' is quoted by an event and an item
    (ev003, ev010): the run lists both and each gets its own marker."""
    view = sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "en")
    runs = [s for s in view.segments if {"ev003", "ev010"} <= set(s.evidence_ids)]
    assert runs
    assert "Kamaz" in "".join(s.text for s in runs)
    assert sorted(view.numbers.values()) == list(range(1, len(view.numbers) + 1))


# --- markdown ---------------------------------------------------------------------------


def test_markdown_highlights_and_numbers_quotes() -> None:
    """Quoted text sits in a blue background followed by its [n] marker; overlaps are bold;
    each line of the text is a paragraph."""
    text = "Premier paragraphe.\n\nDeuxième : une citation ici, et une autre."
    spans, _ = quotes.locate(text, [("e1", "une citation ici"), ("e2", "citation ici, et une")])
    md = quotes.markdown(quotes.segments(text, spans), quotes.numbering(spans), ui.md)
    paragraphs = md.split("\n\n")
    assert paragraphs[0] == "Premier paragraphe\\."
    assert ":blue-background[une]" in paragraphs[1]
    assert ":blue-background[**citation ici**]:blue[**\\[1\\]**]" in paragraphs[1]
    assert paragraphs[1].count(":blue[**\\[2\\]**]") == 1


def test_quote_across_lines_is_highlighted_on_each_line() -> None:
    """A quote spanning a line break is highlighted in both paragraphs; its marker follows its
    end only."""
    text = "avant la fin\ndu début après"
    spans, _ = quotes.locate(text, [("e", "la fin du début")])
    md = quotes.markdown(quotes.segments(text, spans), quotes.numbering(spans), ui.md)
    first, second = md.split("\n\n")
    assert first == "avant :blue-background[la fin]"
    assert second == ":blue-background[du début]:blue[**\\[1\\]**] après"


@pytest.mark.parametrize("quoted", [True, False])
def test_hostile_text_comes_out_escaped(quoted: bool) -> None:
    """HTML, markdown emphasis, links and directives in a seed text (quoted or not) are
    backslash-escaped: the only markup in the result is the highlight's own."""
    text = f"Début.\n{HOSTILE}\nFin."
    spans, missing = quotes.locate(text, [("e", HOSTILE)] if quoted else [])
    assert not missing
    md = quotes.markdown(quotes.segments(text, spans), quotes.numbering(spans), ui.md)
    assert re.search(r"(?<!\\)<", md) is None
    assert "](" not in md
    assert "**bold**" not in md
    assert ":red[" not in md
    assert "\\<script\\>" in md
    assert "\\*\\*bold\\*\\*" in md
    own = (":blue-background[", "]:blue[**\\[1\\]**]") if quoted else ()
    for markup in own:
        assert md.count(markup) == 1
        md = md.replace(markup, "")
    assert re.search(r"(?<!\\)[\[\]`<*:]", md) is None, md


def test_notes_markdown_escapes_titles() -> None:
    """The footnote list escapes what it prints."""
    notes = pd.DataFrame(
        [{"n": 1, "label": "<b>x</b> [y](javascript:z)", "when": "", "states": ""}]
    )
    md = sv.notes_markdown(notes, "Titre", ui.md)
    assert md.splitlines()[-1] == ("- **\\[1\\]** → \\<b\\>x\\</b\\> \\[y\\]\\(javascript\\:z\\)")


# --- what the view shows -------------------------------------------------------------


def test_selected_event_narrows_evidence_to_it_and_its_items(pkg: Package) -> None:
    """With an event selected, only its evidence and that of items that came up at it
    remain; a source-kind filter keeps only sources of that kind."""
    ev_ids, item_ids = set(pkg["events"]["event_id"]), set(pkg["cooperation"]["item_id"])
    every = sv.evidence_in_view(pkg, ev_ids, item_ids)
    assert len(every) == len(pkg["evidence"])
    kazan = sv.evidence_in_view(pkg, ev_ids, item_ids, event="arrival_kazan")
    assert set(kazan.loc[kazan["subject_type"] == "event", "subject_id"]) == {"arrival_kazan"}
    coop = pkg["cooperation"]
    items_at = set(coop.loc[coop["event_id"] == "arrival_kazan", "item_id"])
    assert set(kazan.loc[kazan["subject_type"] == "item", "subject_id"]) <= items_at
    seeds_only = sv.evidence_in_view(pkg, ev_ids, item_ids, event="arrival_kazan", kinds=["seed"])
    assert set(seeds_only["source_id"]) == {"seed_000", "seed_003"}
    assert sv.evidence_in_view(pkg, set(), set()).empty


def test_source_table_says_not_stated_and_translates(pkg: Package) -> None:
    """Empty metadata reads 'not stated' / 'non indiqué'; dates, languages and kinds are
    translated; only http(s) links are kept."""
    cited = {"seed_002": 3}
    en = tables.source_table(pkg, cited, "en").set_index("source_id")
    fr = tables.source_table(pkg, cited, "fr").set_index("source_id")
    assert en.loc["seed_002", ["outlet", "author", "title"]].tolist() == ["not stated"] * 3
    assert fr.loc["seed_002", ["outlet", "author", "title"]].tolist() == ["non indiqué"] * 3
    assert (en.loc["seed_002", "published"], fr.loc["seed_002", "published"]) == (
        "June 2025",
        "juin 2025",
    )
    assert fr.loc["seed_000", "published"] == "non indiqué"
    assert fr.loc["ext_pravda_kremlin_2725", "published"] == "23 juin 2025"
    assert (en.loc["ext_29ru_406403217", "language"], fr.loc["ext_29ru_406403217", "language"]) == (
        "Russian",
        "russe",
    )
    assert fr.loc["seed_000", "kind"] == "Document source"
    assert en.loc["ext_tass_1979497", "url"] == "https://tass.com/politics/1979497"
    assert pd.isna(en.loc["seed_000", "url"])
    assert tables.source_table(pkg, cited, "en").iloc[0]["source_id"] == "seed_002"
    seeds = tables.source_table(pkg, {}, "en", kinds=["seed"])
    assert set(seeds["source_id"]) == set(pkg.seed_texts)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://tass.com/x", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example", False),
        ("https://a b", False),
        ("", False),
    ],
)
def test_only_http_links_are_kept(url: str, kept: bool) -> None:
    """A link is shown only when it is http or https."""
    assert (safe_url(url) is not None) is kept


def test_corroboration_table_as_shown(pkg: Package) -> None:
    """The students, the forum invitation and the refinery are backed by two or more
    independent sources, titled in the chosen language; filtering events narrows the table."""
    facts = views.corroboration(pkg)
    ev_ids, item_ids = set(pkg["events"]["event_id"]), set(pkg["cooperation"]["item_id"])
    fr = tables.corroboration_table(pkg, facts, ev_ids, item_ids, "fr").set_index("subject_id")
    assert (fr["n_independent"] >= 2).all()
    for sid in ("students_kazan", "students", "forum_invitation", "forum_2026", "gold_refinery"):
        assert sid in fr.index, sid
    coop = pkg["cooperation"].set_index("item_id")
    assert fr.loc["gold_refinery", "fact"] == coop.at["gold_refinery", "topic_fr"]
    assert fr.loc["gold_refinery", "type"] == "Piste de coopération"
    assert fr.loc["students_kazan", "type"] == "Événement"
    assert fr.loc["students_kazan", "sources"] == (
        "Malikunafoni (Oura Kanté) : Assimi Goïta au Tatarstan, "
        "Sahel Tribune (A.D) : Assimi Goïta à Kazan"
    )
    en = tables.corroboration_table(pkg, facts, {"students_kazan"}, set(), "en")
    assert en["subject_id"].tolist() == ["students_kazan"]
    assert "Education" in sv.takeaway(en, "en")
    assert sv.takeaway(en.iloc[:0], "en") == ""


def test_conflict_table_kazan_arrival(pkg: Package) -> None:
    """The Kazan arrival: 25 June (used, 3 independent sources) beside 24 June (not used,
    Malikunafoni alone), with the reason, in French."""
    rows = tables.conflict_table(pkg, views.conflicts(pkg), {"arrival_kazan"}, set(), "fr")
    assert rows["value"].tolist() == ["25 juin 2025", "24 juin 2025"]
    assert rows["resolved"].tolist() == [True, False]
    assert rows["n_independent"].tolist() == [3, 1]
    assert rows.iloc[1]["sources"] == "Malikunafoni (Oura Kanté) : Assimi Goïta au Tatarstan"
    assert "Sahel Tribune" in rows.iloc[0]["sources"]
    assert rows.iloc[0]["claim"] == "date"
    assert rows.iloc[0]["reason"].startswith("Le 25 juin")
    assert tables.conflict_table(pkg, views.conflicts(pkg), {"talks_putin"}, set(), "fr").empty
    side = sv.conflict_side_markdown(rows.iloc[0].to_dict(), "fr", ui.md)
    assert side.startswith("#### 25 juin 2025")
    assert ":green-badge[" in side


def test_evidence_list_states_claimed_values(pkg: Package) -> None:
    """The footnote of a quote that states a date shows that date (seed 000: 24 June)."""
    view = sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "fr")
    first = view.notes.iloc[0]
    assert (first["n"], first["subject_id"]) == (1, "arrival_kazan")
    assert first["states"] == "date: 24 juin 2025"
    assert view.events[0] == "arrival_kazan"


def test_footnote_flags_a_value_the_dataset_does_not_use(pkg: Package) -> None:
    """Seed 000's '24 June' is flagged as not the value used; seed 003's '25 June' is not."""
    conflicts = views.conflicts(pkg)
    s000 = sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "fr", conflicts).notes.iloc[0]
    assert s000["states"] == "date: 24 juin 2025 (valeur non retenue : voir Divergences)"
    s003 = sv.seed_view(pkg, "seed_003", seed_evidence(pkg), "en", conflicts).notes
    kazan = s003[s003["evidence_id"] == "ev030"].iloc[0]
    assert kazan["states"] == "date: 25 June 2025"
    assert (
        sv.seed_view(pkg, "seed_003", seed_evidence(pkg), "en").event_labels["arrival_kazan"]
        == "[1] Welcome in Kazan by Rustam Minnikhanov"
    )


def test_sources_parts_follow_the_view(pkg: Package) -> None:
    """The page's parts: all three seeds unfiltered; with the Kazan arrival selected, only
    the seeds quoting it, its one disagreement, and the summary in French; external kinds
    only: no seed."""
    ev_ids, item_ids = set(pkg["events"]["event_id"]), set(pkg["cooperation"]["item_id"])
    conflicts, corr = views.conflicts(pkg), views.corroboration(pkg)

    def view(query: sv.SourcesQuery, lang: str) -> sv.SourcesView:
        return sv.sources_view(pkg, query, query.evidence(pkg), lang)

    every = sv.SourcesQuery(ev_ids, item_ids)
    shown = view(every, "en")
    assert shown.seeds["source_id"].tolist() == ["seed_000", "seed_002", "seed_003"]
    assert len(shown.sources) == len(pkg["sources"])
    disputes = sv.conflicts_part(pkg, every, conflicts, "en")
    assert (disputes.total, len(disputes.rows)) == (1, 2)  # one disagreement, two sides
    facts = sv.corroboration_part(pkg, every, corr, "en")
    assert facts.total == len(corr) == len(facts.rows) > 0
    kazan = sv.SourcesQuery(ev_ids, item_ids, "arrival_kazan")
    assert view(kazan, "fr").seeds["source_id"].tolist() == ["seed_000", "seed_003"]
    assert view(kazan, "fr").summary.startswith("4 sources sur 25 citent")
    disputes = sv.conflicts_part(pkg, kazan, conflicts, "fr")
    assert set(disputes.rows["subject_id"]) == {"arrival_kazan"}
    assert disputes.total == 1
    assert sv.conflicts_part(pkg, sv.SourcesQuery(ev_ids, item_ids, "talks_putin"),
                             conflicts, "en").total == 0  # fmt: skip
    external = sv.SourcesQuery(ev_ids, item_ids, kinds=("external",))
    assert view(external, "en").seeds.empty
    assert set(view(external, "en").sources["kind"]) == {"External reference"}
    cited = sv.external_part(pkg, external.evidence(pkg), "en")
    assert cited.total == len(cited.rows) > 0


def test_locate_frame_agrees_with_locate(pkg: Package) -> None:
    """The vectorised search finds the same spans, in the same reading order, and reports a
    quote that is not in the text."""
    ev = seed_evidence(pkg)
    for sid, text in pkg.seed_texts.items():
        rows = ev[ev["source_id"] == sid]
        spans, _ = quotes.locate(text, zip(rows["evidence_id"], rows["quote"], strict=True))
        found, missing = quotes.locate_frame(text, rows)
        assert list(zip(found["evidence_id"], found["start"], found["end"], strict=True)) == [
            (s.evidence_id, s.start, s.end) for s in spans
        ]
        assert missing == []
    extra = pd.DataFrame({"evidence_id": ["x"], "quote": ["absent de ce texte"]})
    assert quotes.locate_frame("un texte", extra)[1] == ["x"]
    no_quote = pd.DataFrame({"evidence_id": ["y", "z"], "quote": [None, "texte"]})
    found, missing = quotes.locate_frame("un texte", no_quote)
    assert missing == ["y"]
    assert list(zip(found["evidence_id"], found["start"], found["end"], strict=True)) == [
        ("z", 3, 8)
    ]


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcXYZ09", min_size=1, max_size=4),
            st.sampled_from(["le", "le mot", "mot", "absent", "un texte", "texte", "t"]),
        ),
        max_size=30,
        unique_by=lambda pair: pair[0],
    )
)
def test_locate_frame_reading_order_breaks_ties_by_id(rows: list[tuple[str, str]]) -> None:
    """Quotes sharing a place (the same quote cited by several rows, in any id order) come
    in reading order: start, the longer first, then the id, as a plain three-key sort."""
    text = "un texte, le mot et le texte"
    frame = pd.DataFrame(rows, columns=["evidence_id", "quote"], dtype=object)
    found, missing = quotes.locate_frame(text, frame)
    spans = [(e, text.find(q), text.find(q) + len(q)) for e, q in rows if q in text]
    expected = sorted(spans, key=lambda r: (r[1], -r[2], r[0]))
    assert list(zip(found["evidence_id"], found["start"], found["end"], strict=True)) == expected
    assert missing == [e for e, q in rows if q not in text]


def test_subject_labels_for_some_ids_are_those_of_the_whole_package(pkg: Package) -> None:
    """Looking a few ids up (an index built once per package) gives the full table's labels;
    unknown and missing ids are left out."""
    every = tables.subject_labels(pkg, "fr")
    ids = [*pkg["events"]["event_id"][::3], *pkg["cooperation"]["item_id"][::4], "nope", None]
    some = tables.subject_labels(pkg, "fr", pd.Series(ids, dtype="object"))
    assert some == {k: v for k, v in every.items() if k[1] in set(ids)}
    assert len(some) == len(pkg["events"]["event_id"][::3]) + len(pkg["cooperation"][::4])


def test_rows_by_key_fall_back_on_a_scan_when_the_key_repeats(pkg: Package) -> None:
    """A table whose key repeats (never in a valid package) still gives every matching row."""
    twice = pd.concat([pkg["events"], pkg["events"].head(2)], ignore_index=True)
    broken = Package(pkg.path, pkg.meta, {**pkg.tables, "events": twice})
    first = str(twice["event_id"].iloc[0])
    rows = tables._rows(broken, "events", "event_id", [first])
    assert rows["event_id"].tolist() == [first, first]
    assert tables._rows(pkg, "events", "event_id", [first])["event_id"].tolist() == [first]


def test_seed_view_caps_highlights_and_says_so(pkg: Package) -> None:
    """Beyond the limit, quotes are not highlighted: the first n in reading order are, and
    the page is told how many there are in all; the event choice says when it is cut."""
    view = sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "en", limit=5)
    assert sorted(view.numbers.values()) == [1, 2, 3, 4, 5]
    assert view.hidden == 27 - 5
    assert sv.seed_notices(view, "fr") == [
        "Les 5 premières citations sur 27 sont surlignées : resserrez les filtres ou "
        "sélectionnez un événement pour voir les autres."
    ]
    assert sv.focus_label(view, "en", 2) == "Show the evidence of one event (the first 2)"
    assert sv.focus_label(view, "en", 30) == "Show the evidence of one event"
    assert sv.seed_notices(sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "en"), "en") == []


def test_seed_text_and_notes_are_the_views_markdown(pkg: Package) -> None:
    """A seed view's text and footnotes as markdown, with the escaper and title given (the
    page caches them per view: tests/test_page_sources.py)."""
    view = sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "en")

    def esc(s: str) -> str:
        return s.upper()

    text = sv.seed_text(view, esc)
    assert text == quotes.markdown(view.segments, view.numbers, esc)
    assert sv.seed_text(view, esc) == text
    notes = sv.seed_notes(view, "Quoted", esc)
    assert notes == sv.notes_markdown(view.notes, "Quoted", esc)
    assert sv.seed_notes(view, "Quoted", esc) == notes
    assert sv.seed_notes(view, "Cité", esc) != notes  # another title, another text


def test_a_seed_text_is_normalised_and_searched_once_per_package(
    pkg: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seed views of one text, in any view or language, share one finder kept by the
    package (``pkg.memo``), and each quote is searched once; the finder never changes once
    built, and a seed view holds nothing but its fields."""
    fresh = Package(pkg.path, pkg.meta, pkg.tables, pkg.seed_texts)
    built: list[str] = []
    searched: list[str] = []
    normalise_real, find_real = quotes.normalise_with_offsets, quotes.QuoteFinder.find

    def normalise_spy(text: str) -> tuple[str, list[tuple[int, int]]]:
        built.append(text)
        return normalise_real(text)

    def find_spy(self: quotes.QuoteFinder, quote: str) -> tuple[int, int] | None:
        searched.append(quote)
        return find_real(self, quote)

    monkeypatch.setattr(quotes, "normalise_with_offsets", normalise_spy)
    monkeypatch.setattr(quotes.QuoteFinder, "find", find_spy)
    ev = seed_evidence(fresh)
    first = sv.seed_view(fresh, "seed_000", ev, "en")
    distinct = ev.loc[ev["source_id"] == "seed_000", "quote"].nunique()
    assert len(searched) == len(set(searched)) == distinct > 0
    again = sv.seed_view(fresh, "seed_000", ev.iloc[::2], "fr")
    assert len(searched) == distinct  # the second view searched nothing
    assert built == [fresh.seed_texts["seed_000"]]
    assert again.numbers
    finder = fresh.memo.get(sv.seed_finder, "seed_000", inputs=(fresh,))
    assert not hasattr(finder, "__dict__")  # slots only: nothing to fill in later
    assert (
        set(first.__dict__)
        == set(again.__dict__)
        == {f.name for f in dataclasses.fields(sv.SeedView)}
    )


def test_counts_read_in_real_plural_forms(pkg: Package) -> None:
    """Counts agree with their nouns as CLDR says (French: 0 and 1 are singular), never
    'document(s)'."""
    table = pd.DataFrame({"n_cited": [3, 1, 0]})
    assert sv.count_text(table, 1, 16, "en") == (
        "2 of 16 sources cite what this view shows: 1 seed document, 1 external reference."
    )
    assert sv.count_text(table, 1, 16, "fr") == (
        "2 sources sur 16 citent ce que montre cette vue : 1 document source, 1 référence externe."
    )
    one = pd.DataFrame({"n_cited": [4, 0]})
    assert sv.count_text(one, 1, 16, "fr") == (
        "1 source sur 16 cite ce que montre cette vue : 1 document source, 0 référence externe."
    )
    assert sv.count_text(one, 0, 16, "en").endswith(": 0 seed documents, 1 external reference.")
    side = {"resolved": True, "n_independent": 1, "value": "x", "sources": "A"}
    assert sv.conflict_side_markdown(side, "fr", ui.md).endswith("A · 1 source indépendante")
    side["n_independent"] = 3
    assert sv.conflict_side_markdown(side, "en", ui.md).endswith("A · 3 independent sources")
    view = sv.seed_view(pkg, "seed_000", seed_evidence(pkg), "en")
    lost = dataclasses.replace(view, missing=("ev1",))
    assert sv.seed_notices(lost, "en") == ["1 quote could not be located in the text: ev1."]
    lost = dataclasses.replace(view, missing=("ev1", "ev2"))
    assert sv.seed_notices(lost, "fr") == ["2 citations introuvables dans le texte : ev1, ev2."]
    facts = pd.DataFrame([{"fact": "F", "n_independent": 2}])
    assert sv.takeaway(facts, "en").startswith("1 fact in this view is backed by")
    assert sv.takeaway(pd.concat([facts, facts]), "fr").startswith("2 faits de cette vue sont")


def test_published_dates_and_claimed_values_read_as_before(pkg: Package) -> None:
    """Publication dates: spelled out, a year as it is, 'unknown' or empty 'not stated';
    claimed values through ``present.labels.claim_value`` (dates, statuses, counts)."""
    assert tables.published_text("2025-06-23", "fr") == "23 juin 2025"
    assert tables.published_text("2025-06", "en") == "June 2025"
    assert tables.published_text("2025", "en") == "2025"
    assert tables.published_text("unknown", "fr") == "non indiqué"
    assert tables.published_text(None, "en") == "not stated"
    assert tables.published_text("2025-13", "en") == "2025-13"  # not a date: as it is
    assert claim_value("date", "2025-06-24", "fr") == "24 juin 2025"
    assert claim_value("date", "2025-06", "en") == "June 2025"
    assert claim_value("status", "under_construction", "fr") == "en construction"
    assert claim_value("count", "2000", "en") == "2,000"
    assert claim_value(None, None, "fr") == ""
    assert claim_name("count", "fr") == "nombre"
    s003 = sv.seed_view(pkg, "seed_003", seed_evidence(pkg), "fr").notes
    assert "date: 25 juin 2025" in set(s003["states"])


def test_page_furniture_is_shown_apart_and_never_highlighted() -> None:
    """The captured page's furniture ("top of page", a subscription box) is grey and small,
    the article's text and quotes are as before."""
    text = "top of page\nHello world. Quote here.\nSubscribe"
    segs = quotes.segments(text, [quotes.Span("e1", 19, 29)], [(0, 11), (37, 46)])
    assert [s.text for s in segs if s.furniture] == ["top of page", "Subscribe"]
    assert not [s for s in segs if s.furniture and s.evidence_ids]
    md = quotes.markdown(segs, {"e1": 1}, lambda t: t)
    assert md.split("\n\n") == [
        ":small[:gray[top of page]]",
        "Hello w:blue-background[orld. Quot]:blue[**\\[1\\]**]e here.",
        ":small[:gray[Subscribe]]",
    ]


def test_the_seed_texts_show_their_furniture_apart(pkg: Package) -> None:
    """Every furniture span the package records is a furniture run of its seed's view."""
    furniture = pkg["seed_furniture"]
    assert len(furniture) > 0
    for sid, rows in furniture.groupby("source_id"):
        spans = sv.furniture_of(pkg, str(sid))
        assert len(spans) == len(rows)
        segs = quotes.segments(pkg.seed_texts[str(sid)], [], spans)
        shown = "".join(s.text for s in segs if s.furniture)
        assert all(str(t) in shown for t in rows["text"])
