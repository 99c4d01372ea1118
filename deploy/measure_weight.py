"""Page weight through nginx against straight from a replica: bytes on the wire.

    python deploy/measure_weight.py                 # starts replicas + nginx itself
    python deploy/measure_weight.py --browser       # also load every page in Chromium
    python deploy/measure_weight.py --proxy URL --direct URL

Static mode fetches the page shell and every asset it references (entry script, preloaded
modules, stylesheets, font), plus the two chart chunks the pages load on demand (Plotly,
deck.gl), each once as a browser would (Accept-Encoding: gzip, deflate, br), and sums the
response bodies as received. Browser mode loads each page in a fresh headless Chromium
(empty cache) and sums what Playwright reports it received (bodies as encoded on the wire,
plus response headers); WebSocket traffic is counted in neither.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
import local_stack

if TYPE_CHECKING:
    from playwright.sync_api import Request

PAGES = ("", "timeline", "map", "sectors", "sources", "data")
ACCEPT = {"Accept-Encoding": "gzip, deflate, br"}
ASSET = re.compile(rb'(?:src|href)="\./(static/[^"]+)"')
CHUNKS = ("PlotlyChart.", "DeckGlJsonChart.")
CHROMIUM = "/usr/bin/chromium"


def fetch(url: str) -> int:
    """Bytes of the response body as transferred (not decompressed)."""
    request = urllib.request.Request(url, headers=ACCEPT)  # noqa: S310 (loopback http)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return len(response.read())


def static_rows(base: str) -> dict[str, int]:
    """Bytes per group for the shell, its assets and the on-demand chart chunks."""
    request = urllib.request.Request(base + "/")  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        shell = response.read()
    assets = sorted({a.decode() for a in ASSET.findall(shell)})
    spec = importlib.util.find_spec("streamlit")
    assert spec is not None
    assert spec.origin is not None
    js_dir = Path(spec.origin).parent / "static" / "static" / "js"
    chunks = sorted(f"static/js/{p.name}" for p in js_dir.glob("*.js") if p.name.startswith(CHUNKS))
    rows = {
        "HTML shell": fetch(base + "/"),
        "JS referenced by the shell": sum(
            fetch(f"{base}/{a}") for a in assets if a.endswith(".js")
        ),
        "CSS referenced by the shell": sum(
            fetch(f"{base}/{a}") for a in assets if a.endswith(".css")
        ),
        "font preloaded by the shell": sum(
            fetch(f"{base}/{a}") for a in assets if a.endswith(".woff2")
        ),
    }
    for chunk in chunks:
        rows[f"on demand: {Path(chunk).name.split('.')[0]} chunk"] = fetch(f"{base}/{chunk}")
    return rows


class Tally:
    """Bytes received per finished request, and the requests still in flight."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self.in_flight: set[Request] = set()

    def started(self, request: Request) -> None:
        self.in_flight.add(request)

    def finished(self, request: Request) -> None:
        self.in_flight.discard(request)
        sizes = request.sizes()
        self.received.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    def failed(self, request: Request) -> None:
        self.in_flight.discard(request)


def browser_rows(base: str, quiet_ms: int = 3000) -> dict[str, int]:
    """Bytes each page transfers when loaded with an empty cache in headless Chromium.

    A page counts as loaded once its script has finished and no HTTP request has started or
    been in flight for ``quiet_ms`` (chart chunks are fetched after the script ends).
    """
    from playwright.sync_api import sync_playwright

    rows: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        for page_path in PAGES:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            tally = Tally()
            page.on("request", tally.started)
            page.on("requestfinished", tally.finished)
            page.on("requestfailed", tally.failed)
            page.goto(f"{base}/{page_path}", timeout=90_000)
            page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
                timeout=90_000
            )
            seen = -1
            while seen != len(tally.received) or tally.in_flight:
                seen = len(tally.received)
                page.wait_for_timeout(quiet_ms)
            rows[f"page /{page_path}"] = sum(tally.received)
            context.close()
        browser.close()
    return rows


def table(direct: dict[str, int], proxy: dict[str, int]) -> str:
    lines = [
        "| | direct (kB) | through nginx (kB) | saved |",
        "|---|---:|---:|---:|",
    ]
    for key in direct:
        d, p = direct[key], proxy[key]
        lines.append(f"| {key} | {d / 1000:,.0f} | {p / 1000:,.0f} | {1 - p / d:.0%} |")
    return "\n".join(lines)


@contextmanager
def endpoints(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    if args.proxy and args.direct:
        yield args.proxy.rstrip("/"), args.direct.rstrip("/")
        return
    with local_stack.running_stack(1) as stack:
        yield stack.proxy_url, stack.replica_urls[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proxy", help="base URL through nginx (default: start a stack)")
    parser.add_argument("--direct", help="base URL of one replica")
    parser.add_argument("--browser", action="store_true", help="also measure real page loads")
    args = parser.parse_args(argv)
    with endpoints(args) as (proxy, direct):
        direct_rows, proxy_rows = static_rows(direct), static_rows(proxy)
        direct_rows["total: shell + its assets + both chunks"] = sum(direct_rows.values())
        proxy_rows["total: shell + its assets + both chunks"] = sum(proxy_rows.values())
        print(table(direct_rows, proxy_rows))
        if args.browser:
            print()
            print(table(browser_rows(direct), browser_rows(proxy)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
