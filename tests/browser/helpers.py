"""Helpers of the browser tests: Chromium, the app served on a free port, a page tab."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


SCREENSHOTS = ROOT / "tests" / "screenshots"


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
]


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``streamlit run dashboard/app.py`` on a free port; return (process, base URL)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app.py"),
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
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"streamlit exited early: {err[-2000:]}")
        try:
            # base is our own http://127.0.0.1 URL
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy in 60 s")


def stop_app(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


class Tab:
    """A page plus what it saw: requests leaving the machine, console errors."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.external_requests: list[str] = []
        self.console_errors: list[str] = []

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.base + path)
        self.wait_idle()

    def wait_idle(self, timeout: float = 30_000) -> None:
        """Wait for the first drawing, then until the script has stayed idle for a moment
        (a run can be followed at once by another, e.g. when the URL is rewritten)."""
        from playwright.sync_api import expect

        expect(self.page.locator('[data-testid="stApp"]')).to_be_attached(timeout=timeout)
        # Every page has a title: before it shows, the first run has not drawn anything.
        expect(self.page.locator("h1").first).to_be_visible(timeout=timeout)
        idle = self.page.locator(IDLE)
        deadline = time.monotonic() + timeout / 1000
        while True:
            expect(idle).to_be_attached(timeout=timeout)
            self.page.wait_for_timeout(400)
            if idle.count() == 1 or time.monotonic() > deadline:
                break
        expect(self.page.get_by_test_id("stException")).to_have_count(0)

    def screenshot(self, name: str, height: int = 1600) -> Path:
        """Save a screenshot of the whole app (the viewport enlarged first)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.set_viewport_size({"width": 1400, "height": height})
        self.page.wait_for_timeout(300)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _is_local(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost")


def open_tab(browser: Any, base: str, locale: str = "en-GB") -> tuple[Any, Tab]:
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    tab = Tab(page, base)

    def guard(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            tab.external_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    return context, tab


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
