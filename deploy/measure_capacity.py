"""How many sessions a replica serves well: filter-change latency against sessions open.

    python deploy/measure_capacity.py                       # 10 25 50 75 100 150 per replica
    python deploy/measure_capacity.py --sessions 40 80 --seconds 60 --think 5

Starts two replicas (deploy/serve.sh, the session cap off) and, for each figure N, opens N
sessions on EACH replica (spread over the six pages, directly on the replica so that each
gets exactly N), then every session changes the sector filter after a random pause
(exponential, mean ``--think`` seconds) until ``--seconds`` have passed. Just before each N,
a reference run with ``--baseline`` sessions per replica gives the nearly idle figure, so
that each N is compared with a neighbour measured in the same conditions (on a shared
machine they move). Prints, per N, the filter changes made, the errors, the median / p95 /
max time from the change to the end of its rerun (over the WebSocket: server time plus the
wire, no browser drawing), the reference p95 and the ratio, the CPU the replicas used and
the machine's load average. The readers are deploy/ws_client.py sessions, run in threads
of this process on the same machine. docs/security.md explains how the session cap was
chosen from it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import local_stack
import ws_client

PAGES = ("", "timeline", "map", "sectors", "sources", "data")


@dataclass
class Level:
    sessions: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    open_s: float = 0.0
    cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their children so far."""
    total = 0.0
    for pid in pids:
        for proc in (pid, *children(pid)):
            try:
                fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / 100  # utime, stime in ticks
    return total


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def measure(
    replica_urls: list[str], sessions: int, seconds: float, think: float, pids: list[int]
) -> Level:
    level = Level(sessions, seconds)
    lock = threading.Lock()
    n = sessions * len(replica_urls)

    def open_one(i: int) -> ws_client.Session | None:
        time.sleep(0.02 * i)
        try:
            session, messages = ws_client.open_session(
                replica_urls[i % len(replica_urls)], PAGES[(i // len(replica_urls)) % 6]
            )
        except Exception as exc:
            with lock:
                level.error(f"open {type(exc).__name__}")
            return None
        if ws_client.exceptions(messages):
            with lock:
                level.error("exception")
        return session

    def loop(session: ws_client.Session, deadline: float, rng: random.Random) -> None:
        while True:
            time.sleep(rng.expovariate(1 / think))
            if time.monotonic() > deadline:
                return
            try:
                took, messages = session.change_filter()
            except Exception as exc:
                with lock:
                    level.error(type(exc).__name__)
                continue
            with lock:
                level.latencies.append(took)
                if ws_client.exceptions(messages):
                    level.error("exception")

    with ThreadPoolExecutor(n) as pool:
        start = time.monotonic()
        live = [s for s in pool.map(open_one, range(n)) if s is not None]
        level.open_s = time.monotonic() - start
        cpu0 = cpu_seconds(pids)
        client0 = time.process_time()
        deadline = time.monotonic() + seconds
        list(
            pool.map(
                loop,
                live,
                [deadline] * len(live),
                [random.Random(i) for i in range(len(live))],  # noqa: S311
            )
        )
        level.cpu_s = cpu_seconds(pids) - cpu0
        level.client_cpu_s = time.process_time() - client0
    for session in live:
        session.close()
    return level


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 25, 50, 75, 100, 150])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--think", type=float, default=5, help="mean pause between changes")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument(
        "--baseline",
        type=int,
        default=5,
        help="sessions per replica of the reference run made just before each figure",
    )
    args = parser.parse_args(argv)
    env = {"DASHBOARD_MAX_SESSIONS": "0"}
    with local_stack.running_stack(args.replicas, env=env) as stack:
        pids = stack.replica_pids
        # Warm every page's caches once, as a replica that has been up a while would be.
        for url in stack.replica_urls:
            for page in PAGES:
                session, _ = ws_client.open_session(url, page)
                session.close()
        print(
            "| sessions per replica | changes | errors | median ms | p95 ms | max ms "
            f"| p95 with {args.baseline} just before | ratio "
            "| replicas' CPU % of one core | readers' CPU % | load average |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for n in args.sessions:
            # A reference run just before each figure: the machine's own load moves between
            # runs (it is shared), so each figure is compared with its neighbour.
            ref = measure(stack.replica_urls, args.baseline, args.seconds / 2, args.think, pids)
            time.sleep(2)
            level = measure(stack.replica_urls, n, args.seconds, args.think, pids)
            ms = [x * 1000 for x in level.latencies]
            ref_p95 = pct([x * 1000 for x in ref.latencies], 95)
            errors = ", ".join(f"{k}: {v}" for k, v in sorted(level.errors.items())) or "0"
            mid = statistics.median(ms) if ms else float("nan")
            print(
                f"| {n} | {len(ms)} | {errors} | {mid:.0f} "
                f"| {pct(ms, 95):.0f} | {max(ms, default=float('nan')):.0f} "
                f"| {ref_p95:.0f} | {pct(ms, 95) / ref_p95:.1f}× "
                f"| {100 * level.cpu_s / args.seconds:.0f} "
                f"| {100 * level.client_cpu_s / args.seconds:.0f} "
                f"| {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
            time.sleep(2)  # let the closed sessions go
    return 0


if __name__ == "__main__":
    sys.exit(main())
