"""Benchmark: load + validate the embedded package and synthetic ones of 10k/100k/1M events.

Not a test (nothing here asserts); run it by hand and read the table:

    python benchmarks/bench_load.py                      # embedded, 10k, 100k, 1M
    python benchmarks/bench_load.py --sizes 10000        # a quicker run
    python benchmarks/bench_load.py --code /tmp/old      # time another checkout

Every measurement runs in a fresh interpreter, so one package's memory does not slow the
next. "first" is the first call in that interpreter (it also builds the pandera schemas);
the repeated calls after it give the median and the minimum, as wall-clock and as CPU time
(CPU time is steadier on a busy machine). Synthetic packages are written once with
``python -m benchmarks.synth`` into a cache folder and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
# Repeats after the first call: many for the small package, few for the big ones.
DEFAULT_REPEATS = {0: 20, 10_000: 5, 100_000: 3, 1_000_000: 2}

TIMER = r"""
import json, sys, time
t0 = time.perf_counter()
from dashboard.core.load import load_package
import dashboard.core.validate, dashboard.core.derived
imported = time.perf_counter() - t0
path = sys.argv[1] or None
repeat = int(sys.argv[2])
def once():
    w, c = time.perf_counter(), time.process_time()
    pkg = load_package(path)
    return time.perf_counter() - w, time.process_time() - c, pkg
first_wall, first_cpu, pkg = once()
rows = sum(len(f) for f in pkg.tables.values())
events = len(pkg["events"])
del pkg
walls, cpus = [], []
for _ in range(repeat):
    w, c, pkg = once()
    del pkg
    walls.append(w)
    cpus.append(c)
print(json.dumps({"import": imported, "first": first_wall, "first_cpu": first_cpu,
                  "walls": walls, "cpus": cpus, "rows": rows, "events": events}))
"""

IMPORT_TIMER = r"""
import json, time
t0 = time.perf_counter()
import dashboard.core.load, dashboard.core.validate, dashboard.core.derived
print(json.dumps({"import": time.perf_counter() - t0}))
"""


def _env(code: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DASHBOARD_DATA", None)
    env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _run(code: Path, script: str, *args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=_env(code),
        cwd=code,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{out.stdout}\n{out.stderr}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def synthetic(n: int, cache: Path) -> Path:
    """A synthetic package of ``n`` events (written once with the current code)."""
    folder = cache / f"synth-{n}"
    marker = folder / "datapackage.json"
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8"))["name"] == (
        f"synthetic-{n}"
    ):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"writing a synthetic package of {n:,} events to {folder} …", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "benchmarks.synth", str(n), str(folder)],
        check=True,
        cwd=ROOT,
        env=_env(ROOT),
        stdout=subprocess.DEVNULL,
    )
    return folder


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, help="repeats after the first call (all sizes)")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code to time")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "dashboard-bench-load",
        help="where synthetic packages are kept",
    )
    args = parser.parse_args(argv)

    imports = [_run(args.code, IMPORT_TIMER)["import"] for _ in range(5)]
    targets: list[tuple[str, str, int]] = [("embedded (data/)", "", 0)]
    for n in args.sizes:
        targets.append((f"synthetic {n:,}", str(synthetic(n, args.cache)), n))

    header = (
        f"{'package':<20} {'events':>10} {'rows':>11} {'runs':>4} "
        f"{'first':>9} {'median':>9} {'min':>9} {'median CPU':>11} {'min CPU':>9}"
    )
    print(f"code: {args.code}")
    print(
        f"import dashboard.core.load/validate/derived: median {_ms(statistics.median(imports))}, "
        f"min {_ms(min(imports))} (5 fresh interpreters)"
    )
    print(header)
    print("-" * len(header))
    for label, path, n in targets:
        repeat = args.repeat if args.repeat is not None else DEFAULT_REPEATS.get(n, 3)
        r = _run(args.code, TIMER, path, str(repeat))
        walls = r["walls"] or [r["first"]]
        cpus = r["cpus"] or [r["first_cpu"]]
        assert isinstance(walls, list)
        assert isinstance(cpus, list)
        print(
            f"{label:<20} {r['events']:>10,} {r['rows']:>11,} {len(walls):>4} "
            f"{_ms(float(r['first'])):>9} {_ms(statistics.median(walls)):>9} "
            f"{_ms(min(walls)):>9} {_ms(statistics.median(cpus)):>11} {_ms(min(cpus)):>9}"
        )
    print(f"(load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
