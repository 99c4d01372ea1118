"""Labels in both languages, and dates and numbers formatted per language."""

from __future__ import annotations

import json
import string
from datetime import date

import pytest

from dashboard.present import i18n
from dashboard.present.i18n import format_date, format_month, format_number, format_span, t


def test_every_label_exists_in_both_languages() -> None:
    """Each locale file defines the same keys in English and French, none blank."""
    for path in sorted(i18n.LOCALES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data["en"]) == set(data["fr"]), path.name
        for lang in ("en", "fr"):
            assert all(v.strip() for v in data[lang].values()), (path.name, lang)


def test_placeholders_match_between_languages() -> None:
    """A French label takes the same {placeholders} as its English twin."""
    cat = i18n.catalogue()
    fmt = string.Formatter()
    for key, en in cat["en"].items():
        fields_en = {f for _, f, _, _ in fmt.parse(en) if f}
        fields_fr = {f for _, f, _, _ in fmt.parse(cat["fr"][key]) if f}
        assert fields_en == fields_fr, key


def test_t_formats_and_falls_back_to_english() -> None:
    assert t("metric_of", "fr", total=3) == "sur 3"
    assert t("metric_of", "de", total=3) == "of 3"
    with pytest.raises(i18n.LabelError):
        t("no_such_label", "en")


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("fr-FR", "fr"),
        ("fr", "fr"),
        ("fr_CA", "fr"),
        ("FR-be", "fr"),
        ("en-US", "en"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
        ("french", "en"),
    ],
)
def test_lang_from_locale(locale: str | None, lang: str) -> None:
    """French for any fr-* browser locale, English otherwise."""
    assert i18n.lang_from_locale(locale) == lang


def test_dates() -> None:
    """25 juin 2025 / 25 June 2025, months spelled out, 1er in French."""
    d = date(2025, 6, 25)
    assert format_date(d, "en") == "25 June 2025"
    assert format_date(d, "fr") == "25 juin 2025"
    assert format_date(date(2025, 6, 1), "fr") == "1er juin 2025"
    assert format_month(d, "fr") == "juin 2025"
    assert format_span(date(2025, 6, 1), date(2025, 6, 30), "month", "en") == "June 2025"
    assert format_span(date(2025, 6, 22), date(2025, 6, 26), "day", "fr") == "22–26 juin 2025"
    assert (
        format_span(date(2025, 6, 24), date(2025, 6, 26), "range", "fr")
        == "entre le 24 et le 26 juin 2025"
    )
    assert (
        format_span(date(2025, 6, 24), date(2025, 6, 26), "range", "en")
        == "between 24 and 26 June 2025"
    )
    assert (
        format_span(date(2025, 5, 30), date(2025, 6, 2), "day", "en") == "30 May 2025 – 2 June 2025"
    )
    assert format_span(d, d, "day", "en") == "25 June 2025"


def test_numbers() -> None:
    """2,000 / 2 000 with a narrow no-break space, decimal comma in French."""
    assert format_number(2000, "en") == "2,000"
    assert format_number(2000, "fr") == "2\u202f000"
    assert format_number(717.6, "fr", 1) == "717,6"
