"""Any Frictionless tool accepts the package: the descriptor's Table Schemas hold for the CSVs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

frictionless = pytest.importorskip("frictionless")

ROOT = Path(__file__).resolve().parent.parent


def _errors(descriptor: Path) -> list[list[object]]:
    """(resource, row, field, error type) of every error, package-level ones included."""
    report = frictionless.validate(str(descriptor))
    out: list[list[object]] = [[None, None, None, e.type] for e in report.errors]
    for task in report.tasks:
        out += [[task.name, *e] for e in task.flatten(["rowNumber", "fieldName", "type"])]
    return out


def test_embedded_package_is_valid_for_frictionless() -> None:
    """`frictionless validate data/datapackage.json` finds nothing wrong."""
    assert _errors(ROOT / "data" / "datapackage.json") == []


def test_tiny_fixture_is_valid_for_frictionless() -> None:
    """The second, tiny package is a valid Frictionless package too."""
    assert _errors(ROOT / "tests" / "fixtures" / "tiny" / "datapackage.json") == []


def test_frictionless_sees_a_type_error_and_a_dangling_key(tmp_path: Path) -> None:
    """The descriptor is strict enough to catch what our loader catches (so this can fail)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    places = data / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace(",55.79639,", ",north,", 1), encoding="utf-8"
    )
    sectors = data / "event_sectors.csv"
    sectors.write_text(
        sectors.read_text(encoding="utf-8").replace("arrival_moscow,bilateral", "arrival_moscow,x"),
        encoding="utf-8",
    )
    errors = _errors(data / "datapackage.json")
    kinds = {(e[0], e[2], e[3]) for e in errors}
    assert ("places", "lat", "type-error") in kinds
    assert ("event_sectors", None, "foreign-key") in {(e[0], None, e[3]) for e in errors}
