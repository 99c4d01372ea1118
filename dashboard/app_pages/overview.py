"""Overview: headline, key figures, key facts with their sources, a compact itinerary."""

import streamlit as st

from dashboard import facts, ui
from dashboard.i18n import format_date, format_number, format_span

ctx = ui.context()
ui.show_notices(ctx.lang)
pkg, lang = ctx.pkg, ctx.lang
st.title(ui.md(pkg.text("title", lang)))
span = facts.visit_span(pkg)
if span is not None:
    st.caption(
        ctx.t("overview_dates", span=format_span(*span, "day", lang), n_sources=len(pkg["sources"]))
    )
st.write(ui.md(pkg.text("description", lang)))
ui.share_box(ctx, "")

if not ctx.selection.event_ids:
    ui.empty_state(ctx)
    st.stop()

if not ctx.state.is_empty:
    st.caption(
        ctx.t("overview_filtered", n=len(ctx.selection.event_ids), total=ctx.selection.all_events)
    )
figures = facts.key_figures(pkg, ctx.selection, ui.conflicts(pkg))
cols = [*st.columns(4), *st.columns(4)[:3]]
with_help = {"days", "sites", "sectors", "disagreements"}
for column, (key, value) in zip(cols, vars(figures).items(), strict=True):
    column.metric(
        ctx.t(f"metric_{key}"),
        format_number(value, lang),
        border=True,
        help=ctx.t(f"metric_{key}_help") if key in with_help else None,
    )

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(ctx.t("key_facts"))
    conflicts = ui.conflicts(pkg)
    for rec in facts.key_facts(ui.event_table(pkg), ctx.selection).to_dict("records"):
        with st.container(border=True):
            when = format_span(rec["start"], rec["end"], rec["date_precision"], lang)
            where = rec[ctx.col("place")] if isinstance(rec[ctx.col("place")], str) else ""
            st.markdown(f"**{ui.md(rec[ctx.col('title')])}**")
            st.caption(ui.md(" · ".join(x for x in (when, where) if x)))
            st.write(ui.md(rec[ctx.col("summary")]))
            disputed = conflicts[conflicts["subject_id"] == rec["event_id"]]
            if not disputed.empty:
                ui.conflict_note(ctx, disputed)
            ui.source_badges(ctx, rec["source_ids"])
with right:
    st.subheader(ctx.t("itinerary"))
    legs = ui.itinerary(pkg, ctx.selection.event_ids)
    names = ui.labels(pkg, lang)["place"]
    if legs.empty:
        st.caption(ctx.t("itinerary_none"))
    lines = [
        "1. "
        + ui.md(
            ctx.t(
                "itinerary_leg",
                origin=names[leg["from_place_id"]],
                dest=names[leg["to_place_id"]],
                date=format_date(leg["start"], lang),
                km=format_number(leg["distance_km"], lang),
            )
        )
        for leg in legs.to_dict("records")
    ]
    st.markdown("\n".join(lines))
