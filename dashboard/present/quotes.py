"""Evidence quotes located in a text, and the text cut and marked up around them.

``QuoteFinder`` locates a quote the way validation checks it (``core.normalise.normalise``:
folded typographic quotes, dashes and spaces, case), then maps the match back to offsets in
the *original* text; ``spans_frame`` does so for a frame of evidence rows, each distinct
quote once. ``segments`` cuts a text at every quote boundary, so overlapping or
nested quotes become runs that each list every evidence id covering them. ``markdown`` turns
those runs into Streamlit markdown, passing every text piece through the caller's ``escape``
(``ui.md``): the only markup in the result is the one this module writes.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.core.normalise import _QUOTE_SPACE, _SPACE, _TYPOGRAPHIC, normalise

# One character of a normalised text, with the span of original text it came from.
_Char = tuple[str, int, int]


@dataclass(frozen=True)
class Span:
    """Where one evidence quote sits in a text (original offsets, end exclusive)."""

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
    furniture: bool = False  # the captured page's furniture, not the article (shown apart)


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
    """``normalise(text)`` and, per character of it, its span in ``text``."""
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


class QuoteFinder:
    """One text, normalised once, searched for many quotes. It never changes once built,
    so one finder can serve every session (``views.sources.seed_finder``)."""

    __slots__ = ("exact", "haystack", "offsets", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.haystack, self.offsets = normalise_with_offsets(text)
        self.exact = self.haystack == normalise(text)  # else the map missed a case

    def find(self, quote: str) -> tuple[int, int] | None:
        """The span of ``quote`` in the text (first occurrence), or None."""
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

    def locate(self, quotes: Iterable[tuple[str, str]]) -> tuple[list[Span], list[str]]:
        """Spans of (evidence_id, quote) pairs, in reading order; and the ids of quotes not
        found. Each distinct quote is searched once."""
        where: dict[str, tuple[int, int] | None] = {}
        found: list[Span] = []
        missing: list[str] = []
        for evidence_id, quote in quotes:
            if quote not in where:
                where[quote] = self.find(quote)
            span = where[quote]
            if span is None:
                missing.append(evidence_id)
            else:
                found.append(Span(evidence_id, *span))
        found.sort(key=lambda s: (s.start, -s.end, s.evidence_id))
        return found, missing


def spans_frame(
    evidence: pd.DataFrame, find: Callable[[str], tuple[int, int] | None]
) -> tuple[pd.DataFrame, list[str]]:
    """``locate`` for many evidence rows at once (columns evidence_id, quote), ``find``
    giving the span of a quote: each distinct quote looked up once. Returns the rows found
    with start/end, in reading order, and the ids of those not found."""
    codes, quotes = pd.factorize(evidence["quote"], use_na_sentinel=False)
    where = np.array(
        [find(q if isinstance(q, str) else "") or (-1, -1) for q in quotes], dtype=int
    ).reshape(-1, 2)
    start, end = where[codes, 0], where[codes, 1]
    ids = evidence["evidence_id"].astype(str).reset_index(drop=True)
    hit = start >= 0
    missing = ids[~hit].tolist()
    # Reading order: start, the longer quote first, then the id. The ids are sorted once
    # and the integer keys stably after them (cheaper than a three-key sort_values at a
    # million events).
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


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text`` (first occurrence), matched as validation does."""
    return QuoteFinder(text).find(quote)


def locate(text: str, quotes: Iterable[tuple[str, str]]) -> tuple[list[Span], list[str]]:
    """``QuoteFinder(text).locate(quotes)``: the text is normalised once."""
    return QuoteFinder(text).locate(quotes)


def locate_frame(text: str, evidence: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``spans_frame`` of ``evidence`` in ``text``: the text is normalised once."""
    return spans_frame(evidence, QuoteFinder(text).find)


# --- the text cut at the quotes -------------------------------------------------------------


def numbering(spans: Sequence[Span]) -> dict[str, int]:
    """Footnote numbers 1, 2, … in reading order."""
    return {s.evidence_id: i for i, s in enumerate(spans, start=1)}


def segments(
    text: str, spans: Sequence[Span], furniture: Sequence[tuple[int, int]] = ()
) -> list[Segment]:
    """``text`` cut into runs; each run lists every evidence covering it (reading order) and
    says whether it lies in one of the ``furniture`` spans (start, end exclusive): the page
    around the article, which validation keeps apart from every quote.

    One sweep over the quote boundaries: at each cut, quotes ending there leave the active
    set and quotes starting there join it.
    """
    rank = {s.evidence_id: i for i, s in enumerate(sorted(spans, key=lambda s: (s.start, s.end)))}
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for sp in spans:
        starts.setdefault(sp.start, []).append(sp.evidence_id)
        ends.setdefault(sp.end, []).append(sp.evidence_id)
    bounds = [(max(0, a), min(len(text), b)) for a, b in furniture if a < b]
    cuts = sorted({0, len(text), *starts, *ends, *(x for ab in bounds for x in ab)})
    active: set[str] = set()
    runs: list[tuple[int, int, tuple[str, ...], bool]] = []
    for a, b in itertools.pairwise(cuts):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        ids = tuple(sorted(active, key=rank.__getitem__))
        chrome = any(x <= a and b <= y for x, y in bounds)
        if runs and runs[-1][2] == ids and runs[-1][3] == chrome:
            runs[-1] = (runs[-1][0], b, ids, chrome)
        else:
            runs.append((a, b, ids, chrome))
    return [
        Segment(
            text[a:b],
            ids,
            tuple(sorted((e for e in ends.get(b, ()) if e in ids), key=rank.__getitem__)),
            chrome,
        )
        for a, b, ids, chrome in runs
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
                out[-1].append(
                    Segment(
                        part, seg.evidence_ids, seg.ending if k == marked else (), seg.furniture
                    )
                )
    kept = []
    for line in out:
        if not "".join(s.text for s in line).strip():
            continue
        line[0] = replace(line[0], text=line[0].text.lstrip())
        line[-1] = replace(line[-1], text=line[-1].text.rstrip())
        kept.append([s for s in line if s.text or s.ending])
    return kept


def markdown(
    segs: Sequence[Segment], numbers: Mapping[str, int], escape: Callable[[str], str]
) -> str:
    """Streamlit markdown for a highlighted text: one paragraph per line of the text.

    A quoted run is shown on a blue background (in bold where several quotes overlap) and a
    marker ``[n]`` follows the end of each quote; the page's furniture is grey and small.
    Every piece of text goes through ``escape``.
    """
    paragraphs = []
    for line in lines(segs):
        out = []
        for seg in line:
            text = seg.text.replace("\t", " ")
            if seg.furniture and text.strip():
                out.append(f":small[:gray[{escape(text.strip())}]]")
            elif not seg.evidence_ids:
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
