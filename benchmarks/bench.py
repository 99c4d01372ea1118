"""Benchmarks: ``python -m benchmarks.bench [--quick] [--only SECTION ...] [--sizes ...]``.

Prints one table per section; figures, never assertions. Sections:

- ``script``: server time of a rerun of every page (AppTest, in this process), on the
  embedded data and on synthetic packages (``--sizes``), for a rerun with nothing changed,
  for a sector filter change between two views already computed, and for a view no session
  asked for yet (filters and figures computed anew); a one-metric page gives the AppTest
  harness's own cost.
- ``ttc``: time to content in headless Chromium for every page (navigation start -> the
  page's h1 and main content visible and the script idle), and the ratio to a one-metric
  hello-world page (``benchmarks/hello_app.py``) served the same way; median of
  alternating runs, each in a fresh browser context (cold HTTP cache).
- ``filter``: browser latency of a sector filter change (the click on the option or on
  Reset -> the frame painted after the run's last message, the script idle), median and
  p95; first on the
  smallest page a filter can change (``benchmarks/filter_floor_app.py``), the floor
  that Streamlit and the browser cost whatever the app does.
- ``memory``: server resident memory with 1 and with 25 open sessions.
- ``load``: 25 concurrent sessions (contexts of one Chromium) changing filters for 60 s:
  errors and latency.

Everything stays on the loopback interface; the servers are started here and stopped at the
end. Synthetic packages are generated once with ``benchmarks.synth`` and cached in
``--cache`` (default /tmp/dashboard-bench). ``--quick`` shortens every section for a smoke
run. Nothing imports streamlit until the ``script`` section needs AppTest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
HELLO = ROOT / "benchmarks" / "hello_app.py"
FLOOR = ROOT / "benchmarks" / "filter_floor_app.py"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Background tabs of a load test must not be throttled: every session is "visible".
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
SECTIONS = ("script", "ttc", "filter", "memory", "load")

# (name, AppTest page file, URL path, selector of the page's main content)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "app_pages/overview.py", "/", '[data-testid="stMetric"]'),
    ("timeline", "app_pages/timeline.py", "/timeline", '[data-testid="stEChartsChart"] svg'),
    ("map", "app_pages/map.py", "/map", '[data-testid="stDeckGlJsonChart"] canvas'),
    ("sectors", "app_pages/sectors.py", "/sectors", '[data-testid="stEChartsChart"] svg'),
    ("sources", "app_pages/sources.py", "/sources", '[data-testid="stTabs"]'),
    ("data", "app_pages/data.py", "/data", '[data-testid="stDataFrame"]'),
)
HELLO_CONTENT = '[data-testid="stMetric"]'
SIZES = {"embedded": 0, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# --- small helpers --------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank on the sorted values; nan if empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table (readable as plain text too)."""

    def cell(v: object) -> str:
        if isinstance(v, float):
            return "–" if v != v else f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    cells = [[cell(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    lines = [f"\n### {title}\n"]
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(lines)


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    versions = {}
    for dist in ("streamlit", "pandas", "pydeck", "babel", "playwright"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[dist] = version(dist)
    chromium = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "chromium": chromium,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **versions,
    }


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def connections(port: int) -> int:
    """Established TCP connections to a local port (the server's open sessions)."""
    count = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(name).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    count += 1
    return count


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# --- synthetic packages ---------------------------------------------------------------------


def package_dir(size: str, cache: Path) -> Path | None:
    """The data folder for a size name (None: the embedded package), generated once."""
    n = SIZES[size]
    if n == 0:
        return None
    synth_src = ROOT / "benchmarks" / "synth.py"
    stamp = hashlib.sha1(synth_src.read_bytes()).hexdigest()[:12]  # noqa: S324 (a cache key)
    out = cache / f"synth-{n}"
    marker = out / "complete"
    if marker.exists() and marker.read_text() == stamp:
        return out / "data"
    from benchmarks.synth import synthesize, write_package

    print(f"  generating a synthetic package of {n:,} events in {out} …", flush=True)
    t0 = time.perf_counter()
    write_package(synthesize(n, seed=0), out / "data")
    marker.write_text(stamp)
    print(f"  … done in {time.perf_counter() - t0:.0f} s", flush=True)
    return out / "data"


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(script: Path, env: dict[str, str] | None = None) -> Iterator[tuple[int, str]]:
    """``streamlit run script`` on a free loopback port; yields (pid, base URL)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early ({script.name})")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{script.name} did not become healthy") from None
                time.sleep(0.3)
        yield proc.pid, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- script time per rerun (AppTest) --------------------------------------------------------


@dataclass
class ScriptRow:
    size: str
    events: int
    page: str
    first_s: float
    rerun_ms: list[float] = field(default_factory=list)
    change_ms: list[float] = field(default_factory=list)
    new_ms: list[float] = field(default_factory=list)


def _top_sectors(data_dir: Path | None) -> list[str]:
    import csv

    path = (data_dir or ROOT / "data") / "sectors.csv"
    with path.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["sort_order"]))
    return [r["sector_id"] for r in rows if not r["parent_id"]]


def _new_views(at: Any, tops: Sequence[str], page: int, n: int) -> list[tuple[list[str], Any]]:
    """``n`` views no earlier page asked for: one top-level sector each, with the date range
    cut short by a number of days proper to the page (so every page gets views of its own)."""
    first, last = at.date_input(key="w_dates").value
    span = max((last - first).days, 1)
    views = []
    for i in range(n):
        cut = (page * n + i) // len(tops) + 1 + page * 7
        end = last - timedelta(days=cut % span)
        views.append(([tops[i % len(tops)]], (first, max(end, first))))
    return views


def _count_events(data_dir: Path | None) -> int:
    with ((data_dir or ROOT / "data") / "events.csv").open("rb") as f:
        return sum(1 for _ in f) - 1


def script_section(sizes: Sequence[str], reruns: int, cache: Path) -> list[ScriptRow]:
    """Median server time of a rerun per page and size, measured through AppTest."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, app_test, local_script_runner

    # AppTest compiles the scripts again on every run (a new ScriptCache per run, one for the
    # entrypoint and one for the pages); the server keeps one for its lifetime. Share one,
    # so the figures are the server's.
    shared = ScriptCache()
    for module in (local_script_runner, app_test):
        setattr(module, "ScriptCache", lambda: shared)  # noqa: B010
    rows: list[ScriptRow] = []
    baseline = ScriptRow("—", 0, "hello (AppTest overhead)", 0.0)
    at = AppTest.from_file(str(HELLO), default_timeout=120)
    at.run()
    for _ in range(reruns):
        t0 = time.perf_counter()
        at.run()
        baseline.rerun_ms.append((time.perf_counter() - t0) * 1000)
    rows.append(baseline)
    for size in sizes:
        data_dir = package_dir(size, cache)
        if data_dir is None:
            os.environ.pop("DASHBOARD_DATA", None)
        else:
            os.environ["DASHBOARD_DATA"] = str(data_dir)
        tops = _top_sectors(data_dir)
        sector = tops[0]
        n_events = _count_events(data_dir)
        for index, (name, file, _, _) in enumerate(PAGES):
            at = AppTest.from_file(str(APP), default_timeout=3600)
            at.query_params["lang"] = "en"
            at.switch_page(file)
            t0 = time.perf_counter()
            at.run()
            row = ScriptRow(size, n_events, name, time.perf_counter() - t0)
            if at.exception:
                print(f"  {size}/{name}: exception {at.exception[0].value}", flush=True)
                rows.append(row)
                continue
            t0 = time.perf_counter()
            at.run()  # a second warm-up: per-page caches filled
            # Slow pages (big packages): a few reruns only, the figure is clear enough.
            warm = time.perf_counter() - t0
            n = reruns if warm < 1 else 3 if warm < 20 else 1
            for _ in range(n):
                t0 = time.perf_counter()
                at.run()
                row.rerun_ms.append((time.perf_counter() - t0) * 1000)
            for i in range(n):
                at.multiselect(key="w_sector").set_value([sector] if i % 2 == 0 else [])
                t0 = time.perf_counter()
                at.run()
                row.change_ms.append((time.perf_counter() - t0) * 1000)
            # A view nobody asked for yet: the filters and the page's figures computed anew.
            for sectors, dates in _new_views(at, tops, index, min(n, 5)):
                at.multiselect(key="w_sector").set_value(sectors)
                at.date_input(key="w_dates").set_value(dates)
                t0 = time.perf_counter()
                at.run()
                row.new_ms.append((time.perf_counter() - t0) * 1000)
            at.multiselect(key="w_sector").set_value([])
            rows.append(row)
            print(
                f"  {size:>8} {name:<9} first {row.first_s:6.1f} s  rerun "
                f"{median(row.rerun_ms):7.1f} ms  filter change {median(row.change_ms):7.1f} ms"
                f"  new view {median(row.new_ms):7.1f} ms",
                flush=True,
            )
    os.environ.pop("DASHBOARD_DATA", None)
    return rows


def script_table(rows: Sequence[ScriptRow]) -> str:
    return table(
        "Script time per rerun (AppTest, server side; median [p95] ms)",
        [
            "data",
            "events",
            "page",
            "first run (s)",
            "rerun, no change",
            "sector change, view seen",
            "new view",
        ],
        [
            (
                r.size,
                f"{r.events:,}",
                r.page,
                r.first_s,
                f"{median(r.rerun_ms):.1f} [{pct(r.rerun_ms, 95):.1f}]",
                f"{median(r.change_ms):.1f} [{pct(r.change_ms, 95):.1f}]" if r.change_ms else "–",
                f"{median(r.new_ms):.1f} [{pct(r.new_ms, 95):.1f}]" if r.new_ms else "–",
            )
            for r in rows
        ],
    )


# --- browser sections -----------------------------------------------------------------------

# Before any page script: when the script state first turns running, and last turns idle;
# and every message the server sends, with the time of the frame painted after it. A filter
# change is read off the messages, not off the script state: React may commit 'running'
# and 'notRunning' in one frame when a run is short, so the attribute never changes.
INIT_JS = """
window.__ttc = {running: null, idle: null};
new MutationObserver((records) => {
  const marks = window.__ttc;
  for (const r of records) {
    const state = r.target.getAttribute('data-test-script-state');
    if (state === 'running' && marks.running === null) marks.running = performance.now();
    if (state === 'notRunning' && marks.running !== null) marks.idle = performance.now();
  }
}).observe(document,
           {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
window.__messages = [];
const PlainWebSocket = window.WebSocket;
window.WebSocket = class extends PlainWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => {
      const entry = [performance.now(), null];
      window.__messages.push(entry);
      requestAnimationFrame(() => requestAnimationFrame(() => { entry[1] = performance.now(); }));
    });
  }
};
"""

READY_JS = """(sel) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect();
                            return r.width > 0 && r.height > 0; };
  if (!visible(document.querySelector('h1'))) return false;
  if (!visible(document.querySelector(sel))) return false;
  return performance.now();
}"""

WATCH_JS = """() => {
  window.__bench = {input: 0};
  document.addEventListener('pointerdown', () => { window.__bench.input = performance.now(); },
                            true);
}"""

# Done: messages came after the input, none for QUIET_MS, the script is idle and the frame
# after the last message is painted. Returns [input, first message, last message, frame].
QUIET_MS = 300
DONE_JS = (
    """(since) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const from = Math.max(since, window.__bench.input);
  const after = window.__messages.filter(([t]) => t >= from);
  if (!after.length) return false;
  const last = after[after.length - 1];
  if (performance.now() - last[0] < """
    + str(QUIET_MS)
    + """ || last[1] === null) return false;
  return [window.__bench.input, after[0][0], last[0], last[1]];
}"""
)


def _is_local(url: str) -> bool:
    from urllib.parse import urlparse

    host = urlparse(url).hostname or ""
    return url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost")


async def _new_page(browser: Any, blocked: list[str]) -> tuple[Any, Any]:
    context = await browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})

    async def guard(route: Any) -> None:
        if _is_local(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", guard)
    await context.add_init_script(INIT_JS)
    return context, await context.new_page()


async def _ready(page: Any, selector: str, timeout_ms: float = 120_000) -> float:
    """Wait until h1 + main content are visible and the script is idle, and stays so for a
    moment (a run may follow at once); the time of readiness, ms since navigation start."""
    when = 0.0
    for _ in range(5):
        handle = await page.wait_for_function(
            READY_JS, arg=selector, polling="raf", timeout=timeout_ms
        )
        when = float(await handle.json_value())
        await page.wait_for_timeout(300)
        if await page.evaluate(READY_JS, selector):
            break
    return when


@dataclass
class TtcRow:
    page: str
    ms: list[float] = field(default_factory=list)
    dom_ms: list[float] = field(default_factory=list)  # DOMContentLoaded (HTML + bundle)
    run_ms: list[float] = field(default_factory=list)  # the first script run starts
    idle_ms: list[float] = field(default_factory=list)  # the script is idle at last

    async def add(self, page: Any, ready_ms: float) -> None:
        marks = await page.evaluate(
            "() => [performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,"
            " window.__ttc.running, window.__ttc.idle]"
        )
        self.ms.append(ready_ms)
        for values, mark in zip((self.dom_ms, self.run_ms, self.idle_ms), marks, strict=True):
            if isinstance(mark, int | float):
                values.append(float(mark))


async def ttc_section(runs: int) -> tuple[list[TtcRow], list[str]]:
    """Time to content of every page and of the hello-world page, alternating."""
    from playwright.async_api import async_playwright

    blocked: list[str] = []
    rows = {name: TtcRow(name) for name in ("hello", *(p[0] for p in PAGES))}
    with serve(APP) as (_, app_base), serve(HELLO) as (_, hello_base):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            targets = [("hello", hello_base + "/", HELLO_CONTENT)] + [
                (name, app_base + path, sel) for name, _, path, sel in PAGES
            ]
            # One unmeasured visit of each: the servers' caches warm, as for any later visitor.
            for _, url, sel in targets:
                context, page = await _new_page(browser, blocked)
                await page.goto(url)
                await _ready(page, sel)
                await context.close()
            for r in range(runs):
                order = targets if r % 2 == 0 else targets[::-1]
                # Hello between every page, so drift over time hits both alike.
                for name, url, sel in order:
                    for target_name, target_url, target_sel in (
                        (name, url, sel),
                        ("hello", hello_base + "/", HELLO_CONTENT),
                    ):
                        if target_name == "hello" and name == "hello":
                            continue
                        context, page = await _new_page(browser, blocked)
                        await page.goto(target_url, wait_until="commit")
                        await rows[target_name].add(page, await _ready(page, target_sel))
                        await context.close()
            await browser.close()
    return list(rows.values()), blocked


def ttc_table(rows: Sequence[TtcRow]) -> str:
    hello = median(next(r.ms for r in rows if r.page == "hello"))
    return table(
        "Time to content in headless Chromium (ms; fresh context each visit)",
        [
            "page",
            "runs",
            "median",
            "min",
            "max",
            "ratio to hello",
            "DOM ready",
            "run starts",
            "script idle",
        ],
        [
            (
                r.page,
                len(r.ms),
                median(r.ms),
                min(r.ms),
                max(r.ms),
                f"{median(r.ms) / hello:.2f}x",
                median(r.dom_ms),
                median(r.run_ms),
                median(r.idle_ms),
            )
            for r in rows
        ],
    )


# The cycle of filter changes, by name: from no sector to one, one to two, two to none.
CHANGE_KINDS = ("first sector", "second sector", "reset")


async def _sector_actions(page: Any) -> list[Callable[[], Awaitable[None]]]:
    """The cycle of filter changes: add one sector, add another, reset (``CHANGE_KINDS``)."""
    sidebar = page.get_by_test_id("stSidebar")
    select = sidebar.get_by_test_id("stMultiSelect").first

    async def close_lists() -> None:
        """A click on the title closes an option list left open (not timed: the latency
        runs from the last click, the one on the option or the button)."""
        await page.locator("h1").first.click()

    def pick(index: int) -> Callable[[], Awaitable[None]]:
        async def act() -> None:
            await close_lists()
            await select.locator("input").click()
            # Not the "Select all" entry: one sector at a time, like a reader.
            options = page.get_by_role("option").filter(has_not_text="Select all")
            await options.first.wait_for(timeout=60_000)
            count = await options.count()
            await options.nth(min(index, count - 1)).click()

        return act

    async def reset() -> None:
        await close_lists()
        await sidebar.get_by_role("button").filter(has_text="Reset").first.click()

    return [pick(0), pick(1), reset]


@dataclass(frozen=True)
class Change:
    """One filter change, in ms: click -> the frame painted after the run's last message, and
    its parts: click -> first message (browser, request, start of the run), first -> last
    message (the run as the browser receives it), last message -> that frame."""

    total: float
    to_run: float
    run: float
    paint: float


async def _measure(page: Any, action: Callable[[], Awaitable[None]], timeout_ms: float) -> Change:
    """One filter change: the action, then wait for a run after it and the idle frame."""
    since = float(await page.evaluate("performance.now()"))
    await action()
    handle = await page.wait_for_function(DONE_JS, arg=since, polling="raf", timeout=timeout_ms)
    clicked, started, ended, done = (float(x) for x in await handle.json_value())
    return Change(done - clicked, started - clicked, ended - started, done - ended)


@dataclass
class LatencyRow:
    page: str
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    parts: list[Change] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # CHANGE_KINDS, one per ``ms``

    def by_kind(self, kind: str) -> list[float]:
        return [ms for ms, k in zip(self.ms, self.kinds, strict=True) if k == kind]


async def _latency_row(
    browser: Any, blocked: list[str], name: str, url: str, selector: str, changes: int
) -> LatencyRow:
    """``changes`` sector filter changes on one page, after one warm-up change."""
    row = LatencyRow(name)
    context, page = await _new_page(browser, blocked)
    await page.goto(url)
    await _ready(page, selector)
    await page.evaluate(WATCH_JS)
    actions = await _sector_actions(page)
    for i in range(changes + 1):
        try:
            change = await _measure(page, actions[i % len(actions)], 30_000)
            if i:  # the first change warms per-page caches for the filtered view
                row.ms.append(change.total)
                row.parts.append(change)
                row.kinds.append(CHANGE_KINDS[i % len(actions)])
        except Exception as exc:  # a failed change is counted
            row.errors += 1
            print(f"  {name}: change {i} failed: {exc!s:.200}", flush=True)
        await page.wait_for_timeout(150)
    row.errors += await page.get_by_test_id("stException").count()
    print(
        f"  {name:<9} median {median(row.ms):6.0f} ms  p95 {pct(row.ms, 95):6.0f} ms",
        flush=True,
    )
    await context.close()
    return row


async def filter_section(changes: int, pages: Sequence[str]) -> list[LatencyRow]:
    """Sector filter changes in the browser, page by page; first the same changes on the
    smallest page a filter can change (``FLOOR``): what Streamlit and the browser cost."""
    from playwright.async_api import async_playwright

    rows = []
    blocked: list[str] = []
    with serve(APP) as (_, base), serve(FLOOR) as (_, floor_base):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            rows.append(
                await _latency_row(
                    browser, blocked, "floor", floor_base + "/", HELLO_CONTENT, changes
                )
            )
            for name, _, path, sel in PAGES:
                if name in pages:
                    url = base + path
                    rows.append(await _latency_row(browser, blocked, name, url, sel, changes))
            await browser.close()
    return rows


def _parts(parts: Sequence[Change]) -> tuple[float, float, float]:
    return (
        median([c.to_run for c in parts]),
        median([c.run for c in parts]),
        median([c.paint for c in parts]),
    )


def latency_table(title: str, rows: Sequence[LatencyRow]) -> str:
    app_rows = [r for r in rows if r.page != "floor"]  # "all": the dashboard's pages only
    every = [ms for r in app_rows for ms in r.ms]
    body: list[Sequence[object]] = [
        (
            r.page,
            len(r.ms),
            median(r.ms),
            pct(r.ms, 95),
            max(r.ms, default=float("nan")),
            r.errors,
            *_parts(r.parts),
            *(median(r.by_kind(k)) for k in CHANGE_KINDS),
        )
        for r in rows
    ]
    body.append(
        (
            "all",
            len(every),
            median(every),
            pct(every, 95),
            max(every, default=float("nan")),
            sum(r.errors for r in app_rows),
            *_parts([c for r in app_rows for c in r.parts]),
            *(median([ms for r in app_rows for ms in r.by_kind(k)]) for k in CHANGE_KINDS),
        )
    )
    header = ["page", "changes", "median ms", "p95 ms", "max ms", "errors"]
    header += ["click→1st msg", "messages", "last msg→frame"]
    header += [f"median: {k}" for k in CHANGE_KINDS]
    note = " (then medians of the parts, and of each kind of change)"
    return table(title + note, header, body)


@dataclass
class MemoryResult:
    idle_mb: float = 0.0
    one_mb: float = 0.0
    many_mb: float = 0.0
    sessions: int = 0
    connections: int = 0  # established to the server while the sessions were open

    @property
    def per_session_mb(self) -> float:
        return (self.many_mb - self.one_mb) / max(self.sessions - 1, 1)


async def _open_sessions(
    browser: Any, base: str, n: int, start: int, blocked: list[str]
) -> list[Any]:
    contexts = []
    for i in range(start, start + n):
        _, _, path, sel = PAGES[i % len(PAGES)]
        context, page = await _new_page(browser, blocked)
        await page.goto(base + path)
        await _ready(page, sel)
        contexts.append(context)
    return contexts


async def memory_section(sessions: int) -> MemoryResult:
    """Server RSS: idle, with one session that has visited every page, with ``sessions``."""
    from playwright.async_api import async_playwright

    result = MemoryResult(sessions=sessions)
    blocked: list[str] = []
    with serve(APP) as (pid, base):
        result.idle_mb = rss_mb(pid)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # The first session visits every page: shared caches filled once for all.
            context, page = await _new_page(browser, blocked)
            for _, _, path, sel in PAGES:
                await page.goto(base + path)
                await _ready(page, sel)
            await page.goto(base + "/")
            await _ready(page, PAGES[0][3])
            await asyncio.sleep(2)
            result.one_mb = rss_mb(pid)
            others = await _open_sessions(browser, base, sessions - 1, 1, blocked)
            await asyncio.sleep(3)
            result.many_mb = rss_mb(pid)
            result.connections = connections(int(base.rsplit(":", 1)[1]))
            for c in [context, *others]:
                await c.close()
            await browser.close()
    return result


def memory_table(m: MemoryResult) -> str:
    return table(
        "Server memory (RSS of the streamlit process, MB)",
        ["server idle", "1 session", f"{m.sessions} sessions", "per extra session", "connections"],
        [(m.idle_mb, m.one_mb, m.many_mb, m.per_session_mb, m.connections)],
    )


@dataclass
class LoadResult:
    sessions: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    server_cpu_s: float = 0.0
    server_rss_mb: float = 0.0
    blocked: int = 0
    parts: list[Change] = field(default_factory=list)
    open_sessions: int = 0
    open_s: float = 0.0

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


async def _open_session(
    browser: Any, base: str, index: int, result: LoadResult, blocked: list[str]
) -> tuple[Any, Any] | None:
    """Open one session on a page (sessions spread over the pages, starts staggered)."""
    _, _, path, sel = PAGES[index % len(PAGES)]
    await asyncio.sleep(0.5 * index)
    context = None
    try:
        context, page = await _new_page(browser, blocked)
        context.set_default_timeout(120_000)
        await page.goto(base + path, wait_until="commit", timeout=180_000)
        await _ready(page, sel, timeout_ms=180_000)
        await page.evaluate(WATCH_JS)
        return context, page
    except Exception as exc:
        result.error("open " + type(exc).__name__)
        if context is not None:
            await context.close()
        return None


async def _session_loop(page: Any, deadline: float, result: LoadResult) -> None:
    """Filter changes until the deadline; every failure is counted, the session goes on."""
    actions = await _sector_actions(page)
    i = 0
    while time.monotonic() < deadline:
        try:
            change = await _measure(page, actions[i % len(actions)], 120_000)
            result.latencies.append(change.total)
            result.parts.append(change)
        except Exception as exc:
            result.error(type(exc).__name__)
        i += 1
    if await page.get_by_test_id("stException").count():
        result.error("exception shown")


async def load_section(sessions: int, seconds: float) -> LoadResult:
    """``sessions`` contexts opened (staggered), then all changing the sector filter at once
    for ``seconds``."""
    from playwright.async_api import async_playwright

    result = LoadResult(sessions, seconds)
    blocked: list[str] = []
    with serve(APP) as (pid, base):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # Warm the shared caches once, as a server that has been up a while would be.
            context, page = await _new_page(browser, blocked)
            for _, _, path, sel in PAGES:
                await page.goto(base + path)
                await _ready(page, sel)
            await context.close()
            t0 = time.monotonic()
            opened = await asyncio.gather(
                *(_open_session(browser, base, i, result, blocked) for i in range(sessions))
            )
            live = [s for s in opened if s is not None]
            result.open_s = time.monotonic() - t0
            result.open_sessions = len(live)
            cpu0 = cpu_seconds(pid)
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(_session_loop(page, deadline, result) for _, page in live))
            result.server_cpu_s = cpu_seconds(pid) - cpu0
            result.server_rss_mb = rss_mb(pid)
            for context, _ in live:
                await context.close()
            await browser.close()
    result.blocked = len(blocked)
    return result


def load_table(r: LoadResult) -> str:
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(r.error_kinds.items())) or "none"
    return table(
        f"Load: {r.open_sessions} of {r.sessions} sessions open (in {r.open_s:.0f} s), then all "
        f"changing the sector filter for {r.seconds:.0f} s",
        [
            "changes",
            "errors",
            "median ms",
            "p95 ms",
            "max ms",
            "server CPU s",
            "server RSS MB",
            "off-machine requests",
            "click→1st msg",
            "messages",
            "last msg→frame",
        ],
        [
            (
                len(r.latencies),
                f"{r.errors} ({kinds})",
                median(r.latencies),
                pct(r.latencies, 95),
                max(r.latencies, default=float("nan")),
                r.server_cpu_s,
                r.server_rss_mb,
                r.blocked,
                *_parts(r.parts),
            )
        ],
    )


# --- command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run of everything")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="sections to run")
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), help="data for 'script'")
    parser.add_argument("--runs", type=int, help="visits per page (ttc), reruns (script)")
    parser.add_argument("--sessions", type=int, help="concurrent sessions (memory, load)")
    parser.add_argument("--seconds", type=float, help="duration of the load test")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "dashboard-bench"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    quick = args.quick
    sections = args.only or list(SECTIONS)
    sizes = args.sizes or (["embedded", "10k"] if quick else list(SIZES))
    runs = args.runs or (3 if quick else 5)
    sessions = args.sessions or (5 if quick else 25)
    seconds = args.seconds or (10.0 if quick else 60.0)
    args.cache.mkdir(parents=True, exist_ok=True)
    if any(s != "script" for s in sections) and not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: browser sections skipped", file=sys.stderr)
        sections = [s for s in sections if s == "script"]

    out: dict[str, Any] = {"machine": machine(), "quick": quick}
    print("# Benchmarks", "(quick)" if quick else "")
    print(json.dumps(out["machine"], indent=1))
    tables: list[str] = []

    def show(text: str) -> None:
        tables.append(text)
        print(text, flush=True)

    if "script" in sections:
        print("\n[script] AppTest reruns …", flush=True)
        rows = script_section(sizes, max(runs * 3, 10), args.cache)
        out["script"] = [asdict(r) for r in rows]
        show(script_table(rows))
    if "ttc" in sections:
        print("\n[ttc] time to content …", flush=True)
        ttc, blocked = asyncio.run(ttc_section(runs))
        out["ttc"] = [asdict(r) for r in ttc]
        out["ttc_blocked_requests"] = blocked
        show(ttc_table(ttc))
    if "filter" in sections:
        print("\n[filter] filter-change latency …", flush=True)
        pages = [p[0] for p in PAGES]
        lat = asyncio.run(filter_section(9 if quick else 21, pages))
        out["filter"] = [asdict(r) for r in lat]
        show(latency_table("Filter-change latency in the browser (one session)", lat))
    if "memory" in sections:
        print("\n[memory] sessions …", flush=True)
        mem = asyncio.run(memory_section(sessions))
        out["memory"] = {**asdict(mem), "per_session_mb": mem.per_session_mb}
        show(memory_table(mem))
    if "load" in sections:
        print(f"\n[load] {sessions} sessions for {seconds:.0f} s …", flush=True)
        load = asyncio.run(load_section(sessions, seconds))
        out["load"] = asdict(load)
        show(load_table(load))
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average at the end: {out['load_average_end']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
