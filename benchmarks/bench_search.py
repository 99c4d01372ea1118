"""Benchmark: the full-text search (``dashboard.core.search``) on the embedded package and on
synthetic ones.

Not a test (nothing here asserts); run it by hand and read the table:

    python -m benchmarks.bench_search                          # the embedded package
    python -m benchmarks.synth 1000000 /tmp/s1m                # once
    python -m benchmarks.bench_search /tmp/s1m --repeat 20     # and a synthetic one

For each package: the index build (first build, then the median of rebuilds on a small
package), and per query the time of what the Search page asks (``views.search.results``:
counts, the best hits of each kind and their snippets) and of what the ``q`` filter asks
(``search._matching``: every matching event and item), each query run ``--repeat`` times
uncached; p50, p95 and max over all runs of all queries. The queries mix a word every event
has, rare words, prefixes, a phrase, an alias and hostile input.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from dashboard.core import search
from dashboard.core.load import load_package
from dashboard.views import search as sv

QUERIES = (
    "kamaz",
    "КАМАЗ",
    "Goita",
    "hélico",
    '"raffinerie d\'or"',
    "synthetic",  # every synthetic event
    "synthetic event",
    "invented",
    "ev000012",  # a prefix of a hundred ids at 1M
    "item0001",
    "topic",
    "zzzzqqq",
    'NEAR( "x * OR',
    "x" * 10_000,
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _p(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench(path: str | None, repeat: int, rebuilds: int) -> None:
    t0 = time.perf_counter()
    pkg = load_package(path)
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    idx = search.index(pkg)
    first = time.perf_counter() - t0
    again = []
    for _ in range(rebuilds):
        t0 = time.perf_counter()
        search.build(pkg).close()
        again.append(time.perf_counter() - t0)
    n = len(pkg["events"])
    docs = idx.db.execute("SELECT count(*) FROM docs").fetchone()[0]
    print(f"\n## {path or 'embedded'}: {n:,} events, {docs:,} documents (load {_ms(loaded)})")
    line = f"index build: first {_ms(first)}"
    if again:
        line += f", rebuilds median {_ms(statistics.median(again))}, min {_ms(min(again))}"
    print(line)
    page: list[float] = []
    filt: list[float] = []
    print("| query | hits | page p50 | filter p50 |")
    print("|---|---|---|---|")
    for text in QUERIES:
        query = search.parse(text, idx.aliases)
        times_page, times_filter = [], []
        total = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            total = sv.results(pkg, text, "en").total
            times_page.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            search._matching(pkg, search.expression(idx, query))
            times_filter.append(time.perf_counter() - t0)
        page += times_page
        filt += times_filter
        shown = text if len(text) < 30 else text[:20] + f"… ({len(text)} chars)"
        print(
            f"| `{shown}` | {total:,} | {_ms(statistics.median(times_page))} | "
            f"{_ms(statistics.median(times_filter))} |"
        )
    for name, values in (("Search page (results)", page), ("q filter (matching)", filt)):
        print(
            f"{name}: p50 {_ms(_p(values, 0.5))}, p95 {_ms(_p(values, 0.95))}, "
            f"max {_ms(max(values))} over {len(values)} runs"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packages", nargs="*", help="package folders (default: embedded)")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each query")
    parser.add_argument("--rebuilds", type=int, default=None, help="index rebuilds timed")
    args = parser.parse_args(argv)
    for path in args.packages or [None]:
        rebuilds = args.rebuilds if args.rebuilds is not None else (20 if path is None else 0)
        bench(path, args.repeat, rebuilds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
