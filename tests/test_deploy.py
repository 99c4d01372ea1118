"""Deployment: the Dockerfile, requirements.txt, and replicas behind nginx.

Docker does not run on the build machines, so the Dockerfile is checked as text. The nginx
tests start two replicas of the real app (deploy/serve.sh) and Debian's nginx on loopback
from deploy/nginx.conf; they skip when nginx is not installed, except on CI (CI=true), where
a missing nginx is a failure.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NewSession_pb2 import Config
from websockets.sync.client import connect
from websockets.typing import Origin, Subprotocol

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("", "timeline", "map", "sectors", "sources", "data", "search")
STATIC_JS = Path(sys.modules["streamlit"].__file__ or "").parent / "static" / "static" / "js"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "deploy" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


local_stack = _load("local_stack")
healthcheck = _load("healthcheck")


# --- Dockerfile, .dockerignore, requirements.txt: checked as text -----------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    logical = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    out = []
    for line in logical.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def instructions(name: str) -> list[str]:
    return [args for word, args in dockerfile() if word == name]


def test_production_config_skips_the_full_collection_after_every_run() -> None:
    """.streamlit/config.toml turns off Streamlit's gc.collect(2) after each script run: it
    held the GIL about 120 ms per rerun on the embedded data, stalling every session's
    websocket (docs/performance.md)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_dockerfile_builds_on_slim_python_311_and_runs_as_a_user() -> None:
    """The image starts from python:3.11-slim and its final USER is not root."""
    assert instructions("FROM") == ["python:3.11-slim"]
    users = instructions("USER")
    assert users, "no USER: the app would run as root"
    assert users[-1] not in {"root", "0", "0:0"}
    assert any(re.search(rf"useradd\b.*\b{users[-1]}\b", run) for run in instructions("RUN"))


def test_dockerfile_serves_the_entrypoint_on_port_from_the_environment() -> None:
    """CMD runs deploy/serve.sh, which runs dashboard/app.py on $PORT (8501 by default)."""
    assert "PORT=8501" in " ".join(instructions("ENV")).split()
    assert instructions("EXPOSE") == ["8501"]
    (cmd,) = instructions("CMD")
    assert "deploy/serve.sh" in cmd
    serve = (ROOT / "deploy" / "serve.sh").read_text()
    assert 'port="${1:-${PORT:-8501}}"' in serve
    assert re.search(r"exec python -m streamlit run dashboard/app\.py", serve)
    assert '--server.port "$port"' in serve


def test_dockerfile_healthcheck_probes_stcore_health() -> None:
    """HEALTHCHECK runs deploy/healthcheck.py, which asks /_stcore/health on $PORT."""
    (check,) = instructions("HEALTHCHECK")
    assert "deploy/healthcheck.py" in check
    assert healthcheck.health_url({}) == "http://127.0.0.1:8501/_stcore/health"
    assert (
        healthcheck.health_url({"PORT": "9000", "STREAMLIT_SERVER_BASE_URL_PATH": "/dash/"})
        == "http://127.0.0.1:9000/dash/_stcore/health"
    )


def test_healthcheck_fails_when_nothing_listens() -> None:
    """With no server on $PORT the health check exits 1, not 0 and not with a traceback."""
    port = local_stack.free_port()
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
        env={**os.environ, "PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


def test_every_copied_path_exists_and_is_in_the_build_context() -> None:
    """Each COPY source exists and .dockerignore lets it into the build context."""
    allowed = [
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    copies = instructions("COPY")
    assert copies
    for args in copies:
        *sources, _dest = shlex.split(args)
        for src in sources:
            assert (ROOT / src).exists(), f"COPY {src}: no such file"
            assert any(src == a or src.startswith(f"{a}/") for a in allowed), (
                f"COPY {src}: excluded by .dockerignore"
            )


def test_requirements_install_the_dependencies_of_pyproject() -> None:
    """requirements.txt pins exactly the runtime dependencies, within pyproject's ranges."""
    declared = {
        canonicalize_name(r.name): r
        for r in map(
            Requirement,
            tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"],
        )
    }
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "-e ." in lines, "the dashboard package itself must be installed"
    pinned = {canonicalize_name(r.name): r for r in map(Requirement, set(lines) - {"-e ."})}
    assert pinned.keys() == declared.keys()
    for name, req in pinned.items():
        (spec,) = req.specifier
        assert spec.operator == "==", f"{name}: pin an exact, tested version"
        assert declared[name].specifier.contains(spec.version), (
            f"{name}=={spec.version} is outside pyproject's {declared[name].specifier}"
        )


def test_render_site_changes_only_ports() -> None:
    """The test config is deploy/nginx.conf with its replica and listen ports swapped, and
    the bundles' folder moved to the test's own."""
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    rendered = local_stack.render_site(shipped, [7001, 7002], 7000, bundles=Path("/srv/b"))
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", rendered) == ["7001", "7002"]
    assert re.findall(r"^\s*listen\s+([^;]+);", rendered, re.MULTILINE) == ["127.0.0.1:7000"]
    assert re.findall(r"^\s*root\s+([^;]+);", rendered, re.MULTILINE) == ["/srv/b"]
    strip = re.compile(r"^\s*(server 127\.0\.0\.1|listen|root)\b.*$\n?", re.MULTILINE)
    assert strip.sub("", rendered).strip() == strip.sub("", shipped).strip()


def test_render_site_sets_the_operator_settings() -> None:
    """The settings at the top of deploy/nginx.conf can be changed by name (the tests turn
    HTTPS on that way); an unknown name is an error, not a silent no-op."""
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    rendered = local_stack.render_site(
        shipped, [7001], 7000, settings={"https": "on", "frame_ancestors": "'none'"}
    )
    assert re.search(r'map ""\s+\$dashboard_https\s*\{\s*default "on";', rendered)
    assert re.search(r'map ""\s+\$dashboard_frame_ancestors\s*\{\s*default "\'none\'";', rendered)
    assert re.search(r'map ""\s+\$dashboard_https\s*\{\s*default off;', shipped)
    with pytest.raises(ValueError, match="no_such"):
        local_stack.render_site(shipped, [7001], 7000, settings={"no_such": "x"})


# --- replicas behind nginx ---------------------------------------------------------------------


def require_nginx() -> None:
    if local_stack.find_nginx() is None:
        message = "nginx is not installed (Debian package: nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_nginx()
    with local_stack.running_stack(2, workdir=tmp_path_factory.mktemp("stack")) as running:
        yield running


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; Set-Cookie values joined by newlines), raw body."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        found: dict[str, str] = {}
        for name, value in response.headers.items():
            key = name.lower()
            found[key] = f"{found[key]}\n{value}" if key in found else value
        return response.status, found, response.read()


def affinity_of(headers: dict[str, str]) -> str | None:
    match = re.search(r"dashboard_affinity=([^;\s]+)", headers.get("set-cookie", ""))
    return match.group(1) if match else None


def run_page(proxy_url: str, page: str, cookie: str) -> list[ForwardMsg]:
    """Open the app's WebSocket through the proxy, run one page, return the messages."""
    ws_url = proxy_url.replace("http://", "ws://") + "/_stcore/stream"
    with connect(
        ws_url,
        origin=Origin(proxy_url),
        additional_headers={"Cookie": f"dashboard_affinity={cookie}"},
        subprotocols=[Subprotocol("streamlit")],
        max_size=None,
        open_timeout=20,
    ) as ws:
        assert ws.response is not None
        assert ws.response.status_code == 101
        back = BackMsg()
        back.rerun_script.page_name = page
        back.rerun_script.query_string = ""
        ws.send(back.SerializeToString())
        messages = []
        while True:
            msg = ForwardMsg()
            frame = ws.recv(timeout=30)
            assert isinstance(frame, bytes)
            msg.ParseFromString(frame)
            messages.append(msg)
            if msg.WhichOneof("type") == "script_finished":
                return messages


def test_every_page_shell_loads_through_the_proxy(stack: Any) -> None:
    """Each page path answers 200 with the app's HTML shell; /_stcore/health says ok."""
    assert get(f"{stack.proxy_url}/_stcore/health")[2] == b"ok"
    for page in PAGES:
        status, headers, body = get(f"{stack.proxy_url}/{page}")
        assert status == 200, page
        assert headers["content-type"].startswith("text/html")
        assert b'<div id="root">' in body, page


def test_every_page_runs_over_a_websocket_through_the_proxy(stack: Any) -> None:
    """Each page's script runs to the end over the proxied WebSocket: no exception, no 404.

    The run also reports the production settings the replicas were started with and the
    app's page list, which must be exactly the six pages.
    """
    cookies = [f"page-{page or 'overview'}" for page in PAGES]
    with concurrent.futures.ThreadPoolExecutor(len(PAGES)) as pool:
        runs = list(pool.map(run_page, [stack.proxy_url] * len(PAGES), PAGES, cookies))
    for page, messages in zip(PAGES, runs, strict=True):
        kinds = [m.WhichOneof("type") for m in messages]
        assert "page_not_found" not in kinds, page
        exceptions = [
            m.delta.new_element.exception.message
            for m in messages
            if m.WhichOneof("type") == "delta"
            and m.delta.WhichOneof("type") == "new_element"
            and m.delta.new_element.WhichOneof("type") == "exception"
        ]
        assert exceptions == [], page
        (session,) = [m.new_session for m in messages if m.WhichOneof("type") == "new_session"]
        assert session.config.gather_usage_stats is False
        assert session.config.toolbar_mode == Config.ToolbarMode.VIEWER
        (nav,) = [m.navigation for m in messages if m.WhichOneof("type") == "navigation"]
        assert sorted(p.url_pathname for p in nav.app_pages) == sorted(PAGES)


def test_big_bundles_arrive_gzipped_and_intact(stack: Any) -> None:
    """The Plotly and deck.gl chunks, the entry script and its CSS come gzipped via nginx.

    Unzipped they equal what the replica serves directly (uncompressed); a client that does
    not accept gzip gets them uncompressed.
    """
    _, _, shell = get(stack.replica_urls[0] + "/")
    entry = re.findall(rb'<script[^>]+src="\./(static/js/[^"]+\.js)"', shell)
    css = re.findall(rb'<link[^>]+href="\./(static/css/[^"]+\.css)"', shell)
    chunks = [
        f"static/js/{p.name}"
        for p in STATIC_JS.glob("*.js")
        if p.name.startswith(("PlotlyChart.", "DeckGlJsonChart."))
    ]
    assets = [a.decode() for a in entry + css] + chunks
    assert len(chunks) == 2, chunks
    assert entry
    assert css
    for asset in assets:
        _, direct_headers, raw = get(f"{stack.replica_urls[0]}/{asset}")
        assert "content-encoding" not in direct_headers
        _, headers, body = get(f"{stack.proxy_url}/{asset}", {"Accept-Encoding": "gzip"})
        assert headers.get("content-encoding") == "gzip", asset
        assert "accept-encoding" in headers.get("vary", "").lower()
        assert gzip.decompress(body) == raw, asset
        assert len(body) < 0.5 * len(raw), asset
        _, plain_headers, plain = get(f"{stack.proxy_url}/{asset}", {"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain_headers
        assert plain == raw


def test_app_static_files_arrive_compressed(stack: Any) -> None:
    """Files the app serves from dashboard/static (the basemap GeoJSON, the border mesh)
    come compressed."""
    compressible = (".json", ".geojson", ".glb", ".js", ".css", ".svg", ".csv", ".txt")
    files = [
        p
        for p in (ROOT / "dashboard" / "static").glob("**/*")
        if p.suffix in compressible and p.stat().st_size > 1024
    ]
    if not files:
        pytest.skip("dashboard/static holds no compressible file")
    for path in files:
        rel = path.relative_to(ROOT / "dashboard").as_posix()
        status, headers, body = get(f"{stack.proxy_url}/app/{rel}", {"Accept-Encoding": "gzip"})
        assert status == 200, rel
        assert headers.get("content-encoding") == "gzip", rel
        assert gzip.decompress(body) == path.read_bytes(), rel


def access_log_upstreams(stack: Any, cookie: str, expect: int) -> list[str]:
    """Replica addresses the access log records for requests carrying ``cookie``."""
    deadline = time.monotonic() + 10
    while True:  # nginx logs a WebSocket request when its connection has closed
        lines = [
            line.split()[3]
            for line in stack.access_log.read_text().splitlines()
            if f"affinity={cookie} " in line
        ]
        if len(lines) >= expect or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_sessions_stick_to_one_replica_by_cookie(stack: Any) -> None:
    """A first visit gets a dashboard_affinity cookie; every request carrying it reaches the
    same replica, WebSocket included, while different readers spread over both replicas.
    Static bundles never set the cookie, and a returning reader is not given a new one."""
    status, headers, _ = get(stack.proxy_url + "/timeline")
    cookie = affinity_of(headers)
    assert status == 200
    assert cookie
    assert "HttpOnly" in headers["set-cookie"]
    assert "SameSite=Lax" in headers["set-cookie"]
    chunk = next(STATIC_JS.glob("PlotlyChart.*.js")).name
    assert affinity_of(get(f"{stack.proxy_url}/static/js/{chunk}")[1]) is None

    jar = {"Cookie": f"dashboard_affinity={cookie}"}
    for path in ("/", "/map", "/_stcore/health", "/_stcore/host-config"):
        assert affinity_of(get(stack.proxy_url + path, jar)[1]) is None
    run_page(stack.proxy_url, "timeline", cookie)
    upstreams = access_log_upstreams(stack, cookie, expect=6)
    assert len(upstreams) == 6, upstreams
    assert len(set(upstreams)) == 1, upstreams

    readers = [f"reader-{i}" for i in range(24)]
    for reader in readers:
        get(stack.proxy_url + "/", {"Cookie": f"dashboard_affinity={reader}"})
    chosen = {access_log_upstreams(stack, r, expect=1)[0] for r in readers}
    replicas = {u.removeprefix("http://") for u in stack.replica_urls}
    assert chosen == replicas


def test_site_config_drops_into_debians_stock_nginx_conf(tmp_path: Path) -> None:
    """deploy/nginx.conf passes `nginx -t` as /etc/nginx/conf.d/dashboard.conf would, inside
    Debian's own nginx.conf (which already says `gzip on`)."""
    require_nginx()
    stock_path = Path("/etc/nginx/nginx.conf")
    if not stock_path.exists():
        pytest.skip("no Debian /etc/nginx/nginx.conf")
    stock = stock_path.read_text()
    assert re.search(r"^\s*gzip on;", stock, re.MULTILINE), "stock config changed: recheck"
    site = ROOT / "deploy" / "nginx.conf"
    conf = re.sub(r"include /etc/nginx/conf\.d/\*\.conf;", f"include {site};", stock)
    conf = re.sub(r"^\s*include /etc/nginx/sites-enabled/\*;", "", conf, flags=re.MULTILINE)
    conf = re.sub(r"^user .*;", "", conf, flags=re.MULTILINE)
    conf = re.sub(r"^pid .*;", f"pid {tmp_path}/nginx.pid;", conf, flags=re.MULTILINE)
    conf = re.sub(r"(error_log|access_log) /var/log/nginx/", rf"\1 {tmp_path}/", conf)
    assert f"include {site};" in conf
    (tmp_path / "nginx.conf").write_text(conf)
    nginx = local_stack.find_nginx()
    done = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "error.log"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- Streamlit's bundles, served by nginx itself ------------------------------------------------

bundles = _load("bundles")


def test_bundles_export_copies_and_gzips_once(tmp_path: Path) -> None:
    """deploy/bundles.py writes every bundle and a gzipped twin of each compressible one;
    a second run writes nothing; --prune removes files no version of Streamlit here has."""
    source = tmp_path / "src"
    (source / "js").mkdir(parents=True)
    (source / "js" / "a.1234.js").write_text("console.log('a');" * 200)
    (source / "media").mkdir()
    (source / "media" / "f.5678.woff2").write_bytes(b"\x00font")
    dest = tmp_path / "dest"
    assert bundles.export(dest, source) == (3, 0)
    js = dest / "static" / "js" / "a.1234.js"
    assert js.read_bytes() == (source / "js" / "a.1234.js").read_bytes()
    assert (
        gzip.decompress((dest / "static" / "js" / "a.1234.js.gz").read_bytes()) == js.read_bytes()
    )
    assert not (dest / "static" / "media" / "f.5678.woff2.gz").exists()
    assert bundles.export(dest, source) == (0, 0)
    (dest / "static" / "js" / "old.9999.js").write_text("old")
    assert bundles.export(dest, source, prune=True) == (0, 1)
    assert not (dest / "static" / "js" / "old.9999.js").exists()


def test_service_exports_the_bundles_where_nginx_serves_them() -> None:
    """The systemd unit writes the bundles to the folder nginx's /static/ location reads,
    and a failed export does not keep the replica from starting."""
    unit = (ROOT / "deploy" / "dashboard@.service").read_text()
    (pre,) = re.findall(r"^ExecStartPre=(.*)$", unit, re.MULTILINE)
    assert pre.startswith("-"), "a failed export must not stop the replica"
    dest = pre.split()[-1]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.findall(r"^\s*root\s+([^;]+);", conf, re.MULTILINE) == [dest]
    assert re.search(r"^StateDirectory=dashboard$", unit, re.MULTILINE)
    assert dest.startswith("/var/lib/dashboard/")


def test_bundles_come_from_nginx_without_a_replica(stack: Any) -> None:
    """A bundle is answered by nginx from the exported folder (no replica in the access log),
    precompressed: the same bytes as the replica's, gzipped, with a year of caching."""
    chunk = next(STATIC_JS.glob("PlotlyChart.*.js")).name
    marker = f"bundle-{time.monotonic_ns()}"
    _, headers, body = get(
        f"{stack.proxy_url}/static/js/{chunk}",
        {"Accept-Encoding": "gzip", "Cookie": f"dashboard_affinity={marker}"},
    )
    assert headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == (STATIC_JS / chunk).read_bytes()
    assert "max-age=315360000" in headers.get("cache-control", "")
    assert access_log_upstreams(stack, marker, expect=1) == ["-"]
