"""Data: the filtered events as a table, downloads of the view (CSV, JSON, GeoJSON, and the
whole package as a ZIP) and how to cite it."""

from collections.abc import Callable
from datetime import date
from typing import Literal

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.core import filters
from dashboard.core.package import Package
from dashboard.present.i18n import format_number
from dashboard.views import data, export

MAX_ROWS = 1000
WIDTHS: dict[str, Literal["medium", "large"] | int] = {
    "when": 200,
    "event": "large",
    "place": "medium",
}
DOWNLOADS = (
    ("csv", ":material/table_view:"),
    ("json", ":material/data_object:"),
    ("geojson", ":material/map:"),
    ("zip", ":material/folder_zip:"),
)


def _maker(fmt: str, pkg: Package, events: Callable[[], pd.DataFrame], lang: str,
           query: dict[str, list[str]]) -> Callable[[], bytes]:  # fmt: skip
    """The file, built only when its button is clicked (on Streamlit's download thread),
    from the view's rows (``events``, copied then)."""
    if fmt == "zip":
        return lambda: export.package_zip(pkg)
    return lambda: export.render(fmt, export.events_frame(pkg, events(), lang), pkg, lang, query)


def _table(ctx: ui.Context) -> pd.DataFrame:
    """The first rows of the view, readable (``ctx.cached``; never mutated)."""
    return data.table(ctx.pkg, ctx.events_head(MAX_ROWS), ctx.lang)


def body(ctx: ui.Context) -> None:
    pkg, lang, t = ctx.pkg, ctx.lang, ctx.t
    st.write(t("data_intro"))
    shown = len(ctx.selection.event_ids)  # the view's rows are copied for a download only
    st.caption(data.count_text(shown, ctx.selection.all_events, lang))
    if shown > MAX_ROWS:
        n = format_number(shown, lang)
        st.caption(t("data_capped", n=format_number(MAX_ROWS, lang), total=n))
    table = ctx.cached(_table)
    names = [str(c) for c in table.columns]
    config = {c: st.column_config.Column(t(f"data_col_{c}"), width=WIDTHS.get(c)) for c in names}
    height = 38 + 35 * min(len(table), 15)
    st.dataframe(table, column_config=config, hide_index=True, width="stretch", height=height)

    st.subheader(t("data_downloads"))
    query = filters.to_query(ctx.state.with_(lang=lang, event=None))
    grid = [*st.columns(2), *st.columns(2)]
    for column, (fmt, icon) in zip(grid, DOWNLOADS, strict=True):
        column.download_button(
            t(f"data_download_{fmt}"),
            data=_maker(fmt, pkg, ctx.events_later(), lang, query),
            file_name=export.file_name(pkg, fmt),
            mime=export.MIME[fmt],
            key=f"data_download_{fmt}",
            help=t(f"data_download_{fmt}_help"),
            icon=icon,
            on_click="ignore",
            width="stretch",
        )
    st.caption(t("data_cli"))

    st.subheader(t("data_cite"))
    st.caption(t("data_cite_help"))
    cite = export.citation(pkg, lang, ui.share_url(ctx, "data"), date.today())
    st.code(cite, language=None, wrap_lines=True)


def render() -> None:
    """Draw the page (Streamlit runs this file as the page; tests import ``render``)."""
    ui.run_page(body, "nav_data", "data")


if __name__ == "__main__":
    render()
