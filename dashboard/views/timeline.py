"""The timeline: events on a date axis, in lanes by place, with their uncertainty drawn.

Pure functions (frames + options -> an ECharts spec for ``st.echarts_chart``, or plain
data); no streamlit here.

How an event is drawn:
- a date known to the day: a filled marker on that day (several days: a solid bar);
- ``range`` (some unknown day between start and end): a hatched, see-through bar over the
  whole span with a dashed outline; ``month``: the same across the whole month, dotted;
  never a marker on a made-up day;
- a date the sources dispute: one marker per claimed day, joined by a dotted line and marked
  "sources disagree"; the value the dataset uses is filled and larger, the others hollow.

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
from dashboard.present.echarts import esc, ids_of, item_ids, literal
from dashboard.present.i18n import (
    as_lang,
    catalogue,
    col,
    format_date,
    format_day_month,
    format_month,
    format_span,
    t,
)
from dashboard.present.labels import safe_url

DAY = pd.Timedelta(days=1)
MAX_EVENTS = 1500  # marks drawn at most; the page says when more were left out
MAX_LABELS = 150  # beyond this many events, titles are in the hover only
MAX_ROWS_PER_LANE = 12  # beyond this, events in a lane share rows
LABEL_CHARS = 34
ROW_PX = 26
LEGEND_PX = 130  # room under the axis for the legend
PLOT_PX = 1000  # assumed plot width, to reserve room for the labels
CHAR_PX = 6.3
LABEL_GAP_PX = 9
STYLES = ("day", "range", "month")
SPAN_ALPHA = {"day": 0.85, "range": 0.18, "month": 0.12}


@dataclass(frozen=True)
class TimelineOptions:
    lang: str = "en"
    date_from: date | None = None  # the date filter: the x-range follows it
    date_to: date | None = None
    selected: str | None = None  # an event id, outlined on the chart


# --- small helpers -------------------------------------------------------------------------


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = palette.hex_to_rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def plural(key: str, n: int, lang: str, **kw: object) -> str:
    """``key_one`` for 1, ``key_other`` otherwise (0 is plural in English, singular in
    French: "0 événement")."""
    one = n == 1 or (as_lang(lang) == "fr" and n == 0)
    return t(f"{key}_{'one' if one else 'other'}", lang, n=n, **kw)


def event_sectors(pkg: Package) -> dict[str, tuple[str, ...]]:
    """``views.event_sector_ids`` of every event, built once per package."""
    return pkg.memo.get(views.event_sector_ids, inputs=(pkg,))


def sector_names(pkg: Package, lang: str, full: bool = True) -> dict[str, str]:
    """sector_id -> its label (``Parent › child`` when ``full``)."""
    s = pkg["sectors"]
    names = {str(k): str(v) for k, v in zip(s["sector_id"], s[col("label", lang)], strict=True)}
    if not full:
        return names
    return {
        str(sid): names[str(sid)]
        if pd.isna(parent)
        else f"{names[str(parent)]} › {names[str(sid)]}"
        for sid, parent in zip(s["sector_id"], s["parent_id"], strict=True)
    }


def source_names(pkg: Package, lang: str) -> dict[str, str]:
    out = {}
    for rec in pkg["sources"].to_dict("records"):
        outlet = rec.get("outlet")
        sid = str(rec["source_id"])
        out[sid] = (
            str(outlet) if isinstance(outlet, str) and outlet else t("source_unnamed", lang, id=sid)
        )
    return out


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
        return DAY * ((len(_short(self.title)) * CHAR_PX + 18) / px_per_day)

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


def _pack(marks: list[Mark], x0: pd.Timestamp, x1: pd.Timestamp, labels: bool) -> None:
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


def _layout_lanes(marks: list[Mark], order: Mapping[str, int]) -> list[tuple[Lane, float, float]]:
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


# --- the figure ----------------------------------------------------------------------------


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
    full = sector_names(pkg, lang)
    src_names = source_names(pkg, lang)
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


def day_labels(x0: pd.Timestamp, n_days: int, lang: str) -> list[str]:
    """One label per day from ``x0`` (a midnight), month names in ``lang``; about 15 days
    are labelled, the others left blank; the year under the first day of each month shown."""
    step = max(1, math.ceil(n_days / 15))
    out: list[str] = []
    shown_month: tuple[int, int] | None = None
    for i in range(n_days):
        d = x0 + DAY * i
        if i % step:
            out.append("")
            continue
        label = format_day_month(d, lang)
        if (d.year, d.month) != shown_month:
            label += f"\n{d.year}"
            shown_month = (d.year, d.month)
        out.append(label)
    return out


def _axis_title(x0: pd.Timestamp, x1: pd.Timestamp, lang: str) -> str:
    """'Date (June 2025)': the months whose days are shown in full or for the most part."""
    months: list[str] = []
    d = (x0 + DAY / 2).normalize().replace(day=1)
    while d < x1 - DAY / 2 and len(months) < 24:
        months.append(format_month(d, lang))
        d = (d + pd.Timedelta(days=32)).replace(day=1)
    if len(months) > 2:
        months = [months[0], months[-1]]
    return t("timeline_axis", lang, months=" – ".join(months))


Series = dict[str, Any]
EPOCH = pd.Timestamp(0)
MS = pd.Timedelta(milliseconds=1)
GREY = palette.NEUTRAL
# Series that a click or the date brush reads (``Figure.ids``); the others are drawing only.
CLICKABLE = ("spans", "claims", "days", "labels")


def ms(ts: pd.Timestamp) -> float:
    """A time as ECharts' value axis holds it: milliseconds since 1970."""
    return float((ts - EPOCH) / MS)


# The outline and the fill pattern (an ECharts decal) of the uncertain spans: diagonal
# hatching for some day in a range, dots across a month known only to the month.
SPAN_DECAL: dict[str, tuple[str, dict[str, Any]]] = {
    "range": (
        "dashed",
        {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": -math.pi / 4},
    ),
    "month": ("dotted", {"symbol": "circle", "symbolSize": 0.7, "dashArrayX": 6, "dashArrayY": 6}),
}


def span_style(style: str, colour: str, selected: bool = False) -> dict[str, Any]:
    """A span's look: solid for several known days; hatched, see-through, dashed outline for
    some day in a range; dotted and lighter across a month known only to the month."""
    out: dict[str, Any] = {"color": _rgba(colour, SPAN_ALPHA[style])}
    if style in SPAN_DECAL:
        border, decal = SPAN_DECAL[style]
        out |= {
            "borderColor": colour,
            "borderWidth": 1.5,
            "borderType": border,
            "decal": {**decal, "color": _rgba(colour, 0.55 if style == "range" else 0.6)},
        }
    if selected:
        out |= {"borderColor": "#000000", "borderWidth": 2.5, "borderType": "solid"}
    return out


def _stacks(spans: Sequence[Mark]) -> list[list[Mark]]:
    """Spans of one row in runs that do not overlap, each run by start (a run is drawn as one
    stack of bars: a see-through gap up to each span, then the span)."""
    runs: list[list[Mark]] = []
    for m in sorted(spans, key=lambda m: (m.start, m.end, m.event_id)):
        run = next((r for r in runs if r[-1].end <= m.start), None)
        if run is None:
            runs.append([m])
        else:
            run.append(m)
    return runs


def _spans(marks: Sequence[Mark], selected: str | None) -> list[Series]:
    """Every span (uncertain dates, and events of several days) as horizontal bars. ECharts
    draws a bar from zero, so each is stacked on a see-through gap bar that ends where it
    starts; spans sharing a row are stacked one after another, overlapping ones on a second
    stack drawn at the same place (``barGap: -100%``)."""
    by_row: dict[int, list[Mark]] = {}
    for m in marks:
        if not m.single_day:
            by_row.setdefault(int(m.y), []).append(m)
    # (stack, k) -> the gaps and the k-th spans of that stack, as [length, row] pairs: ECharts
    # stacks bars by their row, so a series lists only the rows it draws in.
    layers: dict[tuple[int, int], tuple[list[Any], list[Any]]] = {}
    for row, spans in sorted(by_row.items()):
        for j, run in enumerate(_stacks(spans)):
            end = EPOCH
            for k, m in enumerate(run):
                gaps, items = layers.setdefault((j, k), ([], []))
                gaps.append([ms(m.start) - ms(end), row])
                items.append(
                    {
                        "value": [ms(m.end) - ms(m.start), row],
                        "id": m.event_id,
                        "itemStyle": span_style(m.precision, m.colour, m.event_id == selected),
                        "tooltip": {"formatter": m.hover},
                    }
                )
                end = m.end
    bar = {"type": "bar", "barWidth": "72%", "barGap": "-100%", "xAxisIndex": 0, "yAxisIndex": 0}
    out: list[Series] = []
    for (j, _), (gaps, items) in sorted(layers.items()):
        stack = f"spans-{j}"
        out.append(
            {
                **bar,
                "name": "gap",
                "stack": stack,
                "data": gaps,
                "silent": True,
                "itemStyle": {"color": "rgba(0,0,0,0)"},
                "tooltip": {"show": False},
                "emphasis": {"disabled": True},
            }
        )
        out.append(
            {**bar, "name": "spans", "stack": stack, "data": items, "selectedMode": "single"}
        )
    return out


def _point(x: pd.Timestamp, m: Mark, **item: Any) -> dict[str, Any]:
    return {"value": [ms(x), int(m.y)], "id": m.event_id, **item}


def _middle(m: Mark) -> pd.Timestamp:
    """Noon half-way between an event's first and last claimed days."""
    days = [c[0] for c in m.claims]
    return min(days) + (max(days) - min(days)) / 2 + DAY / 2


def _disputes(marks: Sequence[Mark], lang: str, selected: str | None) -> list[Series]:
    """Disputed dates: the claims joined by a dotted line, "sources disagree" above, the
    claims not used as hollow markers (the used one is drawn with the day markers)."""
    disputed = [m for m in marks if len(m.claims) > 1]
    out: list[Series] = []
    for m in disputed:
        days = sorted(c[0] for c in m.claims)
        out.append(
            {
                "type": "line",
                "name": "claims joined",
                "silent": True,
                "symbol": "none",
                "data": [[ms(days[0] + DAY / 2), int(m.y)], [ms(days[-1] + DAY / 2), int(m.y)]],
                "lineStyle": {"color": m.colour, "width": 2, "type": "dotted"},
                "tooltip": {"show": False},
            }
        )
    if disputed:
        out.append(
            {
                "type": "scatter",
                "name": "sources disagree",
                "silent": True,
                "symbolSize": 0,
                "label": {
                    "show": True,
                    "position": "top",
                    "distance": 10,
                    "fontStyle": "italic",
                    "fontSize": 11,
                    "formatter": literal(t("timeline_disagree", lang)),
                },
                "data": [{"value": [ms(_middle(m)), int(m.y)]} for m in disputed],
                "tooltip": {"show": False},
            }
        )
    hollow = [(m, c) for m in disputed for c in m.claims if not c[1]]
    if hollow:
        out.append(
            {
                "type": "scatter",
                "name": "claims",
                "selectedMode": "single",
                "symbol": "emptyCircle",
                "data": [
                    _point(
                        c[0] + DAY / 2,
                        m,
                        symbolSize=17 if m.event_id == selected else 13,
                        itemStyle={"color": m.colour, "borderWidth": 2.5},
                        tooltip={"formatter": c[2]},
                    )
                    for m, c in hollow
                ],
            }
        )
    return out


def _days(marks: Sequence[Mark], selected: str | None) -> list[Series]:
    """One filled marker per single-day event; a disputed event sits, larger and outlined,
    on the date the dataset uses; the selected event is outlined in black."""
    items = []
    for m in marks:
        if not m.single_day:
            continue
        used = [c for c in m.claims if c[1]] if len(m.claims) > 1 else []
        day, hover, big = (used[0][0], used[0][2], True) if used else (m.start, m.hover, False)
        chosen = m.event_id == selected
        items.append(
            _point(
                day + DAY / 2,
                m,
                symbolSize=(18 if big else 13) + (4 if chosen else 0),
                itemStyle={
                    "color": m.colour,
                    "borderColor": "#000000" if big or chosen else "#FFFFFF",
                    "borderWidth": 3 if chosen else 2 if big else 1,
                },
                tooltip={"formatter": hover},
            )
        )
    if not items:
        return []
    return [{"type": "scatter", "name": "days", "selectedMode": "single", "data": items}]


def _labels(marks: Sequence[Mark], x0: pd.Timestamp, x1: pd.Timestamp) -> list[Series]:
    """The titles next to their marks (right of a mark, or left when there is no room);
    a click on a title selects its event too."""
    ppd = px_per_day(x0, x1)
    items = []
    for m in marks:
        at, rightwards = m.label_at(x0, x1, ppd)
        items.append(
            _point(
                at,
                m,
                label={"position": "right" if rightwards else "left"},
                tooltip={"formatter": m.hover},
                name=literal(_short(m.title)),
            )
        )
    return [
        {
            "type": "scatter",
            "name": "labels",
            "selectedMode": "single",
            "symbolSize": 1,
            "itemStyle": {"color": "rgba(0,0,0,0)"},
            "label": {"show": True, "formatter": "{b}", "fontSize": 11, "distance": 2},
            "labelLayout": {"hideOverlap": False},
            "select": {"label": {"fontWeight": "bold"}},
            "data": items,
        }
    ]


def _legend(marks: Sequence[Mark], pkg: Package, lang: str) -> tuple[list[Series], list[Any]]:
    """Legend-only series (no data) explaining the styles, then the sector colours; and the
    two legends listing them (styles, sectors), each headed by its title."""
    series: list[Series] = []

    def entry(name: str, **style: Any) -> str:
        series.append({"name": name, "data": [], **style})
        return name

    def title(name: str) -> dict[str, Any]:
        series.append({"type": "scatter", "name": name, "data": []})
        return {"name": name, "icon": "none", "textStyle": {"fontWeight": "bold"}}

    styles: list[Any] = [title(literal(t("timeline_legend_styles", lang)))]
    styles.append(
        entry(
            literal(t("timeline_legend_day", lang)),
            type="scatter",
            symbol="circle",
            itemStyle={"color": GREY, "borderColor": "#FFFFFF", "borderWidth": 1},
        )
    )
    for style in ("range", "month"):
        styles.append(
            entry(
                literal(t(f"timeline_legend_{style}", lang)),
                type="bar",
                itemStyle=span_style(style, GREY),
            )
        )
    if any(len(m.claims) > 1 for m in marks):
        styles.append(
            entry(
                literal(t("timeline_legend_claim", lang)),
                type="scatter",
                symbol="emptyCircle",
                itemStyle={"color": GREY, "borderWidth": 2.5},
            )
        )
    used = {m.colour for m in marks}
    s = pkg["sectors"]
    tops = s[s["parent_id"].isna()].sort_values("sort_order")
    sectors: list[Any] = [title(literal(t("timeline_legend_sectors", lang)))]
    entries = [
        (str(c), str(label))
        for c, label in zip(tops["colour"], tops[col("label", lang)], strict=True)
        if c in used
    ]
    if palette.NEUTRAL in used:
        entries.append((palette.NEUTRAL, t("timeline_no_sector", lang)))
    for colour, label in entries:
        sectors.append(
            entry(literal(label), type="scatter", symbol="rect", itemStyle={"color": colour})
        )
    common = {"selectedMode": False, "left": 0, "itemGap": 14, "textStyle": {"fontSize": 12}}
    legends = [{**common, "data": styles, "bottom": 74}, {**common, "data": sectors, "bottom": 8}]
    return series, legends


@dataclass(frozen=True)
class Figure:
    """An ECharts spec, its height in pixels, and for each series the event id of each data
    item (None for the items that draw but do not select: gaps, lines, legend entries)."""

    spec: dict[str, Any]
    height: int
    ids: tuple[tuple[str | None, ...], ...]


def timeline_figure(
    pkg: Package,
    events: pd.DataFrame,
    conflicts: pd.DataFrame,
    opts: TimelineOptions | None = None,
) -> Figure:
    """The timeline of ``events`` (rows of ``views.event_table``, at most ``MAX_EVENTS``), as
    an ECharts spec for ``st.echarts_chart``.

    Rows are categories of the y axis (a lane's name on its middle row); days are categories
    of the shown x axis, laid over a hidden value axis of milliseconds that places the marks.
    Names, axis labels and titles are plain text to ECharts; hover text is HTML, escaped
    where it comes from the data (``build_marks``).
    """
    opts = opts or TimelineOptions()
    lang, selected = opts.lang, opts.selected
    marks = build_marks(pkg, events, conflicts, lang)
    x0, x1 = x_range(marks, opts)
    n_days = max(1, round((x1 - x0) / DAY))
    labels = len(marks) <= MAX_LABELS
    _pack(marks, x0, x1, labels)
    lanes = _layout_lanes(marks, lane_order(pkg, lang))
    n_rows = int(lanes[-1][2]) + 1 if lanes else 1
    rows = [""] * n_rows
    for lane, lo, hi in lanes:
        rows[int((lo + hi) // 2)] = literal(lane.label)
    bands = {
        "type": "line",
        "name": "lanes",
        "xAxisIndex": 2,
        "yAxisIndex": 1,
        "data": [],
        "silent": True,
        "markArea": {
            "silent": True,
            "data": [
                [
                    {
                        "coord": [0, lo - 0.5],
                        "itemStyle": {
                            "color": "rgba(128,128,128,0.10)"
                            if i % 2 == 0
                            else "rgba(128,128,128,0.03)"
                        },
                    },
                    {"coord": [1, hi + 0.5]},
                ]
                for i, (_, lo, hi) in enumerate(lanes)
            ],
        },
    }
    chosen = [m for m in marks if m.event_id == selected]
    outline = {  # the selected event: a box around all its marks (both claimed days)
        "type": "line",
        "name": "selected",
        "xAxisIndex": 0,
        "yAxisIndex": 1,
        "data": [],
        "silent": True,
        "z": 5,
        "markArea": {
            "silent": True,
            "data": [
                [
                    {
                        "coord": [ms(max(m.first, x0)), m.y - 0.48],
                        "itemStyle": {
                            "color": "rgba(0,0,0,0)",
                            "borderColor": "#000000",
                            "borderWidth": 2,
                        },
                    },
                    {"coord": [ms(min(m.last, x1)), m.y + 0.48]},
                ]
                for m in chosen
            ],
        },
    }
    series: list[Series] = [bands, *_spans(marks, selected)]
    series += _disputes(marks, lang, selected)
    series += _days(marks, selected)
    if labels and marks:
        series += _labels(marks, x0, x1)
    legend_series, legends = _legend(marks, pkg, lang)
    series += legend_series
    if chosen:
        series.append(outline)
    clickable = [i for i, s in enumerate(series) if s.get("name") in CLICKABLE]
    spec: dict[str, Any] = {
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True},
        "grid": {"left": 8, "right": 12, "top": 34, "bottom": LEGEND_PX + 40, "containLabel": True},
        "xAxis": [
            {"type": "value", "min": ms(x0), "max": ms(x1), "show": False},
            {
                "type": "category",
                "position": "bottom",
                "data": day_labels(x0, n_days, lang),
                "boundaryGap": True,
                "axisTick": {"show": False},
                "axisLabel": {"interval": 0, "lineHeight": 14},
                "splitLine": {
                    "show": True,
                    "interval": 0,
                    "lineStyle": {"color": "rgba(128,128,128,0.25)"},
                },
                "name": literal(_axis_title(x0, x1, lang)),
                "nameLocation": "middle",
                "nameGap": 40,
            },
            {"type": "value", "min": 0, "max": 1, "show": False},
        ],
        "yAxis": [
            {
                "type": "category",
                "inverse": True,
                "data": rows,
                "axisTick": {"show": False},
                "axisLine": {"show": False},
                "axisLabel": {"interval": 0, "fontWeight": "bold"},
            },
            {"type": "value", "inverse": True, "min": -0.5, "max": n_rows - 0.5, "show": False},
        ],
        "legend": legends,
        # A date brush across the chart sets the date filter (toolbox: "Select dates").
        "brush": {
            "xAxisIndex": 0,
            "brushType": "lineX",
            "brushMode": "single",
            "seriesIndex": clickable,
            "transformable": False,
        },
        "toolbox": {  # its buttons' places are fixed, for the browser tests
            "right": 8,
            "top": 0,
            "padding": 4,
            "itemSize": 16,
            "itemGap": 12,
            "feature": {
                "brush": {
                    "type": ["lineX", "clear"],
                    "title": {
                        "lineX": literal(t("timeline_brush", lang)),
                        "clear": literal(t("timeline_brush_clear", lang)),
                    },
                }
            },
        },
        "series": series,
    }
    height = int(max(300, n_rows * ROW_PX) + LEGEND_PX + 90)
    return Figure(spec, height, item_ids(spec))


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
    full = sector_names(pkg, lang)
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
        names = [str(titles[e]) for e in dict.fromkeys(disputed["subject_id"])]
        parts.append(t("timeline_summary_conflicts", lang, events="; ".join(names)))
    return " ".join(parts)


# --- the detail panel ----------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    source_id: str
    source: str
    kind: str
    quote: str
    url: str | None
    claim: str | None
    claimed_value: str | None
    note: str | None


@dataclass(frozen=True)
class EventDetail:
    event_id: str
    title: str
    summary: str
    when: str
    place: str
    place_precision: str
    people: list[tuple[str, str]]
    organisations: list[tuple[str, str]]
    sectors: list[str]
    evidence: list[EvidenceItem]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _roles(
    links: pd.DataFrame, key: str, names: Mapping[str, str], lang: str
) -> list[tuple[str, str]]:
    out = []
    for rec in links.to_dict("records"):
        role = str(rec["role"])
        label = f"timeline_role_{role}"
        out.append(
            (
                names.get(str(rec[key]), str(rec[key])),
                t(label, lang) if label in catalogue()["en"] else role,
            )
        )
    return out


def event_detail(pkg: Package, event_id: str | None, lang: str) -> EventDetail | None:
    """Everything the detail panel shows about one event, or None for an unknown id."""
    ev = pkg["events"]
    rows = ev[ev["event_id"] == event_id]
    if event_id is None or rows.empty:
        return None
    rec = rows.iloc[0]
    places = pkg["places"].set_index("place_id")
    place_id = rec["place_id"]
    place, place_precision = "", ""
    if isinstance(place_id, str) and place_id in places.index:
        place = str(places.at[place_id, col("name", lang)])
        place_precision = str(places.at[place_id, "precision"])
    people = pkg["people"]
    person_names = dict(zip(people["person_id"], people[col("name", lang)], strict=True))
    orgs = pkg["organisations"]
    org_names = dict(zip(orgs["org_id"], orgs[col("name", lang)], strict=True))
    ep, eo = pkg["event_people"], pkg["event_organisations"]
    full = sector_names(pkg, lang)
    src = pkg["sources"].set_index("source_id")
    names = source_names(pkg, lang)
    evid = pkg["evidence"]
    evid = evid[(evid["subject_type"] == "event") & (evid["subject_id"] == event_id)]
    evidence = []
    for e in evid.to_dict("records"):
        sid = str(e["source_id"])
        known = sid in src.index
        evidence.append(
            EvidenceItem(
                source_id=sid,
                source=names.get(sid, sid),
                kind=str(src.at[sid, "kind"]) if known else "external",
                quote=_text(e["quote"]) or "",
                url=safe_url(src.at[sid, "url"]) if known else None,
                claim=_text(e["claim"]),
                claimed_value=_text(e["claimed_value"]),
                note=_text(e[col("note", lang)]),
            )
        )
    return EventDetail(
        event_id=str(event_id),
        title=str(rec[col("title", lang)]),
        summary=str(rec[col("summary", lang)]),
        when=when_text(rec["start"], rec["end"], str(rec["date_precision"]), lang),
        place=place,
        place_precision=place_precision,
        people=_roles(ep[ep["event_id"] == event_id], "person_id", person_names, lang),
        organisations=_roles(eo[eo["event_id"] == event_id], "org_id", org_names, lang),
        sectors=[full.get(s, s) for s in event_sectors(pkg).get(str(event_id), ())],
        evidence=evidence,
    )


def claim_text(claim: str, value: str, lang: str) -> str:
    """'States the date: 24 June 2025'."""
    key = f"timeline_claim_{claim}"
    name = t(key, lang) if key in catalogue()["en"] else claim
    shown = value
    if claim == "date":
        try:
            shown = (
                format_date(date.fromisoformat(value), lang)
                if len(value) == 10
                else format_month(date.fromisoformat(value + "-01"), lang)
            )
        except ValueError:
            shown = value
    return t("timeline_claim", lang, claim=name, value=shown)
