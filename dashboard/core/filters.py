"""The shared filters as a pure, frozen object over URL pairs.

``parse(params, options)`` turns query-string pairs into a ``FilterState`` and a list of
``Notice`` for every value it had to drop; ``to_query(state)`` turns it back into pairs (ids
and ISO dates, never translated labels); ``apply(state, pkg)`` says which events and
cooperation items the filters keep. No streamlit here.

Policy for missing values, one line each so a reader sees it at once:
- sector: an event matches if one of its sectors is selected or is a child of a selected
  parent; an event with no sector is dropped while a sector filter is active.
- dates: an event matches if its span [start, end] overlaps the range. An event whose day is
  uncertain (month or range precision) is kept while it *may* fall inside the range.
- place: an event matches if it happened at a selected place or, for a selected city, at
  any place in that city; an event with no place is dropped while a place filter is active.
- actor: an event matches if a selected person or organisation took part in it.
- source: an event matches if at least one of its sources is of a selected kind.
- cooperation items follow their sector, and their event for the other filters.
- q (a search): an event or item matches if its text, or a quote or note of its evidence,
  matches the words (``search.matching``); the other filters apply too (AND).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from dashboard.core import model, search
from dashboard.core.ids import IdSet, isin, member_rows, positions, rows_where
from dashboard.core.package import Package

KEYS = ("q", "sector", "dates", "place", "actor", "source", "lang", "event")
PAGE_KEYS = ("tab",)  # URL keys a page reads itself (ui.TabSet), not filters: no notice here
MULTI_KEYS = ("sector", "place", "actor", "source")
MAX_VALUES = 50  # more repeated values than any real view needs
MAX_VALUE_LENGTH = 100
MAX_QUERY_LENGTH = 200  # a search's words: more is cut, with a notice
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Notice:
    """A URL value that was dropped, and why (a key into the label catalogue)."""

    key: str
    value: str
    reason: str  # unknown | bad_date | reversed | out_of_range | too_long | too_many

    @property
    def shown_value(self) -> str:
        return printable(self.value)


def printable(value: str, limit: int = 40) -> str:
    """A value cut short and stripped of control, format (bidi) and private characters."""
    if value.isprintable():  # no C* or Z* character but the space: nothing to strip (C speed)
        kept = value
    else:
        kept = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


@dataclass(frozen=True)
class Options:
    """What the filters may hold, derived once from a package."""

    sectors: tuple[str, ...]
    children: Mapping[str, tuple[str, ...]]
    places: tuple[str, ...]
    people: tuple[str, ...]
    organisations: tuple[str, ...]
    source_kinds: tuple[str, ...]
    events: tuple[str, ...]
    first_day: date
    last_day: date

    @property
    def actors(self) -> tuple[str, ...]:
        return self.people + self.organisations

    @functools.cached_property
    def event_set(self) -> frozenset[str]:
        """The event ids as a set, built once (a package may hold a million events)."""
        return frozenset(self.events)

    @classmethod
    def from_package(cls, pkg: Package) -> Options:
        sectors = pkg["sectors"].sort_values("sort_order")
        children: dict[str, list[str]] = {}
        for sid, parent in zip(sectors["sector_id"], sectors["parent_id"], strict=True):
            if not pd.isna(parent):
                children.setdefault(str(parent), []).append(str(sid))
        events = pkg["events"]
        first = events["start"].min() if len(events) else pd.Timestamp("2000-01-01")
        last = events["end"].max() if len(events) else first
        return cls(
            sectors=tuple(sectors["sector_id"]),
            children={k: tuple(v) for k, v in children.items()},
            places=tuple(pkg["places"]["place_id"]),
            people=tuple(pkg["people"]["person_id"]),
            organisations=tuple(pkg["organisations"]["org_id"]),
            source_kinds=model.SOURCE_KINDS,
            events=tuple(events.sort_values(["start", "event_id"])["event_id"]),
            first_day=first.date(),
            last_day=last.date(),
        )


@dataclass(frozen=True)
class FilterState:
    sectors: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    lang: str | None = None
    event: str | None = None
    q: str | None = None  # the search words, as typed (cut to MAX_QUERY_LENGTH)

    @property
    def is_empty(self) -> bool:
        """No filter narrows the data (language and selected event aside)."""
        return self == FilterState(lang=self.lang, event=self.event)

    def cleared(self) -> FilterState:
        """Reset filters: everything cleared but the language."""
        return FilterState(lang=self.lang)

    def with_(self, **changes: object) -> FilterState:
        return replace(self, **changes)  # type: ignore[arg-type]


def _values(params: Mapping[str, Sequence[str] | str], key: str) -> list[str]:
    raw = params.get(key, [])
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def _pick(
    key: str,
    values: Iterable[str],
    allowed: Sequence[str],
    notices: list[Notice],
    known: Collection[str] | None = None,
) -> tuple[str, ...]:
    known = set(allowed) if known is None else known
    kept: list[str] = []
    for i, v in enumerate(values):
        if i >= MAX_VALUES:
            notices.append(Notice(key, v, "too_many"))
            break
        if len(v) > MAX_VALUE_LENGTH:
            notices.append(Notice(key, v, "too_long"))
        elif v not in known:
            if v.strip():
                notices.append(Notice(key, v, "unknown"))
        elif v not in kept:
            kept.append(v)
    if len(kept) < 2:
        return tuple(kept)
    # Keep the package's order so the same view always gives the same URL.
    order = {v: i for i, v in enumerate(allowed)}
    return tuple(sorted(kept, key=order.__getitem__))


def _parse_dates(
    values: list[str], options: Options, notices: list[Notice]
) -> tuple[date | None, date | None]:
    if not values:
        return None, None
    shown = "..".join(values)[: MAX_VALUE_LENGTH + 10]
    if len(values) != 2:
        notices.append(Notice("dates", shown, "bad_date"))
        return None, None
    parsed: list[date] = []
    for v in values:
        if len(v) > MAX_VALUE_LENGTH or not _ISO_DATE.match(v):
            notices.append(Notice("dates", shown, "bad_date"))
            return None, None
        try:
            parsed.append(date.fromisoformat(v))
        except ValueError:
            notices.append(Notice("dates", shown, "bad_date"))
            return None, None
    start, end = parsed
    if end < start:
        notices.append(Notice("dates", shown, "reversed"))
        return None, None
    if end < options.first_day or start > options.last_day:
        notices.append(Notice("dates", shown, "out_of_range"))
        return None, None
    # A range reaching past the package's days keeps the same events once cut to them (an
    # older link, made when the data had earlier dates); the date picker accepts no other.
    return max(start, options.first_day), min(end, options.last_day)


def clean_q(value: object) -> str | None:
    """Search words as kept in the state: control and bidi characters out, spaces trimmed,
    cut to ``MAX_QUERY_LENGTH``; None when nothing is left."""
    if not isinstance(value, str):
        return None
    kept = printable(value, limit=MAX_QUERY_LENGTH + 1).strip()
    if len(kept) > MAX_QUERY_LENGTH:
        kept = kept[:MAX_QUERY_LENGTH].strip()
    return kept or None


def _parse_q(values: list[str], notices: list[Notice]) -> str | None:
    if not values:
        return None
    if len(values[0]) > MAX_QUERY_LENGTH:
        notices.append(Notice("q", values[0], "too_long"))
    return clean_q(values[0])


def parse(
    params: Mapping[str, Sequence[str] | str], options: Options
) -> tuple[FilterState, list[Notice]]:
    """URL pairs -> a valid state, and a notice for every value dropped. Never raises."""
    notices: list[Notice] = []
    for key in params:
        if key not in KEYS and key not in PAGE_KEYS:
            notices.append(Notice(str(key)[:MAX_VALUE_LENGTH], "", "unknown_key"))
    date_from, date_to = _parse_dates(_values(params, "dates"), options, notices)
    for single in ("lang", "event", "q"):
        extra = _values(params, single)[1:]
        if extra:  # one value only: say that the others were ignored
            notices.append(Notice(single, extra[0], "too_many"))
    lang_values = _values(params, "lang")
    lang = None
    if lang_values:
        if lang_values[0] in ("en", "fr"):
            lang = lang_values[0]
        else:
            notices.append(Notice("lang", lang_values[0], "unknown"))
    event_values = _values(params, "event")
    event = None
    if event_values:
        picked = _pick("event", event_values[:1], options.events, notices, options.event_set)
        event = picked[0] if picked else None
    q = _parse_q(_values(params, "q"), notices)
    state = FilterState(
        q=q,
        sectors=_pick("sector", _values(params, "sector"), options.sectors, notices),
        date_from=date_from,
        date_to=date_to,
        places=_pick("place", _values(params, "place"), options.places, notices),
        actors=_pick("actor", _values(params, "actor"), options.actors, notices),
        sources=_pick("source", _values(params, "source"), options.source_kinds, notices),
        lang=lang,
        event=event,
    )
    return state, notices


def to_query(state: FilterState) -> dict[str, list[str]]:
    """The state as URL pairs; empty filters are left out."""
    out: dict[str, list[str]] = {}
    if state.q:
        out["q"] = [state.q]
    for key, values in (
        ("sector", state.sectors),
        ("place", state.places),
        ("actor", state.actors),
        ("source", state.sources),
    ):
        if values:
            out[key] = list(values)
    if state.date_from is not None and state.date_to is not None:
        out["dates"] = [state.date_from.isoformat(), state.date_to.isoformat()]
    if state.lang:
        out["lang"] = [state.lang]
    if state.event:
        out["event"] = [state.event]
    return out


def expand_sectors(selected: Iterable[str], options: Options) -> frozenset[str]:
    """Selected sectors plus the children of every selected parent."""
    out: set[str] = set()
    for s in selected:
        out.add(s)
        out.update(options.children.get(s, ()))
    return frozenset(out)


def event_rows(pkg: Package, frame: pd.DataFrame, column: str, key: str) -> np.ndarray:
    """For each row of ``frame`` (a table of the package, or one derived from it once per
    package, named ``key``), the row of ``pkg["events"]`` its ``column`` points to (-1 for
    none). Worked out once per package."""
    return pkg.memo.get(_event_rows, key, column, inputs=(pkg, frame))


def _event_rows(pkg: Package, frame: pd.DataFrame, key: str, column: str) -> np.ndarray:
    return positions(pkg["events"]["event_id"], frame[column])


def codes(
    pkg: Package, frame: pd.DataFrame, column: str, key: str
) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``frame[column]`` and the values they stand for (``pd.factorize``;
    a missing value gets a code of its own), for a table of the package, or one derived from
    it once per package, named ``key``. Worked out once per package, so a view counts and
    compares integers instead of strings."""
    return pkg.memo.get(_factorize, key, column, inputs=(frame,))


def _factorize(frame: pd.DataFrame, key: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    found, values = pd.factorize(frame[column], use_na_sentinel=False)
    return np.asarray(found), np.asarray(values, dtype=object)


def isin_few(
    pkg: Package, frame: pd.DataFrame, column: str, key: str, values: Collection[str]
) -> np.ndarray:
    """``isin(frame[column], values)`` as a boolean array, on the column's ``codes`` (for a
    column with few distinct values, such as sector ids, where a string lookup over a
    million tags is slow). Missing values never match."""
    found, uniques = codes(pkg, frame, column, key)
    # One flag per distinct value, then read at each row's code (np.isin compared every row
    # with each wanted code in turn).
    wanted = isin(pd.Series(uniques, dtype="str"), values).to_numpy(dtype=bool)
    hit: np.ndarray = wanted[found]
    return hit


def prepare(pkg: Package) -> None:
    """Work out, once when the package loads, the event rows of the tables every view
    filters, so no reader of a first view waits for them."""
    for table, column in (
        ("event_sectors", "event_id"),
        ("cooperation", "event_id"),
        ("evidence", "subject_id"),
        ("event_organisations", "event_id"),
    ):
        event_rows(pkg, pkg[table], column, table)


def of_events(
    pkg: Package, frame: pd.DataFrame, column: str, key: str, event_ids: Collection[str]
) -> np.ndarray:
    """``isin(frame[column], event_ids)`` as a boolean array; read off the selection's row
    mask when ``event_ids`` has one (see ``ids.member_rows``)."""
    where = event_rows(pkg, frame, column, key)
    return member_rows(frame[column], event_ids, pkg["events"], where)


def _subject_rows(
    pkg: Package, frame: pd.DataFrame, key: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """``frame``'s subjects: is each an event, and its row among the events and the items."""
    subjects = frame["subject_id"]
    return (
        frame,
        (frame["subject_type"] == "event").to_numpy(dtype=bool),
        positions(pkg["events"]["event_id"], subjects),
        positions(pkg["cooperation"]["item_id"], subjects),
    )


def of_subjects(
    pkg: Package,
    frame: pd.DataFrame,
    key: str,
    event_ids: Collection[str],
    item_ids: Collection[str],
) -> np.ndarray:
    """Rows of ``frame`` (columns subject_type, subject_id) about the given events or items,
    as a boolean array. For the frame first seen under ``key`` (a table derived once per
    package), the subjects' rows are worked out once and the answer is read off the
    selection's row masks; any other frame gets an ``isin``."""
    known, is_event, at_event, at_item = pkg.memo.get(_subject_rows, key, inputs=(pkg, frame))
    subjects = frame["subject_id"]
    if known is not frame:
        is_event = (frame["subject_type"] == "event").to_numpy(dtype=bool)
        about_event = isin(subjects, event_ids).to_numpy(dtype=bool)
        about_item = isin(subjects, item_ids).to_numpy(dtype=bool)
    else:
        about_event = member_rows(subjects, event_ids, pkg["events"], at_event)
        about_item = member_rows(subjects, item_ids, pkg["cooperation"], at_item)
    out: np.ndarray = (is_event & about_event) | (~is_event & about_item)
    return out


@dataclass(frozen=True)
class Selection:
    """What the filters keep: event ids and cooperation item ids (``IdSet``: frozenset-like,
    cheap at a million ids), and the row masks over ``pkg["events"]`` and
    ``pkg["cooperation"]`` they came from."""

    event_ids: Set[str]
    item_ids: Set[str]
    all_events: int = 0
    event_rows: np.ndarray | None = field(default=None, compare=False, hash=False, repr=False)
    item_rows: np.ndarray | None = field(default=None, compare=False, hash=False, repr=False)

    def events(self, pkg: Package, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The selected rows of ``pkg["events"]`` (only ``columns``, when given: cheaper
        than copying every column of a million rows)."""
        ev = pkg["events"]
        if self.event_rows is not None and len(self.event_rows) == len(ev):
            rows = self.event_rows
        else:
            rows = isin(ev["event_id"], self.event_ids).to_numpy(dtype=bool)
        return rows_where(ev, rows, columns)

    def items(self, pkg: Package) -> pd.DataFrame:
        items = pkg["cooperation"]
        if self.item_rows is not None and len(self.item_rows) == len(items):
            return rows_where(items, self.item_rows)
        return items[isin(items["item_id"], self.item_ids)]


def event_mask(state: FilterState, pkg: Package, options: Options) -> pd.Series:
    """Boolean mask over ``pkg["events"]``: one clause per filter, combined with ``&``."""
    ev = pkg["events"]
    mask = pd.Series(True, index=ev.index)
    if state.sectors:
        links = pkg["event_sectors"]
        where = event_rows(pkg, links, "event_id", "event_sectors")
        tagged = isin_few(
            pkg, links, "sector_id", "event_sectors", expand_sectors(state.sectors, options)
        )
        hit = np.zeros(len(ev), dtype=bool)
        hit[where[tagged & (where >= 0)]] = True
        mask &= hit
    if state.date_from is not None and state.date_to is not None:
        start, end = pd.Timestamp(state.date_from), pd.Timestamp(state.date_to)
        mask &= (ev["start"] <= end) & (ev["end"] >= start)
    if state.places:
        places = pkg["places"]
        chosen = places[isin(places["place_id"], state.places)]
        cities = chosen.loc[chosen["kind"] == "city", "city"]
        in_city = places.loc[isin(places["city"], cities), "place_id"]
        mask &= isin(ev["place_id"], [*state.places, *in_city.tolist()]) & ev["place_id"].notna()
    if state.actors:
        ep, eo = pkg["event_people"], pkg["event_organisations"]
        hit = pd.concat(
            [
                ep.loc[isin(ep["person_id"], state.actors), "event_id"],
                eo.loc[isin(eo["org_id"], state.actors), "event_id"],
            ]
        )
        mask &= isin(ev["event_id"], hit)
    if state.sources:
        mask &= isin(ev["event_id"], _cited_by_kind(pkg, "event", state.sources))
    if state.q:
        mask &= search.matching(pkg, state.q)[0]
    return mask


def _cited_by_kind(pkg: Package, subject_type: str, kinds: Iterable[str]) -> pd.Series:
    """Ids of the subjects of ``subject_type`` cited by a source of one of ``kinds``."""
    evid, src = pkg["evidence"], pkg["sources"]
    of_kind = src.loc[isin(src["kind"], kinds), "source_id"]
    cited = (evid["subject_type"] == subject_type) & isin(evid["source_id"], of_kind)
    return evid.loc[cited, "subject_id"]


def apply(state: FilterState, pkg: Package, options: Options | None = None) -> Selection:
    """The events and cooperation items the filters keep. Never raises on a valid state."""
    options = options or Options.from_package(pkg)
    ev = pkg["events"]
    rows = event_mask(state, pkg, options).to_numpy(dtype=bool)
    kept = IdSet(ev["event_id"][rows], unique=True, rows=rows, frame=ev)
    items = pkg["cooperation"]
    item_mask = pd.Series(True, index=items.index)
    if state.sectors:
        item_mask &= isin(items["sector_id"], expand_sectors(state.sectors, options))
    if not (state.date_from is None and not state.places and not state.actors):
        item_mask &= of_events(pkg, items, "event_id", "cooperation", kept)
    if state.sources:
        item_mask &= isin(items["item_id"], _cited_by_kind(pkg, "item", state.sources))
    if state.q:
        item_mask &= search.matching(pkg, state.q)[1]
    item_rows = item_mask.to_numpy(dtype=bool)
    return Selection(
        kept,
        IdSet(items["item_id"][item_rows], unique=True, rows=item_rows, frame=items),
        all_events=len(ev),
        event_rows=rows,
        item_rows=item_rows,
    )
