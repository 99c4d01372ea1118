"""A dashboard reader at the protocol level: one Streamlit session over one WebSocket.

It does what a browser tab does on the wire, without drawing anything: opens
``/_stcore/stream``, runs a page, then changes the sector filter and waits for the rerun to
finish. Cheap enough that dozens of readers fit on the machine that serves them, which
Chromium tabs do not (docs/performance.md: 25 browsers saturate two cores). Used by
deploy/measure_capacity.py and the deployment tests.

A reader can come from another loopback address (``source_address=("127.0.0.5", 0)``) or
through a trusted front proxy (``headers={"X-Forwarded-For": "198.51.100.5"}``), which is
how the tests tell one client from another on one machine (docs/security.md).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

SECTOR_KEY = "w_sector"


def stream_url(base: str) -> str:
    return base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"


def open_socket(
    base: str,
    *,
    headers: Mapping[str, str] | None = None,
    source_address: tuple[str, int] | None = None,
    timeout: float = 20,
) -> ClientConnection:
    """The session's WebSocket, as the app's page opens it (same Origin, ``streamlit``
    subprotocol). Raises websockets' InvalidStatus when the proxy refuses it."""
    extra: dict[str, Any] = {}
    if source_address is not None:
        extra["source_address"] = source_address
    return connect(
        stream_url(base),
        origin=Origin(base),
        additional_headers=dict(headers or {}),
        subprotocols=[Subprotocol("streamlit")],
        max_size=None,
        open_timeout=timeout,
        close_timeout=2,
        **extra,
    )


def elements(messages: list[ForwardMsg]) -> list[Any]:
    """The new elements (``Element`` protos) the run drew, in order."""
    return [
        m.delta.new_element
        for m in messages
        if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
    ]


def exceptions(messages: list[ForwardMsg]) -> list[str]:
    return [e.exception.message for e in elements(messages) if e.WhichOneof("type") == "exception"]


def texts(messages: list[ForwardMsg]) -> list[str]:
    """Every markdown, alert and heading body the run drew."""
    out = []
    for element in elements(messages):
        kind = element.WhichOneof("type")
        if kind in ("markdown", "alert", "heading"):
            out.append(getattr(element, kind).body)
    return out


@dataclass
class Session:
    """One reader's open session: its socket, its page and the widgets its last run drew."""

    ws: ClientConnection
    page: str = ""
    locale: str = "en-GB"
    widgets: dict[str, Any] = field(default_factory=dict)
    changes: int = 0

    def run(
        self,
        *,
        query: str = "",
        widget: tuple[str, list[str]] | None = None,
        timeout: float = 60,
    ) -> list[ForwardMsg]:
        """Ask for a rerun (optionally with one multiselect's new value) and return every
        message up to ``script_finished``."""
        back = BackMsg()
        back.rerun_script.page_name = self.page
        back.rerun_script.query_string = query
        back.rerun_script.context_info.locale = self.locale
        if widget is not None:
            state = back.rerun_script.widget_states.widgets.add()
            state.id = widget[0]
            state.string_array_value.data.extend(widget[1])
        self.ws.send(back.SerializeToString())
        messages = []
        deadline = time.monotonic() + timeout
        while True:
            frame = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            if not isinstance(frame, bytes):
                continue
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            messages.append(msg)
            if msg.WhichOneof("type") == "script_finished":
                for element in elements(messages):
                    kind = element.WhichOneof("type")
                    proto = getattr(element, kind) if kind else None
                    widget_id = getattr(proto, "id", None)
                    if isinstance(widget_id, str) and widget_id:
                        self.widgets[widget_id] = proto
                return messages

    def sector_filter(self) -> tuple[str, list[str]]:
        """The sector multiselect's widget id and its option labels."""
        for widget_id, proto in self.widgets.items():
            if widget_id.endswith(f"-{SECTOR_KEY}"):
                return widget_id, list(proto.options)
        raise LookupError("the last run drew no sector filter")

    def change_filter(self, timeout: float = 60) -> tuple[float, list[ForwardMsg]]:
        """Pick the next sector (every other change clears it), as a reader clicking in the
        sidebar; return the seconds until the rerun finished, and its messages."""
        widget_id, options = self.sector_filter()
        value = [options[(self.changes // 2) % len(options)]] if self.changes % 2 == 0 else []
        self.changes += 1
        start = time.perf_counter()
        messages = self.run(widget=(widget_id, value), timeout=timeout)
        return time.perf_counter() - start, messages

    def close(self) -> None:
        self.ws.close()


def open_session(
    base: str,
    page: str = "",
    *,
    query: str = "",
    locale: str = "en-GB",
    headers: Mapping[str, str] | None = None,
    source_address: tuple[str, int] | None = None,
    timeout: float = 60,
) -> tuple[Session, list[ForwardMsg]]:
    """Open a session on ``page`` and run it once; the session and that first run's
    messages."""
    ws = open_socket(base, headers=headers, source_address=source_address, timeout=timeout)
    session = Session(ws, page, locale)
    try:
        return session, session.run(query=query, timeout=timeout)
    except BaseException:
        ws.close()
        raise
