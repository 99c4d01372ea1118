"""Small helpers shared by the ECharts specs (``st.echarts_chart``)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any


def esc(text: object) -> str:
    """Data-derived text made inert for a chart's hover text, which ECharts reads as HTML."""
    return html.escape(str(text), quote=False)


def literal(text: str) -> str:
    """Text for an ECharts label, shown as written: braces would start a placeholder
    (``{b}``) or a rich-text style, so they become full-width braces."""
    return text.replace("{", "\uff5b").replace("}", "\uff5d")


def picked(selection: Mapping[str, Any] | None) -> list[tuple[int, int]]:
    """(series index, data index) of each selected item of an ``st.echarts_chart``
    selection, in order; anything malformed is left out."""
    if not isinstance(selection, Mapping):
        return []
    out = []
    for group in selection.get("selected") or []:
        if not isinstance(group, Mapping):
            continue
        series = group.get("series_index")
        if not isinstance(series, int) or isinstance(series, bool) or series < 0:
            continue
        for index in group.get("data_indices") or []:
            if isinstance(index, int) and not isinstance(index, bool) and index >= 0:
                out.append((series, index))
    return out


def item_ids(spec: Mapping[str, Any]) -> tuple[tuple[str | None, ...], ...]:
    """For each series of a spec, the ``id`` of each data item (None for plain values)."""
    return tuple(
        tuple(
            str(item["id"]) if isinstance(item, Mapping) and "id" in item else None
            for item in series.get("data") or []
        )
        for series in spec.get("series") or []
    )


def ids_of(selection: Mapping[str, Any] | None, ids: Sequence[Sequence[str | None]]) -> list[str]:
    """The item ids a selection picked, read through ``item_ids`` of the drawn spec."""
    out = []
    for series, index in picked(selection):
        if series < len(ids) and index < len(ids[series]):
            found = ids[series][index]
            if found:
                out.append(found)
    return out


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters for a chart label, an ellipsis ending it when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
