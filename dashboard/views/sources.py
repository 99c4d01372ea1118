"""The Sources page's pure side: evidence quotes located in the seed texts, and the tables.

``find_quote`` locates a quote the way ``validate`` checks it (``validate.normalise``: folded
typographic quotes, dashes and spaces, case), then maps the match back to offsets in the
*original* text. ``segments`` cuts a text at every quote boundary, so overlapping or nested
quotes become runs that each list every evidence id covering them. ``markdown`` turns those
runs into Streamlit markdown, passing every text piece through the caller's ``escape``
(``ui.md``): the only markup in the result is the one this module writes.

The table builders (``source_table``, ``evidence_list``, ``external_table``,
``corroboration_table``, ``conflict_table``) return frames with translated values, ready to
show. No streamlit here.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.filters import of_subjects
from dashboard.core.ids import as_series, isin, rows_where
from dashboard.core.package import Package
from dashboard.core.quotes import _QUOTE_SPACE, _SPACE, _TYPOGRAPHIC, normalise
from dashboard.present.i18n import col, format_date, format_month, format_number, format_span, t

MAX_QUOTES = 300  # highlighted per document; more would bury the text (say so on the page)
MAX_ROWS = 1000  # rows of each table built for the page
MAX_CONFLICTS = 50  # disagreements shown side by side

# One character of a normalised text, with the span of original text it came from.
_Char = tuple[str, int, int]


@dataclass(frozen=True)
class Span:
    """Where one evidence quote sits in a seed text (original offsets, end exclusive)."""

    evidence_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same evidence (none for plain text).

    ``ending`` lists the evidence whose quote ends with this run (where its marker goes).
    """

    text: str
    evidence_ids: tuple[str, ...] = ()
    ending: tuple[str, ...] = ()


# --- normalisation with an offset map ------------------------------------------------------


def _sub(chars: list[_Char], pattern: re.Pattern[str], keep: Callable[[str], int]) -> list[_Char]:
    """Replace each match of ``pattern`` by one character of it (``keep(match) -> index``)."""
    text = "".join(c for c, _, _ in chars)
    out: list[_Char] = []
    pos = 0
    for m in pattern.finditer(text):
        out.extend(chars[pos : m.start()])
        first, last = chars[m.start()], chars[m.end() - 1]
        ch = m.group()[keep(m.group())]
        out.append((" " if ch.isspace() else ch, first[1], last[2]))
        pos = m.end()
    out.extend(chars[pos:])
    return out


def normalise_with_offsets(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``validate.normalise(text)`` and, per character of it, its span in ``text``."""
    chars: list[_Char] = []
    i, n = 0, len(text)
    while i < n:  # NFC one base character with its combining marks at a time
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]).translate(_TYPOGRAPHIC):
            chars.append((ch, i, j))
        i = j
    chars = _sub(chars, _QUOTE_SPACE, lambda s: s.index('"'))
    chars = _sub(chars, _SPACE, lambda s: 0)
    while chars and chars[0][0].isspace():
        chars.pop(0)
    while chars and chars[-1][0].isspace():
        chars.pop()
    folded = [(c, s, e) for ch, s, e in chars for c in ch.casefold()]
    return "".join(c for c, _, _ in folded), [(s, e) for _, s, e in folded]


class _Finder:
    """One text, normalised once, searched for many quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.haystack, self.offsets = normalise_with_offsets(text)
        self.exact = self.haystack == normalise(text)  # else the map missed a case
        self.found: dict[str, tuple[int, int] | None] = {}

    def find(self, quote: str) -> tuple[int, int] | None:
        if quote not in self.found:
            self.found[quote] = self._find(quote)
        return self.found[quote]

    def _find(self, quote: str) -> tuple[int, int] | None:
        needle, text = normalise(quote), self.text
        if not needle:
            return None
        if not self.exact:  # fall back to an exact search
            at = text.find(quote)
            return (at, at + len(quote)) if at >= 0 else None
        at = self.haystack.find(needle)
        if at < 0:
            return None
        start, end = self.offsets[at][0], self.offsets[at + len(needle) - 1][1]
        # A folded quote mark carries the spaces around it: keep them out of the span.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text`` (first occurrence), matched as ``validate`` does."""
    return _Finder(text).find(quote)


def locate(text: str, quotes: Iterable[tuple[str, str]]) -> tuple[list[Span], list[str]]:
    """Spans of (evidence_id, quote) pairs in ``text``, in reading order; and the ids of
    quotes not found. The text is normalised once, each distinct quote searched once."""
    finder = _Finder(text)
    found: list[Span] = []
    missing: list[str] = []
    for evidence_id, quote in quotes:
        where = finder.find(quote)
        if where is None:
            missing.append(evidence_id)
        else:
            found.append(Span(evidence_id, *where))
    found.sort(key=lambda s: (s.start, -s.end, s.evidence_id))
    return found, missing


def numbering(spans: Sequence[Span]) -> dict[str, int]:
    """Footnote numbers 1, 2, … in reading order."""
    return {s.evidence_id: i for i, s in enumerate(spans, start=1)}


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """``text`` cut into runs; each run lists every evidence covering it (reading order).

    One sweep over the quote boundaries: at each cut, quotes ending there leave the active
    set and quotes starting there join it.
    """
    rank = {s.evidence_id: i for i, s in enumerate(sorted(spans, key=lambda s: (s.start, s.end)))}
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for sp in spans:
        starts.setdefault(sp.start, []).append(sp.evidence_id)
        ends.setdefault(sp.end, []).append(sp.evidence_id)
    cuts = sorted({0, len(text), *starts, *ends})
    active: set[str] = set()
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    for a, b in itertools.pairwise(cuts):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        ids = tuple(sorted(active, key=rank.__getitem__))
        if runs and runs[-1][2] == ids:
            runs[-1] = (runs[-1][0], b, ids)
        else:
            runs.append((a, b, ids))
    return [
        Segment(
            text[a:b],
            ids,
            tuple(sorted((e for e in ends.get(b, ()) if e in ids), key=rank.__getitem__)),
        )
        for a, b, ids in runs
    ]


def lines(segs: Sequence[Segment]) -> list[list[Segment]]:
    """The runs split at line breaks; blank lines dropped, each line stripped."""
    out: list[list[Segment]] = [[]]
    for seg in segs:
        parts = seg.text.split("\n")
        marked = max((k for k, p in enumerate(parts) if p.strip()), default=len(parts) - 1)
        for k, part in enumerate(parts):
            if k:
                out.append([])
            if part or (k == marked and seg.ending):
                out[-1].append(Segment(part, seg.evidence_ids, seg.ending if k == marked else ()))
    kept = []
    for line in out:
        if not "".join(s.text for s in line).strip():
            continue
        line[0] = Segment(line[0].text.lstrip(), line[0].evidence_ids, line[0].ending)
        line[-1] = Segment(line[-1].text.rstrip(), line[-1].evidence_ids, line[-1].ending)
        kept.append([s for s in line if s.text or s.ending])
    return kept


def markdown(
    segs: Sequence[Segment], numbers: Mapping[str, int], escape: Callable[[str], str]
) -> str:
    """Streamlit markdown for a highlighted text: one paragraph per line of the text.

    A quoted run is shown on a blue background (in bold where several quotes overlap) and a
    marker ``[n]`` follows the end of each quote. Every piece of text goes through
    ``escape``.
    """
    paragraphs = []
    for line in lines(segs):
        out = []
        for seg in line:
            text = seg.text.replace("\t", " ")
            if not seg.evidence_ids:
                out.append(escape(text))
            elif text.strip():
                lead = " " if text[:1].isspace() else ""
                trail = " " if text[-1:].isspace() else ""
                inner = escape(text.strip())
                if len(seg.evidence_ids) > 1:
                    inner = f"**{inner}**"
                out.append(f"{lead}:blue-background[{inner}]{trail}")
            out.extend(f":blue[**\\[{numbers[e]}\\]**]" for e in seg.ending if e in numbers)
        paragraphs.append("".join(out))
    return "\n\n".join(paragraphs)


# --- what the view shows -------------------------------------------------------------------

# The tables of the whole package that ``views.conflicts`` and ``views.corroboration`` give
# (``filters.of_subjects`` keys).
CONFLICTS = "views.conflicts"
CORROBORATION = "views.corroboration"
# The evidence columns the Sources page reads (not the notes: copying them cost a third of
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


# --- display helpers ----------------------------------------------------------------------


def _text(value: object) -> str:
    return value if isinstance(value, str) and value.strip() else ""


def published_text(value: object, lang: str) -> str:
    """'2025-06' -> 'June 2025'; 'unknown' or empty -> 'not stated'."""
    s = _text(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return format_date(date.fromisoformat(s), lang)
        if re.fullmatch(r"\d{4}-\d{2}", s):
            return format_month(date.fromisoformat(s + "-01"), lang)
    except ValueError:
        return s
    if re.fullmatch(r"\d{4}", s):
        return s
    return t("sources_not_stated", lang)


def language_name(code: object, lang: str) -> str:
    s = _text(code)
    if not s:
        return t("sources_not_stated", lang)
    key = f"sources_language_{s}"
    try:
        return t(key, lang)
    except ValueError:
        return s


def claim_text(claim: object, value: object, lang: str) -> str:
    """A claimed value for display: dates spelled out, statuses translated."""
    v = _text(value)
    if claim == "date":
        return published_text(v, lang) if v else ""
    if claim == "status":
        try:
            return t(f"sources_status_{v}", lang)
        except ValueError:
            return v
    if claim == "count" and v.isdigit():
        return format_number(int(v), lang)
    return v


def claim_name(claim: object, lang: str) -> str:
    s = _text(claim)
    try:
        return t(f"sources_claim_{s}", lang)
    except ValueError:
        return s


def source_names(pkg: Package, lang: str) -> dict[str, str]:
    """source_id -> its outlet, or 'Unnamed outlet (id)' (as ``ui.labels``)."""
    out = {}
    for sid, outlet in zip(pkg["sources"]["source_id"], pkg["sources"]["outlet"], strict=True):
        out[str(sid)] = _text(outlet) or t("source_unnamed", lang, id=str(sid))
    return out


def _about(
    pkg: Package,
    frame: pd.DataFrame,
    key: str,
    event_ids: Collection[str],
    item_ids: Collection[str],
) -> pd.Series:
    """Rows of ``frame`` (subject_type, subject_id) about the given events or items;
    ``key`` names the whole table of the package it is (``filters.of_subjects``)."""
    return pd.Series(of_subjects(pkg, frame, key, event_ids, item_ids), index=frame.index)


def _head(frame: pd.DataFrame, keep: pd.Series, limit: int | None) -> pd.DataFrame:
    """The first ``limit`` rows of ``frame`` where ``keep`` holds (all when None), without
    copying the other kept rows first."""
    rows = np.flatnonzero(keep.to_numpy(dtype=bool))
    return frame.iloc[rows if limit is None else rows[:limit]]


def _index(pkg: Package, table: str, key: str) -> pd.Index:
    """``pkg[table][key]`` as an index, to find rows by id."""
    index: pd.Index = pd.Index(pkg[table][key])
    return index


def _rows(
    pkg: Package,
    table: str,
    key: str,
    ids: Iterable[object],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of ``pkg[table]`` whose ``key`` (a primary key) is one of ``ids``, in table
    order, with only ``columns`` when given: looked up in an index built once per package
    rather than by scanning a million rows for a few hundred ids, and copying only the
    columns read (each column of a million rows costs its own take)."""
    frame = pkg[table]
    index: pd.Index = pkg.memo.get(_index, table, key, inputs=(pkg,))
    picked = frame if columns is None else frame[list(columns)]
    if not index.is_unique:  # not a valid package; slower, same answer
        return picked[isin(frame[key], ids)]
    pos = index.get_indexer(pd.Index(as_series(ids).dropna().unique()))
    return picked.iloc[np.sort(pos[pos >= 0])]


def subject_labels(
    pkg: Package, lang: str, ids: Collection[str] | None = None
) -> dict[tuple[str, str], str]:
    """(subject_type, id) -> event title or cooperation topic in ``lang`` (only for ``ids``
    when given)."""
    ev, coop = pkg["events"], pkg["cooperation"]
    if ids is not None:
        wanted = as_series(ids)
        ev, coop = (
            _rows(pkg, "events", "event_id", wanted, ["event_id", col("title", lang)]),
            _rows(pkg, "cooperation", "item_id", wanted, ["item_id", col("topic", lang)]),
        )
    out = {
        ("event", str(k)): str(v)
        for k, v in zip(ev["event_id"], ev[col("title", lang)], strict=True)
    }
    out.update(
        {
            ("item", str(k)): str(v)
            for k, v in zip(coop["item_id"], coop[col("topic", lang)], strict=True)
        }
    )
    return out


def safe_url(value: object) -> str | None:
    """The address when it is an http(s) link, else None (no javascript:, data:, …)."""
    s = _text(value).strip()
    return s if re.match(r"^https?://[^\s]+$", s, flags=re.IGNORECASE) else None


# --- tables -------------------------------------------------------------------------------


def source_table(
    pkg: Package, cited: Mapping[str, int], lang: str, kinds: Collection[str] = ()
) -> pd.DataFrame:
    """One row per source of the given kinds (all when none): name, kind, outlet, author,
    date, language, title, link, and ``n_cited``, how many of its quotes and values the view
    shows (``cited``: source_id -> count). Sources cited most come first (then by id).

    Empty values read 'not stated'; ``title_given`` says whether the source has a title.
    """
    src = pkg["sources"]
    if kinds:
        src = src[src["kind"].isin(set(kinds))]
    names = source_names(pkg, lang)
    ns = t("sources_not_stated", lang)
    rows = [
        {
            "source_id": r["source_id"],
            "name": names[str(r["source_id"])],
            "kind": t(f"source_kind_{r['kind']}", lang),
            "outlet": _text(r["outlet"]) or ns,
            "author": _text(r["author"]) or ns,
            "published": published_text(r["published"], lang),
            "language": language_name(r["language"], lang),
            "title": _text(r["title"]) or ns,
            "title_given": bool(_text(r["title"])),
            "url": safe_url(r["url"]),
            "n_cited": int(cited.get(str(r["source_id"]), 0)),
        }
        for r in src.to_dict("records")
    ]
    columns = [
        "source_id",
        "name",
        "kind",
        "outlet",
        "author",
        "published",
        "language",
        "title",
        "title_given",
        "url",
        "n_cited",
    ]
    out = pd.DataFrame(rows, columns=columns).sort_values("source_id")
    return out.sort_values("n_cited", ascending=False, kind="stable").reset_index(drop=True)


def unused_claims(conflicts: pd.DataFrame) -> frozenset[tuple[str, str, str]]:
    """(subject_id, claim, value) of every disputed value the dataset does not use."""
    rejected = conflicts[~conflicts["resolved"].astype(bool)]
    return frozenset(
        (str(s), str(c), str(v))
        for s, c, v in zip(
            rejected["subject_id"], rejected["claim"], rejected["claimed_value"], strict=True
        )
    )


def evidence_list(
    pkg: Package,
    evidence: pd.DataFrame,
    numbers: Mapping[str, int],
    lang: str,
    unused: Collection[tuple[str, str, str]] = frozenset(),
) -> pd.DataFrame:
    """The footnotes under a seed text: n, what the quote supports (with its date) and the
    value it states, flagged when the dataset does not use it (``unused_claims``); in
    number order."""
    labels = subject_labels(pkg, lang, evidence["subject_id"])
    events = _rows(
        pkg,
        "events",
        "event_id",
        evidence["subject_id"],
        ["event_id", "start", "end", "date_precision"],
    )
    spans = {
        str(e): format_span(s, f, str(p), lang)
        for e, s, f, p in zip(
            events["event_id"],
            events["start"],
            events["end"],
            events["date_precision"],
            strict=True,
        )
    }
    rows = []
    fields = ["evidence_id", "subject_type", "subject_id", "claim", "claimed_value"]
    for r in evidence[fields].to_dict("records"):
        eid = str(r["evidence_id"])
        if eid not in numbers:
            continue
        stype, sid = str(r["subject_type"]), str(r["subject_id"])
        when = spans.get(sid, "") if stype == "event" else ""
        kind = t("sources_subject_item", lang) if stype == "item" else ""
        states = claim_text(r["claim"], r["claimed_value"], lang)
        if states and (sid, str(r["claim"]), str(r["claimed_value"])) in unused:
            states += " " + t("sources_states_unused", lang)
        rows.append(
            {
                "n": numbers[eid],
                "evidence_id": eid,
                "subject_type": stype,
                "subject_id": sid,
                "label": labels.get((stype, sid), sid),
                "when": when or kind,
                "states": f"{claim_name(r['claim'], lang)}: {states}" if states else "",
            }
        )
    out = pd.DataFrame(
        rows, columns=["n", "evidence_id", "subject_type", "subject_id", "label", "when", "states"]
    )
    return out.sort_values("n").reset_index(drop=True)


def external_table(
    pkg: Package, evidence: pd.DataFrame, lang: str, limit: int | None = None
) -> pd.DataFrame:
    """Evidence from external references (the first ``limit``): source, what it supports,
    quote, value stated, language, link."""
    src = pkg["sources"]
    external = src[src["kind"] == "external"].set_index("source_id")
    ext = _head(evidence, isin(evidence["source_id"], external.index), limit)
    names = source_names(pkg, lang)
    labels = subject_labels(pkg, lang, ext["subject_id"])
    ns = t("sources_no_quote", lang)
    # Per source once (``.at`` per row: 60 ms for a thousand rows).
    languages = {str(k): language_name(v, lang) for k, v in external["language"].items()}
    urls = {str(k): safe_url(v) for k, v in external["url"].items()}
    fields = ["source_id", "subject_type", "subject_id", "quote", "claim", "claimed_value"]
    rows = [
        {
            "source": names[str(r["source_id"])],
            "supports": labels.get(
                (str(r["subject_type"]), str(r["subject_id"])), str(r["subject_id"])
            ),
            "quote": _text(r["quote"]) or ns,
            "states": claim_text(r["claim"], r["claimed_value"], lang),
            "language": languages[str(r["source_id"])],
            "url": urls[str(r["source_id"])],
        }
        for r in ext[fields].to_dict("records")
    ]
    return pd.DataFrame(rows, columns=["source", "supports", "quote", "states", "language", "url"])


def corroboration_table(
    pkg: Package,
    corroboration: pd.DataFrame,
    event_ids: Collection[str],
    item_ids: Collection[str],
    lang: str,
    limit: int | None = None,
) -> pd.DataFrame:
    """Facts backed by two or more independent sources (rows of ``views.corroboration``)
    among the selected events and items (the first ``limit``): fact, type, independent
    sources, sources."""
    kept = _head(
        corroboration, _about(pkg, corroboration, CORROBORATION, event_ids, item_ids), limit
    )
    names = source_names(pkg, lang)
    labels = subject_labels(pkg, lang, kept["subject_id"])
    rows = [
        {
            "subject_type": r["subject_type"],
            "subject_id": r["subject_id"],
            "fact": labels.get((r["subject_type"], r["subject_id"]), r["subject_id"]),
            "type": t(f"sources_subject_{r['subject_type']}", lang),
            "n_independent": int(r["n_independent"]),
            "n_sources": int(r["n_sources"]),
            "sources": ", ".join(names.get(s, s) for s in r["source_ids"]),
        }
        for r in kept.to_dict("records")
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "subject_type",
            "subject_id",
            "fact",
            "type",
            "n_independent",
            "n_sources",
            "sources",
        ],
    )


def conflict_table(
    pkg: Package,
    conflicts: pd.DataFrame,
    event_ids: Collection[str],
    item_ids: Collection[str],
    lang: str,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per claimed value of each disagreement among the selected events and items
    (rows of ``views.conflicts``; the first ``limit`` disagreements): fact, claim, value,
    sources, independent count, whether the dataset uses it, and the reason."""
    kept = conflicts[_about(pkg, conflicts, CONFLICTS, event_ids, item_ids)]
    if limit is not None:  # whole disagreements: the first ``limit`` (subject, claim) pairs
        pairs = kept[["subject_type", "subject_id", "claim"]].drop_duplicates().head(limit)
        kept = kept.merge(pairs, on=["subject_type", "subject_id", "claim"])
    names = source_names(pkg, lang)
    labels = subject_labels(pkg, lang, kept["subject_id"])
    rows = [
        {
            "subject_type": r["subject_type"],
            "subject_id": r["subject_id"],
            "fact": labels.get((r["subject_type"], r["subject_id"]), r["subject_id"]),
            "claim": claim_name(r["claim"], lang),
            "value": claim_text(r["claim"], r["claimed_value"], lang),
            "sources": ", ".join(names.get(s, s) for s in r["source_ids"]),
            "n_independent": int(r["n_independent"]),
            "resolved": bool(r["resolved"]),
            "reason": _text(r.get(col("reason", lang))),
        }
        for r in kept.to_dict("records")
    ]
    out = pd.DataFrame(
        rows,
        columns=[
            "subject_type",
            "subject_id",
            "fact",
            "claim",
            "value",
            "sources",
            "n_independent",
            "resolved",
            "reason",
        ],
    )
    return out.sort_values(
        ["subject_id", "claim", "resolved", "n_independent"], ascending=[True, True, False, False]
    ).reset_index(drop=True)


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
    count = t("sources_independent_n", lang, n=side["n_independent"])
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
    hidden: int = 0  # quotes beyond the limit, not highlighted

    @functools.cached_property
    def event_labels(self) -> dict[str, str]:
        """event_id -> '[n] title', n its first footnote (built once: a page asks per option)."""
        first = self.notes.drop_duplicates("subject_id")
        return {
            str(e): f"[{n}] {label}"
            for e, n, label in zip(first["subject_id"], first["n"], first["label"], strict=True)
        }


def seed_text(view: SeedView, escape: Callable[[str], str]) -> str:
    """``markdown`` of the view's text, built once per view and escaper (views are cached
    per set of filters and never change, so a rerun need not rebuild the text)."""
    return _memo(view, ("text", escape), lambda: markdown(view.segments, view.numbers, escape))


def seed_notes(view: SeedView, title: str, escape: Callable[[str], str]) -> str:
    """``notes_markdown`` of the view's footnotes, built once per view, title and escaper."""
    return _memo(view, ("notes", title, escape), lambda: notes_markdown(view.notes, title, escape))


def _memo(view: SeedView, key: Hashable, make: Callable[[], str]) -> str:
    memo: dict[Hashable, str] = view.__dict__.setdefault("_rendered", {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


@functools.lru_cache(maxsize=16)
def _finder(text: str) -> _Finder:
    return _Finder(text)


def locate_frame(text: str, evidence: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``locate`` for many evidence rows at once (columns evidence_id, quote): each distinct
    quote searched once. Returns the rows found with start/end, in reading order, and the
    ids of those not found."""
    finder = _finder(text)
    codes, quotes = pd.factorize(evidence["quote"], use_na_sentinel=False)
    where = np.array(
        [finder.find(q if isinstance(q, str) else "") or (-1, -1) for q in quotes], dtype=int
    ).reshape(-1, 2)
    start, end = where[codes, 0], where[codes, 1]
    ids = evidence["evidence_id"].astype(str).reset_index(drop=True)
    hit = start >= 0
    missing = ids[~hit].tolist()
    # Reading order: start, the longer quote first, then the id. The ids are sorted once
    # and the integer keys stably after them (a three-key sort_values took 25 ms a seed at
    # a million events).
    at = np.flatnonzero(hit)
    by_id = at[np.asarray(ids.iloc[at].argsort(kind="stable"))]
    order = by_id[np.lexsort((-end[by_id], start[by_id]))]
    found = pd.DataFrame(
        {
            "evidence_id": ids.iloc[order].reset_index(drop=True),
            "start": start[order],
            "end": end[order],
        }
    )
    return found, missing


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
    the dataset does not use (rows of ``views.conflicts``) are flagged in the footnotes."""
    text = pkg.seed_texts.get(source_id, "")
    ev = evidence[evidence["source_id"] == source_id]
    found, missing = locate_frame(text, ev)
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
    return SeedView(
        tuple(segments(text, shown)),
        numbers,
        tuple(missing),
        notes,
        events,
        len(found) - len(shown),
    )


def seed_notices(view: SeedView, lang: str) -> list[str]:
    """What the page must say about a seed text: quotes beyond the limit, quotes not found
    (impossible in a package that passed validation)."""
    out = []
    if view.hidden:
        total = view.hidden + len(view.numbers)
        out.append(t("sources_quotes_capped", lang, n=len(view.numbers), total=total))
    if view.missing:
        out.append(t("sources_missing", lang, n=len(view.missing), ids=", ".join(view.missing)))
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
    """'n of N sources cite what this view shows: s seed document(s), e external…'."""
    n = int((table["n_cited"] > 0).sum())
    return t("sources_count", lang, n=n, total=total, seeds=seeds, external=n - seeds)


def takeaway(corroboration: pd.DataFrame, lang: str) -> str:
    """The written takeaway of the corroboration table ('' when it is empty)."""
    if corroboration.empty:
        return ""
    top = corroboration.iloc[0]
    return t(
        "sources_corroboration_takeaway",
        lang,
        n=len(corroboration),
        fact=top["fact"],
        k=top["n_independent"],
    )


# --- what the Sources page shows, one part at a time ---------------------------------------
# Each part is computed when its tab or fold first shows: at a million events the page's
# parts all together took 263 ms for a new view, half of it the three seed texts, of which
# only the first is open by default (docs/performance.md, "The Sources page by parts").


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
    total = int(_about(pkg, corroboration, CORROBORATION, query.event_ids, query.item_ids).sum())
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
