"""One greedy client against the local stack, bounded in count and time; loopback only.

    python deploy/attack.py http://127.0.0.1:8080 --seconds 18 --source 127.0.0.2

For ``--seconds`` it, from ONE client address (``--source``, a loopback address; Linux
answers on all of 127.0.0.0/8):
- opens ``--sockets`` session WebSockets at once, runs a page on each one it gets, holds them
  all, and tries ``--late-sockets`` more near the end, when the first ones are in;
- sends ``--rps`` HTTP requests a second, spread over page shells, Streamlit endpoints and
  the static bundles (HEAD, so that the wire is not the bottleneck), each with a made-up
  X-Forwarded-For, which nginx must ignore from an address it does not trust;
- opens ``--slow`` connections that send half a request header and then nothing, and notes
  when the server closes each.
It prints one JSON object: status counts per kind of request, the most sockets it ever held
at once, and when the slow connections were closed. tests/test_deploy_limits.py runs it in
its own process while ten readers use the dashboard. It refuses any address that is not on
this machine's loopback.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import random
import re
import socket
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from websockets.exceptions import InvalidStatus

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ws_client

PAGE_PATHS = ("/", "/timeline", "/map", "/_stcore/health", "/_stcore/host-config")


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def static_paths(base: str) -> list[str]:
    """The bundles the page shell refers to."""
    host, port = _host_port(base)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", "/", headers={"X-Forwarded-For": "192.0.2.250"})
        shell = conn.getresponse().read().decode()
    finally:
        conn.close()
    return sorted(set(re.findall(r'(?:src|href)="\./(static/[^"]+)"', shell)))


def _host_port(base: str) -> tuple[str, int]:
    url = urlparse(base)
    return url.hostname or "127.0.0.1", url.port or 80


class Attack:
    def __init__(self, base: str, source: str, seconds: float) -> None:
        self.base = base
        self.source = source
        self.seconds = seconds
        self.start = time.monotonic()
        self.deadline = self.start + seconds
        self.lock = threading.Lock()
        self.counts: dict[str, Counter[str]] = {
            k: Counter() for k in ("sockets", "pages", "static")
        }
        self.open_sockets = 0
        self.max_open = 0
        self.held: list[ws_client.Session] = []
        self.slow_closed_after: list[float | None] = []

    def count(self, kind: str, status: str) -> None:
        with self.lock:
            self.counts[kind][status] += 1

    # --- sockets ---------------------------------------------------------------------------
    def one_socket(self, delay: float = 0) -> None:
        time.sleep(delay)
        forged = {"X-Forwarded-For": f"198.18.{random.randrange(256)}.{random.randrange(256)}"}  # noqa: S311
        try:
            ws = ws_client.open_socket(
                self.base,
                headers=forged,
                source_address=(self.source, 0),
                timeout=max(1.0, self.deadline - time.monotonic()),
            )
        except InvalidStatus as exc:
            self.count("sockets", str(exc.response.status_code))
            return
        except Exception as exc:
            self.count("sockets", type(exc).__name__)
            return
        self.count("sockets", "101")
        session = ws_client.Session(ws)
        with self.lock:
            self.open_sockets += 1
            self.max_open = max(self.max_open, self.open_sockets)
            self.held.append(session)
        try:
            session.run(timeout=max(1.0, self.deadline - time.monotonic()))
        except Exception as exc:
            self.count("sockets", f"run {type(exc).__name__}")

    # --- HTTP ------------------------------------------------------------------------------
    def http_flood(self, rps: float, statics: list[str], workers: int) -> None:
        interval = workers / rps
        host, port = _host_port(self.base)

        def worker(i: int) -> None:
            conn: http.client.HTTPConnection | None = None
            n = 0
            next_at = time.monotonic() + i * interval / workers
            while time.monotonic() < self.deadline:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
                static = n % 2 == 1 and bool(statics)
                path = "/" + statics[n % len(statics)] if static else PAGE_PATHS[n % 5]
                n += 1
                kind = "static" if static else "pages"
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(
                            host, port, timeout=10, source_address=(self.source, 0)
                        )
                    forged = f"203.0.113.{random.randrange(256)}"  # noqa: S311
                    conn.request(
                        "HEAD" if static else "GET", path, headers={"X-Forwarded-For": forged}
                    )
                    response = conn.getresponse()
                    response.read()
                    self.count(kind, str(response.status))
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as exc:
                    self.count(kind, type(exc).__name__)
                    if conn is not None:
                        conn.close()
                    conn = None
            if conn is not None:
                conn.close()

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(worker, range(workers)))

    # --- slow connections ------------------------------------------------------------------
    def slow(self, n: int) -> None:
        host, port = _host_port(self.base)
        socks: list[tuple[socket.socket, float]] = []
        for _ in range(n):
            s = socket.create_connection((host, port), timeout=5, source_address=(self.source, 0))
            s.sendall(b"GET / HTTP/1.1\r\nHost: dashboard\r\nX-Slow: ")
            s.setblocking(False)
            socks.append((s, time.monotonic()))
        closed: list[float | None] = [None] * n
        while time.monotonic() < self.deadline and None in closed:
            for i, (s, opened) in enumerate(socks):
                if closed[i] is not None:
                    continue
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:  # closed by the server (a 408 answer, if any, comes first)
                    closed[i] = time.monotonic() - opened
            time.sleep(0.1)
        for s, _ in socks:
            s.close()
        self.slow_closed_after = closed


def run(
    base: str,
    *,
    source: str,
    seconds: float,
    sockets: int,
    late_sockets: int,
    rps: float,
    slow: int,
) -> dict[str, Any]:
    host, _ = _host_port(base)
    if not (loopback(host) and loopback(source)):
        raise SystemExit("attack.py only runs against and from this machine's loopback")
    statics = static_paths(base)
    attack = Attack(base, source, seconds)
    threads = [
        threading.Thread(target=attack.http_flood, args=(rps, statics, 8)),
        threading.Thread(target=attack.slow, args=(slow,)),
    ]
    for thread in threads:
        thread.start()
    late_at = max(0.0, seconds - 2.5)
    with ThreadPoolExecutor(max(1, sockets + late_sockets)) as pool:
        list(pool.map(attack.one_socket, [0.0] * sockets + [late_at] * late_sockets))
    for thread in threads:
        thread.join()
    time.sleep(max(0.0, attack.deadline - time.monotonic()))
    with attack.lock:
        held = list(attack.held)
    still_open = sum(1 for s in held if s.ws.protocol.state.name == "OPEN")
    for session in held:
        session.close()
    return {
        "seconds": round(time.monotonic() - attack.start, 1),
        "counts": {k: dict(v) for k, v in attack.counts.items()},
        "max_open_sockets": attack.max_open,
        "open_at_end": still_open,
        "slow_closed_after": attack.slow_closed_after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the proxy, e.g. http://127.0.0.1:8080")
    parser.add_argument("--source", default="127.0.0.2", help="loopback address to come from")
    parser.add_argument("--seconds", type=float, default=18)
    parser.add_argument("--sockets", type=int, default=120)
    parser.add_argument("--late-sockets", type=int, default=10)
    parser.add_argument("--rps", type=float, default=200, help="HTTP requests a second")
    parser.add_argument("--slow", type=int, default=100, help="half-sent requests")
    args = parser.parse_args(argv)
    result = run(
        args.url,
        source=args.source,
        seconds=args.seconds,
        sockets=args.sockets,
        late_sockets=args.late_sockets,
        rps=args.rps,
        slow=args.slow,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
