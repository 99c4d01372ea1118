"""IdSet behaves as a frozenset of ids; ids.isin agrees with pandas' isin."""

from __future__ import annotations

from collections.abc import Set

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.ids import IdSet, as_series, isin, member_rows, positions, rows_where

ids = st.lists(st.sampled_from([f"e{i}" for i in range(30)]), max_size=40)


@given(ids, ids)
def test_idset_is_a_frozenset(a: list[str], b: list[str]) -> None:
    x: Set[str] = IdSet(a)
    fa, fb = frozenset(a), frozenset(b)
    assert x == fa
    assert len(x) == len(fa)
    assert set(x) == fa
    assert all(v in x for v in fa)
    assert "missing" not in x
    assert (x & fb) == (fa & fb)
    assert (x | fb) == (fa | fb)
    assert (x - fb) == (fa - fb)
    assert (fb & x) == (fa & fb)
    assert (x <= fb) == (fa <= fb)
    assert (fb <= x) == (fb <= fa)
    assert bool(x) == bool(fa)
    assert hash(x) == hash(fa)


def test_idset_from_a_column_keeps_its_order_and_drops_missing() -> None:
    column = pd.Series(["b", "a", None, "b", "c"], dtype="string")
    x = IdSet(column)
    assert list(x) == ["b", "a", "c"]
    assert x.series.dtype == "string"
    assert "IdSet(" in repr(x)
    assert "n=3" in repr(x)


@given(st.lists(st.sampled_from(["a", "b", "c", None]), max_size=30), ids)
def test_isin_matches_pandas(values: list[str | None], wanted: list[str]) -> None:
    column = pd.Series(values, dtype="string")
    expected = column.isin(wanted).fillna(False).astype(bool)
    for form in (wanted, set(wanted), IdSet(wanted), pd.Series(wanted, dtype="string")):
        got = isin(column, form)
        assert got.index.equals(column.index)
        assert got.tolist() == expected.tolist()


def test_isin_on_a_million_ids_takes_columns_without_a_python_loop() -> None:
    big = pd.Series([f"ev{i:07d}" for i in range(1_000_000)], dtype="string")
    kept = IdSet(big[::3], unique=True)
    mask = isin(big, kept)
    assert int(mask.sum()) == len(kept) == 333_334
    assert as_series(kept) is kept.series


@pytest.mark.parametrize("dtype", ["string", "object", "str"])
def test_isin_on_any_dtype(dtype: str) -> None:
    """Any column dtype, any kind of collection: pandas' answer, missing values never match."""
    column = pd.Series(["a", None, "b", "c", "a"], dtype=dtype)
    for values in (["a", "c"], set(), ("z",), pd.Index(["b"])):
        got = isin(column, values)
        assert got.tolist() == column.isin(list(values)).tolist()
        assert got.index.equals(column.index)


@given(
    st.lists(st.booleans(), min_size=30, max_size=30),
    st.lists(st.sampled_from([*(f"e{i}" for i in range(35)), None]), max_size=60),
)
def test_member_rows_reads_the_mask_and_agrees_with_isin(
    rows: list[bool], column_values: list[str | None]
) -> None:
    """A column pointing into a frame is tested against the frame's row mask: the same
    answer as isin, for ids outside the frame and missing values too; ids of another frame,
    or plain ids, go through isin."""
    frame = pd.DataFrame({"event_id": [f"e{i}" for i in range(30)]})
    mask = np.array(rows, dtype=bool)
    kept = IdSet(frame["event_id"][mask], unique=True, rows=mask, frame=frame)
    column = pd.Series(column_values, dtype="string")
    where = positions(frame["event_id"], column)
    expected = column.isin(list(kept)).fillna(False).to_numpy(dtype=bool)
    assert member_rows(column, kept, frame, where).tolist() == expected.tolist()
    other = frame.copy()
    assert member_rows(column, kept, other, where).tolist() == expected.tolist()
    assert member_rows(column, set(kept), frame, where).tolist() == expected.tolist()


def test_idset_ignores_a_mask_of_the_wrong_length() -> None:
    """A mask that cannot be the frame's rows is dropped rather than trusted."""
    frame = pd.DataFrame({"event_id": ["a", "b"]})
    kept = IdSet(["a"], rows=np.array([True]), frame=frame)
    assert kept.rows is None
    assert kept.frame is None


def test_rows_where_is_boolean_indexing_by_position() -> None:
    """``rows_where`` gives what ``frame[mask]`` gives (index labels, order, columns), for a
    numpy mask or a Series, all columns or some; an all-False mask gives no row."""
    frame = pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "n": [1, 2, 3, 4], "tags": [["x"], [], ["y"], ["x", "y"]]},
        index=[7, 3, 9, 1],
    )
    mask = np.array([True, False, True, True])
    pd.testing.assert_frame_equal(rows_where(frame, mask), frame[mask])
    series = pd.Series(mask, index=frame.index)
    pd.testing.assert_frame_equal(rows_where(frame, series, ["n"]), frame.loc[mask, ["n"]])
    assert rows_where(frame, np.zeros(4, dtype=bool)).empty
