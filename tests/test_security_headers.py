"""Security headers on every response through nginx, and pages that work under the CSP.

The header checks ask nginx (deploy/nginx.conf, as shipped and with its HTTPS and
frame-ancestors settings changed) for every page shell, every Streamlit bundle, every file
the app serves, Streamlit's endpoints and nginx's own errors. The browser checks
(``browser`` marker) open every page in headless Chromium with the policy enforced and fail
on any Content-Security-Policy violation in the console, and photograph the busy page.
Skipped without nginx (or Chromium), except on CI (CI=true).
"""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import http.client
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import IDLE, SCREENSHOTS
from tests.test_deploy import local_stack, require_nginx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import bundles  # noqa: E402
import ws_client  # noqa: E402

PAGES = ("/", "/timeline", "/map", "/sectors", "/sources", "/data")
FIXED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
CSP_MESSAGE = re.compile(r"Content[- ]Security[- ]Policy", re.IGNORECASE)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_nginx()
    with local_stack.running_stack(1, workdir=tmp_path_factory.mktemp("headers")) as running:
        yield running


@pytest.fixture(scope="module")
def https_proxy(stack: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second nginx in front of the same replica, with the HTTPS switch on and articles
    of news.example allowed to embed the pages."""
    port = int(stack.replica_urls[0].rsplit(":", 1)[1])
    settings = {"https": "on", "frame_ancestors": "'self' https://news.example"}
    with local_stack.running_proxy(
        [port], workdir=tmp_path_factory.mktemp("https"), settings=settings
    ) as url:
        yield url


def fetch(
    base: str,
    path: str,
    *,
    method: str = "GET",
    client: str = "192.0.2.1",
    body: bytes | None = None,
) -> tuple[int, list[tuple[str, str]]]:
    """Status and raw headers (lower-case names, repeats kept) of one request, from a
    forwarded client address of the test's choosing (each test its own budget)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, path, body=body, headers={"X-Forwarded-For": client})
        response = conn.getresponse()
        response.read()
        return response.status, [(k.lower(), v) for k, v in response.getheaders()]
    finally:
        conn.close()


def csp_of(headers: list[tuple[str, str]]) -> dict[str, list[str]]:
    (policy,) = [v for k, v in headers if k == "content-security-policy"]
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def check_headers(headers: list[tuple[str, str]], where: str, *, https: bool = False) -> None:
    names = [k for k, _ in headers]
    for name in (*FIXED, "content-security-policy", "permissions-policy"):
        assert names.count(name) == 1, f"{where}: {name} sent {names.count(name)} times"
    values = dict(headers)
    for name, value in FIXED.items():
        assert values[name] == value, where
    csp = csp_of(headers)
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script, where
    assert "'unsafe-eval'" not in script, where
    assert csp["default-src"] == ["'self'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'self'"], where
    ancestors = ["'self'", "https://news.example"] if https else ["'self'"]
    assert csp["frame-ancestors"] == ancestors, where
    allowed = dict(
        p.split("=", 1) for p in values["permissions-policy"].replace(" ", "").split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert allowed[feature] == "()", (where, feature)
    if https:
        assert values.get("strict-transport-security") == "max-age=31536000", where
    else:
        assert "strict-transport-security" not in values, where


def every_static_path() -> list[str]:
    """Every Streamlit bundle and every file of the app's dashboard/static."""
    source = bundles.streamlit_static()
    paths = [f"/static/{p.relative_to(source).as_posix()}" for p in source.rglob("*")]
    paths = [p for p, f in zip(paths, source.rglob("*"), strict=True) if f.is_file()]
    app = ROOT / "dashboard" / "static"
    paths += [f"/app/static/{p.name}" for p in sorted(app.iterdir()) if p.is_file()]
    return sorted(paths)


def test_every_page_and_file_carries_the_headers(stack: Any) -> None:
    """Page shells (with and without a query string), every static file (bundles served by
    nginx itself, the app's files by the replica), Streamlit's endpoints, all with the
    same single set of headers; no HSTS over plain http."""
    paths = [
        *PAGES,
        "/timeline?lang=fr&sector=industry",
        "/favicon.png",
        "/manifest.json",
        "/_stcore/health",
        "/_stcore/host-config",
        *every_static_path(),
    ]
    assert len(paths) > 300

    def one(path: str) -> tuple[str, int, list[tuple[str, str]]]:
        method = "HEAD" if path.startswith(("/static/", "/app/static/")) else "GET"
        return (path, *fetch(stack.proxy_url, path, method=method, client="192.0.2.10"))

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, paths))
    for path, status, headers in results:
        assert status == 200, path
        check_headers(headers, path)


def test_errors_carry_the_headers_too(stack: Any) -> None:
    """A missing file (404 from the replica), a body over the limit (413) and a refusal of
    the rate limit (429), the last two answered by nginx itself."""
    status, headers = fetch(stack.proxy_url, "/timeline/_stcore/health", client="192.0.2.20")
    assert status == 404
    check_headers(headers, "404")
    status, headers = fetch(
        stack.proxy_url, "/_stcore/health", method="POST", body=b"x" * 100_000, client="192.0.2.21"
    )
    assert status == 413
    check_headers(headers, "413")
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(
            pool.map(lambda _: fetch(stack.proxy_url, "/", client="192.0.2.22"), range(90))
        )
    refused = [h for s, h in answers if s == 429]
    assert refused
    check_headers(refused[0], "429")


def test_the_inline_script_of_streamlits_shell_is_allowed_by_its_hash(stack: Any) -> None:
    """script-src allows exactly the inline scripts of the page shell Streamlit serves, by
    hash: after a Streamlit upgrade that changes one, this fails (and so would the page)."""
    host, port = stack.proxy_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/", headers={"X-Forwarded-For": "192.0.2.30"})
    response = conn.getresponse()
    shell = response.read().decode()
    headers = [(k.lower(), v) for k, v in response.getheaders()]
    conn.close()
    inline = re.findall(r"<script>(.*?)</script>", shell, re.DOTALL)
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    }
    script = csp_of(headers)["script-src"]
    assert hashes == {s for s in script if s.startswith("'sha256-")}


def test_https_switch_adds_hsts_and_secure_cookies(https_proxy: str) -> None:
    """With the HTTPS switch on: HSTS on every response, errors included, `Secure` on the
    affinity cookie and on Streamlit's XSRF cookie; the frame-ancestors setting is used."""
    status, headers = fetch(https_proxy, "/_stcore/health", client="192.0.2.40")
    assert status == 200
    check_headers(headers, "health over https", https=True)
    cookies = [v for k, v in headers if k == "set-cookie"]
    assert {c.split("=", 1)[0] for c in cookies} == {"dashboard_affinity", "_streamlit_xsrf"}
    for cookie in cookies:
        flags = [f.strip().lower() for f in cookie.split(";")[1:]]
        assert "secure" in flags, cookie
        assert "samesite=lax" in flags, cookie
    status, headers = fetch(https_proxy, "/timeline/_stcore/health", client="192.0.2.41")
    assert status == 404
    check_headers(headers, "404 over https", https=True)


def test_cookies_over_plain_http_are_not_secure(stack: Any) -> None:
    """Switch off (as shipped): no `Secure`, which a browser would drop over http."""
    _, headers = fetch(stack.proxy_url, "/_stcore/health", client="192.0.2.50")
    cookies = [v for k, v in headers if k == "set-cookie"]
    assert len(cookies) == 2
    assert all("secure" not in c.lower() for c in cookies)


# --- in the browser --------------------------------------------------------------------------

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));
"""


class Watched:
    """A browser page with every console line, page error and CSP violation it saw."""

    def __init__(self, browser: Any, locale: str = "en-GB") -> None:
        self.context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.context.route("**/*", self._guard)

    def _guard(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:  # nothing leaves the machine; the CSP has already judged the request
            self.external.append(url)
            route.abort()

    def violations(self) -> list[str]:
        seen = [line for line in self.console if CSP_MESSAGE.search(line)]
        return seen + [f"event: {v}" for v in self.page.evaluate("window.__csp || []")]

    def wait_idle(self) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator(IDLE)).to_be_attached(timeout=60_000)
        expect(self.page.locator("h1").first).to_be_visible(timeout=60_000)
        self.page.wait_for_timeout(1500)  # charts, the map and its workers start after the run
        expect(self.page.locator(IDLE)).to_be_attached(timeout=60_000)


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_every_page_works_under_the_csp(stack: Any, browser: Any, path: str) -> None:
    """Each page, opened through nginx with the policy enforced, draws with no CSP violation
    and no error of its own; on the overview the sector filter is changed (the charts
    redrawn), on the Map page the online basemap (CARTO) is turned on, the one thing that
    asks another site."""
    from playwright.sync_api import expect

    tab = Watched(browser)
    try:
        response = tab.page.goto(stack.proxy_url + path)
        assert response is not None
        assert "frame-ancestors 'self'" in (response.header_value("content-security-policy") or "")
        tab.wait_idle()
        if path == "/":
            sidebar = tab.page.get_by_test_id("stSidebar")
            sidebar.get_by_test_id("stMultiSelect").filter(has_text="Sectors").click()
            tab.page.get_by_role("option", name="Industry", exact=True).click()
            tab.page.keyboard.press("Escape")
            tab.wait_idle()
        if path == "/map":
            tab.page.get_by_text("Online basemap", exact=False).click()
            tab.wait_idle()
            tab.page.wait_for_timeout(1500)
            assert any("cartocdn.com" in u for u in tab.external), "no tile was asked for"
        expect(tab.page.get_by_test_id("stException")).to_have_count(0)
        assert tab.violations() == []
        assert not [c for c in tab.console if c.startswith("pageerror")], tab.console
    finally:
        tab.context.close()


@pytest.mark.browser
def test_busy_page_in_the_browser(browser: Any, tmp_path: Path) -> None:
    """A replica capped at one session, taken: a browser gets the busy page, in French for a
    French browser and in English for the others, with no CSP violation. Screenshots:
    tests/screenshots/busy_en.png, busy_fr.png."""
    require_nginx()
    from playwright.sync_api import expect

    with local_stack.running_stack(1, workdir=tmp_path, env={"DASHBOARD_MAX_SESSIONS": "1"}) as s:
        holder, _ = ws_client.open_session(s.proxy_url, "")
        try:
            for locale, lang, title, retry in (
                ("en-GB", "en", "Busy right now", "Try again"),
                ("fr-FR", "fr", "Trop de monde en ce moment", "Réessayer"),
            ):
                tab = Watched(browser, locale)
                try:
                    tab.page.goto(s.proxy_url + "/timeline?sector=industry")
                    expect(tab.page.locator("h1").first).to_have_text(title, timeout=60_000)
                    expect(tab.page.locator(IDLE)).to_be_attached(timeout=60_000)
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    tab.page.screenshot(path=str(SCREENSHOTS / f"busy_{lang}.png"))
                    main = tab.page.get_by_test_id("stMain")
                    expect(main.get_by_role("button")).to_have_count(1)
                    expect(main.get_by_role("button", name=retry)).to_be_visible()
                    expect(tab.page.get_by_test_id("stSidebar")).to_have_count(0)
                    assert tab.violations() == []
                    assert tab.page.url.endswith("/timeline?sector=industry")
                finally:
                    tab.context.close()
        finally:
            holder.close()
