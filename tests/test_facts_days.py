"""facts.distinct_days counts the days the spans cover, as a loop over date ranges would."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dashboard.views.overview import distinct_days

spans = st.lists(
    st.tuples(st.dates(date(2025, 5, 1), date(2025, 7, 31)), st.integers(0, 20)), max_size=25
)


@given(spans)
def test_distinct_days_matches_a_loop(pairs: list[tuple[date, int]]) -> None:
    starts = pd.Series(pd.to_datetime([d for d, _ in pairs]), dtype="datetime64[ns]")
    ends = pd.Series(
        pd.to_datetime([d + timedelta(days=n) for d, n in pairs]), dtype="datetime64[ns]"
    )
    expected: set[pd.Timestamp] = set()
    for s, e in zip(starts, ends, strict=True):
        expected.update(pd.date_range(s, e, freq="D"))
    assert distinct_days(starts, ends) == len(expected)


def test_distinct_days_of_nothing_and_of_one_day() -> None:
    empty = pd.Series([], dtype="datetime64[ns]")
    assert distinct_days(empty, empty) == 0
    one = pd.Series(pd.to_datetime(["2025-06-24", "2025-06-24"]))
    assert distinct_days(one, one) == 1
