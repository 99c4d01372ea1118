"""The timeline: events on a date axis, in lanes by place, with their uncertainty drawn.

Pure functions (frames + options -> a plotly ``Figure`` or plain data); no streamlit here.

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

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import palette
from dashboard.i18n import (
    MONTHS_SHORT,
    as_lang,
    catalogue,
    col,
    format_date,
    format_month,
    format_span,
    t,
)
from dashboard.links import safe_url
from dashboard.load import Package

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
SPAN_PATTERN = {"day": "", "range": "/", "month": "."}
SPAN_DASH = {"day": "solid", "range": "dash", "month": "dot"}
SPAN_ALPHA = {"day": 0.85, "range": 0.18, "month": 0.12}
SPAN_SOLIDITY = {"day": 0.3, "range": 0.3, "month": 0.15}
CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "timeline", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "autoScale2d"],
}


@dataclass(frozen=True)
class TimelineOptions:
    lang: str = "en"
    date_from: date | None = None  # the date filter: the x-range follows it
    date_to: date | None = None
    selected: str | None = None  # an event id, outlined on the chart


# --- small helpers -------------------------------------------------------------------------


def esc(text: object) -> str:
    """Data text made inert for Plotly's pseudo-HTML (hover, labels, annotations)."""
    return html.escape(str(text), quote=False)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = palette.hex_to_rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def _iso(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d %H:%M")


def plural(key: str, n: int, lang: str, **kw: object) -> str:
    """``key_one`` for 1, ``key_other`` otherwise (0 is plural in English, singular in
    French: "0 événement")."""
    one = n == 1 or (as_lang(lang) == "fr" and n == 0)
    return t(f"{key}_{'one' if one else 'other'}", lang, n=n, **kw)


def event_sectors(pkg: Package) -> dict[str, list[str]]:
    """event_id -> its sector ids, in the order the package lists them (first = main).
    Built once per package."""
    return pkg.derived("timeline.event_sectors", lambda: _event_sectors(pkg))


def _event_sectors(pkg: Package) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    links = pkg["event_sectors"]
    for eid, sid in zip(links["event_id"].tolist(), links["sector_id"].tolist(), strict=True):
        out.setdefault(str(eid), []).append(str(sid))
    return out


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
    return pkg.derived(("timeline.lane_order", lang), lambda: _lane_order(pkg, lane_of(pkg, lang)))


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
    """The date filter's range when set; otherwise the marks' extent, padded."""
    if opts.date_from is not None and opts.date_to is not None:
        return pd.Timestamp(opts.date_from), pd.Timestamp(opts.date_to) + DAY
    if not marks:
        today = pd.Timestamp(date.today())
        return today, today + DAY
    lo = min(m.first for m in marks)
    hi = max(m.last for m in marks)
    return lo - DAY / 2, hi + DAY / 2


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
        y += n + 0.8
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
        secs = sectors.get(eid, [])
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


def _ticks(x0: pd.Timestamp, x1: pd.Timestamp, lang: str) -> tuple[list[str], list[str]]:
    """Tick positions (noon of each shown day) and their labels, month names in ``lang``."""
    first = x0.normalize()
    if first + DAY / 2 <= x0:
        first += DAY
    days = max(1, math.ceil((x1 - first - DAY / 2) / DAY))
    step = max(1, math.ceil(days / 15))
    vals, text = [], []
    shown_month: tuple[int, int] | None = None
    for i in range(0, days, step):
        d = first + DAY * i
        label = f"{d.day} {MONTHS_SHORT[as_lang(lang)][d.month - 1]}"
        if (d.year, d.month) != shown_month:
            label += f"<br>{d.year}"
            shown_month = (d.year, d.month)
        vals.append(_iso(d + DAY / 2))
        text.append(label)
    return vals, text


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


Trace = dict[str, Any]


def _legend(marks: Sequence[Mark], pkg: Package, lang: str) -> list[Trace]:
    """Legend-only entries explaining the styles, then the sector colours."""
    grey = palette.NEUTRAL
    common: Trace = {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "hoverinfo": "skip",
        "showlegend": True,
    }
    title = {"text": f"<b>{esc(t('timeline_legend_styles', lang))}</b>"}
    out: list[Trace] = [
        {
            **common,
            "mode": "markers",
            "name": t("timeline_legend_day", lang),
            "marker": {"color": grey, "size": 12, "line": {"color": "#FFFFFF", "width": 1}},
            "legendgroup": "styles",
            "legendgrouptitle": title,
            "legendrank": 1,
        }
    ]
    for rank, style in ((2, "range"), (3, "month")):
        out.append(
            {
                **common,
                "mode": "lines",
                "name": t(f"timeline_legend_{style}", lang),
                "fill": "toself",
                "fillcolor": _rgba(grey, 0.2),
                "fillpattern": {
                    "shape": SPAN_PATTERN[style],
                    "fgcolor": grey,
                    "fillmode": "overlay",
                },
                "line": {"color": grey, "dash": SPAN_DASH[style], "width": 1.5},
                "legendgroup": "styles",
                "legendrank": rank,
            }
        )
    if any(len(m.claims) > 1 for m in marks):
        out.append(
            {
                **common,
                "mode": "lines+markers",
                "name": t("timeline_legend_claim", lang),
                "marker": {
                    "color": grey,
                    "size": 11,
                    "symbol": "circle-open",
                    "line": {"width": 2.5},
                },
                "line": {"color": grey, "dash": "dot", "width": 1.5},
                "legendgroup": "styles",
                "legendrank": 4,
            }
        )
    used = {m.colour for m in marks}
    s = pkg["sectors"]
    tops = s[s["parent_id"].isna()].sort_values("sort_order")
    group_title = {"text": f"<b>{esc(t('timeline_legend_sectors', lang))}</b>"}
    entries = [
        (str(c), esc(label), 10 + int(order))
        for c, label, order in zip(
            tops["colour"], tops[col("label", lang)], tops["sort_order"], strict=True
        )
        if c in used
    ]
    if palette.NEUTRAL in used:
        entries.append((palette.NEUTRAL, esc(t("timeline_no_sector", lang)), 10_000))
    for i, (colour, label, rank) in enumerate(entries):
        out.append(
            {
                **common,
                "mode": "markers",
                "name": label,
                "marker": {"color": colour, "size": 12, "symbol": "square"},
                "legendgroup": "sectors",
                "legendrank": rank,
                **({"legendgrouptitle": group_title} if i == 0 else {}),
            }
        )
    return out


def _spans(marks: Sequence[Mark]) -> list[Trace]:
    """Uncertain dates as hatched, see-through bars with a dashed outline; multi-day events
    as solid bars. One bar trace per style and colour: Plotly draws a pattern in black when
    its colours are given per bar."""
    out: list[Trace] = []
    for style in STYLES:
        spans = [m for m in marks if m.precision == style and not m.single_day]
        for colour in sorted({m.colour for m in spans}):
            group = [m for m in spans if m.colour == colour]
            out.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": style,
                    "showlegend": False,
                    "y": [m.y for m in group],
                    "base": [_iso(m.start) for m in group],
                    "x": [(m.end - m.start) / pd.Timedelta(milliseconds=1) for m in group],
                    "width": 0.72,
                    "customdata": [m.event_id for m in group],
                    "hovertext": [m.hover for m in group],
                    "hovertemplate": "%{hovertext}<extra></extra>",
                    "marker": {
                        "color": _rgba(colour, SPAN_ALPHA[style]),
                        "line": {"width": 0},
                        "pattern": {
                            "shape": SPAN_PATTERN[style],
                            "fgcolor": colour,
                            "fillmode": "overlay",
                            "size": 8,
                            "solidity": SPAN_SOLIDITY[style],
                        },
                    },
                    "unselected": {"marker": {"opacity": 0.45}},
                }
            )
            if style == "day":
                continue
            xs: list[str | None] = []
            ys: list[float | None] = []
            for m in group:
                a, b = _iso(m.start), _iso(m.end)
                lo, hi = m.y - 0.36, m.y + 0.36
                xs += [a, b, b, a, a, None]
                ys += [lo, lo, hi, hi, lo, None]
            out.append(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": ys,
                    "mode": "lines",
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "name": f"{style} outline",
                    "line": {"color": colour, "width": 1.5, "dash": SPAN_DASH[style]},
                }
            )
    return out


def _disputes(marks: Sequence[Mark], lang: str) -> tuple[list[Trace], list[dict[str, Any]]]:
    """Disputed dates: the claims joined by a dotted line, "sources disagree" above, the
    claims not used as hollow markers (the used one is drawn with the day markers)."""
    traces: list[Trace] = []
    notes: list[dict[str, Any]] = []
    disputed = [m for m in marks if len(m.claims) > 1]
    for m in disputed:
        days = sorted(c[0] for c in m.claims)
        traces.append(
            {
                "type": "scatter",
                "x": [_iso(days[0] + DAY / 2), _iso(days[-1] + DAY / 2)],
                "y": [m.y, m.y],
                "mode": "lines",
                "hoverinfo": "skip",
                "showlegend": False,
                "name": "claims joined",
                "line": {"color": m.colour, "width": 2, "dash": "dot"},
            }
        )
        notes.append(
            {
                "x": _iso(days[0] + (days[-1] - days[0]) / 2 + DAY / 2),
                "y": m.y,
                "text": f"<i>{esc(t('timeline_disagree', lang))}</i>",
                "showarrow": False,
                "yshift": 15,
                "font": {"size": 11},
                "name": "sources disagree",
            }
        )
    hollow = [(m, c) for m in disputed for c in m.claims if not c[1]]
    if hollow:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "showlegend": False,
                "name": "claimed date",
                "x": [_iso(c[0] + DAY / 2) for _, c in hollow],
                "y": [m.y for m, _ in hollow],
                "customdata": [m.event_id for m, _ in hollow],
                "hovertext": [c[2] for _, c in hollow],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "marker": {
                    "symbol": "circle-open",
                    "size": 13,
                    "color": [m.colour for m, _ in hollow],
                    "line": {"width": 2.5},
                },
                "unselected": {"marker": {"opacity": 0.45}},
            }
        )
    return traces, notes


def _days(marks: Sequence[Mark]) -> list[Trace]:
    """One filled marker per single-day event; a disputed event sits, larger and outlined,
    on the date the dataset uses."""
    points = []
    for m in marks:
        if not m.single_day:
            continue
        used = [c for c in m.claims if c[1]] if len(m.claims) > 1 else []
        if used:
            points.append((m, used[0][0], used[0][2], True))
        else:
            points.append((m, m.start, m.hover, False))
    if not points:
        return []
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "showlegend": False,
            "name": "day",
            "x": [_iso(day + DAY / 2) for _, day, _, _ in points],
            "y": [m.y for m, _, _, _ in points],
            "customdata": [m.event_id for m, _, _, _ in points],
            "hovertext": [h for _, _, h, _ in points],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {
                "color": [m.colour for m, _, _, _ in points],
                "size": [18 if big else 13 for _, _, _, big in points],
                "symbol": "circle",
                "line": {
                    "color": ["#000000" if big else "#FFFFFF" for _, _, _, big in points],
                    "width": [2 if big else 1 for _, _, _, big in points],
                },
            },
            "unselected": {"marker": {"opacity": 0.45}},
        }
    ]


def timeline_figure(
    pkg: Package,
    events: pd.DataFrame,
    conflicts: pd.DataFrame,
    opts: TimelineOptions | None = None,
) -> go.Figure:
    """The timeline of ``events`` (rows of ``views.event_table``, at most ``MAX_EVENTS``).

    Every clickable mark carries its event id as ``customdata``; lane names are the y tick
    labels; x ticks are labelled in ``opts.lang``. Built from plain dicts without Plotly's
    per-property validation (slow); tests check the spec validates.
    """
    opts = opts or TimelineOptions()
    lang = opts.lang
    marks = build_marks(pkg, events, conflicts, lang)
    x0, x1 = x_range(marks, opts)
    labels = len(marks) <= MAX_LABELS
    _pack(marks, x0, x1, labels)
    lanes = _layout_lanes(marks, lane_order(pkg, lang))
    dispute_traces, notes = _disputes(marks, lang)
    traces = [*_spans(marks), *dispute_traces, *_days(marks)]
    if labels and marks:  # titles next to the marks (in the hover only when too many)
        ppd = px_per_day(x0, x1)
        where = [m.label_at(x0, x1, ppd) for m in marks]
        traces.append(
            {
                "type": "scatter",
                "mode": "text",
                "hoverinfo": "skip",
                "showlegend": False,
                "name": "labels",
                "y": [m.y for m in marks],
                "x": [_iso(at) for at, _ in where],
                "text": [esc(_short(m.title)) for m in marks],
                "textposition": ["middle right" if r else "middle left" for _, r in where],
                "textfont": {"size": 11},
            }
        )
    traces += _legend(marks, pkg, lang)

    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "layer": "above",
            "name": "selected",
            "x0": _iso(max(m.first, x0)),
            "x1": _iso(min(m.last, x1)),
            "y0": m.y - 0.48,
            "y1": m.y + 0.48,
            "line": {"color": "#000000", "width": 2},
        }
        for m in marks
        if m.event_id == opts.selected
    ]
    for i, (_, lo, hi) in enumerate(lanes):  # lane bands, alternately shaded
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "layer": "below",
                "name": "lane",
                "x0": 0,
                "x1": 1,
                "y0": lo - 0.5,
                "y1": hi + 0.5,
                "line": {"width": 0},
                "fillcolor": "rgba(128,128,128,0.10)" if i % 2 == 0 else "rgba(128,128,128,0.03)",
            }
        )
    tickvals, ticktext = _ticks(x0, x1, lang)
    n_rows = (lanes[-1][2] + 1) if lanes else 1
    layout = {
        "height": int(max(300, n_rows * ROW_PX) + LEGEND_PX + 60),
        "margin": {"l": 10, "r": 10, "t": 30, "b": LEGEND_PX + 30},
        "shapes": shapes,
        "annotations": notes,
        "barmode": "overlay",
        # A box drawn with the modebar's "Box select" spans dates only. (No default
        # dragmode="select": with it, Streamlit receives no selection on a plain click.)
        "selectdirection": "h",
        "hovermode": "closest",
        "clickmode": "event+select",
        "legend": {
            "itemclick": False,
            "itemdoubleclick": False,
            "tracegroupgap": 6,
            "font": {"size": 12},
            "orientation": "h",
            "itemwidth": 40,
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "xanchor": "left",
            "x": 0,
        },
        "xaxis": {
            "type": "date",
            "range": [_iso(x0), _iso(x1)],
            "tickmode": "array",
            "tickvals": tickvals,
            "ticktext": ticktext,
            "showgrid": False,
            "zeroline": False,
            "title": {"text": esc(_axis_title(x0, x1, lang))},
            "minor": {
                "dtick": DAY / pd.Timedelta(milliseconds=1),
                "tick0": "2000-01-01",
                "showgrid": True,
                "gridcolor": "rgba(128,128,128,0.25)",
            },
        },
        "yaxis": {
            "tickmode": "array",
            "tickvals": [(lo + hi) / 2 for _, lo, hi in lanes],
            "ticktext": [f"<b>{esc(lane.label)}</b>" for lane, _, _ in lanes],
            "range": [n_rows - 0.2, -0.8],
            "fixedrange": True,
            "showgrid": False,
            "zeroline": False,
        },
    }
    return go.Figure({"data": traces, "layout": layout}, skip_invalid=False, _validate=False)


# --- the chart's selection -> a filter change ----------------------------------------------


def read_selection(
    selection: Mapping[str, Any] | None, first_day: date, last_day: date
) -> tuple[str, Any] | None:
    """What a chart selection asks for.

    A box across the chart -> ``("dates", (d0, d1))``: every day the box touches, clipped
    to the package's days; a clicked mark -> ``("event", event_id)``; an emptied selection
    (double click) -> ``("event", None)``; anything unreadable -> ``None``.
    """
    if not isinstance(selection, Mapping):
        return None
    for box in selection.get("box") or []:
        xs = box.get("x") if isinstance(box, Mapping) else None
        if not isinstance(xs, Sequence) or len(xs) < 2:
            continue
        try:
            stamps = sorted(pd.Timestamp(str(v)) for v in xs[:2])
        except (ValueError, TypeError):
            continue
        if any(pd.isna(s) for s in stamps):
            continue
        d0 = stamps[0].date()
        d1 = (stamps[1] - pd.Timedelta(microseconds=1)).date() if stamps[1] > stamps[0] else d0
        d0, d1 = max(d0, first_day), min(d1, last_day)
        return ("dates", (d0, d1)) if d0 <= d1 else None
    points = selection.get("points") or []
    for point in points:
        if not isinstance(point, Mapping):
            continue
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, str) and data:
            return ("event", data)
    if not points and "points" in selection:
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
                    full.get(s, s) for s in sectors.get(str(rec["event_id"]), [])
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
        sectors=[full.get(s, s) for s in event_sectors(pkg).get(str(event_id), [])],
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
