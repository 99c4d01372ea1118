"""The Timeline page's plain-Python side: lanes, the marks an event is drawn as, what a
chart selection asks for, and the accessible twin (table and written summary).

The page's other plain-Python modules: ``timeline_chart`` turns the marks into the ECharts
spec for ``st.echarts_chart`` (how each kind of date is drawn is told there);
``event_detail`` is the panel of one selected event. No streamlit here.

Lanes come from the place's city (Bamako, Moscow, Kazan…); a place known only to its region
gets its own lane ("Tatarstan (place not stated)"). Within a lane, events that would overlap
(labels included) go on separate rows. Colour is the event's first sector's top-level
sector; every sector is listed in the hover text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from dashboard.core import derived as views
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.echarts import esc, ids_of, short
from dashboard.present.i18n import col, format_date, format_month, format_span, t
from dashboard.present.labels import labels_of, plural

DAY = pd.Timedelta(days=1)
MAX_EVENTS = 1500  # marks drawn at most; the page says when more were left out
MAX_LABELS = 150  # beyond this many events, titles are in the hover only
MAX_ROWS_PER_LANE = 12  # beyond this, events in a lane share rows
LABEL_CHARS = 34
PLOT_PX = 1000  # assumed plot width, to reserve room for the labels
CHAR_PX = 6.3
LABEL_GAP_PX = 9
STYLES = ("day", "range", "month")
EPOCH = pd.Timestamp(0)
MS = pd.Timedelta(milliseconds=1)


@dataclass(frozen=True)
class TimelineOptions:
    lang: str = "en"
    date_from: date | None = None  # the date filter: the x-range follows it
    date_to: date | None = None
    selected: str | None = None  # an event id, outlined on the chart


# --- small helpers -------------------------------------------------------------------------


def ms(ts: pd.Timestamp) -> float:
    """A time as ECharts' value axis holds it: milliseconds since 1970."""
    return float((ts - EPOCH) / MS)


def event_sectors(pkg: Package) -> dict[str, tuple[str, ...]]:
    """``views.event_sector_ids`` of every event, built once per package."""
    return pkg.memo.get(views.event_sector_ids, inputs=(pkg,))


def precision_text(precision: str, lang: str) -> str:
    return t(f"precision_{precision}", lang) if precision in STYLES else str(precision)


def when_text(start: pd.Timestamp, end: pd.Timestamp, precision: str, lang: str) -> str:
    """``between 24–26 June 2025 (exact day unknown)``: the date and how well it is known."""
    return f"{format_span(start, end, precision, lang)} ({precision_text(precision, lang)})"


# --- lanes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lane:
    key: str
    label: str


def lane_of(pkg: Package, lang: str) -> dict[str, Lane]:
    """place_id -> its lane: the city it is in, or its region when nothing finer is known."""
    places = pkg["places"]
    city_names: dict[str, str] = {}
    for rec in places[places["kind"] == "city"].to_dict("records"):
        city_names.setdefault(str(rec["city"]), str(rec[col("name", lang)]))
    out: dict[str, Lane] = {}
    for rec in places.to_dict("records"):
        city = rec["city"]
        city = str(city) if isinstance(city, str) and city else str(rec[col("name", lang)])
        name = city_names.get(city, city)
        if rec["precision"] == "region":
            out[str(rec["place_id"])] = Lane(
                f"region:{city}", t("timeline_lane_region", lang, name=name)
            )
        else:
            out[str(rec["place_id"])] = Lane(f"city:{city}", name)
    return out


def lane_order(pkg: Package, lang: str) -> dict[str, int]:
    """``_lane_order`` of the package's lanes in ``lang``, built once per package."""
    return pkg.memo.get(_lane_order_in, lang, inputs=(pkg,))


def _lane_order_in(pkg: Package, lang: str) -> dict[str, int]:
    return _lane_order(pkg, lane_of(pkg, lang))


def _lane_order(pkg: Package, lanes: Mapping[str, Lane]) -> dict[str, int]:
    """Lanes in the order the journey reaches them (over the whole package, so the order
    does not change with the filters); region-only and unplaced lanes last."""
    ev = pkg["events"]
    first: dict[str, tuple[int, pd.Timestamp, pd.Timestamp]] = {}
    far = pd.Timestamp.max
    for place, start, precision in zip(
        ev["place_id"], ev["start"], ev["date_precision"], strict=True
    ):
        lane = lanes.get(str(place)) if isinstance(place, str) else None
        key = lane.key if lane else "none"
        precise = start if precision != "month" else far
        rank = 0 if key.startswith("city:") else 1
        old = first.get(key, (rank, far, far))
        first[key] = (rank, min(old[1], precise), min(old[2], start))
    ordered = sorted(first, key=lambda k: (*first[k], k))
    return {k: i for i, k in enumerate(ordered)}


# --- geometry ------------------------------------------------------------------------------


@dataclass
class Mark:
    """One event as drawn."""

    event_id: str
    title: str
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive: the day after the last day
    precision: str
    lane: Lane
    colour: str
    hover: str
    claims: list[tuple[pd.Timestamp, bool, str]] = field(default_factory=list)  # day, used, hover
    row: int = 0
    y: float = 0.0

    @property
    def single_day(self) -> bool:
        return self.precision == "day" and self.end - self.start == DAY

    @property
    def first(self) -> pd.Timestamp:
        return min([self.start, *(c[0] for c in self.claims)])

    @property
    def last(self) -> pd.Timestamp:
        return max([self.end, *(c[0] + DAY for c in self.claims)])

    def label_width(self, px_per_day: float) -> pd.Timedelta:
        return DAY * ((len(short(self.title, LABEL_CHARS)) * CHAR_PX + 18) / px_per_day)

    def label_at(
        self, x0: pd.Timestamp, x1: pd.Timestamp, px_per_day: float
    ) -> tuple[pd.Timestamp, bool]:
        """Where the title goes and whether it reads rightwards from there: right of the
        mark, or left of it when it would run past the right edge."""
        gap = DAY * (LABEL_GAP_PX / px_per_day)  # clear of the marker
        if self.single_day:
            right, left = self.last - DAY / 2 + gap, self.first + DAY / 2 - gap
        else:
            right, left = max(self.start, x0) + DAY / 10, self.start - DAY / 10
        if right + self.label_width(px_per_day) <= x1:
            return right, True
        if left - self.label_width(px_per_day) >= x0:
            return left, False
        return right, True


def x_range(marks: Sequence[Mark], opts: TimelineOptions) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The date filter's range when set; otherwise the marks' extent: whole days (midnight
    to midnight), so the chart's day axis lines up with them."""
    if opts.date_from is not None and opts.date_to is not None:
        return pd.Timestamp(opts.date_from), pd.Timestamp(opts.date_to) + DAY
    if not marks:
        today = pd.Timestamp(date.today())
        return today, today + DAY
    lo = min(m.first for m in marks)
    hi = max(m.last for m in marks)
    return lo.floor("D"), max(hi.ceil("D"), lo.floor("D") + DAY)


def px_per_day(x0: pd.Timestamp, x1: pd.Timestamp) -> float:
    return PLOT_PX / max((x1 - x0) / DAY, 1.0)


def pack_rows(marks: list[Mark], x0: pd.Timestamp, x1: pd.Timestamp, labels: bool) -> None:
    """Give each mark a row in its lane so that marks (and their labels) do not overlap."""
    ppd = px_per_day(x0, x1)
    spans = []
    for m in marks:
        begin, end = m.first, m.last
        if labels:
            at, rightwards = m.label_at(x0, x1, ppd)
            if rightwards:
                end = max(end, at + m.label_width(ppd))
            else:
                begin = min(begin, at - m.label_width(ppd))
        spans.append((begin, end, m))
    rows: dict[str, list[pd.Timestamp]] = {}
    for begin, end, m in sorted(spans, key=lambda s: (s[0], s[1], s[2].event_id)):
        ends = rows.setdefault(m.lane.key, [])
        free = [i for i, e in enumerate(ends) if e <= begin]
        if free:
            m.row = free[0]
        elif len(ends) < MAX_ROWS_PER_LANE:
            m.row = len(ends)
            ends.append(begin)
        else:
            m.row = min(range(len(ends)), key=lambda i: ends[i])
        ends[m.row] = max(ends[m.row], end)


def layout_lanes(marks: list[Mark], order: Mapping[str, int]) -> list[tuple[Lane, float, float]]:
    """Place lanes top to bottom; return (lane, first y, last y) and set each mark's y."""
    by_lane: dict[str, list[Mark]] = {}
    for m in marks:
        by_lane.setdefault(m.lane.key, []).append(m)
    out = []
    y = 0.0
    for key in sorted(by_lane, key=lambda k: (order.get(k, len(order)), k)):
        group = by_lane[key]
        n = max(m.row for m in group) + 1
        for m in group:
            m.y = y + m.row
        out.append((group[0].lane, y, y + n - 1))
        y += n
    return out


# --- the marks -----------------------------------------------------------------------------


def _claims_by_event(
    conflicts: pd.DataFrame,
) -> dict[str, list[tuple[str, list[str], int, bool]]]:
    """event_id -> its disputed date claims: (value, source ids, n independent, used)."""
    out: dict[str, list[tuple[str, list[str], int, bool]]] = {}
    disputed = conflicts[(conflicts["subject_type"] == "event") & (conflicts["claim"] == "date")]
    for sid, value, sources, n_ind, used in zip(
        disputed["subject_id"],
        disputed["claimed_value"],
        disputed["source_ids"],
        disputed["n_independent"],
        disputed["resolved"],
        strict=True,
    ):
        out.setdefault(str(sid), []).append(
            (str(value), [str(x) for x in sources], int(n_ind), bool(used))
        )
    return out


def build_marks(
    pkg: Package, events: pd.DataFrame, conflicts: pd.DataFrame, lang: str
) -> list[Mark]:
    """One ``Mark`` per event row of ``events`` (a ``views.event_table`` slice)."""
    lanes = lane_of(pkg, lang)
    sectors = event_sectors(pkg)
    tops = palette.top_sector(pkg)
    colours = palette.sector_colours(pkg)
    known = labels_of(pkg, lang)
    full, src_names = known["sector_full"], known["source"]
    disputed = _claims_by_event(conflicts)
    no_place = t("timeline_lane_none", lang)
    marks = []
    columns = [
        events[c]
        for c in (
            "event_id",
            "start",
            "end",
            "date_precision",
            "place_id",
            col("title", lang),
            col("place", lang),
            "n_sources",
        )
    ]
    for eid, start, end, precision, place, title, place_name, n in zip(*columns, strict=True):
        eid, title, precision = str(eid), str(title), str(precision)
        lane = lanes.get(str(place)) if isinstance(place, str) else None
        lane = lane or Lane("none", no_place)
        secs = sectors.get(eid, ())
        colour = colours.get(tops.get(secs[0], ""), palette.NEUTRAL) if secs else palette.NEUTRAL
        start, end = pd.Timestamp(start), pd.Timestamp(end) + DAY
        n_src = 0 if pd.isna(n) else int(n)
        lines = [
            f"<b>{esc(title)}</b>",
            esc(when_text(start, end - DAY, precision, lang)),
            esc(place_name if isinstance(place_name, str) else no_place),
            esc(", ".join(full.get(s, s) for s in secs) or t("timeline_no_sector", lang)),
            esc(plural("timeline_n_sources", n_src, lang)),
        ]
        mark = Mark(eid, title, start, end, precision, lane, colour, "<br>".join(lines))
        claims = disputed.get(eid, [])
        used = next((c[0] for c in claims if c[3]), None)
        for value, sources, n_ind, is_used in claims:
            if len(value) != 10:
                continue  # a month or free text: listed in the detail panel, not drawn
            try:
                day = pd.Timestamp(date.fromisoformat(value))
            except ValueError:
                continue
            who = ", ".join(src_names.get(s, s) for s in sources)
            tail = (
                t("timeline_hover_used", lang)
                if is_used
                else t(
                    "timeline_hover_not_used",
                    lang,
                    used=format_date(pd.Timestamp(used), lang) if used else "?",
                )
            )
            hover = "<br>".join(
                [
                    f"<b>{esc(title)}</b>",
                    esc(t("timeline_hover_claim", lang, date=format_date(day, lang), sources=who)),
                    esc(plural("timeline_n_independent", n_ind, lang)),
                    esc(tail),
                ]
            )
            mark.claims.append((day, is_used, hover))
        marks.append(mark)
    return marks


# --- the chart's selection -> a filter change ----------------------------------------------


def read_selection(
    selection: Mapping[str, Any] | None,
    first_day: date,
    last_day: date,
    ids: Sequence[Sequence[str | None]],
) -> tuple[str, Any] | None:
    """What a chart selection asks for (``ids``: the drawn figure's ``Figure.ids``).

    A date brush -> ``("dates", (d0, d1))``: every day the brush touches, clipped to the
    package's days; a clicked mark -> ``("event", event_id)``; an emptied selection ->
    ``("event", None)``; anything unreadable -> ``None``.
    """
    if not isinstance(selection, Mapping):
        return None
    areas = selection.get("areas") or []
    for area in areas:
        span = area.get("coord_range") if isinstance(area, Mapping) else None
        if not isinstance(span, Sequence) or isinstance(span, str) or len(span) < 2:
            continue
        ends = span[:2]
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in ends
        ):
            continue
        try:
            stamps = sorted(EPOCH + MS * float(v) for v in ends)
        except (OverflowError, ValueError):
            continue
        d0 = stamps[0].date()
        d1 = (stamps[1] - pd.Timedelta(microseconds=1)).date() if stamps[1] > stamps[0] else d0
        d0, d1 = max(d0, first_day), min(d1, last_day)
        return ("dates", (d0, d1)) if d0 <= d1 else None
    found = ids_of(selection, ids)
    if found:
        return ("event", found[0])
    if "selected" in selection and not selection.get("selected") and not areas:
        return ("event", None)
    return None


# --- the accessible twin -------------------------------------------------------------------


def table(pkg: Package, events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The events as a sortable table, headers in ``lang``."""
    sectors = event_sectors(pkg)
    full = labels_of(pkg, lang)["sector_full"]
    rows = []
    for rec in events.to_dict("records"):
        start, end = pd.Timestamp(rec["start"]), pd.Timestamp(rec["end"])
        precision = str(rec["date_precision"])
        place = rec.get(col("place", lang))
        rows.append(
            {
                t("timeline_col_date", lang): start.date(),
                t("timeline_col_when", lang): format_span(start, end, precision, lang),
                t("timeline_col_precision", lang): precision_text(precision, lang),
                t("timeline_col_title", lang): str(rec[col("title", lang)]),
                t("timeline_col_place", lang): place if isinstance(place, str) else "",
                t("timeline_col_sectors", lang): ", ".join(
                    full.get(s, s) for s in sectors.get(str(rec["event_id"]), ())
                ),
                t("timeline_col_sources", lang): int(rec.get("n_sources") or 0),
            }
        )
    columns = [
        t(f"timeline_col_{c}", lang)
        for c in ("date", "when", "precision", "title", "place", "sectors", "sources")
    ]
    return pd.DataFrame(rows, columns=columns)


def summary(events: pd.DataFrame, conflicts: pd.DataFrame, lang: str) -> str:
    """A written takeaway of the period shown (plain text, to be escaped by the caller)."""
    n = len(events)
    if n == 0:
        return t("empty_state", lang)
    counts = events["date_precision"].value_counts()
    precise = events[events["date_precision"] != "month"]
    scope = precise if len(precise) else events
    span = format_span(scope["start"].min(), scope["end"].max(), "day", lang)
    parts = [
        plural("timeline_summary_events", n, lang, span=span),
        t(
            "timeline_summary_precision",
            lang,
            day=int(counts.get("day", 0)),
            range=int(counts.get("range", 0)),
            month=int(counts.get("month", 0)),
        ),
    ]
    months = events[events["date_precision"] == "month"]
    if len(months):
        parts.append(
            t(
                "timeline_summary_month",
                lang,
                months=", ".join(sorted({format_month(d, lang) for d in months["start"]})),
            )
        )
    disputed = conflicts[
        (conflicts["subject_type"] == "event")
        & (conflicts["claim"] == "date")
        & conflicts["subject_id"].isin(set(events["event_id"]))
    ]
    if len(disputed):
        titles = events.set_index("event_id")[col("title", lang)]
        disputed_titles = [str(titles[e]) for e in dict.fromkeys(disputed["subject_id"])]
        parts.append(t("timeline_summary_conflicts", lang, events="; ".join(disputed_titles)))
    return " ".join(parts)
