"""Sources: each source with its metadata, the seed texts with every quote highlighted,
external references, corroboration and disagreements. Follows the filters."""

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.core import derived as views
from dashboard.present.i18n import format_number
from dashboard.views import sources as sv

MAX_ROWS = sv.MAX_ROWS
MAX_PILLS = 30  # event choices under a document
WIDE = ("quote", "supports", "fact", "sources", "title")  # the rest stay narrow


def _query(ctx: ui.Context) -> sv.SourcesQuery:
    sel = ctx.selection
    return sv.SourcesQuery(sel.event_ids, sel.item_ids, ctx.state.event, ctx.state.sources)


# The parts of a view are cached apart (``ctx.cached``), each computed when its tab or fold
# first shows (sv.SourcesQuery); ``event`` is the selected event. Never mutated.
def _evidence_of(ctx: ui.Context, event: str | None) -> pd.DataFrame:
    return _query(ctx).evidence(ctx.pkg)


def _view(ctx: ui.Context, event: str | None) -> sv.SourcesView:
    evidence = ctx.cached(_evidence_of, event)
    return sv.sources_view(ctx.pkg, _query(ctx), evidence, ctx.lang)


def _seed_of(ctx: ui.Context, event: str | None, source_id: str) -> sv.SeedView:
    evidence = ctx.cached(_evidence_of, event)
    disputed = _query(ctx).at_event(ui.conflicts(ctx.pkg))
    return sv.seed_view(ctx.pkg, source_id, evidence, ctx.lang, disputed)


# The markdown of a seed text and of its footnotes, cached so that a rerun need not rebuild it.
def _seed_text(ctx: ui.Context, event: str | None, source_id: str) -> str:
    return sv.seed_text(ctx.cached(_seed_of, event, source_id), ui.md)


def _seed_notes(ctx: ui.Context, event: str | None, source_id: str) -> str:
    view = ctx.cached(_seed_of, event, source_id)
    return sv.seed_notes(view, ctx.t("sources_quoted"), ui.md)


def _part_of(ctx: ui.Context, event: str | None, part: str) -> sv.Cut:
    """The table of the tab ``part``: external, corroboration or conflicts."""
    pkg, query = ctx.pkg, _query(ctx)
    if part == "external":
        return sv.external_part(pkg, ctx.cached(_evidence_of, event), ctx.lang)
    if part == "corroboration":
        corroboration = pkg.memo.get(views.corroboration, inputs=(pkg,))
        return sv.corroboration_part(pkg, query, corroboration, ctx.lang)
    return sv.conflicts_part(pkg, query, ui.conflicts(pkg), ctx.lang)


def _part(ctx: ui.Context, part: str) -> sv.Cut:
    return ctx.cached(_part_of, ctx.state.event, part)


def _table(ctx: ui.Context, frame: pd.DataFrame, empty: str, total: int = 0) -> None:
    """A dataframe with translated headers (cells are plain text, never markdown)."""
    if frame.empty:
        st.info(ctx.t(empty))
        return
    if max(total, len(frame)) > MAX_ROWS:
        st.caption(
            ctx.t(
                "sources_capped",
                n=format_number(MAX_ROWS, ctx.lang),
                total=format_number(max(total, len(frame)), ctx.lang),
            )
        )
    names = [str(c) for c in frame.columns]
    config = {
        c: st.column_config.Column(ctx.t(f"sources_col_{c}"), width="large" if c in WIDE else None)
        for c in names
    }
    config["url"] = st.column_config.LinkColumn(ctx.t("sources_col_url"), width="small")
    height = 38 + 35 * min(len(frame), 16)
    st.dataframe(frame.head(MAX_ROWS), column_config=config, hide_index=True, height=height)


def _focus(key: str) -> None:
    ui.select_event(st.session_state.get(key))


def _seed(ctx: ui.Context, row: Mapping[Any, Any], view: sv.SeedView) -> None:
    st.caption(ui.md(sv.meta_text(row, ctx.lang)))
    for notice in sv.seed_notices(view, ctx.lang):  # quotes capped or not found
        st.warning(ui.md(notice))
    event, sid = ctx.state.event, row["source_id"]
    st.markdown(ctx.cached(_seed_text, event, sid))
    st.markdown(ctx.cached(_seed_notes, event, sid))
    key, events = f"sources_focus_{row['source_id']}", view.events[:MAX_PILLS]
    st.session_state[key] = ctx.state.event if ctx.state.event in events else None
    labels = view.event_labels
    st.pills(sv.focus_label(view, ctx.lang, MAX_PILLS), events, key=key, on_change=_focus,
             args=(key,), format_func=lambda e: ui.md(labels[e]),
             help=ctx.t("sources_focus_help"))  # fmt: skip


def _conflicts(ctx: ui.Context, rows: pd.DataFrame) -> None:
    if rows.empty:
        st.info(ctx.t("sources_none_conflicts"))
    for _, group in rows.groupby(["subject_id", "claim"], sort=False):
        first = group.iloc[0]
        with st.container(border=True):
            title = ctx.t("sources_conflict_title", fact=first["fact"], claim=first["claim"])
            st.markdown(f"**{ui.md(title)}**")
            for column, side in zip(st.columns(len(group)), group.to_dict("records"), strict=True):
                column.markdown(sv.conflict_side_markdown(side, ctx.lang, ui.md))
            if first["reason"]:
                st.write(ui.md(ctx.t("sources_reason", reason=first["reason"])))


def _seeds(ctx: ui.Context, view: sv.SourcesView) -> None:
    """The seed texts, each in a fold (the first open), built only while open."""
    st.caption(ctx.t("sources_highlight_help"))
    if view.seeds.empty:
        st.info(ctx.t("sources_none_seed"))
    for i, row in enumerate(view.seeds.to_dict("records")):
        label = row["name"]  # the source as a reader knows it: outlet and piece
        key = f"sources_seed_{row['source_id']}"
        fold = ui.lazy_expander(label, key, expanded=i == 0, icon=":material/description:")
        if fold.open:
            with fold:
                sid = row["source_id"]
                _seed(ctx, row, ctx.cached(_seed_of, ctx.state.event, sid))


def _source_list(ctx: ui.Context, view: sv.SourcesView) -> None:
    sources = view.sources.drop(columns=["source_id", "name", "title_given"])
    _table(ctx, sources, "sources_none")


def _external(ctx: ui.Context, view: sv.SourcesView) -> None:
    st.caption(ctx.t("sources_external_intro"))
    external = _part(ctx, "external")
    _table(ctx, external.rows, "sources_none_external", external.total)


def _corroboration_tab(ctx: ui.Context, view: sv.SourcesView) -> None:
    st.caption(ctx.t("sources_corroboration_intro"))
    corroboration = _part(ctx, "corroboration")
    if not corroboration.rows.empty:
        st.write(ui.md(sv.takeaway(corroboration.rows, ctx.lang)))
    corr = corroboration.rows.drop(columns=["subject_type", "subject_id"])
    _table(ctx, corr, "sources_none_corroboration", corroboration.total)


def _disagreements(ctx: ui.Context, view: sv.SourcesView) -> None:
    st.caption(ctx.t("sources_conflicts_intro"))
    conflicts = _part(ctx, "conflicts")
    if conflicts.total > sv.MAX_CONFLICTS:
        st.caption(
            ctx.t(
                "sources_capped",
                n=format_number(sv.MAX_CONFLICTS, ctx.lang),
                total=format_number(conflicts.total, ctx.lang),
            )
        )
    _conflicts(ctx, conflicts.rows)


# Each tab's content, in tab order; only the chosen tab's is built (ui.lazy_tabs).
TABS: dict[str, Callable[[ui.Context, sv.SourcesView], None]] = {
    "seeds": _seeds,
    "list": _source_list,
    "external": _external,
    "corroboration": _corroboration_tab,
    "conflicts": _disagreements,
}
TABSET = ui.TabSet("sources_tab", tuple(TABS), "sources_tab_{tab}")  # tab={id} in the URL


def body(ctx: ui.Context) -> None:
    t, event = ctx.t, ctx.state.event
    view = ctx.cached(_view, event)
    st.write(t("sources_intro"))
    st.caption(view.summary)
    if event:
        title = ui.labels(ctx.pkg, ctx.lang)["event"].get(event, event)
        st.info(ui.md(t("sources_event_note", title=title)), icon=":material/filter_alt:")
    chosen, tab = ui.lazy_tabs(TABSET, ctx.lang)
    with tab:
        TABS[chosen](ctx, view)


def render() -> None:
    """Draw the page (Streamlit runs this file as the page; tests import ``render``)."""
    ui.run_page(body, "nav_sources", "sources", TABSET)


if __name__ == "__main__":
    render()
