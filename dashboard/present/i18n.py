"""Labels in French and English, and locale-aware formatting of dates and numbers.

Labels live in ``dashboard/locales/*.json`` — one file per area (``core.json`` for the frame
and the overview, one per page), each ``{"en": {key: text}, "fr": {key: text}}``. A key may
be defined in one file only, and every key must exist in both languages (tests check both).
Texts are ``str.format`` templates: ``t("n_events", lang, n=3)``.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Final, Literal

import pandas as pd
from babel import dates as babel_dates
from babel import numbers as babel_numbers

Lang = Literal["en", "fr"]
LANGS: Final[tuple[Lang, ...]] = ("en", "fr")
DEFAULT_LANG: Final[Lang] = "en"
LOCALES_DIR: Final = Path(__file__).parent / "locales"


class LabelError(ValueError):
    """The locale files are inconsistent (a duplicate key, a missing translation)."""


@cache
def catalogue() -> dict[Lang, dict[str, str]]:
    """All labels, merged from every locale file."""
    merged: dict[Lang, dict[str, str]] = {lang: {} for lang in LANGS}
    owner: dict[str, str] = {}
    for path in sorted(LOCALES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for lang in LANGS:
            for key, text in data.get(lang, {}).items():
                if lang == "en":
                    if key in owner:
                        raise LabelError(f"label {key!r} defined in {owner[key]} and {path.name}")
                    owner[key] = path.name
                merged[lang][key] = text
    return merged


def t(label: str, lang: str, /, **kwargs: object) -> str:
    """The label ``label`` in ``lang`` (English if the language is unknown)."""
    labels = catalogue()[as_lang(lang)]
    try:
        text = labels[label]
    except KeyError:
        raise LabelError(f"no label {label!r} in {lang!r}") from None
    return text.format(**kwargs) if kwargs else text


def as_lang(value: object) -> Lang:
    return "fr" if value == "fr" else "en"


def lang_from_locale(locale: str | None) -> Lang:
    """French for any ``fr`` locale (fr, fr-FR, fr_CA…), English otherwise."""
    if locale and locale.strip().lower().replace("_", "-").split("-")[0] == "fr":
        return "fr"
    return "en"


def col(stem: str, lang: str) -> str:
    """The column holding ``stem`` in ``lang``: ``col("title", "fr") == "title_fr"``."""
    return f"{stem}_{as_lang(lang)}"


def _as_date(value: date | pd.Timestamp) -> date:
    return value.date() if isinstance(value, pd.Timestamp) else value


def _day(d: date, lang: Lang) -> str:
    """The day of the month as written before its month: French writes the first ``1er``
    (a typographic rule CLDR's date patterns do not carry)."""
    return "1er" if lang == "fr" and d.day == 1 else str(d.day)


def format_date(value: date | pd.Timestamp, lang: str) -> str:
    """``25 June 2025`` / ``25 juin 2025`` (``1er`` for the first of the month in French):
    the month's name from CLDR (Babel)."""
    d = _as_date(value)
    lg = as_lang(lang)
    return f"{_day(d, lg)} {babel_dates.format_date(d, 'MMMM y', locale=lg)}"


def format_month(value: date | pd.Timestamp, lang: str) -> str:
    """``June 2025`` / ``juin 2025`` (CLDR, through Babel)."""
    return babel_dates.format_date(_as_date(value), "MMMM y", locale=as_lang(lang))


def format_day_month(value: date | pd.Timestamp, lang: str) -> str:
    """``25 Jun`` / ``25 juin``: a day with its abbreviated month (CLDR, through Babel)."""
    d = _as_date(value)
    return f"{d.day} {babel_dates.format_date(d, 'MMM', locale=as_lang(lang))}"


def format_span(
    start: date | pd.Timestamp, end: date | pd.Timestamp, precision: str, lang: str
) -> str:
    """A date as precisely as it is known.

    day, one day: ``25 June 2025``; day, several days: ``22–26 June 2025``; month:
    ``June 2025``; range (some unknown day between): ``between 24 and 26 June 2025``
    (``entre le 24 et le 26 juin 2025``).
    """
    s, e = _as_date(start), _as_date(end)
    if precision == "month":
        return format_month(s, lang)
    if s == e:
        return format_date(s, lang)
    same_month = (s.year, s.month) == (e.year, e.month)
    first = _day(s, as_lang(lang)) if same_month else format_date(s, lang)
    if precision == "range":
        return t("date_between", lang, start=first, end=format_date(e, lang))
    if same_month:
        return f"{first}–{format_date(e, lang)}"
    return f"{first} – {format_date(e, lang)}"


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """``2,000.5`` / ``2 000,5``: CLDR's separators (Babel; a narrow no-break space groups
    French thousands), ``decimals`` digits after the separator."""
    return _format_number(round(float(value), decimals), as_lang(lang), decimals)


@functools.lru_cache(maxsize=4096)
def _format_number(value: float, lang: Lang, decimals: int) -> str:
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return babel_numbers.format_decimal(value, pattern, locale=lang)
