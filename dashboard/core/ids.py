"""Sets of ids that stay fast at a million rows. No streamlit here.

A filtered view keeps up to a million event ids. As a Python ``frozenset`` that costs about
100 MB and a second or more to build, and every ``column.isin(frozenset)`` on an
Arrow-backed column converts it back, one Python string at a time. ``IdSet`` keeps the ids
as the Arrow-backed column slice they came from and builds the Python set only if someone
asks whether one id is in it; ``isin`` tests a column against any collection of ids with
Arrow's hash lookup (``validate.member_of``).

An ``IdSet`` made by filtering a table also keeps that filter as a row mask (``rows`` over
``frame``). A column that points into ``frame`` (an event id in the tag table, say) is then
tested by looking its rows up in the mask (``member_rows``, with positions worked out once
per package): a gather of integers instead of hashing a million strings per view.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Set
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class IdSet(Set[str]):
    """An immutable set of string ids backed by a pandas string Series.

    Behaves as a ``frozenset`` for ``in``, ``len``, iteration, comparison and set
    operators (which return plain frozensets); ``series`` is the ids as a column, in the
    order they were given, for vectorised lookups.
    """

    __slots__ = ("_set", "frame", "rows", "series")

    def __init__(
        self,
        ids: Iterable[str] | pd.Series = (),
        *,
        unique: bool = False,
        rows: np.ndarray | None = None,
        frame: pd.DataFrame | None = None,
    ) -> None:
        """``rows``/``frame``: the ids are those of the rows of ``frame`` where the boolean
        ``rows`` holds (both or neither)."""
        if isinstance(ids, pd.Series):
            series = ids.astype("string").reset_index(drop=True)
        else:
            series = pd.Series(list(dict.fromkeys(str(i) for i in ids)), dtype="string")
            unique = True
        if not unique:
            series = series.drop_duplicates().reset_index(drop=True)
        self.series: pd.Series = series.dropna().reset_index(drop=True)
        self._set: frozenset[str] | None = None
        known = rows is not None and frame is not None and len(rows) == len(frame)
        self.rows: np.ndarray | None = np.asarray(rows, dtype=bool) if known else None
        self.frame: pd.DataFrame | None = frame if known else None

    def as_set(self) -> frozenset[str]:
        """The ids as a Python frozenset, built on first use."""
        if self._set is None:
            self._set = frozenset(self.series.tolist())
        return self._set

    def __contains__(self, value: object) -> bool:
        return value in self.as_set()

    def __iter__(self) -> Iterator[str]:
        return iter(self.series.tolist())

    def __len__(self) -> int:
        return len(self.series)

    def __hash__(self) -> int:
        return hash(self.as_set())

    def __repr__(self) -> str:
        shown = ", ".join(repr(v) for v in self.series.head(5).tolist())
        more = ", …" if len(self) > 5 else ""
        return f"IdSet({{{shown}{more}}}, n={len(self)})"

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> frozenset[Any]:
        return frozenset(it)


def as_series(ids: Iterable[object] | pd.Series | pd.Index | np.ndarray) -> pd.Series:
    """Any collection of ids as a string Series, without a Python loop when it already is
    a column."""
    if isinstance(ids, IdSet):
        return ids.series
    if isinstance(ids, pd.Series | pd.Index | np.ndarray | pd.api.extensions.ExtensionArray):
        return pd.Series(ids).astype("string")
    return pd.Series([str(v) for v in ids], dtype="string")


def isin(column: pd.Series, ids: Iterable[object] | pd.Series | pd.Index | np.ndarray) -> pd.Series:
    """``column.isin(ids)``: a boolean Series on ``column``'s index, fast for millions of ids
    on either side (missing values never match)."""
    return member_of(column, as_series(ids))


def positions(keys: pd.Series, column: pd.Series) -> np.ndarray:
    """For each value of ``column``, the row of ``keys`` (unique) holding it; -1 when none."""
    return np.asarray(pd.Index(keys).get_indexer(column.astype(keys.dtype)), dtype=np.int64)


def member_rows(
    column: pd.Series,
    ids: Iterable[object] | pd.Series | pd.Index | np.ndarray,
    frame: pd.DataFrame,
    where: np.ndarray,
) -> np.ndarray:
    """``isin(column, ids)`` as a boolean array, where ``where`` gives for each value of
    ``column`` its row of ``frame`` (``positions``). When ``ids`` are a row mask of that very
    frame, the answer is read off the mask; otherwise it is an ``isin``."""
    if isinstance(ids, IdSet) and ids.frame is frame and ids.rows is not None:
        found: np.ndarray = where >= 0
        kept: np.ndarray = found & ids.rows[np.where(found, where, 0)]
        return kept
    return isin(column, ids).to_numpy(dtype=bool)


def rows_where(
    frame: pd.DataFrame, mask: np.ndarray | pd.Series, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """The rows of ``frame`` where ``mask`` holds (only ``columns``, when given), index
    labels kept: ``frame[mask]``, taken by position, which copies a wide frame of a million
    rows (object and Arrow list columns) faster than a boolean mask does."""
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    if columns is None:
        return frame.take(rows)
    return frame[list(columns)].take(rows)  # under copy-on-write the subset is not copied


_SMALL_LOOKUP = 1_000


def member_of(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)``, fast for millions of strings on both sides.

    pandas' own ``isin`` on Arrow-backed strings builds the lookup set in a Python loop,
    which takes seconds for a million known ids; Arrow's ``is_in`` takes milliseconds.
    """
    known = known.dropna()
    if len(values) <= _SMALL_LOOKUP and len(known) <= _SMALL_LOOKUP:
        lookup = set(known.tolist())
        found = [isinstance(v, str) and v in lookup for v in values.tolist()]
        return pd.Series(found, index=values.index, dtype=bool)
    found = pc.is_in(
        pa.array(values.astype("string").array),
        value_set=pa.array(known.astype("string").array),
        skip_nulls=True,
    )
    mask = np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    return pd.Series(mask, index=values.index)


def group_codes(columns: Sequence[pd.Series]) -> np.ndarray:
    """Dense integer codes (0, 1, …) of the distinct combinations of ``columns``, per row.

    A vectorised stand-in for grouping on several string columns (missing is a value).
    """
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        combined, _ = pd.factorize(combined * max(len(uniques), 1) + codes)
    return combined


def first_rows(codes: np.ndarray) -> np.ndarray:
    """For each code 0..max, the position of one row that has it."""
    out = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    out[codes] = np.arange(len(codes))
    return out
