"""The Timeline page's chart: the marks of ``timeline`` as an ECharts spec for
``st.echarts_chart`` (``timeline_figure``). No streamlit here.

How an event is drawn:
- a date known to the day: a filled marker on that day (several days: a solid bar);
- ``range`` (some unknown day between start and end): a hatched, see-through bar over the
  whole span with a dashed outline; ``month``: the same across the whole month, dotted;
  never a marker on a made-up day;
- a date the sources dispute: one marker per claimed day, joined by a dotted line and marked
  "sources disagree"; the value the dataset uses is filled and larger, the others hollow.

Where each mark goes (lanes, rows, label room) is worked out in ``timeline``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.echarts import item_ids, literal, short
from dashboard.present.i18n import col, format_day_month, format_month, t
from dashboard.views.timeline import (
    DAY,
    EPOCH,
    LABEL_CHARS,
    MAX_LABELS,
    Mark,
    TimelineOptions,
    build_marks,
    lane_order,
    layout_lanes,
    ms,
    pack_rows,
    px_per_day,
    x_range,
)

ROW_PX = 26
LEGEND_PX = 130  # room under the axis for the legend
SPAN_ALPHA = {"day": 0.85, "range": 0.18, "month": 0.12}
GREY = palette.NEUTRAL
# Series that a click or the date brush reads (``Figure.ids``); the others are drawing only.
CLICKABLE = ("spans", "claims", "days", "labels")
Series = dict[str, Any]


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = palette.hex_to_rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


# --- the axes ------------------------------------------------------------------------------


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


def axis_title(x0: pd.Timestamp, x1: pd.Timestamp, lang: str) -> str:
    """'Date (June 2025)': the months whose days are shown in full or for the most part."""
    months: list[str] = []
    d = (x0 + DAY / 2).normalize().replace(day=1)
    while d < x1 - DAY / 2 and len(months) < 24:
        months.append(format_month(d, lang))
        d = (d + pd.Timedelta(days=32)).replace(day=1)
    if len(months) > 2:
        months = [months[0], months[-1]]
    return t("timeline_axis", lang, months=" – ".join(months))


# --- the marks as series -------------------------------------------------------------------


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
                name=literal(short(m.title, LABEL_CHARS)),
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


# --- the legend ----------------------------------------------------------------------------


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


# --- the figure ----------------------------------------------------------------------------


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
    pack_rows(marks, x0, x1, labels)
    lanes = layout_lanes(marks, lane_order(pkg, lang))
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
                "name": literal(axis_title(x0, x1, lang)),
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
