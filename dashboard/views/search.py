"""The Search page's computation: a query's hits grouped by kind, in the reader's language,
each with a highlighted snippet (segments, never HTML) and where it opens. No streamlit here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dashboard.core import search
from dashboard.core.filters import Selection, printable
from dashboard.core.package import Package
from dashboard.core.search import Segment
from dashboard.present.i18n import as_lang, format_number, t
from dashboard.present.labels import labels, plural
from dashboard.views.sources import seed_span

# Kinds in the order the page shows them.
KINDS = search.KINDS
PER_KIND = 10  # hits shown per kind; the count says how many there are
CONTEXT_CHARS = 220  # of the seed text shown on each side of a quote
MAX_ABOUT = 5  # subjects named for a quote; the others are counted


@dataclass(frozen=True)
class Target:
    """Where a hit opens: a page (its URL path), its tab (None: the page's first) and the
    filters to set there (URL keys; None clears one)."""

    page: str
    tab: str | None = None
    changes: Mapping[str, str | list[str] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    kind: str
    ref: str  # the id of what was found (an event id, a source id…)
    title: str
    snippet: tuple[Segment, ...]
    target: Target
    context: tuple[Segment, ...] = ()  # a quote's passage in its seed text, quote marked
    about: str = ""  # what a quote supports
    in_title: bool = False  # the snippet is the title itself (highlighted)


@dataclass(frozen=True)
class Group:
    kind: str
    count: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Results:
    text: str  # the query as read (cut when too long)
    empty_query: bool  # nothing searchable was typed (only punctuation, say)
    cut: bool
    groups: tuple[Group, ...]
    filtered: bool  # the other filters narrowed events, items and quotes
    unranked: frozenset[str] = frozenset()  # kinds with too many hits to rank (table order)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def _allowed(pkg: Package, idx: search.Index, selection: Selection) -> dict[str, np.ndarray]:
    """Per kind, the rows the other filters keep: events, items, and quotes about them."""
    ev_rows = selection.event_rows
    it_rows = selection.item_rows
    events = (
        ev_rows
        if ev_rows is not None
        else pkg["events"]["event_id"].isin(selection.event_ids).to_numpy(dtype=bool)
    )
    items = (
        it_rows
        if it_rows is not None
        else pkg["cooperation"]["item_id"].isin(selection.item_ids).to_numpy(dtype=bool)
    )
    quotes = np.zeros(len(idx.quotes), dtype=bool)
    for q in range(len(idx.quotes)):
        e = idx.quote_events[idx.quote_event_offsets[q] : idx.quote_event_offsets[q + 1]]
        i = idx.quote_items[idx.quote_item_offsets[q] : idx.quote_item_offsets[q + 1]]
        quotes[q] = bool(events[e].any() or items[i].any())
    return {"event": events, "item": items, "quote": quotes}


def results(
    pkg: Package,
    text: str,
    lang: str,
    selection: Selection | None = None,
    per_kind: int = PER_KIND,
) -> Results:
    """The hits of ``text`` (any input: it is read as words, never as syntax), limited to
    the events and items of ``selection`` when given (the other filters)."""
    idx = search.index(pkg)
    query = search.parse(text, idx.aliases)
    narrowed = selection is not None and (
        len(selection.event_ids) < len(pkg["events"])
        or len(selection.item_ids) < len(pkg["cooperation"])
    )
    allowed = _allowed(pkg, idx, selection) if narrowed and selection is not None else None
    found = search.search(idx, query, lang, per_kind, allowed=allowed)
    names = pkg.memo.get(labels, as_lang(lang), inputs=(pkg,))  # shared with ui.labels
    groups = []
    for kind in KINDS:
        count = found.counts.get(kind, 0)
        if count:
            hits = tuple(_hit(pkg, idx, h, names, lang) for h in found.hits.get(kind, ()))
            groups.append(Group(kind, count, hits))
    return Results(query.text, query.is_empty, query.cut, tuple(groups), narrowed, found.unranked)


def _hit(
    pkg: Package,
    idx: search.Index,
    h: search.Hit,
    names: Mapping[str, Mapping[str, str]],
    lang: str,
) -> Hit:
    hit = _plain_hit(pkg, idx, h, names, lang)
    return replace(hit, in_title=h.column.startswith("title_"))


def _plain_hit(
    pkg: Package,
    idx: search.Index,
    h: search.Hit,
    names: Mapping[str, Mapping[str, str]],
    lang: str,
) -> Hit:
    snippet = h.snippet
    if h.kind == "event":
        eid = str(pkg["events"]["event_id"].iloc[h.row])
        return Hit("event", eid, names["event"].get(eid, eid), snippet,
                   Target("timeline", None, {"event": eid}))  # fmt: skip
    if h.kind == "item":
        row = pkg["cooperation"].iloc[h.row]
        iid = str(row["item_id"])
        return Hit("item", iid, names["item"].get(iid, iid), snippet, Target("sectors", "items"))
    if h.kind == "quote":
        return _quote_hit(pkg, idx, h, names, lang)
    if h.kind == "seed":
        sid, _, _ = idx.paragraphs[h.row]
        return Hit("seed", sid, names["source"].get(sid, sid), snippet, Target("sources", "seeds"))
    if h.kind in ("person", "org", "place"):
        table, key = {
            "person": ("people", "person_id"),
            "org": ("organisations", "org_id"),
            "place": ("places", "place_id"),
        }[h.kind]
        ref = str(pkg[table][key].iloc[h.row])
        if h.kind == "place":
            target = Target("map", None, {"place": [ref], "q": None})
        else:
            target = Target("timeline", None, {"actor": [ref], "q": None})
        return Hit(h.kind, ref, names[h.kind].get(ref, ref), snippet, target)
    src = pkg["sources"].iloc[h.row]
    sid = str(src["source_id"])
    tab = "seeds" if src["kind"] == "seed" else "list"
    return Hit("source", sid, names["source"].get(sid, sid), snippet, Target("sources", tab))


def _quote_hit(
    pkg: Package,
    idx: search.Index,
    h: search.Hit,
    names: Mapping[str, Mapping[str, str]],
    lang: str,
) -> Hit:
    quote = idx.quotes[h.row]
    sid = quote.source_id
    ev = pkg["evidence"]
    rows = list(quote.evidence_rows[:MAX_ABOUT])
    subjects = list(
        zip(
            ev["subject_type"].take(rows).astype(str).tolist(),
            ev["subject_id"].take(rows).astype(str).tolist(),
            strict=True,
        )
    )
    about = [names[kind].get(ref, ref) for kind, ref in subjects]
    if len(quote.evidence_rows) > MAX_ABOUT:
        about.append(t("search_more", lang, n=len(quote.evidence_rows) - MAX_ABOUT))
    focus = next((ref for kind, ref in subjects if kind == "event"), None)
    if focus is None:  # an item's quote: focus the item's event
        items = pkg["cooperation"]
        for _, ref in subjects:
            got = items.loc[items["item_id"] == ref, "event_id"]
            if len(got) and isinstance(got.iloc[0], str):
                focus = got.iloc[0]
                break
    text = pkg.seed_texts.get(sid)
    context: tuple[Segment, ...] = ()
    if text:
        context = pkg.memo.get(_passage_of, sid, quote.quote, inputs=(pkg,))
        target = Target("sources", "seeds", {"event": focus} if focus else {})
    else:
        target = Target("sources", "external", {"event": focus} if focus else {})
    shown_about = plural("search_about", len(quote.evidence_rows), lang, what="; ".join(about))
    return Hit("quote", sid, names["source"].get(sid, sid), h.snippet, target, context, shown_about)


def _passage_of(pkg: Package, source_id: str, quote: str) -> tuple[Segment, ...]:
    return passage(pkg.seed_texts.get(source_id, ""), seed_span(pkg, source_id, quote))


def passage(
    text: str, span: tuple[int, int] | None, around: int = CONTEXT_CHARS
) -> tuple[Segment, ...]:
    """The quote at ``span`` of its seed text (``sources.seed_span``), with up to ``around``
    characters each side (cut at a line break or a word), the quote marked as a hit; ()
    when it is not found."""
    if span is None:
        return ()
    start, end = span
    lo = max(0, start - around)
    hi = min(len(text), end + around)
    lo = max(lo, text.rfind("\n", 0, start) + 1)
    brk = text.find("\n", end)
    if brk != -1:
        hi = min(hi, brk)
    before, after = text[lo:start], text[end:hi]
    if lo > 0 and text[lo - 1] != "\n":
        before = "…" + before.split(" ", 1)[-1]
    if hi < len(text) and text[hi] != "\n":
        after = after.rsplit(" ", 1)[0] + "…"
    out = [Segment(before), Segment(text[start:end], hit=True), Segment(after)]
    return tuple(s for s in out if s.text)


def snippet_text(segments: Sequence[Segment]) -> str:
    """A snippet as plain text, matched words in [brackets] (for the command line)."""
    return "".join(f"[{s.text}]" if s.hit else s.text for s in segments)


def as_json(found: Results) -> dict[str, object]:
    """The results as plain data (the command line's ``--format json``)."""
    return {
        "query": found.text,
        "total": found.total,
        "cut": found.cut,
        "groups": [
            {
                "kind": g.kind,
                "count": g.count,
                "hits": [
                    {
                        "id": h.ref,
                        "title": h.title,
                        "snippet": [{"text": s.text, "hit": s.hit} for s in h.snippet],
                        "context": [{"text": s.text, "hit": s.hit} for s in h.context],
                        "about": h.about,
                        "open": {
                            "page": h.target.page,
                            "tab": h.target.tab,
                            "filters": dict(h.target.changes),
                        },
                    }
                    for h in g.hits
                ],
            }
            for g in found.groups
        ],
    }


def command(pkg: Package, text: str, lang: str, fmt: str, per_kind: int) -> int:
    """``python -m dashboard search``: print the hits; exit 1 when nothing matches."""
    found = results(pkg, text, lang, per_kind=per_kind)
    if fmt == "json":
        print(json.dumps(as_json(found), ensure_ascii=False, indent=1))
        return 0 if found.total else 1
    if not found.groups:
        key = "search_empty_query" if found.empty_query else "search_no_match"
        print(t(key, lang, q=printable(found.text, 80)))
        return 1
    print(plural("search_total", found.total, lang, q=printable(found.text, 80)))
    for g in found.groups:
        print(f"\n{t(f'search_kind_{g.kind}', lang)} · {format_number(g.count, lang)}")
        for h in g.hits:
            print(f"  - {printable(h.title, 100)} [{h.kind}:{h.ref}]")
            print(f"    {printable(snippet_text(h.snippet), 300)}")
    return 0
