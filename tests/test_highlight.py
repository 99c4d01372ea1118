"""Quotes located in the seed texts, overlapping quotes merged, hostile text escaped, and the
Sources page's tables (sources, corroboration, disagreements) as shown."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import highlight as hl
from dashboard import ui, views
from dashboard.load import Package
from dashboard.validate import normalise

HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) :red[boom] `code`"


def seed_evidence(pkg: Package) -> pd.DataFrame:
    ev = pkg["evidence"]
    return ev[ev["source_id"].isin(pkg.seed_texts.keys())]


# --- locating quotes ------------------------------------------------------------------------


def test_offset_map_reproduces_validate_normalise(pkg: Package) -> None:
    """The normalised text with its offset map is exactly validate.normalise's text."""
    for text in pkg.seed_texts.values():
        folded, offsets = hl.normalise_with_offsets(text)
        assert folded == normalise(text)
        assert len(offsets) == len(folded)


@given(st.text(alphabet=" \n\t\u00a0\u202f«»“”'’\"aAeÉe\u0301ßİ-–—xyz", max_size=60))
def test_offset_map_matches_normalise_on_awkward_text(text: str) -> None:
    """Typographic quotes and spaces, combining accents and case folding keep the map exact."""
    folded, offsets = hl.normalise_with_offsets(text)
    assert folded == normalise(text)
    assert all(0 <= s < e <= len(text) for s, e in offsets)
    assert [s for s, _ in offsets] == sorted(s for s, _ in offsets)


def test_every_seed_quote_is_found(pkg: Package) -> None:
    """Each seed quote is located, and the located original text normalises to the quote."""
    ev = seed_evidence(pkg)
    assert len(ev) > 40
    for rec in ev.to_dict("records"):
        text = pkg.seed_texts[rec["source_id"]]
        span = hl.find_quote(text, rec["quote"])
        assert span is not None, rec["evidence_id"]
        start, end = span
        assert normalise(text[start:end]) == normalise(rec["quote"]), rec["evidence_id"]
        assert not text[start].isspace()
        assert not text[end - 1].isspace()


def test_quote_with_straight_marks_maps_to_typographic_original() -> None:
    """A quote typed with straight quotes and spaces finds the guillemets and no-break spaces
    of the original, and the span covers the original characters."""
    text = "Il a dit :\u00a0«\u202fNous pensons qu’il existe\u202f» à Kazan."
    span = hl.find_quote(text, '"Nous pensons qu\'il existe"')
    assert span is not None
    assert text[span[0] : span[1]] == "«\u202fNous pensons qu’il existe\u202f»"


def test_missing_quote_is_reported() -> None:
    """A quote absent from the text is listed as missing, not highlighted."""
    found, missing = hl.locate("un texte court", [("a", "texte"), ("b", "absent"), ("c", "")])
    assert [s.evidence_id for s in found] == ["a"]
    assert missing == ["b", "c"]


# --- segments ---------------------------------------------------------------------------


def cut(text: str, spans: list[hl.Span]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(s.text, s.evidence_ids, s.ending) for s in hl.segments(text, spans)]


def test_overlapping_quotes_are_merged_into_runs() -> None:
    """Two overlapping quotes give three runs; the middle one lists both, in reading order."""
    spans = [hl.Span("a", 0, 6), hl.Span("b", 3, 9)]
    assert cut("abcdefghij", spans) == [
        ("abc", ("a",), ()),
        ("def", ("a", "b"), ("a",)),
        ("ghi", ("b",), ("b",)),
        ("j", (), ()),
    ]


def test_nested_and_identical_quotes() -> None:
    """A quote inside another splits it; two identical quotes share every run and end
    together."""
    assert cut("abcdefghij", [hl.Span("outer", 0, 10), hl.Span("inner", 2, 4)]) == [
        ("ab", ("outer",), ()),
        ("cd", ("outer", "inner"), ("inner",)),
        ("efghij", ("outer",), ("outer",)),
    ]
    assert cut("xx yy zz", [hl.Span("p", 3, 5), hl.Span("q", 3, 5)]) == [
        ("xx ", (), ()),
        ("yy", ("p", "q"), ("p", "q")),
        (" zz", (), ()),
    ]


def test_segments_rebuild_the_text(pkg: Package) -> None:
    """The runs of a seed text put back together are the text, unchanged."""
    for sid, text in pkg.seed_texts.items():
        ev = seed_evidence(pkg)
        ev = ev[ev["source_id"] == sid]
        spans, _ = hl.locate(text, zip(ev["evidence_id"], ev["quote"], strict=True))
        assert "".join(s.text for s in hl.segments(text, spans)) == text


def test_seed_000_overlaps_list_all_their_evidence(pkg: Package) -> None:
    """In seed 000, 'Le Président malien … Kamaz et Yadran' is quoted by an event and an item
    (ev003, ev010): the run lists both and each gets its own marker."""
    view = hl.seed_view(pkg, "seed_000", seed_evidence(pkg), "en")
    runs = [s for s in view.segments if {"ev003", "ev010"} <= set(s.evidence_ids)]
    assert runs
    assert "Kamaz" in "".join(s.text for s in runs)
    assert sorted(view.numbers.values()) == list(range(1, len(view.numbers) + 1))


# --- markdown ---------------------------------------------------------------------------


def test_markdown_highlights_and_numbers_quotes() -> None:
    """Quoted text sits in a blue background followed by its [n] marker; overlaps are bold;
    each line of the text is a paragraph."""
    text = "Premier paragraphe.\n\nDeuxième : une citation ici, et une autre."
    spans, _ = hl.locate(text, [("e1", "une citation ici"), ("e2", "citation ici, et une")])
    md = hl.markdown(hl.segments(text, spans), hl.numbering(spans), ui.md)
    paragraphs = md.split("\n\n")
    assert paragraphs[0] == "Premier paragraphe\\."
    assert ":blue-background[une]" in paragraphs[1]
    assert ":blue-background[**citation ici**]:blue[**\\[1\\]**]" in paragraphs[1]
    assert paragraphs[1].count(":blue[**\\[2\\]**]") == 1


def test_quote_across_lines_is_highlighted_on_each_line() -> None:
    """A quote spanning a line break is highlighted in both paragraphs; its marker follows its
    end only."""
    text = "avant la fin\ndu début après"
    spans, _ = hl.locate(text, [("e", "la fin du début")])
    md = hl.markdown(hl.segments(text, spans), hl.numbering(spans), ui.md)
    first, second = md.split("\n\n")
    assert first == "avant :blue-background[la fin]"
    assert second == ":blue-background[du début]:blue[**\\[1\\]**] après"


@pytest.mark.parametrize("quoted", [True, False])
def test_hostile_text_comes_out_escaped(quoted: bool) -> None:
    """HTML, markdown emphasis, links and directives in a seed text (quoted or not) are
    backslash-escaped: the only markup in the result is the highlight's own."""
    text = f"Début.\n{HOSTILE}\nFin."
    spans, missing = hl.locate(text, [("e", HOSTILE)] if quoted else [])
    assert not missing
    md = hl.markdown(hl.segments(text, spans), hl.numbering(spans), ui.md)
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
    md = hl.notes_markdown(notes, "Titre", ui.md)
    assert md.splitlines()[-1] == ("- **\\[1\\]** → \\<b\\>x\\</b\\> \\[y\\]\\(javascript\\:z\\)")


# --- what the view shows -------------------------------------------------------------


def test_selected_event_narrows_evidence_to_it_and_its_items(pkg: Package) -> None:
    """With an event selected, only its evidence and that of items that came up at it
    remain; a source-kind filter keeps only sources of that kind."""
    ev_ids, item_ids = set(pkg["events"]["event_id"]), set(pkg["cooperation"]["item_id"])
    every = hl.evidence_in_view(pkg, ev_ids, item_ids)
    assert len(every) == len(pkg["evidence"])
    kazan = hl.evidence_in_view(pkg, ev_ids, item_ids, event="arrival_kazan")
    assert set(kazan.loc[kazan["subject_type"] == "event", "subject_id"]) == {"arrival_kazan"}
    coop = pkg["cooperation"]
    items_at = set(coop.loc[coop["event_id"] == "arrival_kazan", "item_id"])
    assert set(kazan.loc[kazan["subject_type"] == "item", "subject_id"]) <= items_at
    seeds_only = hl.evidence_in_view(pkg, ev_ids, item_ids, event="arrival_kazan", kinds=["seed"])
    assert set(seeds_only["source_id"]) == {"seed_000", "seed_003"}
    assert hl.evidence_in_view(pkg, set(), set()).empty


def test_source_table_says_not_stated_and_translates(pkg: Package) -> None:
    """Empty metadata reads 'not stated' / 'non indiqué'; dates, languages and kinds are
    translated; only http(s) links are kept."""
    cited = {"seed_002": 3}
    en = hl.source_table(pkg, cited, "en").set_index("source_id")
    fr = hl.source_table(pkg, cited, "fr").set_index("source_id")
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
    assert hl.source_table(pkg, cited, "en").iloc[0]["source_id"] == "seed_002"
    assert set(hl.source_table(pkg, {}, "en", kinds=["seed"])["source_id"]) == set(pkg.seed_texts)


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
    assert (hl.safe_url(url) is not None) is kept


def test_corroboration_table_as_shown(pkg: Package) -> None:
    """The students, the forum invitation and the refinery are backed by two or more
    independent sources, titled in the chosen language; filtering events narrows the table."""
    facts = views.corroboration(pkg)
    ev_ids, item_ids = set(pkg["events"]["event_id"]), set(pkg["cooperation"]["item_id"])
    fr = hl.corroboration_table(pkg, facts, ev_ids, item_ids, "fr").set_index("subject_id")
    assert (fr["n_independent"] >= 2).all()
    for sid in ("students_kazan", "students", "forum_invitation", "forum_2026", "gold_refinery"):
        assert sid in fr.index, sid
    coop = pkg["cooperation"].set_index("item_id")
    assert fr.loc["gold_refinery", "fact"] == coop.at["gold_refinery", "topic_fr"]
    assert fr.loc["gold_refinery", "type"] == "Piste de coopération"
    assert fr.loc["students_kazan", "type"] == "Événement"
    assert fr.loc["students_kazan", "sources"] == "Malikunafoni, Sahel Tribune"
    en = hl.corroboration_table(pkg, facts, {"students_kazan"}, set(), "en")
    assert en["subject_id"].tolist() == ["students_kazan"]
    assert "Education" in hl.takeaway(en, "en")
    assert hl.takeaway(en.iloc[:0], "en") == ""


def test_conflict_table_kazan_arrival(pkg: Package) -> None:
    """The Kazan arrival: 25 June (used, 3 independent sources) beside 24 June (not used,
    Malikunafoni alone), with the reason, in French."""
    rows = hl.conflict_table(pkg, views.conflicts(pkg), {"arrival_kazan"}, set(), "fr")
    assert rows["value"].tolist() == ["25 juin 2025", "24 juin 2025"]
    assert rows["resolved"].tolist() == [True, False]
    assert rows["n_independent"].tolist() == [3, 1]
    assert rows.iloc[1]["sources"] == "Malikunafoni"
    assert "Sahel Tribune" in rows.iloc[0]["sources"]
    assert rows.iloc[0]["claim"] == "date"
    assert rows.iloc[0]["reason"].startswith("Le 25 juin")
    assert hl.conflict_table(pkg, views.conflicts(pkg), {"talks_putin"}, set(), "fr").empty
    side = hl.conflict_side_markdown(rows.iloc[0].to_dict(), "fr", ui.md)
    assert side.startswith("#### 25 juin 2025")
    assert ":green-badge[" in side


def test_evidence_list_states_claimed_values(pkg: Package) -> None:
    """The footnote of a quote that states a date shows that date (seed 000: 24 June)."""
    view = hl.seed_view(pkg, "seed_000", seed_evidence(pkg), "fr")
    first = view.notes.iloc[0]
    assert (first["n"], first["subject_id"]) == (1, "arrival_kazan")
    assert first["states"] == "date: 24 juin 2025"
    assert view.events[0] == "arrival_kazan"


def test_footnote_flags_a_value_the_dataset_does_not_use(pkg: Package) -> None:
    """Seed 000's '24 June' is flagged as not the value used; seed 003's '25 June' is not."""
    conflicts = views.conflicts(pkg)
    s000 = hl.seed_view(pkg, "seed_000", seed_evidence(pkg), "fr", conflicts).notes.iloc[0]
    assert s000["states"] == "date: 24 juin 2025 (valeur non retenue : voir Divergences)"
    s003 = hl.seed_view(pkg, "seed_003", seed_evidence(pkg), "en", conflicts).notes
    kazan = s003[s003["evidence_id"] == "ev030"].iloc[0]
    assert kazan["states"] == "date: 25 June 2025"
    assert (
        hl.seed_view(pkg, "seed_003", seed_evidence(pkg), "en").event_labels["arrival_kazan"]
        == "[1] Welcome in Kazan by Rustam Minnikhanov"
    )


def test_sources_parts_follow_the_view(pkg: Package) -> None:
    """The page's parts: all three seeds unfiltered; with the Kazan arrival selected, only
    the seeds quoting it, its one disagreement, and the summary in French; external kinds
    only: no seed."""
    ev_ids, item_ids = set(pkg["events"]["event_id"]), set(pkg["cooperation"]["item_id"])
    conflicts, corr = views.conflicts(pkg), views.corroboration(pkg)

    def view(query: hl.SourcesQuery, lang: str) -> hl.SourcesView:
        return hl.sources_view(pkg, query, query.evidence(pkg), lang)

    every = hl.SourcesQuery(ev_ids, item_ids)
    shown = view(every, "en")
    assert shown.seeds["source_id"].tolist() == ["seed_000", "seed_002", "seed_003"]
    assert len(shown.sources) == len(pkg["sources"])
    disputes = hl.conflicts_part(pkg, every, conflicts, "en")
    assert (disputes.total, len(disputes.rows)) == (1, 2)  # one disagreement, two sides
    facts = hl.corroboration_part(pkg, every, corr, "en")
    assert facts.total == len(corr) == len(facts.rows) > 0
    kazan = hl.SourcesQuery(ev_ids, item_ids, "arrival_kazan")
    assert view(kazan, "fr").seeds["source_id"].tolist() == ["seed_000", "seed_003"]
    assert view(kazan, "fr").summary.startswith("4 sources sur 25 citent")
    disputes = hl.conflicts_part(pkg, kazan, conflicts, "fr")
    assert set(disputes.rows["subject_id"]) == {"arrival_kazan"}
    assert disputes.total == 1
    assert hl.conflicts_part(pkg, hl.SourcesQuery(ev_ids, item_ids, "talks_putin"),
                             conflicts, "en").total == 0  # fmt: skip
    external = hl.SourcesQuery(ev_ids, item_ids, kinds=("external",))
    assert view(external, "en").seeds.empty
    assert set(view(external, "en").sources["kind"]) == {"External reference"}
    cited = hl.external_part(pkg, external.evidence(pkg), "en")
    assert cited.total == len(cited.rows) > 0


def test_locate_frame_agrees_with_locate(pkg: Package) -> None:
    """The vectorised search finds the same spans, in the same reading order, and reports a
    quote that is not in the text."""
    ev = seed_evidence(pkg)
    for sid, text in pkg.seed_texts.items():
        rows = ev[ev["source_id"] == sid]
        spans, _ = hl.locate(text, zip(rows["evidence_id"], rows["quote"], strict=True))
        found, missing = hl.locate_frame(text, rows)
        assert list(zip(found["evidence_id"], found["start"], found["end"], strict=True)) == [
            (s.evidence_id, s.start, s.end) for s in spans
        ]
        assert missing == []
    extra = pd.DataFrame({"evidence_id": ["x"], "quote": ["absent de ce texte"]})
    assert hl.locate_frame("un texte", extra)[1] == ["x"]
    no_quote = pd.DataFrame({"evidence_id": ["y", "z"], "quote": [None, "texte"]})
    found, missing = hl.locate_frame("un texte", no_quote)
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
    found, missing = hl.locate_frame(text, frame)
    spans = [(e, text.find(q), text.find(q) + len(q)) for e, q in rows if q in text]
    expected = sorted(spans, key=lambda r: (r[1], -r[2], r[0]))
    assert list(zip(found["evidence_id"], found["start"], found["end"], strict=True)) == expected
    assert missing == [e for e, q in rows if q not in text]


def test_subject_labels_for_some_ids_are_those_of_the_whole_package(pkg: Package) -> None:
    """Looking a few ids up (an index built once per package) gives the full table's labels;
    unknown and missing ids are left out."""
    every = hl.subject_labels(pkg, "fr")
    ids = [*pkg["events"]["event_id"][::3], *pkg["cooperation"]["item_id"][::4], "nope", None]
    some = hl.subject_labels(pkg, "fr", pd.Series(ids, dtype="object"))
    assert some == {k: v for k, v in every.items() if k[1] in set(ids)}
    assert len(some) == len(pkg["events"]["event_id"][::3]) + len(pkg["cooperation"][::4])


def test_rows_by_key_fall_back_on_a_scan_when_the_key_repeats(pkg: Package) -> None:
    """A table whose key repeats (never in a valid package) still gives every matching row."""
    twice = pd.concat([pkg["events"], pkg["events"].head(2)], ignore_index=True)
    broken = Package(pkg.path, pkg.meta, {**pkg.tables, "events": twice})
    first = str(twice["event_id"].iloc[0])
    rows = hl._rows(broken, "events", "event_id", [first])
    assert rows["event_id"].tolist() == [first, first]
    assert hl._rows(pkg, "events", "event_id", [first])["event_id"].tolist() == [first]


def test_seed_view_caps_highlights_and_says_so(pkg: Package) -> None:
    """Beyond the limit, quotes are not highlighted: the first n in reading order are, and
    the page is told how many there are in all; the event choice says when it is cut."""
    view = hl.seed_view(pkg, "seed_000", seed_evidence(pkg), "en", limit=5)
    assert sorted(view.numbers.values()) == [1, 2, 3, 4, 5]
    assert view.hidden == 27 - 5
    assert hl.seed_notices(view, "fr") == [
        "Les 5 premières citations sur 27 sont surlignées : resserrez les filtres ou "
        "sélectionnez un événement pour voir les autres."
    ]
    assert hl.focus_label(view, "en", 2) == "Show the evidence of one event (the first 2)"
    assert hl.focus_label(view, "en", 30) == "Show the evidence of one event"
    assert hl.seed_notices(hl.seed_view(pkg, "seed_000", seed_evidence(pkg), "en"), "en") == []


def test_seed_text_and_notes_are_built_once_per_view(pkg: Package) -> None:
    view = hl.seed_view(pkg, "seed_000", seed_evidence(pkg), "en")

    def esc(s: str) -> str:
        return s.upper()

    text = hl.seed_text(view, esc)
    assert text == hl.markdown(view.segments, view.numbers, esc)
    assert hl.seed_text(view, esc) is text
    notes = hl.seed_notes(view, "Quoted", esc)
    assert notes == hl.notes_markdown(view.notes, "Quoted", esc)
    assert hl.seed_notes(view, "Quoted", esc) is notes
    assert hl.seed_notes(view, "Cité", esc) != notes  # another title, another text
