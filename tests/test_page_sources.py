"""The Sources page under AppTest: both languages, highlighted seed texts, filters (source
kind, selected event, nothing), choosing an event, a hostile URL and a hostile seed text."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.views import sources as sv
from tests.helpers import APP, ROOT, qp, run_app, share_link

PAGE = "app_pages/sources.py"
TAB = "sources_tab"
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) :red[boom]"


def run(
    query: dict[str, list[str]] | None = None, lang: str = "en", tab: str | None = None
) -> AppTest:
    """The page with every seed text open (only open ones are built) and ``tab`` chosen
    (a label; None: the first, the seed texts)."""
    at = run_app(PAGE, query, lang)
    assert not at.exception, at.exception
    if tab is not None:
        at.session_state[TAB] = tab
    for fold in at.expander:
        if str(fold.key).startswith("sources_seed_"):
            at.session_state[fold.key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def tables(at: AppTest) -> dict[str, object]:
    """The table of every tab, each tab chosen in turn: {tab label: its dataframe}."""
    found = {}
    for label in [tab.label for tab in at.tabs]:
        at.session_state[TAB] = label
        at.run()
        if at.dataframe:
            found[label] = at.dataframe[0].value
    return found


def markdown(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown]


def focus_pills(at: AppTest) -> list:  # type: ignore[type-arg]
    return [p for p in at.get("button_group") if str(p.key).startswith("sources_focus_")]


def seed_texts(at: AppTest) -> list[str]:
    return [m for m in markdown(at) if ":blue-background[" in m]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_all_seed_documents_highlighted_in_both_languages(lang: str) -> None:
    """Unfiltered, the three seed documents are shown with their quotes highlighted and
    numbered; no quote is missing; the labels are in the chosen language."""
    at = run(lang=lang)
    assert at.title[0].value == "Sources"
    texts = seed_texts(at)
    assert len(texts) == 3
    assert all(":blue[**\\[1\\]**]" in t for t in texts)
    assert not [w for w in at.warning if "quote" in str(w.value) or "citation" in str(w.value)]
    captions = " ".join(str(c.value) for c in at.caption)
    if lang == "fr":
        assert "Média \\: Malikunafoni" in captions
        assert "non indiqué" in captions
        assert "juin 2025" in captions
        assert [e.label for e in at.expander][1:4] == [
            "Malikunafoni \\(Oura Kanté\\) \\: Assimi Goïta au Tatarstan",
            "Article non signé, juin 2025 \\(aussi sur Alwihda Info\\)",
            "Sahel Tribune \\(A\\.D\\) \\: Assimi Goïta à Kazan",
        ]
    else:
        assert "Outlet\\: not stated · Author\\: not stated · Published\\: June 2025" in captions


def test_tables_as_shown() -> None:
    """The source list, external quotes with http(s) links and corroborated facts."""
    frames = tables(run(lang="fr"))
    assert list(frames) == ["Toutes les sources", "Références externes", "Recoupements"]
    sources, external, corroboration = frames.values()
    assert len(sources) == 25
    assert sources["n_cited"].iloc[0] > 0
    assert set(sources["kind"]) == {"Document source", "Référence externe"}
    assert external["url"].dropna().str.match(r"^https?://").all()
    assert "(pas de citation : valeur relevée sur la page)" in set(external["quote"])
    facts = set(corroboration["fact"])
    assert "Éducation : 35 étudiants maliens à Kazan" in facts
    assert (corroboration["n_independent"] >= 2).all()


@pytest.mark.parametrize(
    ("lang", "used", "other"),
    [
        ("en", "25 June 2025", "24 June 2025"),
        ("fr", "25 juin 2025", "24 juin 2025"),
    ],
)
def test_kazan_conflict_side_by_side(lang: str, used: str, other: str) -> None:
    """The Kazan arrival's two dates sit side by side, the one used first, with the reason."""
    at = run(lang=lang, tab="Disagreements" if lang == "en" else "Divergences")
    sides = [m for m in markdown(at) if m.startswith("#### ")]
    assert sides[0].startswith(f"#### {used}")
    assert ":green-badge[" in sides[0]
    assert sides[1].startswith(f"#### {other}")
    assert ":gray-badge[" in sides[1]
    assert "Malikunafoni" in sides[1]
    reason = [m for m in markdown(at) if m.startswith(("Why", "Pourquoi"))]
    assert len(reason) == 1


def test_source_kind_filter_hides_seed_documents() -> None:
    """With only external references chosen, no seed text is shown and the list holds only
    external references."""
    at = run({"source": ["external"]})
    assert seed_texts(at) == []
    assert any("No seed document" in str(i.value) for i in at.info)
    assert set(tables(at)["All sources"]["kind"]) == {"External reference"}


def test_selected_event_narrows_highlights() -> None:
    """A selected event narrows the highlighted quotes and footnotes to it, and its
    disagreement is the only one shown."""
    at = run({"event": ["arrival_kazan"]})
    notes = [m for m in markdown(at) if m.startswith("**What the quotes support**")]
    assert len(notes) == 2  # seeds 000 and 003 speak of it, 002 does not
    for block in notes:
        items = [line for line in block.splitlines() if line.startswith("- ")]
        assert items
        assert all("Welcome in Kazan by Rustam Minnikhanov" in line for line in items)
    pills = focus_pills(at)
    assert [p.value for p in pills] == ["arrival_kazan", "arrival_kazan"]
    assert any("Only the evidence for the selected event" in str(i.value) for i in at.info)


def test_choosing_an_event_selects_it_everywhere() -> None:
    """Choosing an event in a document's pills selects it for the whole app (the sidebar's
    event box follows) and narrows the page to it and the items that came up at it."""
    at = run()
    pills = focus_pills(at)[0]
    assert pills.value is None
    pills.set_value("talks_kazan").run()
    assert not at.exception
    assert at.selectbox(key="w_event").value == "talks_kazan"
    notes = [m for m in markdown(at) if m.startswith("**What the quotes support**")]
    lines = [line for b in notes for line in b.splitlines() if line.startswith("- ")]
    assert sum("Kazan Kremlin" in line for line in lines) == 2  # seeds 000 and 003
    # the rest are the cooperation items that came up at those talks
    assert all("Kazan Kremlin" in line or "Cooperation item" in line for line in lines)


def test_filters_matching_nothing_show_the_empty_state() -> None:
    """Filters that keep no event give the empty state, not an error."""
    at = run({"sector": ["agriculture"], "place": ["moscow"]})
    assert seed_texts(at) == []
    assert at.info


def test_hostile_query_is_escaped() -> None:
    """Hostile URL values are dropped with an escaped notice; the page still renders."""
    at = run({"event": ["<script>alert(1)</script>"], "source": ["**x**" * 200]})
    assert len(seed_texts(at)) == 3
    notice = str(at.warning[0].value)
    assert re.search(r"(?<!\\)<", notice) is None


@pytest.fixture
def hostile_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package whose seed 000 carries a hostile line, quoted as evidence."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    seed = tmp_path / "seeds" / "000_73b3388757635430.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + f"\n{HOSTILE}\n", encoding="utf-8")
    path = tmp_path / "data" / "evidence.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["evidence_id"] == "ev002":
            row["quote"] = HOSTILE
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("DASHBOARD_DATA", str(tmp_path / "data"))
    return tmp_path


def test_hostile_seed_text_is_escaped(hostile_package: Path) -> None:
    """A seed text and quote full of HTML, markdown and a javascript: link come out
    backslash-escaped, inside the highlight."""
    at = run()
    text = next(m for m in seed_texts(at) if "script" in m)
    line = next(p for p in text.split("\n\n") if "script" in p)
    assert line.startswith(":blue-background[\\<script\\>alert\\(1\\)\\</script\\>")
    assert "\\*\\*bold\\*\\*" in line
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in line
    assert "\\:red\\[boom\\]" in line
    assert re.search(r"(?<!\\)<", line) is None


def test_only_the_chosen_tab_and_open_seed_texts_are_built() -> None:
    """Hidden tabs and folded seed texts are not built (each would cost the browser on every
    filter change): first the seed tab with only its first text; another tab holds only its
    own table; a seed text opened stays open across a filter change."""
    at = run_app(PAGE)
    assert not at.exception
    assert len(seed_texts(at)) == 1
    assert not at.dataframe
    at.session_state[TAB] = "External references"
    at.run()
    assert seed_texts(at) == []
    assert len(at.dataframe) == 1
    assert at.dataframe[0].value["url"].notna().any()
    at.session_state[TAB] = "Seed documents"
    at.session_state["sources_seed_seed_003"] = True
    at.run()
    assert len(seed_texts(at)) == 2
    at.multiselect(key="w_sector").set_value(["trucks"]).run()
    assert not at.exception
    assert at.session_state["sources_seed_seed_003"] is True
    assert [e.key for e in at.expander if str(e.key).startswith("sources_seed_")] == [
        "sources_seed_seed_000",
        "sources_seed_seed_002",
        "sources_seed_seed_003",
    ]


def test_a_view_computes_only_the_parts_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a tab or a fold hides is not computed either (at a million events the whole
    page took 263 ms for a new view, the three seed texts half of it): the first seed text
    only, then each part when it first shows, once per view."""
    built: list[str] = []
    for name in ("seed_view", "external_part", "corroboration_part", "conflicts_part"):
        real = getattr(sv, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            built.append(_name if _name != "seed_view" else str(args[1]))
            return _real(*args, **kwargs)

        monkeypatch.setattr(sv, name, spy)
    st.cache_resource.clear()  # parts cached by earlier tests would not be computed again
    at = run_app(PAGE)
    assert not at.exception
    assert built == ["seed_000"]
    at.session_state["sources_seed_seed_003"] = True
    at.run()
    assert built == ["seed_000", "seed_003"]
    for tab in ("External references", "Seed documents", "External references"):
        at.session_state[TAB] = tab
        at.run()
    assert not at.exception
    assert built[2:] == ["external_part"]
    for tab in ("Corroboration", "Disagreements"):
        at.session_state[TAB] = tab
        at.run()
    assert built[3:] == ["corroboration_part", "conflicts_part"]
    assert any(m.startswith("#### ") for m in markdown(at))


def test_a_link_opens_the_disagreements_tab() -> None:
    """tab=conflicts, the link a reader shares to point at the Kazan dates, opens that tab
    (in French here), with the tab in the share link; the seed texts are not built."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["tab"] = "conflicts"
    at.query_params["lang"] = "fr"
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert not at.warning
    assert at.session_state[TAB] == "Divergences"
    assert seed_texts(at) == []
    assert any(m.startswith("#### ") for m in markdown(at))
    assert qp(at, "tab") == ["conflicts"]
    assert "tab=conflicts" in share_link(at)


def test_chosen_tab_survives_a_language_switch() -> None:
    """The chosen tab is kept by its label; switching language keeps the same tab."""
    at = run_app(PAGE)
    at.session_state[TAB] = "Disagreements"
    at.run()
    assert any(m.startswith("#### ") for m in markdown(at))
    at.segmented_control(key="w_lang").set_value("fr").run()
    assert not at.exception
    assert at.session_state[TAB] == "Divergences"
    assert any(m.startswith("#### ") for m in markdown(at))
    assert not at.dataframe


def test_seed_markdown_is_built_once_per_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """The markdown of an open seed text and of its footnotes is built once per view and
    language (``ctx.cached``), not on every rerun; a new view builds its own."""
    built: list[str] = []
    for name in ("seed_text", "seed_notes"):
        real = getattr(sv, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            built.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(sv, name, spy)
    st.cache_resource.clear()  # a fresh package: nothing cached by earlier tests
    at = run_app(PAGE)
    assert not at.exception
    assert built == ["seed_text", "seed_notes"]  # the first seed text only: the open one
    at.run()
    at.run()
    assert built == ["seed_text", "seed_notes"]
    at.multiselect(key="w_sector").set_value(["trucks"]).run()
    assert not at.exception
    assert built == ["seed_text", "seed_notes"] * 2
