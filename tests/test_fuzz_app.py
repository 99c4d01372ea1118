"""Hostile query strings opened directly on every page (AppTest): no exception, and no
payload rendered unescaped anywhere a text element shows it.

Each payload carries a marker (ZQX…) so a rendered copy can be found. Every element whose
body Streamlit renders as markdown (markdown, caption, title, headers, alerts, toasts…) is
scanned: a body that shows a marker must not contain an unescaped ``<`` or ``](`` (HTML or a
link), nor the raw payload; no body anywhere may contain a bidi override or a NUL.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import APP

PAGES = [
    "app_pages/overview.py",
    "app_pages/timeline.py",
    "app_pages/map.py",
    "app_pages/sectors.py",
    "app_pages/sources.py",
    "app_pages/data.py",
]
PAYLOADS = [
    "<script>alert('ZQX01')</script>",
    "<img src=x onerror=alert('ZQX02')>",
    "[ZQX03](javascript:alert(1))",
    "![ZQX04](http://evil.example/x.png)",
    "**ZQX05** _x_ `y` # h",
    "ZQX06\u202egnp.exe",
    "ZQX07\x00nul\x01",
    "ZQX08\u2066iso\u2069\u200f",
    "$ZQX09$ \\(x\\) <b>",
    ":red[ZQX10] :material/home:",
    "&lt;ZQX11&gt; &#60;b&#62;",
    "ZQX12\r\n\r\n# heading\n<h1>x</h1>",
    "<a href='//evil.example'>ZQX13</a>",
    "ZQX14" + "\u0301" * 50,
]
OVERLONG = "ZQX15" + "<i>" * 4000
IMPOSSIBLE_DATES = [
    ["2025-02-30", "2025-06-26"],
    ["2025-13-01", "2025-06-26"],
    ["0000-00-00", "9999-99-99"],
    ["99999-01-01", "2025-06-26"],
    ["2025-06-26", "2025-06-01"],
    ["2025-06-22"],
    ["2025-06-22", "2025-06-23", "2025-06-24"],
    ["<script>ZQX16</script>", "2025-06-26"],
    ["1900-01-01", "1900-01-02"],
]
REAL = {
    "sector": "industry",
    "place": "kazan",
    "actor": "goita",
    "source": "seed",
    "event": "arrival_kazan",
    "tab": "conflicts",
}
KEYS = ("sector", "place", "actor", "source", "event", "lang", "tab")
MARKER = re.compile(r"ZQX\d\d")
RENDERED = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "warning",
    "info",
    "error",
    "success",
    "toast",
    "exception",
)


def queries(seed: int, n: int) -> Iterator[dict[str, list[str]]]:
    """n hostile query strings: every key with payloads, real ids mixed in, repeated keys,
    overlong values, impossible dates and stray keys. Seeded: the same cases every run."""
    rng = random.Random(seed)
    for i in range(n):
        query: dict[str, list[str]] = {}
        for key in KEYS:
            values = rng.sample(PAYLOADS, k=rng.randint(1, 3))
            if key in REAL and rng.random() < 0.5:
                values.insert(rng.randint(0, len(values)), REAL[key])
            if rng.random() < 0.2:
                values = values * 30  # repeated far beyond MAX_VALUES
            if rng.random() < 0.2:
                values.append(OVERLONG)
            query[key] = values
        query["dates"] = IMPOSSIBLE_DATES[i % len(IMPOSSIBLE_DATES)]
        query[rng.choice(PAYLOADS)] = [rng.choice(PAYLOADS)]  # a stray key
        yield query


CASES = [(page, q) for i, page in enumerate(PAGES) for q in queries(seed=i, n=3)]


def bodies(at: AppTest) -> Iterator[tuple[str, str]]:
    for kind in RENDERED:
        for element in at.get(kind):
            value = getattr(element, "value", None)
            body = getattr(element.proto, "body", None) if hasattr(element, "proto") else None
            for text in {str(value), str(body) if body is not None else ""}:
                if text:
                    yield kind, text


def unescaped(pattern: str, text: str) -> bool:
    """``pattern`` occurs without a backslash before it (markdown shows \\< as <)."""
    return re.search(r"(?<!\\)" + pattern, text) is not None


@pytest.mark.parametrize(
    ("page", "query"),
    CASES,
    ids=[f"{p.split('/')[1][:-3]}-{i % 3}" for i, (p, _) in enumerate(CASES)],
)
def test_hostile_query_on_page(page: str, query: dict[str, list[str]]) -> None:
    """A page opened with a hostile URL runs, tells what it ignored, and shows every payload
    (if at all) escaped: no HTML tag, link or image, no bidi or NUL character."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, values in query.items():
        at.query_params[key] = values
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert at.title, "the page is drawn"
    assert at.warning, "a notice says which values were ignored"
    shown = 0
    for kind, text in bodies(at):
        assert "\x00" not in text, kind
        for ch in "\u202e\u2066\u2069\u200f":
            assert ch not in text, (kind, ascii(text[:200]))
        if not MARKER.search(text):
            continue
        shown += 1
        assert not unescaped("<", text), (kind, text[:400])
        assert not unescaped(r"\]\(", text), (kind, text[:400])
        for payload in PAYLOADS:
            if re.search(r"[<\[*_`#$:&]", payload):
                assert payload not in text, (kind, payload)
    assert shown, "the notice shows the ignored values (escaped)"
    # Only valid ids reach the URL the page writes back.
    for key in ("sector", "place", "actor", "source", "event"):
        kept = at.query_params.get(key)
        values = kept if isinstance(kept, list) else [kept] if kept else []
        assert all(not MARKER.search(str(v)) for v in values), (key, values)
