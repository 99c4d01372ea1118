"""The filter-latency harness of ``benchmarks.bench`` sees every change, even a run shorter
than a frame: on the floor page (one multiselect) the script runs in about 10 ms, and a
harness reading the script-state attribute lost 3 or 4 changes in 20 there (React never
committed 'running'). It runs in a subprocess: the bench drives Playwright's async API,
the other browser tests its sync one. No timing is asserted: figures are the bench's job."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.bench import CHANGE_KINDS, LatencyRow, latency_table
from tests.browser.helpers import ROOT, _need_chromium

pytestmark = pytest.mark.browser

SCRIPT = """
import asyncio, json
from dataclasses import asdict
from benchmarks.bench import filter_section
rows = asyncio.run(filter_section(9, []))
print(json.dumps([asdict(r) for r in rows]))
"""


def test_every_change_on_the_floor_page_is_measured() -> None:
    """Nine sector changes (add one, add another, reset) on the floor page: nine measured,
    none lost, each split into parts that add up to its total and named by its kind, in
    the order of the cycle; the table shows a median per kind."""
    _need_chromium()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (floor,) = json.loads(done.stdout.strip().splitlines()[-1])
    assert floor["page"] == "floor"
    assert floor["errors"] == 0
    assert len(floor["ms"]) == 9
    # The warm-up change (a first sector) is not kept: the kept ones start with the second.
    assert floor["kinds"] == [CHANGE_KINDS[i % 3] for i in range(1, 10)]
    row = LatencyRow(**{**floor, "parts": []})
    header = next(x for x in latency_table("t", [row]).splitlines() if x.startswith("| page"))
    assert [c.strip() for c in header.split("|")[-4:-1]] == [f"median: {k}" for k in CHANGE_KINDS]
    for total, part in zip(floor["ms"], floor["parts"], strict=True):
        assert min(part["to_run"], part["run"], part["paint"]) >= 0
        assert part["to_run"] + part["run"] + part["paint"] == pytest.approx(total)
