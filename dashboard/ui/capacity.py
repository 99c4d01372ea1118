"""A full replica says so: the per-replica session cap and the busy page.

Every Streamlit session holds a WebSocket and costs its replica CPU at each rerun; past some
number of sessions every reader of that replica waits. ``turn_away_when_full`` runs first in
``app.py``: a session is let in when fewer than ``DASHBOARD_MAX_SESSIONS`` sessions already
let in are connected to this process; otherwise its reader gets a short, translated "busy,
try again in a moment" page and the run stops before any data is touched. A session once let
in stays in for good (after a reconnect too), so a full replica never cuts an existing
reader; a turned-away session is asked again at its next run (its "Try again" button).

The count comes from Streamlit's runtime (``Runtime.is_active_session``: the session has a
connected WebSocket), so disconnected and closed sessions free their place at once. Under
AppTest or ``python app.py`` there is no runtime and every session is let in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Final

import streamlit as st

from dashboard.present.i18n import LANGS, Lang, lang_from_locale, t

ENV: Final = "DASHBOARD_MAX_SESSIONS"
# Measured on the 2-core machine (docs/security.md, "The session cap"): with two replicas
# each holding this many sessions, each reader changing a filter every few seconds, the
# filter change's p95 stays within twice that of an idle replica.
DEFAULT_MAX_SESSIONS: Final = 60
_ADMITTED: Final = "_capacity_admitted"


def max_sessions(environ: Mapping[str, str] = os.environ) -> int | None:
    """The cap from the environment: a positive integer; ``0`` means no cap (None); unset,
    blank or anything else gives the default."""
    raw = environ.get(ENV, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MAX_SESSIONS
    if value == 0:
        return None
    return value if value > 0 else DEFAULT_MAX_SESSIONS


class Admissions:
    """The sessions let into this process, safe to share between script threads."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def admit(self, session_id: str, is_active: Callable[[str], bool], cap: int | None) -> bool:
        """Let ``session_id`` in if it was already, or if fewer than ``cap`` sessions let in
        are still active (``is_active``); forget those that are not."""
        with self._lock:
            if session_id in self._ids:
                return True
            self._ids = {s for s in self._ids if is_active(s)}
            if cap is not None and len(self._ids) >= cap:
                return False
            self._ids.add(session_id)
            return True

    def keep(self, session_id: str) -> None:
        """Count a session let in earlier again (it was forgotten while disconnected)."""
        with self._lock:
            self._ids.add(session_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._ids)


ADMISSIONS: Final = Admissions()


def busy_lang(query_lang: object, locale: str | None) -> Lang:
    """The busy page's language: ``?lang=`` when it is a known one, else the browser's."""
    for lang in LANGS:
        if query_lang == lang:
            return lang
    return lang_from_locale(locale)


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _active_check() -> Callable[[str], bool] | None:
    """``Runtime.is_active_session`` of the running server; None without one (AppTest)."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    return runtime.get_instance().is_active_session


def turn_away_when_full() -> None:
    """Show the busy page and stop this run when the replica is full and this session was
    not let in before; otherwise return at once."""
    session_id = _session_id()
    is_active = _active_check()
    if session_id is None or is_active is None:
        return
    if st.session_state.get(_ADMITTED):
        ADMISSIONS.keep(session_id)
        return
    if ADMISSIONS.admit(session_id, is_active, max_sessions()):
        st.session_state[_ADMITTED] = True
        return
    try:
        locale = st.context.locale
    except (AttributeError, RuntimeError):
        locale = None
    lang = busy_lang(st.query_params.get("lang"), locale)
    st.title(t("capacity_busy_title", lang))
    st.info(t("capacity_busy_text", lang), icon=":material/hourglass_top:")
    st.button(t("capacity_retry", lang), type="primary")
    st.stop()
