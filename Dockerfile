# The dashboard as a container: one Streamlit process, as a non-root user.
#
#   docker build -t goita-dashboard .
#   docker run --rm -p 8501:8501 goita-dashboard          # http://localhost:8501
#
# Environment (docker run -e NAME=value):
#   PORT                            port to listen on inside the container (default 8501)
#   DASHBOARD_DATA                  another data package to serve instead of the embedded data/,
#                                   e.g. -v /srv/pkg:/srv/pkg:ro -e DASHBOARD_DATA=/srv/pkg/data
#   STREAMLIT_SERVER_COOKIE_SECRET  required to be the SAME on every replica behind one proxy
#   DASHBOARD_MAX_SESSIONS          sessions served before new readers get a "busy" page
#                                   (default 60, 0 = no cap; docs/security.md)
#   STREAMLIT_<SECTION>_<OPTION>    any other Streamlit setting (e.g. STREAMLIT_SERVER_ALLOWED_HOSTS)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin dashboard
WORKDIR /app

# Dependencies first, so this layer is rebuilt only when requirements.txt changes. The last
# line of requirements.txt (`-e .`, the project itself) is installed once the code is in.
COPY requirements.txt ./
RUN grep -v '^-e ' requirements.txt > /tmp/pinned.txt \
    && pip install -r /tmp/pinned.txt \
    && rm /tmp/pinned.txt

COPY pyproject.toml ./
COPY .streamlit ./.streamlit
COPY dashboard ./dashboard
COPY data ./data
COPY seeds ./seeds
COPY deploy/serve.sh deploy/healthcheck.py ./deploy/
RUN pip install --no-deps -e . && python -m dashboard validate

USER dashboard
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
# serve.sh execs Streamlit (so it receives docker stop's SIGTERM) on $PORT, all interfaces,
# with the production settings.
CMD ["sh", "deploy/serve.sh"]
