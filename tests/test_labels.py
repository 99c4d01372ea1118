"""present.labels: the one home of names, claimed values, plural forms and link targets."""

from __future__ import annotations

import pytest

from dashboard.core.package import Package
from dashboard.present import labels


def test_sources_are_named_as_a_reader_knows_them_never_by_id(pkg: Package) -> None:
    for lang in ("en", "fr"):
        names = labels.source_names(pkg, lang)
        assert set(names) == set(pkg["sources"]["source_id"])
        assert not [n for n in names.values() if "seed_" in n or "ext_" in n]
    assert labels.source_names(pkg, "fr")["seed_002"].startswith("Article non signé")


@pytest.mark.parametrize(
    ("claim", "value", "lang", "shown"),
    [
        ("date", "2025-06-25", "en", "25 June 2025"),
        ("date", "2025-06", "fr", "juin 2025"),
        ("date", "not a date", "en", "not a date"),
        ("count", "2000", "fr", "2\u202f000"),
        ("count", ">2000", "en", "more than 2,000"),
        ("count", ">2000", "fr", "plus de 2\u202f000"),
        ("status", "signed", "fr", "signé"),
        ("place", "Kazan", "en", "Kazan"),
    ],
)
def test_claimed_values_for_display(claim: str, value: str, lang: str, shown: str) -> None:
    assert labels.claim_value(claim, value, lang) == shown


@pytest.mark.parametrize(
    ("n", "lang", "start"),
    [
        (0, "en", "Timeline of 0 events "),
        (1, "en", "Timeline of 1 event "),
        (2, "en", "Timeline of 2 events "),
        (0, "fr", "Chronologie de 0 événement "),
        (1, "fr", "Chronologie de 1 événement "),
        (2, "fr", "Chronologie de 2 événements "),
        (2000, "fr", "Chronologie de 2\u202f000 événements "),
    ],
)
def test_plural_forms_come_from_cldr(n: int, lang: str, start: str) -> None:
    """French counts 0 and 1 as singular, English only 1; the count is formatted."""
    assert labels.plural("timeline_chart_alt", n, lang).startswith(start)


def test_safe_url_refuses_other_schemes_and_encodes_parentheses() -> None:
    assert labels.safe_url("javascript:alert(1)") is None
    assert labels.safe_url("https://example.org/a b") is None
    assert labels.safe_url("https://example.org/a_(b)") == "https://example.org/a_%28b%29"
