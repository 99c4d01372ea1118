"""The names every page shows for ids, claimed values and counts: one function for each.

- ``labels`` / ``labels_of`` (once per package): id -> display name per kind (sector,
  place, person, organisation, event, item, source), in one language;
- ``source_names``: source id -> the name a reader knows it by (never an id);
- ``claim_value`` / ``claim_name``: a claimed value for display (dates spelled out,
  statuses translated, counts formatted) and the name of what is claimed;
- ``plural``: a catalogue label in the plural form CLDR gives for ``n`` (Babel);
- ``safe_url``: an address fit for a link target, or None.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlsplit

import pandas as pd
from babel import Locale

from dashboard.core.package import Package
from dashboard.present.i18n import (
    as_lang,
    catalogue,
    col,
    format_date,
    format_month,
    format_number,
    t,
)


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


def plural(key: str, n: int, lang: str, **kw: object) -> str:
    """``{key}_one`` or ``{key}_other``, as CLDR's plural rule of ``lang`` says for ``n``
    (French: 0 and 1 are "one"; English: only 1), with ``n`` formatted for ``lang``."""
    form = Locale.parse(as_lang(lang)).plural_form(abs(n))
    return t(f"{key}_{'one' if form == 'one' else 'other'}", lang, n=format_number(n, lang), **kw)


def source_names(pkg: Package, lang: str) -> dict[str, str]:
    """source_id -> how a reader knows the source (``label_en`` / ``label_fr``: outlet and
    piece, never an id)."""
    src = pkg["sources"]
    return dict(zip(src["source_id"].astype(str), src[col("label", lang)].astype(str), strict=True))


def _names(frame: pd.DataFrame, key: str, column: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in zip(frame[key], frame[column], strict=True)}


def labels(pkg: Package, lang: str) -> dict[str, dict[str, str]]:
    """id -> display name, per kind: sector, sector_full (``Parent › child``), place,
    person, org, event, item, source."""
    sectors = _names(pkg["sectors"], "sector_id", col("label", lang))
    parents = dict(zip(pkg["sectors"]["sector_id"], pkg["sectors"]["parent_id"], strict=True))
    sector_full: dict[str, str] = {}
    for sid, label in sectors.items():
        parent = parents[sid]
        sector_full[sid] = label if pd.isna(parent) else f"{sectors[str(parent)]} › {label}"
    return {
        "sector": sectors,
        "sector_full": sector_full,
        "place": _names(pkg["places"], "place_id", col("name", lang)),
        "person": _names(pkg["people"], "person_id", col("name", lang)),
        "org": _names(pkg["organisations"], "org_id", col("name", lang)),
        "event": _names(pkg["events"], "event_id", col("title", lang)),
        "item": _names(pkg["cooperation"], "item_id", col("topic", lang)),
        "source": source_names(pkg, lang),
    }


def labels_of(pkg: Package, lang: str) -> dict[str, dict[str, str]]:
    """``labels`` in ``lang``, built once per package and language (``pkg.memo``): the one
    table every page and the sidebar read. Never mutate it."""
    return pkg.memo.get(labels, as_lang(lang), inputs=(pkg,))


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def date_value(value: object, lang: str) -> str | None:
    """'2025-06-25' -> '25 June 2025', '2025-06' -> 'June 2025'; None when not such a date."""
    s = _text(value).strip()
    try:
        if len(s) == 10:
            return format_date(date.fromisoformat(s), lang)
        if len(s) == 7:
            return format_month(date.fromisoformat(s + "-01"), lang)
    except ValueError:
        return None
    return None


def claim_value(claim: object, value: object, lang: str) -> str:
    """A claimed value for display: dates spelled out, statuses translated, counts
    formatted; anything else as it is."""
    v = _text(value)
    if claim == "status":
        key = f"sources_status_{v}"
        return t(key, lang) if key in catalogue()["en"] else v
    if claim == "count" and v.isdigit():
        return format_number(int(v), lang)
    if claim == "count" and v.startswith(">") and v[1:].isdigit():
        return t("count_more_than", lang, n=format_number(int(v[1:]), lang))
    if claim in ("date", None):
        return date_value(v, lang) or v
    return v


def claim_name(claim: object, lang: str) -> str:
    """What is claimed (date, place, status…), in ``lang``; unknown claims as they are."""
    key = f"sources_claim_{_text(claim)}"
    return t(key, lang) if key in catalogue()["en"] else _text(claim)
