"""Full-text search over a package: SQLite FTS5, one in-memory index per package.

``index(pkg)`` builds the index once per package (``pkg.memo``): one document per event,
cooperation item, distinct quote, seed-text paragraph, person, organisation, place and
source, both languages' texts in it, with the ``unicode61 remove_diacritics 2`` tokenizer
(case- and accent-insensitive, any script). ``parse(text, index)`` turns whatever a reader
typed into a ``Query`` whose MATCH expression is built only from quoted tokens of letters
and digits, so no input is ever FTS5 syntax (operators, ``*``, ``NEAR(``, unbalanced
quotes) or SQL; the expression is passed as a parameter. Words are prefixes (hélico finds
hélicoptères), "quoted words" a phrase; a word that is an alias or a name of a person,
organisation or place (``aliases.csv``) also finds that entity's other spellings (Kamaz,
КАМАЗ). ``search`` ranks with BM25 and returns the hits of each kind with highlighted
segments; ``matching`` says which events and items a query keeps (the ``q`` filter).
No streamlit here.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from dashboard.core.ids import positions
from dashboard.core.package import Package

TOKENIZER: Final = "unicode61 remove_diacritics 2"
KINDS: Final = ("event", "item", "quote", "seed", "person", "org", "place", "source")
COLUMNS: Final = ("title_en", "title_fr", "body_en", "body_fr", "text")
MAX_QUERY_CHARS: Final = 300  # what is read of the reader's text; the rest is ignored
MAX_TERMS: Final = 12
MAX_ALTERNATIVES: Final = 12  # spellings one word may stand for through aliases
# A prefix standing for at most this many indexed words is searched as those words: FTS5
# merges every word of a "prefix"* for each document it looks at, so the snippets of a
# common prefix took milliseconds each at 100,000 events.
MAX_EXPANSION: Final = 40
MARK_ON: Final = "\x02"  # highlight markers; stripped from the indexed text beforehand
MARK_OFF: Final = "\x03"
ELLIPSIS: Final = "…"
SNIPPET_TOKENS: Final = 18

# A document's rowid says what it is: KIND_BASE * (position of its kind in KINDS) + its row
# in that kind's list. A kind is then a rowid range, which FTS5 reads off its index without
# visiting the stored texts (a filter on a stored column read every matching text).
KIND_BASE: Final = 1 << 40
# Above this many hits of one kind, BM25 ranking (which reads each hit's column sizes) is
# skipped: the hits come in table order and the page says so.
RANK_MAX: Final = 20_000

# The SQL, literal: a query's words only ever go in as a parameter. Columns as COLUMNS;
# BM25 weights per column: a hit in a title counts most.
CREATE_SQL: Final = (
    "CREATE VIRTUAL TABLE docs USING fts5(title_en, title_fr, body_en, body_fr, text, "
    "tokenize='unicode61 remove_diacritics 2')"
)
INSERT_SQL: Final = (
    "INSERT INTO docs(rowid, title_en, title_fr, body_en, body_fr, text) VALUES (?, ?, ?, ?, ?, ?)"
)
VOCAB_SQL: Final = "CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'row')"
# The indexed words that begin with a prefix (a range of the sorted vocabulary).
PREFIX_SQL: Final = "SELECT term FROM vocab WHERE term >= ? AND term < ? LIMIT ?"
COUNT_SQL: Final = "SELECT count(*) FROM docs WHERE docs MATCH ? AND rowid BETWEEN ? AND ?"
RANKED_SQL: Final = (
    "SELECT rowid, bm25(docs, 8, 8, 1, 1, 2) AS s FROM docs "
    "WHERE docs MATCH ? AND rowid BETWEEN ? AND ? ORDER BY s LIMIT ?"
)
FIRST_SQL: Final = (
    "SELECT rowid, 0.0 FROM docs WHERE docs MATCH ? AND rowid BETWEEN ? AND ? "
    "ORDER BY rowid LIMIT ?"
)
ROWIDS_SQL: Final = "SELECT rowid FROM docs WHERE docs MATCH ? AND rowid BETWEEN ? AND ?"
SCORED_SQL: Final = (
    "SELECT rowid, bm25(docs, 8, 8, 1, 1, 2) AS s FROM docs "
    "WHERE docs MATCH ? AND rowid BETWEEN ? AND ? ORDER BY s"
)
# One snippet per column, in COLUMNS order (markers as parameters), of one document (a
# rowid constraint FTS5 uses; "rowid IN (...)" made it read every match).
SNIPPETS_SQL: Final = (
    "SELECT snippet(docs, 0, ?1, ?2, ?3, ?4), snippet(docs, 1, ?1, ?2, ?3, ?4), "
    "snippet(docs, 2, ?1, ?2, ?3, ?4), snippet(docs, 3, ?1, ?2, ?3, ?4), "
    "snippet(docs, 4, ?1, ?2, ?3, ?4) FROM docs WHERE docs MATCH ?5 AND rowid = ?6"
)


def kind_range(kind: str) -> tuple[int, int]:
    """The first and last rowid a document of ``kind`` may have."""
    base = KINDS.index(kind) * KIND_BASE
    return base, base + KIND_BASE - 1


def fold(text: str) -> str:
    """Case and accents removed (as the tokenizer does): Goïta -> goita, État -> etat."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.casefold()


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the tokenizer sees them: runs of letters and digits, folded.
    Everything else (spaces, punctuation, symbols, controls, bidi marks) separates words."""
    out: list[str] = []
    word: list[str] = []
    for ch in fold(text):
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or cat == "Co":
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def _clean(value: object) -> str:
    """A cell as indexed text: empty for missing, control characters (the markers) out."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


# --- the query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word or "phrase" of the query, and the spellings it stands for (itself first)."""

    words: tuple[str, ...]
    phrase: bool  # typed in quotes: exact words, no prefix
    spellings: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Query:
    """What a reader typed, made safe: ``expression`` is an FTS5 MATCH expression of quoted
    tokens only (empty: nothing to search for); ``cut`` says the text was too long."""

    text: str
    terms: tuple[Term, ...]
    cut: bool = False

    @property
    def expression(self) -> str:
        groups = []
        for term in self.terms:
            star = "" if term.phrase else "*"
            alts = [f'"{" ".join(words)}"{star}' for words in term.spellings]
            groups.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        return " AND ".join(groups)

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def words(self) -> frozenset[str]:
        """Every folded word the query may match (its spellings included)."""
        return frozenset(w for term in self.terms for s in term.spellings for w in s)


_PHRASE = re.compile(r'"([^"]*)"')


def _pieces(text: str) -> Iterator[tuple[str, bool]]:
    """(piece, quoted) in order: balanced "..." are phrases; an unbalanced quote is text."""
    pos = 0
    for m in _PHRASE.finditer(text):
        for word in text[pos : m.start()].split():
            yield word, False
        yield m.group(1), True
        pos = m.end()
    for word in text[pos:].split():
        yield word, False


def parse(text: str, aliases: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]]) -> Query:
    """Any text -> a safe ``Query`` (never raises). ``aliases``: folded spelling -> every
    spelling of the same entity (``Index.aliases``). Unquoted words that together spell an
    alias (Рустам Минниханов) are taken as that name."""
    text = str(text)
    cut = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    pieces = [(tuple(tokens(piece)), quoted) for piece, quoted in _pieces(text)]
    pieces = [(words, quoted) for words, quoted in pieces if words]
    longest = max((len(k) for k in aliases), default=1)
    terms: list[Term] = []
    seen: set[tuple[tuple[str, ...], bool]] = set()
    i = 0
    while i < len(pieces) and len(terms) < MAX_TERMS:
        words, quoted = pieces[i]
        step = 1
        if not quoted:  # the longest run of unquoted words that spells an alias
            for n in range(min(longest, len(pieces) - i), 1, -1):
                run = pieces[i : i + n]
                if all(not q for _, q in run):
                    joined = tuple(w for ws, _ in run for w in ws)
                    if joined in aliases:
                        words, step = joined, n
                        break
        i += step
        if (words, quoted) in seen:
            continue
        seen.add((words, quoted))
        spellings = [words]
        for other in aliases.get(words, ()):
            if other not in spellings and len(spellings) < MAX_ALTERNATIVES:
                spellings.append(other)
        terms.append(Term(words, quoted, tuple(spellings)))
    return Query(text, tuple(terms), cut or i < len(pieces))


def expression(idx: Index, query: Query) -> str:
    """``query.expression`` with each one-word prefix replaced by the indexed words it
    begins, when there are few (``MAX_EXPANSION``): the same matches, found faster."""
    groups = []
    for term in query.terms:
        alts: list[str] = []
        for words in term.spellings:
            phrase = " ".join(words)
            if term.phrase:
                alts.append(f'"{phrase}"')
                continue
            if len(words) == 1:
                found = _prefixed(idx, words[0])
                if found is not None:
                    alts.extend(f'"{w}"' for w in found)
                    continue
            alts.append(f'"{phrase}"*')
        alts = list(dict.fromkeys(alts))
        groups.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return " AND ".join(groups)


def _prefixed(idx: Index, prefix: str) -> list[str] | None:
    """The indexed words that begin with ``prefix`` (None: too many to list)."""
    with idx.lock:
        rows = idx.db.execute(
            PREFIX_SQL, (prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1)
        ).fetchall()
    words = [str(r[0]) for r in rows if str(r[0]).isalnum()]
    if len(rows) > MAX_EXPANSION:
        return None
    return words or [prefix]


# --- the index --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A distinct quote (with its notes) and the evidence rows that give it."""

    quote: str
    source_id: str
    evidence_rows: tuple[int, ...]


@dataclass(eq=False)
class Index:
    """The FTS5 index of one package and what maps its documents back to the package."""

    db: sqlite3.Connection
    aliases: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]]
    quotes: Sequence[Quote]
    paragraphs: Sequence[tuple[str, int, str]]  # (source_id, paragraph number, text)
    quote_events: np.ndarray  # per quote document: event rows it is about (ragged: offsets)
    quote_event_offsets: np.ndarray
    quote_items: np.ndarray
    quote_item_offsets: np.ndarray
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.db.close()


def index(pkg: Package) -> Index:
    """The package's search index, built once per package."""
    return pkg.memo.get(build, inputs=(pkg,))


def _alias_map(pkg: Package) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Folded spelling -> every folded spelling of the same entity (names in both
    languages and the aliases of ``aliases.csv``)."""
    spellings: dict[tuple[str, str], list[tuple[str, ...]]] = {}

    def add(entity: tuple[str, str], text: object) -> None:
        words = tuple(tokens(_clean(text)))
        if words and words not in spellings.setdefault(entity, []):
            spellings[entity].append(words)

    aliases = pkg.tables.get("aliases")
    if aliases is None or aliases.empty:
        return {}  # names alone expand nothing
    listed = list(
        zip(
            aliases["entity_type"].tolist(),
            aliases["entity_id"].tolist(),
            aliases["alias"].tolist(),
            strict=True,
        )
    )
    named = {(str(t), str(i)) for t, i, _ in listed}
    for etype, table, key in (
        ("person", "people", "person_id"),
        ("org", "organisations", "org_id"),
        ("place", "places", "place_id"),
    ):
        frame = pkg[table]
        for eid, en, fr in zip(
            frame[key].tolist(), frame["name_en"].tolist(), frame["name_fr"].tolist(), strict=True
        ):
            if (etype, str(eid)) in named:
                add((etype, str(eid)), en)
                add((etype, str(eid)), fr)
    for etype, eid, alias in listed:
        add((str(etype), str(eid)), alias)
    out: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for forms in spellings.values():
        for form in forms:
            merged = out.setdefault(form, [])
            merged.extend(f for f in forms if f != form and f not in merged)
    return {k: tuple(v) for k, v in out.items()}


def _col(frame: pd.DataFrame, name: str) -> list[str]:
    if name not in frame:
        return [""] * len(frame)
    return [_clean(v) for v in frame[name].tolist()]


def _paragraphs(pkg: Package) -> list[tuple[str, int, str]]:
    out = []
    for sid, text in pkg.seed_texts.items():
        number = 0
        for para in re.split(r"\n\s*\n|\n", text):
            if para.strip():
                out.append((sid, number, _clean(para.strip())))
                number += 1
    return out


def _quotes(pkg: Package) -> list[Quote]:
    """The distinct (quote, source) pairs of the evidence, each with the rows that give it."""
    ev = pkg["evidence"]
    rows: dict[tuple[str, str], list[int]] = {}
    for i, (quote, source) in enumerate(
        zip(ev["quote"].tolist(), ev["source_id"].tolist(), strict=True)
    ):
        text = _clean(quote)
        if text:
            rows.setdefault((text, str(source)), []).append(i)
    return [Quote(q, s, tuple(r)) for (q, s), r in rows.items()]


def _ragged(groups: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(g) for g in groups], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.concatenate(groups).astype(np.int64) if groups else np.zeros(0, np.int64)
    return flat, offsets


def build(pkg: Package) -> Index:
    """Build the index: every document of the package, in one in-memory FTS5 table."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute(CREATE_SQL)
    db.execute(VOCAB_SQL)
    insert = INSERT_SQL

    def rows(kind: str, n: int, *cols: Iterable[str]) -> Iterator[tuple[object, ...]]:
        base = kind_range(kind)[0]
        return zip(range(base, base + n), *cols, strict=True)

    ev = pkg["events"]
    db.executemany(
        insert,
        rows(
            "event",
            len(ev),
            _col(ev, "title_en"),
            _col(ev, "title_fr"),
            _col(ev, "summary_en"),
            _col(ev, "summary_fr"),
            [""] * len(ev),
        ),
    )
    co = pkg["cooperation"]
    db.executemany(
        insert,
        rows(
            "item",
            len(co),
            _col(co, "topic_en"),
            _col(co, "topic_fr"),
            _col(co, "summary_en"),
            _col(co, "summary_fr"),
            [""] * len(co),
        ),
    )
    quotes = _quotes(pkg)
    evidence = pkg["evidence"]
    notes_en, notes_fr = _col(evidence, "note_en"), _col(evidence, "note_fr")
    db.executemany(
        insert,
        (
            (
                kind_range("quote")[0] + i,
                "",
                "",
                notes_en[q.evidence_rows[0]],
                notes_fr[q.evidence_rows[0]],
                q.quote,
            )
            for i, q in enumerate(quotes)
        ),
    )
    paragraphs = _paragraphs(pkg)
    seed_base = kind_range("seed")[0]
    db.executemany(
        insert, ((seed_base + i, "", "", "", "", p[2]) for i, p in enumerate(paragraphs))
    )
    alias_text = _alias_text(pkg)
    for kind, table, key, body in (
        ("person", "people", "person_id", "role"),
        ("org", "organisations", "org_id", "description"),
        ("place", "places", "place_id", None),
    ):
        frame = pkg[table]
        ids = frame[key].astype(str).tolist()
        extra = [alias_text.get((kind, i), "") for i in ids]
        if kind == "place":
            extra = [f"{e} {c}".strip() for e, c in zip(extra, _col(frame, "city"), strict=True)]
        db.executemany(
            insert,
            rows(
                kind,
                len(frame),
                _col(frame, "name_en"),
                _col(frame, "name_fr"),
                _col(frame, f"{body}_en") if body else [""] * len(frame),
                _col(frame, f"{body}_fr") if body else [""] * len(frame),
                extra,
            ),
        )
    src = pkg["sources"]
    described = [
        " · ".join(p for p in parts if p)
        for parts in zip(_col(src, "title"), _col(src, "outlet"), _col(src, "author"), strict=True)
    ]
    db.executemany(
        insert,
        rows(
            "source",
            len(src),
            described,
            [""] * len(src),
            _col(src, "note"),
            [""] * len(src),
            _col(src, "url"),
        ),
    )
    db.commit()
    # What each quote document is about, as rows of the events and of the items.
    is_event = (evidence["subject_type"] == "event").to_numpy(dtype=bool)
    at_event = positions(ev["event_id"], evidence["subject_id"])
    at_item = positions(co["item_id"], evidence["subject_id"])
    ev_groups, it_groups = [], []
    for q in quotes:
        r = np.asarray(q.evidence_rows, dtype=np.int64)
        e, i = at_event[r], at_item[r]
        ev_groups.append(e[is_event[r] & (e >= 0)])
        it_groups.append(i[~is_event[r] & (i >= 0)])
    qe, qe_off = _ragged(ev_groups)
    qi, qi_off = _ragged(it_groups)
    return Index(db, _alias_map(pkg), quotes, paragraphs, qe, qe_off, qi, qi_off)


def _alias_text(pkg: Package) -> dict[tuple[str, str], str]:
    aliases = pkg.tables.get("aliases")
    if aliases is None or aliases.empty:
        return {}
    out: dict[tuple[str, str], list[str]] = {}
    for etype, eid, alias in zip(
        aliases["entity_type"].tolist(),
        aliases["entity_id"].tolist(),
        aliases["alias"].tolist(),
        strict=True,
    ):
        out.setdefault((str(etype), str(eid)), []).append(_clean(alias))
    return {k: " · ".join(v) for k, v in out.items()}


# --- searching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of a snippet; ``hit``: a matched word, to be highlighted."""

    text: str
    hit: bool = False


@dataclass(frozen=True)
class Hit:
    kind: str
    row: int  # the document's row in its own list (events, items, ``Index.quotes``…)
    score: float  # BM25, lower is better
    column: str  # the column the snippet comes from
    snippet: tuple[Segment, ...]


@dataclass(frozen=True)
class Found:
    """A query's answer: hits per kind (best first, at most ``limit`` each) and counts."""

    query: Query
    counts: Mapping[str, int]
    hits: Mapping[str, tuple[Hit, ...]]
    unranked: frozenset[str] = frozenset()  # kinds with too many hits to rank: table order

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def segments(marked: str) -> tuple[Segment, ...]:
    """Text with MARK_ON/MARK_OFF around matched words -> segments."""
    out: list[Segment] = []
    for i, part in enumerate(re.split(f"[{MARK_ON}{MARK_OFF}]", marked)):
        if part:
            out.append(Segment(part, hit=i % 2 == 1))
    return tuple(out)


def _order(lang: str, kind: str) -> tuple[str, ...]:
    """Columns in the order a snippet is taken from: the reader's language first (for a
    quote, the quote itself, then its note)."""
    other = "fr" if lang == "en" else "en"
    if kind in ("quote", "seed"):
        return ("text", f"body_{lang}", f"body_{other}", f"title_{lang}", f"title_{other}")
    return (f"title_{lang}", f"body_{lang}", "text", f"title_{other}", f"body_{other}")


def search(
    idx: Index,
    query: Query,
    lang: str = "en",
    limit: int = 20,
    kinds: Sequence[str] = KINDS,
    allowed: Mapping[str, np.ndarray] | None = None,
) -> Found:
    """The best ``limit`` hits of each kind (BM25; in table order above ``RANK_MAX`` hits)
    and the count of each kind. ``allowed``: per kind, a boolean mask over its rows (the
    other filters); hits outside it are left out."""
    nothing = Found(query, {k: 0 for k in kinds}, {k: () for k in kinds})
    if query.is_empty:
        return nothing
    expr = expression(idx, query)
    counts: dict[str, int] = {}
    hits: dict[str, tuple[Hit, ...]] = {}
    unranked: set[str] = set()
    with idx.lock:
        try:
            for kind in kinds:
                lo, hi = kind_range(kind)
                mask = None if allowed is None else allowed.get(kind)
                if mask is None:
                    counts[kind] = idx.db.execute(COUNT_SQL, (expr, lo, hi)).fetchone()[0]
                    if counts[kind] > RANK_MAX:
                        unranked.add(kind)
                    sql = FIRST_SQL if kind in unranked else RANKED_SQL
                    best = idx.db.execute(sql, (expr, lo, hi, limit)).fetchall()
                else:
                    best = _allowed_hits(idx, expr, kind, mask, limit, counts, unranked)
                hits[kind] = _snippets(idx, expr, best, lang, kind)
        except sqlite3.Error:  # never expected (the expression is quoted tokens): no match
            return nothing
    return Found(query, counts, hits, frozenset(unranked))


def _allowed_hits(
    idx: Index,
    expr: str,
    kind: str,
    mask: np.ndarray,
    limit: int,
    counts: dict[str, int],
    unranked: set[str],
) -> list[tuple[int, float]]:
    """The best hits of ``kind`` among the rows ``mask`` keeps (and their count)."""
    lo, hi = kind_range(kind)
    total = idx.db.execute(COUNT_SQL, (expr, lo, hi)).fetchone()[0]
    if total > RANK_MAX:  # table order: the rowids alone, then the mask
        found = np.fromiter(
            (r[0] for r in idx.db.execute(ROWIDS_SQL, (expr, lo, hi))), dtype=np.int64
        )
        scored = None
    else:
        scored = idx.db.execute(SCORED_SQL, (expr, lo, hi)).fetchall()
        found = np.array([r[0] for r in scored], dtype=np.int64)
    rows = found - lo
    keep = (rows >= 0) & (rows < len(mask))
    keep[keep] = mask[rows[keep]]
    counts[kind] = int(keep.sum())
    if scored is None:
        if counts[kind] > RANK_MAX:
            unranked.add(kind)
        return [(int(r), 0.0) for r in np.sort(found[keep])[:limit]]
    return [(int(r), float(v)) for (r, v), k in zip(scored, keep, strict=True) if k][:limit]


def _snippets(
    idx: Index, expr: str, best: Sequence[tuple[int, float]], lang: str, kind: str
) -> tuple[Hit, ...]:
    if not best:
        return ()
    by_id = {}
    for rowid, _ in best:
        got = idx.db.execute(
            SNIPPETS_SQL, (MARK_ON, MARK_OFF, ELLIPSIS, SNIPPET_TOKENS, expr, rowid)
        ).fetchone()
        if got is not None:
            by_id[rowid] = got
    base = kind_range(kind)[0]
    out = []
    for rowid, score in best:
        texts = by_id.get(rowid, ("",) * len(COLUMNS))
        shown = [(c, texts[COLUMNS.index(c)]) for c in _order(lang, kind)]
        column, text = next(
            ((c, t) for c, t in shown if t and MARK_ON in t),
            next(((c, t) for c, t in shown if t), shown[0]),  # matched in a column not shown
        )
        out.append(Hit(kind, int(rowid - base), float(score), column, segments(text)))
    return tuple(out)


def matching(pkg: Package, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over ``pkg["events"]`` and ``pkg["cooperation"]``: what the query
    ``text`` keeps (the ``q`` filter). An event or item matches through its own text or a
    quote or note of its evidence. Once per query (evicted with the views)."""
    idx = index(pkg)
    expr = expression(idx, parse(text, idx.aliases))
    return pkg.memo.get(_matching, expr, view=("q", expr), inputs=(pkg,))


def _matching(pkg: Package, expression: str) -> tuple[np.ndarray, np.ndarray]:
    idx = index(pkg)
    events = np.zeros(len(pkg["events"]), dtype=bool)
    items = np.zeros(len(pkg["cooperation"]), dtype=bool)
    if not expression:
        return events, items
    with idx.lock:
        try:
            found = {
                kind: np.fromiter(
                    (r[0] for r in idx.db.execute(ROWIDS_SQL, (expression, *kind_range(kind)))),
                    dtype=np.int64,
                )
                - kind_range(kind)[0]
                for kind in ("event", "item", "quote")
            }
        except sqlite3.Error:
            return events, items
    events[found["event"]] = True
    items[found["item"]] = True
    for q in found["quote"].tolist():
        events[idx.quote_events[idx.quote_event_offsets[q] : idx.quote_event_offsets[q + 1]]] = True
        items[idx.quote_items[idx.quote_item_offsets[q] : idx.quote_item_offsets[q + 1]]] = True
    return events, items
