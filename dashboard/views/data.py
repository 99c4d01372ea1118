"""What the Data page shows: the view's events as a readable table, and how many there are.

The table is built from the export rows (``export.events_frame``), so the page shows what
the downloads hold, translated. No streamlit here.
"""

from __future__ import annotations

import pandas as pd

from dashboard.core.package import Package
from dashboard.present.i18n import format_number, t
from dashboard.present.labels import plural
from dashboard.views.export import events_frame

COLUMNS = (
    "when",
    "event",
    "kind",
    "place",
    "place_precision",
    "sectors",
    "sources",
    "n_independent",
)


def _label(prefix: str, value: object, lang: str) -> str:
    if not isinstance(value, str) or not value:
        return t("data_no_place", lang)
    try:
        return t(f"{prefix}{value}", lang)
    except ValueError:
        return value


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Export rows (``events_frame``) as the Data page shows them: translated columns
    ``when, event, kind, place, place_precision, sectors, sources, n_independent``."""
    return pd.DataFrame(
        {
            "when": frame["date_text"],
            "event": frame["title"],
            "kind": frame["kind"].map(lambda v: _label("data_kind_", v, lang)),
            "place": frame["place"].map(lambda v: v or t("data_no_place", lang)),
            "place_precision": frame["place_precision"].map(
                lambda v: _label("data_precision_", v, lang)
            ),
            "sectors": frame["sectors"].map(", ".join),
            "sources": frame["sources"].map(", ".join),
            "n_independent": frame["n_independent"],
        },
        columns=list(COLUMNS),
    )


def table(pkg: Package, events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The page's table of ``events`` (rows of ``derived.event_table``)."""
    return readable(events_frame(pkg, events, lang), lang)


def count_text(shown: int, total: int, lang: str) -> str:
    """'n of N events in this view.'"""
    return plural("data_count", shown, lang, total=format_number(total, lang))
