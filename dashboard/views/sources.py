"""What the Sources page shows for one view of the filters, in one language.

- ``evidence_in_view``: the evidence rows about the view (``SourcesQuery.evidence``);
- ``sources_view``: the sources citing it and the seed documents among them;
- ``seed_view``: one seed document with the view's quotes located (``present.quotes``),
  numbered and footnoted; ``seed_text`` / ``seed_notes`` its markdown;
- ``external_part``, ``corroboration_part``, ``conflicts_part``: the other tabs' tables
  (built in ``views.sources_tables``), each cut at a limit;
- the page's sentences: counts, notices, takeaways.

Each part is computed apart, when its tab or fold first shows (``app_pages/sources.py``).
No streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core.filters import of_subjects
from dashboard.core.ids import isin, rows_where
from dashboard.core.package import Package
from dashboard.present.i18n import format_number, t
from dashboard.present.labels import plural
from dashboard.present.quotes import (
    QuoteFinder,
    Segment,
    Span,
    markdown,
    numbering,
    segments,
    spans_frame,
)
from dashboard.views.sources_tables import (
    CONFLICTS,
    CORROBORATION,
    about,
    conflict_table,
    corroboration_table,
    evidence_list,
    external_table,
    source_table,
    unused_claims,
)

MAX_QUOTES = 300  # highlighted per document; more would bury the text (say so on the page)
MAX_ROWS = 1000  # rows of each table built for the page
MAX_CONFLICTS = 50  # disagreements shown side by side

# The evidence columns the Sources page reads (not the notes: copying them costs a third of
# the view's evidence rows at a million events).
EVIDENCE_COLUMNS = (
    "evidence_id",
    "source_id",
    "subject_type",
    "subject_id",
    "quote",
    "claim",
    "claimed_value",
)


def evidence_in_view(
    pkg: Package,
    event_ids: Collection[str],
    item_ids: Collection[str],
    event: str | None = None,
    kinds: Collection[str] = (),
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Evidence rows about the selected events and items (narrowed to one event and the
    items that came up at it, when one is selected), from sources of the given kinds;
    only ``columns`` of them when given."""
    ev = pkg["evidence"]
    keep = pd.Series(of_subjects(pkg, ev, "evidence", event_ids, item_ids), index=ev.index)
    if event is not None:
        is_event = ev["subject_type"] == "event"
        coop = pkg["cooperation"]
        at_event = set(coop.loc[coop["event_id"] == event, "item_id"])
        keep &= (is_event & (ev["subject_id"] == event)) | (
            ~is_event & ev["subject_id"].isin(at_event)
        )
    if kinds:
        src = pkg["sources"]
        keep &= ev["source_id"].isin(set(src.loc[src["kind"].isin(set(kinds)), "source_id"]))
    return rows_where(ev, keep, columns)


# --- markdown for the page (every data-derived piece through ``escape``) --------------------


def notes_markdown(notes: pd.DataFrame, title: str, escape: Callable[[str], str]) -> str:
    """The footnotes under a seed text: '- [n] → title · date · value stated'."""
    lines = [f"**{escape(title)}**", ""]
    for r in notes.to_dict("records"):
        text = " · ".join(x for x in (r["label"], r["when"], r["states"]) if x)
        lines.append(f"- **\\[{r['n']}\\]** → {escape(text)}")
    return "\n".join(lines)


def conflict_side_markdown(side: Mapping[Any, Any], lang: str, escape: Callable[[str], str]) -> str:
    """One claimed value of a disagreement: the value, used or not, its sources."""
    used = bool(side["resolved"])
    badge = (
        f":green-badge[:material/check: {escape(t('sources_used', lang))}]"
        if used
        else f":gray-badge[:material/close: {escape(t('sources_not_used', lang))}]"
    )
    count = plural("sources_independent_n", int(side["n_independent"]), lang)
    value = escape(str(side["value"]))
    return f"#### {value}\n\n{badge}\n\n{escape(str(side['sources']) + ' · ' + count)}"


# --- one seed document as the page shows it -----------------------------------------------


@dataclass(frozen=True)
class SeedView:
    """A seed text with the quotes of the view located and numbered, and their footnotes."""

    segments: tuple[Segment, ...]
    numbers: Mapping[str, int]
    missing: tuple[str, ...]
    notes: pd.DataFrame  # evidence_list rows
    events: tuple[str, ...]  # the events its quotes support, in footnote order
    # subject_id -> '[n] title', n its first footnote: the labels of the event choice
    event_labels: Mapping[str, str]
    hidden: int = 0  # quotes beyond the limit, not highlighted


def seed_finder(pkg: Package, source_id: str) -> QuoteFinder:
    """The seed text of ``source_id`` ready to be searched (empty when it has none)."""
    return QuoteFinder(pkg.seed_texts.get(source_id, ""))


def seed_span(pkg: Package, source_id: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` sits in the seed text of ``source_id`` (None: not in it)."""
    return pkg.memo.get(seed_finder, source_id, inputs=(pkg,)).find(quote)


def furniture_of(pkg: Package, source_id: str) -> list[tuple[int, int]]:
    """The spans of a seed's text that are the captured page's furniture (``seed_furniture``:
    "top of page", a rating widget, a subscription box…), to show apart from the article."""
    if "seed_furniture" not in pkg.tables:
        return []
    f = pkg["seed_furniture"]
    f = f[f["source_id"] == source_id]
    return [(int(a), int(b)) for a, b in zip(f["start"], f["end"], strict=True)]


def seed_view(
    pkg: Package,
    source_id: str,
    evidence: pd.DataFrame,
    lang: str,
    conflicts: pd.DataFrame | None = None,
    limit: int = MAX_QUOTES,
) -> SeedView:
    """The seed document ``source_id`` with the quotes of ``evidence`` (rows of
    ``evidence_in_view``) that come from it, the first ``limit`` in reading order; values
    the dataset does not use (rows of ``derived.conflicts``) are flagged in the footnotes."""

    # The text is normalised, and each quote searched, once per package: a new view only
    # looks its quotes up.
    def find(quote: str) -> tuple[int, int] | None:
        return pkg.memo.get(seed_span, source_id, quote, inputs=(pkg,))

    ev = evidence[evidence["source_id"] == source_id]
    found, missing = spans_frame(ev, find)
    shown = [
        Span(e, int(a), int(b))
        for e, a, b in zip(
            found["evidence_id"][:limit],
            found["start"][:limit],
            found["end"][:limit],
            strict=True,
        )
    ]
    numbers = numbering(shown)
    unused = unused_claims(conflicts) if conflicts is not None else frozenset()
    notes = evidence_list(pkg, ev[isin(ev["evidence_id"], numbers)], numbers, lang, unused)
    events = tuple(dict.fromkeys(notes.loc[notes["subject_type"] == "event", "subject_id"]))
    first = notes.drop_duplicates("subject_id")
    event_labels = {
        str(e): f"[{n}] {label}"
        for e, n, label in zip(first["subject_id"], first["n"], first["label"], strict=True)
    }
    return SeedView(
        segments=tuple(
            segments(pkg.seed_texts.get(source_id, ""), shown, furniture_of(pkg, source_id))
        ),
        numbers=numbers,
        missing=tuple(missing),
        notes=notes,
        events=events,
        event_labels=event_labels,
        hidden=len(found) - len(shown),
    )


def seed_text(view: SeedView, escape: Callable[[str], str]) -> str:
    """The view's text as markdown: quotes highlighted and numbered (``quotes.markdown``)."""
    return markdown(view.segments, view.numbers, escape)


def seed_notes(view: SeedView, title: str, escape: Callable[[str], str]) -> str:
    """The view's footnotes as markdown under ``title`` (``notes_markdown``)."""
    return notes_markdown(view.notes, title, escape)


def seed_notices(view: SeedView, lang: str) -> list[str]:
    """What the page must say about a seed text: quotes beyond the limit, quotes not found
    (impossible in a package that passed validation)."""
    out = []
    if view.hidden:
        total = view.hidden + len(view.numbers)
        out.append(t("sources_quotes_capped", lang, n=len(view.numbers), total=total))
    if view.missing:
        ids = ", ".join(view.missing)
        out.append(plural("sources_missing", len(view.missing), lang, ids=ids))
    return out


def focus_label(view: SeedView, lang: str, limit: int) -> str:
    """The label of the event choice under a seed text (says when it is cut)."""
    if len(view.events) > limit:
        return t("sources_focus_capped", lang, n=limit)
    return t("sources_focus", lang)


def meta_text(row: Mapping[Any, Any], lang: str) -> str:
    """'Outlet: … · Author: … · Published: … · Language: … · kind' from a source_table row."""
    keys = ("outlet", "author", "published", "language", "kind")
    return t("sources_meta_line", lang, **{k: row[k] for k in keys})


def count_text(table: pd.DataFrame, seeds: int, total: int, lang: str) -> str:
    """'n of N sources cite what this view shows: s seed documents, e external references'."""
    n = int((table["n_cited"] > 0).sum())
    return plural(
        "sources_count",
        n,
        lang,
        total=format_number(total, lang),
        seeds=plural("sources_n_seeds", seeds, lang),
        external=plural("sources_n_external", n - seeds, lang),
    )


def takeaway(corroboration: pd.DataFrame, lang: str) -> str:
    """The written takeaway of the corroboration table ('' when it is empty)."""
    if corroboration.empty:
        return ""
    top = corroboration.iloc[0]
    return plural(
        "sources_corroboration_takeaway",
        len(corroboration),
        lang,
        fact=top["fact"],
        k=top["n_independent"],
    )


# --- what the Sources page shows, one part at a time ---------------------------------------


@dataclass(frozen=True)
class SourcesQuery:
    """One view of the Sources page: the events and items the filters keep, the selected
    event, the source kinds chosen (none: every kind)."""

    event_ids: Collection[str]
    item_ids: Collection[str]
    event: str | None = None
    kinds: Collection[str] = ()

    def evidence(self, pkg: Package) -> pd.DataFrame:
        """The evidence rows about the view (``evidence_in_view``), the columns parts read."""
        return evidence_in_view(
            pkg, self.event_ids, self.item_ids, self.event, self.kinds, EVIDENCE_COLUMNS
        )

    def at_event(self, conflicts: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``views.conflicts`` about the selected event (all when none is)."""
        return conflicts if self.event is None else conflicts[conflicts["subject_id"] == self.event]


@dataclass(frozen=True)
class SourcesView:
    """What every tab of the Sources page shares for one view and language."""

    sources: pd.DataFrame  # source_table rows, sources of the chosen kinds
    seeds: pd.DataFrame  # the seed documents citing the view, by id
    summary: str  # count_text: how many sources cite the view


@dataclass(frozen=True)
class Cut:
    """A table cut at a limit, and how many rows (or disagreements) there are in all."""

    rows: pd.DataFrame
    total: int


def sources_view(
    pkg: Package, query: SourcesQuery, evidence: pd.DataFrame, lang: str
) -> SourcesView:
    """The sources of the chosen kinds with how often the view's ``evidence`` (rows of
    ``query.evidence``) cites each, and the seed documents among them."""
    cited = {str(k): int(v) for k, v in evidence["source_id"].value_counts().items()}
    table = source_table(pkg, cited, lang, query.kinds)
    shown = table["source_id"].isin(pkg.seed_texts.keys()) & (table["n_cited"] > 0)
    seeds = table[shown].sort_values("source_id").reset_index(drop=True)
    summary = count_text(table, len(seeds), len(pkg["sources"]), lang)
    return SourcesView(sources=table, seeds=seeds, summary=summary)


def external_part(pkg: Package, evidence: pd.DataFrame, lang: str) -> Cut:
    """The first ``MAX_ROWS`` rows of ``external_table`` of the view's ``evidence``."""
    src = pkg["sources"]
    external = src.loc[src["kind"] == "external", "source_id"]
    total = int(isin(evidence["source_id"], external).sum())
    return Cut(external_table(pkg, evidence, lang, MAX_ROWS), total)


def corroboration_part(
    pkg: Package, query: SourcesQuery, corroboration: pd.DataFrame, lang: str
) -> Cut:
    """The first ``MAX_ROWS`` facts of ``corroboration_table`` (``corroboration``: the rows
    of ``views.corroboration`` for the whole package)."""
    total = int(about(pkg, corroboration, CORROBORATION, query.event_ids, query.item_ids).sum())
    rows = corroboration_table(pkg, corroboration, query.event_ids, query.item_ids, lang, MAX_ROWS)
    return Cut(rows, total)


def conflicts_part(pkg: Package, query: SourcesQuery, conflicts: pd.DataFrame, lang: str) -> Cut:
    """The first ``MAX_CONFLICTS`` disagreements of ``conflict_table`` about the view, of
    the selected event only if one is (``conflicts``: ``views.conflicts`` of the package);
    ``total`` counts disagreements (subject, claim), not rows."""
    about = of_subjects(pkg, conflicts, CONFLICTS, query.event_ids, query.item_ids)  # all rows
    if query.event is not None:
        about &= (conflicts["subject_id"] == query.event).to_numpy(dtype=bool)
    total = len(conflicts[about][["subject_id", "claim"]].drop_duplicates())
    scoped = query.at_event(conflicts)
    rows = conflict_table(pkg, scoped, query.event_ids, query.item_ids, lang, MAX_CONFLICTS)
    return Cut(rows, total)
