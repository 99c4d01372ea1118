"""The one cache (``core.cache.Memo``): keyed by function, view, language and arguments,
one per package, bounded for views, and refusing keys it cannot name."""

from __future__ import annotations

import pytest

from dashboard.core.cache import CacheKeyError, Memo
from dashboard.core.load import load_package
from dashboard.core.package import Package

CALLS: list[tuple[object, ...]] = []


def count_events(pkg: Package, *args: object) -> int:
    CALLS.append(args)
    return len(pkg["events"])


def echo(*args: object) -> tuple[object, ...]:
    CALLS.append(args)
    return args


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    CALLS.clear()


def test_a_result_is_computed_once_per_package(pkg: Package) -> None:
    fresh = load_package(pkg.path)
    first = fresh.memo.get(count_events, inputs=(fresh,))
    assert fresh.memo.get(count_events, inputs=(fresh,)) == first == len(fresh["events"])
    assert len(CALLS) == 1
    other = load_package(pkg.path)  # another package: another memo, computed again
    assert other.memo.get(count_events, inputs=(other,)) == first
    assert len(CALLS) == 2


def test_view_language_and_arguments_are_each_part_of_the_key() -> None:
    memo = Memo()
    calls = [
        memo.get(echo, 1, view=("v1",), lang="en"),
        memo.get(echo, 1, view=("v1",), lang="en"),  # the same key: not computed again
        memo.get(echo, 1, view=("v2",), lang="en"),
        memo.get(echo, 1, view=("v1",), lang="fr"),
        memo.get(echo, 2, view=("v1",), lang="en"),
        memo.get(echo, 1),  # no view: a per-package entry
    ]
    assert calls == [(1,), (1,), (1,), (1,), (2,), (1,)]
    assert len(CALLS) == 5
    assert len(memo) == 5


def test_inputs_are_passed_but_not_keyed() -> None:
    memo = Memo()
    assert memo.get(echo, "a", inputs=("first",)) == ("first", "a")
    assert memo.get(echo, "a", inputs=("second",)) == ("first", "a")  # same key, kept


def test_view_entries_are_evicted_oldest_first_package_entries_never() -> None:
    memo = Memo(max_view_entries=2)
    memo.get(echo, "package")
    for view in ("a", "b", "c"):
        memo.get(echo, view, view=view)
    assert len(memo) == 3  # the package entry and the two newest views
    CALLS.clear()
    memo.get(echo, "package")
    memo.get(echo, "c", view="c")
    assert CALLS == []
    memo.get(echo, "a", view="a")  # evicted: computed again
    assert CALLS == [("a",)]


def test_a_lambda_or_nested_function_is_refused() -> None:
    memo = Memo()

    def nested() -> int:
        return 1

    with pytest.raises(CacheKeyError):
        memo.get(lambda: 1)
    with pytest.raises(CacheKeyError):
        memo.get(nested)


def test_unhashable_arguments_are_refused_with_the_function_named() -> None:
    with pytest.raises(CacheKeyError, match="echo"):
        Memo().get(echo, ["a", "list"])
