"""Timeline: the filtered events by date and place, their uncertainty drawn; one event's
sources in a detail panel. A click selects an event (URL ``event=``); a box sets the dates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.present.i18n import format_number
from dashboard.present.labels import plural
from dashboard.views import event_detail as detail
from dashboard.views import timeline as tl
from dashboard.views import timeline_chart

CHART = "timeline_chart"


def _figure(ctx: ui.Context, event: str | None) -> timeline_chart.Figure:
    """The chart of the view with ``event`` selected (``ctx.cached``; never mutated)."""
    opts = tl.TimelineOptions(ctx.lang, ctx.state.date_from, ctx.state.date_to, event)
    return timeline_chart.timeline_figure(ctx.pkg, _drawn(ctx), ui.conflicts(ctx.pkg), opts)


def _drawn(ctx: ui.Context) -> pd.DataFrame:
    """The view's events the chart draws: the first ones only, since copying every row of
    a big view to draw a few hundred is wasted."""
    return ctx.events_head(tl.MAX_EVENTS)


def _twin(ctx: ui.Context) -> tuple[pd.DataFrame, str]:
    """The table and the written summary of the view (``ctx.cached``; never mutated)."""
    events = _drawn(ctx)
    summary = tl.summary(events, ui.conflicts(ctx.pkg), ctx.lang)
    return tl.table(ctx.pkg, events, ctx.lang), summary


def _detail_of(ctx: ui.Context, event_id: str) -> detail.EventDetail | None:
    return detail.event_detail(ctx.pkg, event_id, ctx.lang)


def _on_select(
    selection: Mapping[str, Any] | None, ids: tuple[tuple[str | None, ...], ...]
) -> None:
    """A click selects the event (or clears it); a date brush across the chart sets the
    dates. ``ids``: the event ids of the drawn chart's items (``timeline_chart.Figure.ids``)."""
    ctx = ui.context()
    asked = tl.read_selection(selection, ctx.options.first_day, ctx.options.last_day, ids)
    if asked is None:
        return
    if asked[0] == "dates":
        ui.request_filters(dates=list(asked[1]))
    elif asked[1] is not None or ctx.state.event is not None:
        ui.select_event(asked[1])


def _detail(ctx: ui.Context, event_id: str) -> None:
    d = ctx.cached(_detail_of, event_id)
    if d is None:
        return
    if event_id not in ctx.selection.event_ids:
        st.info(ctx.t("timeline_hidden"), icon=":material/visibility_off:")
    with st.container(border=True, key="timeline_detail"):
        st.subheader(ui.md(d.title))
        where = d.place + (
            f" ({ctx.t('timeline_place_' + d.place_precision)})" if d.place_precision else ""
        )
        none = ctx.t("timeline_detail_none")
        for label, value in (
            ("when", d.when),
            ("where", where),
            ("people", "; ".join(f"{n} ({r})" for n, r in d.people) or none),
            ("orgs", "; ".join(f"{n} ({r})" for n, r in d.organisations) or none),
            ("sectors", "; ".join(d.sectors) or none),
        ):
            st.markdown(f"**{ui.md(ctx.t('timeline_detail_' + label))}** · {ui.md(value)}")
            if label == "when" and d.date_basis:
                st.caption(ui.md(ctx.t("timeline_detail_basis", basis=d.date_basis)))
                if d.bounded_by:
                    st.caption(ui.md(ctx.t("timeline_detail_bounds", by="; ".join(d.bounded_by))))
        st.write(ui.md(d.summary))
        disputed = ui.conflicts(ctx.pkg)
        disputed = disputed[
            (disputed["subject_type"] == "event") & (disputed["subject_id"] == event_id)
        ]
        if not disputed.empty:
            ui.conflict_note(ctx, disputed)
        st.markdown(f"**{ui.md(ctx.t('timeline_detail_evidence', n=len(d.evidence)))}**")
        for e in d.evidence:
            with st.container(border=True):
                ui.source_badges(ctx, [e.source_id])
                if e.quote:
                    st.markdown("\n".join("> " + ui.md(line) for line in e.quote.splitlines()))
                if e.claim and e.claimed_value:
                    st.markdown(ui.md(detail.claim_text(e.claim, e.claimed_value, ctx.lang)))
                if e.note:
                    st.caption(ui.md(ctx.t("timeline_detail_note", note=e.note)))
                if e.url:
                    st.markdown(f"[{ui.md(ctx.t('timeline_detail_link', url=e.url))}]({e.url})")
                elif e.kind == "seed":
                    st.caption(ctx.t("timeline_detail_seed"))
                else:
                    st.caption(ctx.t("timeline_detail_no_link"))
        st.button(
            ctx.t("timeline_clear_selection"),
            on_click=ui.select_event,
            args=(None,),
            icon=":material/close:",
            key="timeline_clear",
        )


def body(ctx: ui.Context) -> None:
    st.caption(ctx.t("timeline_caption"))
    events, total = _drawn(ctx), len(ctx.selection.event_ids)
    if events.empty:  # the filters keep cooperation items but no event
        ui.empty_state(ctx)
        if ctx.state.event:
            _detail(ctx, ctx.state.event)
        return
    if total > len(events):
        st.warning(
            ctx.t(
                "timeline_capped",
                shown=format_number(len(events), ctx.lang),
                total=format_number(total, ctx.lang),
            )
        )
    figure = ctx.cached(_figure, ctx.state.event)
    drawn = (ctx.view, ctx.lang, ctx.state.event)  # the view's filters, dates included
    ui.selectable_chart(
        figure.spec,
        CHART,
        drawn,
        lambda picked: _on_select(picked, figure.ids),
        height=figure.height,
        alt=plural("timeline_chart_alt", len(events), ctx.lang),
    )
    table, summary = ctx.cached(_twin)
    st.markdown(ui.md(summary))
    if ctx.state.event:
        _detail(ctx, ctx.state.event)
    else:
        st.info(ctx.t("timeline_detail_hint"), icon=":material/touch_app:")
    st.subheader(ctx.t("timeline_table_title"))
    date_col = ctx.t("timeline_col_date")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            date_col: st.column_config.DateColumn(
                date_col, format="DD/MM/YYYY" if ctx.lang == "fr" else "YYYY-MM-DD"
            )
        },
    )


def render() -> None:
    """Draw the page (Streamlit runs this file as the page; tests import ``render``)."""
    ui.run_page(body, "nav_timeline", "timeline")


if __name__ == "__main__":
    render()
