"""Open to the internet, on loopback only: per-client limits at nginx, the busy page of a
full replica, and ten readers who do not notice a greedy client.

Every client here is on this machine, so the tests tell them apart the way a real
deployment does (docs/security.md, "Telling clients apart"): a reader comes through a
trusted front proxy (a connection from 127.0.0.1 carrying X-Forwarded-For, as from a TLS
terminator on the host), the greedy client connects from its own loopback address,
127.0.0.2, which nginx does not trust, so the X-Forwarded-For it makes up is ignored.
Skipped without nginx, except on CI (CI=true).
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from dashboard.present.i18n import t
from tests.test_deploy import local_stack, require_nginx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import ws_client  # noqa: E402

PAGES = ("", "timeline", "map", "sectors", "sources", "data")
SOCKETS_PER_CLIENT = 40  # deploy/nginx.conf: limit_conn dashboard_sockets 40
PAGES_BURST, PAGES_RATE = 60, 5  # limit_req zone=dashboard_pages burst=60, rate=5r/s
STATIC_BURST, STATIC_RATE = 1000, 20
HEADER_TIMEOUT = 10  # client_header_timeout


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two replicas with the shipped settings (session cap included) behind nginx."""
    require_nginx()
    with local_stack.running_stack(2, workdir=tmp_path_factory.mktemp("limits")) as running:
        yield running


def request(
    base: str,
    path: str,
    *,
    forwarded_for: str | None = None,
    source: str | None = None,
    method: str = "GET",
) -> tuple[int, dict[str, str]]:
    """One request on a new connection; the status and the headers (lower-case names)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(
        host, int(port), timeout=30, source_address=(source, 0) if source else None
    )
    try:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def burst(base: str, n: int, **kwargs: Any) -> list[int]:
    """``n`` requests for the page shell at once; their statuses."""
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda _: request(base, "/", **kwargs)[0], range(n)))


# --- who the client is -----------------------------------------------------------------------


def test_limits_follow_the_forwarded_address_from_a_trusted_proxy(stack: Any) -> None:
    """Through the trusted front proxy each forwarded address has its own budget, and an
    address a client puts in front of the chain does not give it a new one."""
    statuses = burst(stack.proxy_url, PAGES_BURST + 30, forwarded_for="203.0.113.9")
    assert statuses.count(429) >= 20, statuses
    assert set(statuses) <= {200, 429}
    # Another reader behind the same proxy is not affected...
    assert request(stack.proxy_url, "/", forwarded_for="203.0.113.10")[0] == 200
    # ... and the limited one cannot escape by prepending a made-up address of its own.
    # (The bucket refills at 5 a second: a few of these may pass, not most.)
    forged = burst(stack.proxy_url, 20, forwarded_for="192.0.2.77, 203.0.113.9")
    assert forged.count(429) >= 15, forged


def test_a_made_up_forwarded_address_from_an_untrusted_client_is_ignored(stack: Any) -> None:
    """A client that connects directly (here from 127.0.0.3, which nginx does not trust) is
    limited by its own address, whatever X-Forwarded-For it sends."""
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(
                lambda i: request(
                    stack.proxy_url, "/", source="127.0.0.3", forwarded_for=f"198.18.0.{i % 250}"
                )[0],
                range(PAGES_BURST + 30),
            )
        )
    assert statuses.count(429) >= 20, statuses


def test_sockets_per_client_are_capped(stack: Any, tmp_path: Path) -> None:
    """One client holds at most 40 WebSockets at once; the 41st is refused with 429 while
    another client still gets in. (On a second nginx in front of the same replicas, with
    only the new-session pace raised, so that 40 sockets open in well under a second: at
    the shipped pace of one a second they would take 38 s; the attack test shows the
    pace.)"""
    ports = [int(u.rsplit(":", 1)[1]) for u in stack.replica_urls]
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    pace = ("zone=dashboard_sessions:10m rate=1r/s", "zone=dashboard_sessions burst=40 delay=2")
    assert all(p in text for p in pace), "the session limits moved: update the test"
    fast = text.replace(pace[0], "zone=dashboard_sessions:10m rate=100r/s")
    fast = fast.replace(pace[1], "zone=dashboard_sessions burst=100 nodelay")
    with local_stack.running_proxy(ports, workdir=tmp_path, site_text=fast) as url:
        held: list[Any] = []
        try:

            def open_one(_: int) -> int:
                try:
                    ws = ws_client.open_socket(url, headers={"X-Forwarded-For": "203.0.113.40"})
                except InvalidStatus as exc:
                    return exc.response.status_code
                held.append(ws)
                return 101

            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                statuses = list(pool.map(open_one, range(SOCKETS_PER_CLIENT + 8)))
            assert statuses.count(101) == SOCKETS_PER_CLIENT, statuses
            assert statuses.count(429) == 8, statuses
            other = ws_client.open_socket(url, headers={"X-Forwarded-For": "203.0.113.41"})
            other.close()
            held.pop().close()  # one place freed: the same client gets one again
            time.sleep(0.2)
            again = ws_client.open_socket(url, headers={"X-Forwarded-For": "203.0.113.40"})
            held.append(again)
        finally:
            for ws in held:
                ws.close()


# --- a full replica --------------------------------------------------------------------------


def busy(messages: list[Any], lang: str) -> bool:
    return t("capacity_busy_title", lang) in ws_client.texts(messages)


def test_a_full_replica_turns_new_readers_away_and_keeps_its_readers(tmp_path: Path) -> None:
    """One replica capped at 2 sessions: two readers get in; the third and fourth get the
    busy page in their language (from the browser's locale, or ?lang=), with no error and no
    "page not found"; the first two keep working; when one leaves, "Try again" lets the
    third in, and the fourth is still asked to wait."""
    require_nginx()
    env = {"DASHBOARD_MAX_SESSIONS": "2"}
    with local_stack.running_stack(1, workdir=tmp_path, env=env) as small:
        base = small.proxy_url
        a, first_a = ws_client.open_session(base, "timeline")
        b, first_b = ws_client.open_session(base, "")
        c, first_c = ws_client.open_session(base, "map", locale="fr-FR")
        d, first_d = ws_client.open_session(base, "sources", locale="fr-FR", query="lang=en")
        try:
            for messages in (first_a, first_b):
                assert not busy(messages, "en")
                assert ws_client.exceptions(messages) == []
            assert busy(first_c, "fr")
            assert busy(first_d, "en")
            for messages in (first_c, first_d):
                kinds = [m.WhichOneof("type") for m in messages]
                assert "page_not_found" not in kinds
                assert ws_client.exceptions(messages) == []
                assert not any(w.endswith("-w_sector") for w in ws_client_widgets(messages))
            # The readers let in keep their sessions: their filters still work.
            for reader in (a, b):
                _, messages = reader.change_filter()
                assert ws_client.exceptions(messages) == []
                assert not busy(messages, "en")
            # One leaves; the third reader's "Try again" (a rerun) now lets it in.
            a.close()
            deadline = time.monotonic() + 10
            while busy(messages := c.run(), "fr"):
                assert time.monotonic() < deadline, "the place freed was not given"
                time.sleep(0.2)
            assert ws_client.exceptions(messages) == []
            c.sector_filter()  # the dashboard's sidebar is there
            assert busy(d.run(query="lang=en"), "en")
        finally:
            for session in (a, b, c, d):
                session.close()


def ws_client_widgets(messages: list[Any]) -> list[str]:
    return [
        getattr(getattr(e, e.WhichOneof("type")), "id", "")
        for e in ws_client.elements(messages)
        if e.WhichOneof("type")
    ]


# --- the greedy client and ten readers ---------------------------------------------------------


@dataclass
class Readers:
    """Ten readers, each behind the trusted proxy with an address of its own, changing the
    sector filter every 0.3-0.7 s and now and then reloading a page shell and a bundle."""

    base: str
    sessions: list[ws_client.Session] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, n: int = 10) -> None:
        def one(i: int) -> ws_client.Session:
            session, messages = ws_client.open_session(
                self.base, PAGES[i % len(PAGES)], headers=self.forwarded(i)
            )
            assert ws_client.exceptions(messages) == []
            assert not busy(messages, "en")
            return session

        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            self.sessions = list(pool.map(one, range(n)))

    @staticmethod
    def forwarded(i: int) -> dict[str, str]:
        return {"X-Forwarded-For": f"198.51.100.{i + 1}"}

    def phase(self, seconds: float, static: str) -> list[float]:
        """Every reader changes filters for ``seconds``; the changes' durations."""
        latencies: list[float] = []
        deadline = time.monotonic() + seconds

        def loop(i: int) -> None:
            rng = random.Random(i)
            session = self.sessions[i]
            n = 0
            while time.monotonic() < deadline:
                try:
                    took, messages = session.change_filter(timeout=30)
                except Exception as exc:
                    with self.lock:
                        self.errors.append(f"reader {i}: {type(exc).__name__}: {exc}")
                    return
                problems = ws_client.exceptions(messages)
                if busy(messages, "en"):
                    problems.append("busy page")
                with self.lock:
                    latencies.append(took)
                    self.errors.extend(f"reader {i}: {p}" for p in problems)
                n += 1
                if n % 5 == 0:
                    for path in ("/" + PAGES[i % len(PAGES)], "/_stcore/host-config", static):
                        status, _ = request(
                            self.base, path, forwarded_for=f"198.51.100.{i + 1}", method="GET"
                        )
                        if status != 200:
                            with self.lock:
                                self.errors.append(f"reader {i}: {path} answered {status}")
                time.sleep(rng.uniform(0.5, 1.5))

        threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(self.sessions))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return latencies

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


ATTACK_SECONDS = 18.0


def attack_round(
    base: str, readers: Readers, static: str, source: str
) -> tuple[list[float], list[float], dict[str, Any]]:
    """The readers' unloaded phase, then the same phase under attack from ``source``: the
    two lists of filter-change times and the attacker's account."""
    unloaded = readers.phase(ATTACK_SECONDS - 1, static)
    # The attacker stands for another machine: its own CPU must not be this one's, so it
    # runs at the lowest priority and can slow the readers only through the server. (At
    # normal priority, on two cores shared with the replicas and the readers, its
    # client-side work alone moved the readers' p95 by up to 2x.)
    attack = subprocess.Popen(
        [
            "nice",
            "-n",
            "19",
            sys.executable,
            str(ROOT / "deploy" / "attack.py"),
            base,
            "--source",
            source,
            "--seconds",
            str(ATTACK_SECONDS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        time.sleep(0.5)  # let it start: the readers' phase overlaps its whole run
        loaded = readers.phase(ATTACK_SECONDS - 1, static)
        out, err = attack.communicate(timeout=ATTACK_SECONDS + 30)
    finally:
        if attack.poll() is None:
            attack.kill()
    assert attack.returncode == 0, err
    return unloaded, loaded, json.loads(out)


def check_greedy_was_capped(result: dict[str, Any]) -> None:
    seconds = result["seconds"]
    sockets, pages, statics = (result["counts"][k] for k in ("sockets", "pages", "static"))
    # Sockets: at most 40 held; every other attempt refused (429) or held back by nginx
    # until the attacker gave up; none failed on the server's side.
    assert result["max_open_sockets"] <= SOCKETS_PER_CLIENT
    assert sockets.get("101", 0) <= SOCKETS_PER_CLIENT
    assert sockets.get("429", 0) + sockets.get("TimeoutError", 0) >= 130 - SOCKETS_PER_CLIENT
    assert sockets.get("429", 0) >= 60, sockets
    assert set(sockets) <= {"101", "429", "TimeoutError"}, sockets
    # The attack was as heavy as planned (its low priority did not slow it down).
    sent = sum(pages.values()) + sum(statics.values())
    assert sent >= 0.8 * 200 * ATTACK_SECONDS, sent
    # Requests: no more than the burst and the rate allow, the rest refused.
    assert pages.get("200", 0) <= PAGES_BURST + PAGES_RATE * seconds + 5, pages
    assert pages.get("429", 0) > 1000, pages
    assert statics.get("200", 0) <= STATIC_BURST + STATIC_RATE * seconds + 5, statics
    assert statics.get("429", 0) > 0, statics
    assert set(pages) | set(statics) <= {"200", "429"}
    # Half-sent requests: closed after client_header_timeout.
    closed = result["slow_closed_after"]
    assert all(c is not None and HEADER_TIMEOUT - 0.5 <= c <= HEADER_TIMEOUT + 2 for c in closed)


def test_a_greedy_client_is_refused_beyond_its_caps_and_readers_do_not_notice(
    stack: Any,
) -> None:
    """Ten readers change filters for 17 s (the unloaded figure), then again for 17 s while
    one client, from one address, opens 130 WebSockets (running a page on each it gets),
    sends 200 requests a second (pages, endpoints, bundles) and holds 100 half-sent
    requests. The greedy client gets no more than its caps (40 sockets, 1 new a second;
    60 + 5/s pages; 1000 + 20/s bundles), the rest is refused with 429 or held back until
    it gives up, its half-sent requests are closed after 10 s; the readers see no error,
    no busy page, every page and bundle they ask for arrives, and their filter-change p95
    stays within twice the unloaded one.

    The machine is shared with other jobs, whose bursts can land in one phase and not the
    other: when the p95 check fails, one more round is run (the attacker from another
    address), and the readers must meet it in one of the two. The caps and the readers'
    errors are checked in every round."""
    readers = Readers(stack.proxy_url)
    static = "/" + next(
        p for p in _shell_assets(stack.proxy_url) if p.endswith(".css") or p.endswith(".js")
    )
    readers.open()
    rounds: list[dict[str, Any]] = []
    try:
        readers.phase(2, static)  # warm: every reader's page has run its first filter change
        for source in ("127.0.0.2", "127.0.0.4"):
            unloaded, loaded, result = attack_round(stack.proxy_url, readers, static, source)
            closed = [c for c in result["slow_closed_after"] if c is not None]
            rounds.append(
                {
                    "unloaded": {"changes": len(unloaded), "p95_ms": round(1000 * p95(unloaded))},
                    "under attack": {"changes": len(loaded), "p95_ms": round(1000 * p95(loaded))},
                    "greedy": {k: v for k, v in result.items() if k != "slow_closed_after"},
                    "slow_closed_after_s": [round(min(closed), 2), round(max(closed), 2)]
                    if closed
                    else None,
                    "load_average": round(os.getloadavg()[0], 1),
                }
            )
            print(json.dumps(rounds[-1]))  # the figures of docs/security.md (pytest -s)
            check_greedy_was_capped(result)
            assert readers.errors == [], readers.errors[:10]
            assert len(unloaded) >= 50  # enough changes for a p95 (~170 on a quiet machine)
            assert len(loaded) >= 80
            if p95(loaded) <= 2 * p95(unloaded):
                break
    finally:
        readers.close()
        (Path(stack.workdir) / "attack-report.json").write_text(json.dumps(rounds, indent=1))
    assert p95(loaded) <= 2 * p95(unloaded), rounds


def _shell_assets(base: str) -> list[str]:
    sys.path.insert(0, str(ROOT / "deploy"))
    import attack

    return attack.static_paths(base)
