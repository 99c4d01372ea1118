"""Exit 0 when the dashboard on this machine answers ``ok`` on /_stcore/health, else 1.

The container's HEALTHCHECK runs it (python:slim has no curl). The port is $PORT (8501 when
unset), the same variable deploy/serve.sh listens on; a base URL path set with
STREAMLIT_SERVER_BASE_URL_PATH is honoured.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def health_url(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """The health endpoint of the local server, from the environment."""
    port = environ.get("PORT") or "8501"
    base = environ.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"http://127.0.0.1:{int(port)}{prefix}/_stcore/health"


def main() -> int:
    try:
        with urllib.request.urlopen(health_url(), timeout=4) as response:  # noqa: S310
            body = response.read(64).strip()
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if response.status == 200 and body == b"ok":
        return 0
    print(f"unhealthy: HTTP {response.status} {body!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
