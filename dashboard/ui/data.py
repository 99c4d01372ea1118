"""The package the app serves, loaded once per server, and what every page reads of it.

The one ``st.cache_resource`` of the app is the loader: it keys the package by its folder
and the latest modification time of its files, so an edited package reloads. Everything
computed from the package afterwards goes through the package's memo (``core.cache``).
"""

from __future__ import annotations

import gc
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.core import derived, filters
from dashboard.core.filters import FilterState, Options, Selection
from dashboard.core.load import load_package, resolve_data_dir
from dashboard.core.package import DataError, Package
from dashboard.present import labels as names

View = tuple[tuple[str, tuple[str, ...]], ...]


@st.cache_resource(show_spinner=False)
def _load(data_dir: str, stamp: float) -> Package | DataError:
    try:
        pkg = load_package(data_dir)
    except DataError as exc:
        return exc
    filters.prepare(pkg)
    event_table(pkg)  # built with the package, not by the first reader of a view
    # The package lives as long as the server: move it out of the collector's reach, so no
    # later full collection walks its objects again (a measured speed-up at a million rows).
    gc.collect()
    gc.freeze()
    return pkg


def _stamp(base: Path) -> float:
    """Latest modification time of the package's files, so an edited package reloads."""
    try:
        return max((p.stat().st_mtime for p in base.iterdir()), default=0.0)
    except OSError:
        return 0.0


def package() -> Package | DataError:
    """The package of ``DASHBOARD_DATA`` (or the embedded one), or why it cannot be used."""
    base = resolve_data_dir()
    return _load(str(base), _stamp(base))


def options(pkg: Package) -> Options:
    """What the filters may hold, once per package."""
    return pkg.memo.get(Options.from_package, inputs=(pkg,))


def event_table(pkg: Package) -> pd.DataFrame:
    """``derived.event_table``, once per package for all sessions. Do not mutate."""
    return pkg.memo.get(_event_table, inputs=(pkg,))


def _event_table(pkg: Package) -> pd.DataFrame:
    table = derived.event_table(pkg)
    # Its rows in pkg["events"], which every view filters through: worked out with the table.
    filters.event_rows(pkg, table, "event_id", "ui.event_table")
    return table


def conflicts(pkg: Package) -> pd.DataFrame:
    """``derived.conflicts``, once per package for all sessions. Do not mutate."""
    return pkg.memo.get(derived.conflicts, inputs=(pkg,))


def itinerary(pkg: Package, event_ids: Collection[str]) -> pd.DataFrame:
    """``derived.itinerary`` of the selected events, from one full itinerary per package."""
    legs = pkg.memo.get(derived.itinerary, inputs=(pkg,))
    kept = filters.of_events(pkg, legs, "arrival_event_id", "ui.itinerary", event_ids)
    return legs[kept].reset_index(drop=True)


def source_kinds(pkg: Package) -> dict[str, str]:
    """source_id -> how its badge reads: ``seed``, ``external``, or ``not_found`` (an
    article the dataset names but could not read), once per package."""
    return pkg.memo.get(_source_kinds, inputs=(pkg,))


def _source_kinds(pkg: Package) -> dict[str, str]:
    src = pkg["sources"]
    found = src["found"].fillna(True).astype(bool)
    kinds = src["kind"].astype(str).where(found, "not_found")
    return dict(zip(src["source_id"].astype(str), kinds, strict=True))


def labels(pkg: Package, lang: str) -> dict[str, dict[str, str]]:
    """``present.labels.labels``, once per package and language."""
    return names.labels_of(pkg, lang)


# --- one view (a set of filters), computed once for all sessions ---------------------------


def view_key(state: FilterState) -> View:
    """The filters of a state as a hashable key; language and selected event left out."""
    query = filters.to_query(state.with_(lang=None, event=None))
    return tuple(sorted((k, tuple(v)) for k, v in query.items()))


def select(pkg: Package, state: FilterState) -> tuple[Selection, np.ndarray | None]:
    """The view's selection and the positions of its rows in ``event_table`` (None: every
    row), once per view."""
    return pkg.memo.get(_select, view=view_key(state), inputs=(pkg, state))


def _select(pkg: Package, state: FilterState) -> tuple[Selection, np.ndarray | None]:
    selection = filters.apply(state, pkg, options(pkg))
    table = event_table(pkg)
    if len(selection.event_ids) == len(table):
        return selection, None
    kept = filters.of_events(pkg, table, "event_id", "ui.event_table", selection.event_ids)
    return selection, np.flatnonzero(kept)


def view_rows(pkg: Package, state: FilterState, columns: tuple[str, ...] | None) -> pd.DataFrame:
    """The view's rows of ``event_table`` (only ``columns``, when given), copied once per
    view, and only for a page that reads them."""
    return pkg.memo.get(_view_rows, columns, view=view_key(state), inputs=(pkg, state))


def _view_rows(pkg: Package, state: FilterState, columns: tuple[str, ...] | None) -> pd.DataFrame:
    _, positions = select(pkg, state)
    table = event_table(pkg)
    return rows(table if columns is None else table[list(columns)], positions)


def rows(
    table: pd.DataFrame, positions: np.ndarray | None, at: np.ndarray | None = None
) -> pd.DataFrame:
    """The view's rows of ``table`` (``positions``; None: every row), or only those at
    positions ``at`` among them, copying only those."""
    if at is None:
        return table if positions is None else table.take(positions)
    return table.take(at if positions is None else positions[at])


def first_rows(table: pd.DataFrame, positions: np.ndarray | None, n: int) -> pd.DataFrame:
    """The first ``n`` of the view's rows of ``table`` (``positions``; None: every row),
    without copying the others."""
    return table.head(n) if positions is None else table.take(positions[:n])
