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
# Any other Streamlit option can be given as STREAMLIT_<SECTION>_<OPTION> or as extra
# arguments after the port (they come last, so they win).
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
    --browser.gatherUsageStats false \
    --client.toolbarMode viewer \
    "$@"
