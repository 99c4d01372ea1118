"""Run several dashboard replicas behind nginx on loopback, from deploy/nginx.conf.

    python deploy/local_stack.py [--replicas 2] [--port 8080]

starts the replicas (``deploy/serve.sh``, bound to 127.0.0.1, one shared cookie secret) and
nginx as an unprivileged foreground process with its pid, logs and temporary files in a
scratch folder, prints the URL and runs until Ctrl-C. Streamlit's bundles are exported for
nginx (deploy/bundles.py) to a folder of the temporary directory shared by every run with
this Streamlit version. tests/test_deploy*.py, deploy/measure_weight.py and
deploy/measure_capacity.py use ``running_stack`` from here. Needs nginx (Debian: ``nginx``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE_CONF = REPO / "deploy" / "nginx.conf"
SERVE = REPO / "deploy" / "serve.sh"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
MIME_TYPES = ("/etc/nginx/mime.types", "/usr/local/nginx/conf/mime.types")

UPSTREAM_START = re.compile(r"^\s*upstream\s+dashboard_replicas\s*\{")
UPSTREAM_SERVER = re.compile(r"^(\s*)server\s+127\.0\.0\.1:\d+(.*);\s*$")
LISTEN = re.compile(r"^(\s*)listen\s+[^;]+;\s*$")
ROOT = re.compile(r"^(\s*)root\s+[^;]+;(.*)$")

# The access log records each request's hash key and the replica that answered it, so a test
# can check stickiness without the proxy telling clients about its replicas.
ACCESS_LOG_FORMAT = (
    "'$request_method $request_uri $status $upstream_addr "
    "affinity=$dashboard_affinity gzip=$gzip_ratio sent=$body_bytes_sent'"
)


def find_nginx() -> str | None:
    """The nginx binary: on PATH, else one of the usual places."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def render_site(
    text: str,
    replica_ports: Sequence[int],
    listen_port: int,
    *,
    bundles: Path | None = None,
    settings: Mapping[str, str] | None = None,
) -> str:
    """deploy/nginx.conf with its replicas and its listening address replaced.

    Within ``upstream dashboard_replicas``, the first ``server 127.0.0.1:PORT ...;`` line
    becomes one line per replica port (same options) and the others go; the first ``listen``
    line becomes ``listen 127.0.0.1:listen_port;`` and the others go. With ``bundles``, every
    ``root`` line points there. ``settings`` gives new values to the settings at the top of
    the file, by name: ``{"https": "on"}`` makes ``map "" $dashboard_https`` say
    ``default "on";``. Everything else is the file as shipped. Raises ValueError when the file
    no longer has that shape.
    """
    for name, value in (settings or {}).items():
        pattern = re.compile(
            rf'(map ""\s+\${re.escape("dashboard_" + name)}\s*\{{\s*default\s+)([^;]+)(;)'
        )
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text, found = pattern.subn(lambda m, v=quoted: f"{m.group(1)}{v}{m.group(3)}", text)
        if found != 1:
            raise ValueError(f'no setting `map "" $dashboard_{name}` in deploy/nginx.conf')
    out: list[str] = []
    in_upstream = servers_done = listen_done = False
    for line in text.splitlines(keepends=True):
        if UPSTREAM_START.match(line):
            in_upstream = True
        elif in_upstream and line.strip() == "}":
            in_upstream = False
        server = UPSTREAM_SERVER.match(line) if in_upstream else None
        listen = LISTEN.match(line)
        root = ROOT.match(line) if bundles is not None else None
        if server:
            if not servers_done:
                indent, options = server.groups()
                out += [f"{indent}server 127.0.0.1:{p}{options};\n" for p in replica_ports]
                servers_done = True
        elif listen:
            if not listen_done:
                out.append(f"{listen.group(1)}listen 127.0.0.1:{listen_port};\n")
                listen_done = True
        elif root:
            out.append(f"{root.group(1)}root {bundles};{root.group(2)}\n")
        else:
            out.append(line)
    if not servers_done:
        raise ValueError("no `server 127.0.0.1:PORT` line in `upstream dashboard_replicas`")
    if not listen_done:
        raise ValueError("deploy/nginx.conf has no `listen` line")
    return "".join(out)


def shared_bundles() -> Path:
    """Streamlit's bundles exported for nginx (deploy/bundles.py), once per version."""
    sys.path.insert(0, str(REPO / "deploy"))
    try:
        import bundles
    finally:
        sys.path.remove(str(REPO / "deploy"))
    import streamlit

    dest = Path(tempfile.gettempdir()) / f"dashboard-bundles-{streamlit.__version__}"
    bundles.export(dest)
    return dest


def main_conf(workdir: Path, site: Path) -> str:
    """A top-level nginx.conf that keeps every file nginx writes inside ``workdir``."""
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    temp = workdir / "tmp"
    mime = next((p for p in MIME_TYPES if Path(p).exists()), None)
    types = f"include {mime};" if mime else "types { application/javascript js; text/css css; }"
    return f"""daemon off;
{user}worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {types}
    default_type application/octet-stream;
    log_format replicas {ACCESS_LOG_FORMAT};
    access_log {workdir}/access.log replicas;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll ``url`` until it answers ``ok``; fail early if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited ({proc.returncode}):\n{_tail(log)}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=2) as r,  # noqa: S310 (loopback http)
        ):
            if r.status == 200 and r.read().strip() == b"ok":
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} not healthy after {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.2)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _answers_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (loopback http)
            return bool(r.status == 200 and r.read().strip() == b"ok")
    except OSError:
        return False


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def stop(*procs: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Ask every process to stop (SIGTERM) at once, then kill those that linger."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in running:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)


@dataclass
class Stack:
    """A running set of replicas behind one nginx."""

    proxy_url: str
    replica_urls: list[str]
    workdir: Path
    replica_logs: list[Path] = field(default_factory=list)
    replica_pids: list[int] = field(default_factory=list)

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    @property
    def error_log(self) -> Path:
        return self.workdir / "error.log"


@contextlib.contextmanager
def running_proxy(
    replica_ports: Sequence[int],
    *,
    workdir: Path,
    listen_port: int | None = None,
    settings: Mapping[str, str] | None = None,
    site_text: str | None = None,
) -> Iterator[str]:
    """nginx from deploy/nginx.conf (or ``site_text``, a variant of it) in front of replicas
    already listening on ``replica_ports``, its files under ``workdir``; yields its URL
    once nginx has bound its port."""
    nginx = find_nginx()
    if nginx is None:
        raise FileNotFoundError("nginx is not installed (Debian package: nginx)")
    home = workdir
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    listen_port = listen_port or free_port()
    site = home / "dashboard.conf"
    site.write_text(
        render_site(
            SITE_CONF.read_text() if site_text is None else site_text,
            replica_ports,
            listen_port,
            bundles=shared_bundles(),
            settings=settings,
        )
    )
    conf = home / "nginx.conf"
    conf.write_text(main_conf(home, site))
    base = [nginx, "-p", str(home), "-c", str(conf), "-e", str(home / "error.log")]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t rejected the config:\n{check.stderr}")
    with (home / "nginx.out").open("wb") as out:
        proxy = subprocess.Popen(
            base, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        url = f"http://127.0.0.1:{listen_port}"
        # nginx writes its pid file once it has bound its port: until then a connection may
        # reach some other process on that port.
        deadline = time.monotonic() + 10
        while not (home / "nginx.pid").exists() or not _listening(listen_port):
            if proxy.poll() is not None:
                raise RuntimeError(
                    f"nginx exited ({proxy.returncode}):\n{_tail(home / 'error.log')}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx not listening after 10 s:\n{_tail(home / 'error.log')}")
            time.sleep(0.05)
        if proxy.poll() is not None:
            raise RuntimeError(f"nginx exited ({proxy.returncode}):\n{_tail(home / 'error.log')}")
        yield url
    finally:
        stop(proxy)


@contextlib.contextmanager
def running_stack(
    replicas: int = 2,
    *,
    workdir: Path | None = None,
    listen_port: int | None = None,
    env: Mapping[str, str] | None = None,
    settings: Mapping[str, str] | None = None,
    timeout: float = 45,
) -> Iterator[Stack]:
    """Start ``replicas`` app processes and nginx in front; stop them all on exit.

    ``env`` is added to the replicas' environment, ``settings`` goes to ``render_site``."""
    nginx = find_nginx()
    if nginx is None:
        raise FileNotFoundError("nginx is not installed (Debian package: nginx)")
    with contextlib.ExitStack() as cleanup:
        if workdir is None:
            workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="stack-")))
        (workdir / "tmp").mkdir(parents=True, exist_ok=True)
        child_env = {
            **os.environ,
            "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
            **(env or {}),
        }
        ports = [free_port() for _ in range(replicas)]
        procs: list[tuple[subprocess.Popen[bytes], Path, str]] = []
        cleanup.callback(lambda: stop(*(proc for proc, _, _ in procs)))
        for port in ports:
            log = workdir / f"replica-{port}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    ["sh", str(SERVE), str(port)],
                    cwd=REPO,
                    env=child_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            procs.append((proc, log, f"http://127.0.0.1:{port}"))

        proxy_url = cleanup.enter_context(
            running_proxy(ports, workdir=workdir, listen_port=listen_port, settings=settings)
        )
        for proc, log, url in procs:
            wait_healthy(f"{url}/_stcore/health", proc, log, timeout)
        deadline = time.monotonic() + 10
        while not _answers_ok(f"{proxy_url}/_stcore/health"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{proxy_url} not healthy:\n{_tail(workdir / 'error.log')}")
            time.sleep(0.1)
        yield Stack(
            proxy_url,
            [u for _, _, u in procs],
            workdir,
            [log for _, log, _ in procs],
            [proc.pid for proc, _, _ in procs],
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx port on 127.0.0.1")
    args = parser.parse_args(argv)
    # `kill PID` stops everything too: SystemExit unwinds running_stack's cleanup.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with running_stack(args.replicas, listen_port=args.port) as stack:
        print(f"nginx: {stack.proxy_url}  replicas: {' '.join(stack.replica_urls)}", flush=True)
        print(f"logs: {stack.workdir}  (Ctrl-C stops everything)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
