#!/bin/sh
# Start one dashboard process with the production settings, from the repository root.
#
#   deploy/serve.sh [PORT]
#
# PORT: the first argument, else $PORT (set by most container platforms), else 8501.
# Environment (all optional):
#   STREAMLIT_SERVER_ADDRESS        interface to bind (default 0.0.0.0; use 127.0.0.1 for
#                                   replicas that only nginx on the same host should reach)
#   STREAMLIT_SERVER_COOKIE_SECRET  the SAME secret on every replica behind one proxy
#   DASHBOARD_DATA                  folder of another data package to serve instead of data/
#   DASHBOARD_MAX_SESSIONS          sessions this process serves before it shows new readers a
#                                   "busy, try again" page (default 60, 0 = no cap;
#                                   docs/security.md)
# Any other Streamlit option can be given as STREAMLIT_<SECTION>_<OPTION> or as extra
# arguments after the port (they come last, so they win).
#
# --server.maxMessageSize 8 (MB, Streamlit's default is 200) bounds every WebSocket message,
# both ways: a client could otherwise make the process hold 200 MB per socket it opens. The
# biggest message the app sends is 0.8 MB, on the Timeline with a million events
# (docs/security.md).
set -eu

cd "$(dirname "$0")/.."
port="${1:-${PORT:-8501}}"
if [ "$#" -gt 0 ]; then shift; fi

exec python -m streamlit run dashboard/app.py \
    --server.port "$port" \
    --server.address "${STREAMLIT_SERVER_ADDRESS:-0.0.0.0}" \
    --server.headless true \
    --server.runOnSave false \
    --server.fileWatcherType none \
    --server.enableXsrfProtection true \
    --server.enableStaticServing true \
    --server.maxMessageSize 8 \
    --browser.gatherUsageStats false \
    --client.toolbarMode viewer \
    "$@"
