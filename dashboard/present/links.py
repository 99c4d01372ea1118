"""Link targets fit for markdown. No streamlit here."""

from __future__ import annotations

from urllib.parse import quote, urlsplit


def safe_url(value: object) -> str | None:
    """An http(s) address fit for a link, or None (other schemes, spaces, junk are refused).

    Characters outside the URL alphabet are percent-encoded, parentheses too, so the result
    can sit in a markdown link."""
    if not isinstance(value, str) or not value or len(value) > 2000:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(value, safe=":/?#@!$&'*+,;=%-._~")
