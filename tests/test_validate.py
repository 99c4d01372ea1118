"""Validation: each kind of corruption of a copy of the package gives its own located message.

Every case copies ``data/`` and ``seeds/`` into a temporary folder (sources.csv points at
``../seeds/``), breaks one thing, and checks both the ``DataError`` raised by
``load_package`` and what ``python -m dashboard validate DIR`` prints (exit 1, no traceback).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.core.load import load_package
from dashboard.core.package import DataError, Problem

ROOT = Path(__file__).resolve().parent.parent

# --- editing a copied package -------------------------------------------------------------


def copy_package(tmp_path: Path) -> Path:
    """A private copy of the embedded package (data/ and seeds/ side by side)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path / "data"


def read_table(data: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (data / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_table(data: Path, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (data / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def row_of(data: Path, table: str, **match: str) -> int:
    """The row number (header = row 1) of the first row matching ``match``."""
    _, rows = read_table(data, table)
    for i, rec in enumerate(rows, start=2):
        if all(rec[k] == v for k, v in match.items()):
            return i
    raise LookupError(f"{table}: no row {match}")


def set_cell(data: Path, table: str, column: str, value: str, **match: str) -> int:
    """Set ``column`` of the first row matching ``match``; return that row's number."""
    header, rows = read_table(data, table)
    line = row_of(data, table, **match)
    rows[line - 2][column] = value
    write_table(data, table, header, rows)
    return line


def append_row(data: Path, table: str, **values: str) -> int:
    header, rows = read_table(data, table)
    rows.append({c: values.get(c, "") for c in header})
    write_table(data, table, header, rows)
    return len(rows) + 1


def drop_rows(data: Path, table: str, **match: str) -> None:
    header, rows = read_table(data, table)
    kept = [r for r in rows if not all(r[k] == v for k, v in match.items())]
    assert len(kept) < len(rows), f"{table}: nothing matched {match}"
    write_table(data, table, header, kept)


# --- the cases ----------------------------------------------------------------------------

Corrupt = Callable[[Path], Problem]


@dataclass(frozen=True)
class Case:
    id: str
    corrupt: Corrupt
    """Breaks the package in ``data`` and returns the one problem that must be reported."""
    only: bool = True
    """The expected problem is the only one reported."""


def missing_file(data: Path) -> Problem:
    (data / "people.csv").unlink()
    return Problem("people.csv", None, None, "file not found")


def bad_utf8(data: Path) -> Problem:
    path = data / "events.csv"
    lines = path.read_bytes().split(b"\n")
    assert "é".encode() in lines[3]
    lines[3] = lines[3].replace("é".encode(), "é".encode("latin-1"), 1)  # row 4 in Latin-1
    path.write_bytes(b"\n".join(lines))
    return Problem("events.csv", 4, None, "not valid UTF-8 text")


def truncated_row(data: Path) -> Problem:
    path = data / "sectors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[4] = lines[4].rsplit(",", 1)[0]  # row 5 loses its last field (sort_order)
    path.write_text("\n".join(lines), encoding="utf-8")
    return Problem("sectors.csv", 5, None, "has 5 fields, the header has 6")


def missing_column(data: Path) -> Problem:
    header, rows = read_table(data, "sectors")
    header.remove("colour")
    for r in rows:
        del r["colour"]
    write_table(data, "sectors", header, rows)
    return Problem("sectors.csv", 1, "colour", "column missing from the header")


def unknown_column(data: Path) -> Problem:
    header, rows = read_table(data, "people")
    header.append("nickname")
    write_table(data, "people", header, rows)
    return Problem("people.csv", 1, "nickname", "unknown column")


def wrong_type(data: Path) -> Problem:
    line = set_cell(data, "places", "lat", "north", place_id="kazan")
    return Problem("places.csv", line, "lat", "'north' is not a valid number")


def out_of_range(data: Path) -> Problem:
    line = set_cell(data, "places", "lon", "237.6", place_id="moscow")
    return Problem("places.csv", line, "lon", "'237.6' must be at most 180")


def not_a_date(data: Path) -> Problem:
    line = set_cell(data, "events", "end", "2025-06-31", event_id="talks_kazan")
    return Problem("events.csv", line, "end", "'2025-06-31' must be a real calendar date")


def bad_enum(data: Path) -> Problem:
    line = set_cell(data, "events", "date_precision", "week", event_id="talks_kazan")
    return Problem("events.csv", line, "date_precision", "'week' must be one of day, range, month")


def bad_pattern(data: Path) -> Problem:
    line = set_cell(data, "sectors", "colour", "orange", sector_id="trucks")
    return Problem("sectors.csv", line, "colour", "'orange' must match ^#[0-9A-Fa-f]{6}$")


def bad_id(data: Path) -> Problem:
    line = set_cell(data, "event_people", "role", "guest", event_id="arrival_moscow")
    set_cell(data, "event_people", "person_id", "Goïta", event_id="arrival_moscow")
    return Problem(
        "event_people.csv", line, "person_id", r"'Goïta' must match ^[a-z0-9][a-z0-9_\-]*$"
    )


def date_in_another_format(data: Path) -> Problem:
    """'2025/06/22' is refused, not guessed (it is also not a calendar date as written)."""
    line = set_cell(data, "events", "start", "2025/06/22", event_id="arrival_moscow")
    return Problem("events.csv", line, "start", "'2025/06/22' must be a date YYYY-MM-DD")


def bad_boolean(data: Path) -> Problem:
    line = set_cell(data, "events", "key_fact", "yes", event_id="talks_kazan")
    return Problem("events.csv", line, "key_fact", "'yes' must be true or false")


def required_missing(data: Path) -> Problem:
    line = set_cell(data, "events", "kind", "", event_id="talks_kazan")
    return Problem("events.csv", line, "kind", "required value is missing")


def duplicate_id(data: Path) -> Problem:
    first = row_of(data, "events", event_id="wreath_moscow")
    line = set_cell(data, "events", "event_id", "wreath_moscow", event_id="talks_putin")
    # Both rows carry the duplicate; the first is checked in test_duplicates_are_all_listed.
    assert first < line
    return Problem("events.csv", line, "event_id", "duplicate value 'wreath_moscow'")


def dangling_foreign_key(data: Path) -> Problem:
    line = set_cell(data, "event_sectors", "sector_id", "fusion", event_id="arrival_moscow")
    return Problem("event_sectors.csv", line, "sector_id", "'fusion' is not a known sectors id")


def sub_sub_sector(data: Path) -> Problem:
    line = set_cell(data, "sectors", "parent_id", "gold", sector_id="mining")
    return Problem(
        "sectors.csv",
        line,
        "parent_id",
        "'gold' is itself a sub-sector: the taxonomy has two levels",
    )


def place_without_point(data: Path) -> Problem:
    set_cell(data, "places", "lat", "", place_id="innopolis")
    line = set_cell(data, "places", "lon", "", place_id="innopolis")
    return Problem("places.csv", line, "lat, lon", "a place of precision 'city' needs coordinates")


def half_a_point(data: Path) -> Problem:
    line = set_cell(data, "places", "lon", "", place_id="tatarstan")
    set_cell(data, "places", "lat", "55.5", place_id="tatarstan")
    return Problem("places.csv", line, "lat, lon", "give both or neither")


def month_mid_start(data: Path) -> Problem:
    """A range (25-27 June) relabelled as a month: it does not span its month."""
    line = set_cell(data, "events", "date_precision", "month", event_id="visit_eidos")
    return Problem(
        "events.csv",
        line,
        "start, end",
        "precision 'month' needs start on the 1st and end on the last day of the same month",
    )


def end_before_start(data: Path) -> Problem:
    line = set_cell(data, "events", "end", "2025-06-21", event_id="arrival_moscow")
    return Problem("events.csv", line, "end", "ends before it starts")


def range_of_one_day(data: Path) -> Problem:
    line = set_cell(data, "events", "end", "2025-06-25", event_id="joint_position")
    return Problem(
        "events.csv",
        line,
        "date_precision",
        "precision 'range' needs end after start (use 'day' for one day)",
    )


def event_without_evidence(data: Path) -> Problem:
    drop_rows(data, "evidence", subject_type="event", subject_id="wreath_moscow")
    line = row_of(data, "events", event_id="wreath_moscow")
    return Problem(
        "events.csv", line, "event_id", "'wreath_moscow' has no evidence: cite at least one source"
    )


def item_without_evidence(data: Path) -> Problem:
    drop_rows(data, "evidence", subject_type="item", subject_id="culture_exchanges")
    line = row_of(data, "cooperation", item_id="culture_exchanges")
    return Problem(
        "cooperation.csv",
        line,
        "item_id",
        "'culture_exchanges' has no evidence: cite at least one source",
    )


def evidence_unknown_subject(data: Path) -> Problem:
    # ev051 is one of two sources of the wreath laying, which stays backed by the other.
    line = set_cell(data, "evidence", "subject_id", "arrival_paris", evidence_id="ev051")
    return Problem("evidence.csv", line, "subject_id", "'arrival_paris' is not a known event id")


def seed_quote_not_in_seed(data: Path) -> Problem:
    line = set_cell(data, "evidence", "quote", "dont 36 Maliens", evidence_id="ev012")
    return Problem("evidence.csv", line, "quote", "quote not found verbatim in seed 'seed_000'")


def seed_quote_missing(data: Path) -> Problem:
    line = set_cell(data, "evidence", "quote", "", evidence_id="ev013")
    return Problem(
        "evidence.csv", line, "quote", "evidence from a seed document needs its verbatim quote"
    )


def claim_without_value(data: Path) -> Problem:
    line = set_cell(data, "evidence", "claimed_value", "", evidence_id="ev012")
    return Problem(
        "evidence.csv",
        line,
        "claim, claimed_value",
        "give both a claim and its value, or neither",
    )


def claimed_date_malformed(data: Path) -> Problem:
    line = set_cell(data, "evidence", "claimed_value", "22 June", evidence_id="ev050")
    return Problem(
        "evidence.csv", line, "claimed_value", "a claimed date must be YYYY-MM-DD or YYYY-MM"
    )


def external_without_url(data: Path) -> Problem:
    line = set_cell(data, "sources", "url", "", source_id="ext_netafrique")
    return Problem("sources.csv", line, "url", "an external reference needs a URL")


def seed_file_missing(data: Path) -> Problem:
    (data.parent / "seeds" / "003_2a17ff8865cb1fc6.txt").unlink()
    line = row_of(data, "sources", source_id="seed_003")
    return Problem(
        "sources.csv",
        line,
        "seed_file",
        "seed file '../seeds/003_2a17ff8865cb1fc6.txt' cannot be read",
    )


def label_in_one_language(data: Path) -> Problem:
    line = set_cell(data, "evidence", "note_fr", "", evidence_id="ev056")
    return Problem("evidence.csv", line, "note_fr", "label given in one language only")


def blank_label(data: Path) -> Problem:
    line = set_cell(data, "sectors", "label_fr", "   ", sector_id="trucks")
    return Problem("sectors.csv", line, "label_fr", "label is blank")


def invalid_json_descriptor(data: Path) -> Problem:
    path = data / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"version"', '"version" "1"', 1), encoding="utf-8")
    line = next(
        i for i, s in enumerate(text.splitlines(), start=1) if s.lstrip().startswith('"version"')
    )
    return Problem("datapackage.json", line, None, "invalid JSON: Expecting ':' delimiter")


def descriptor_missing_title(data: Path) -> Problem:
    path = data / "datapackage.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    del meta["title_fr"]
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return Problem("datapackage.json", None, "title_fr", "missing: the app shows it")


def visit_origin_unknown(data: Path) -> Problem:
    path = data / "datapackage.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["visit"]["origin_place_id"] = "timbuktu"
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return Problem(
        "datapackage.json", None, "visit.origin_place_id", "'timbuktu' is not a known place id"
    )


def conflict_without_resolution(data: Path) -> Problem:
    drop_rows(data, "resolutions", subject_id="arrival_kazan")
    return Problem(
        "resolutions.csv",
        None,
        "subject_id",
        "sources disagree on date of 'arrival_kazan' (2025-06-24, 2025-06-25): add a resolution",
    )


def resolution_not_claimed(data: Path) -> Problem:
    line = set_cell(data, "resolutions", "resolved_value", "2025-06-26", subject_id="arrival_kazan")
    return Problem(
        "resolutions.csv", line, "resolved_value", "'2025-06-26' is none of the claimed values"
    )


def event_date_against_resolution(data: Path) -> Problem:
    set_cell(data, "events", "start", "2025-06-24", event_id="arrival_kazan")
    return Problem(
        "events.csv",
        None,
        "start",
        "'arrival_kazan' starts 2025-06-24, but its resolution says 2025-06-25",
    )


def new_conflict(data: Path) -> Problem:
    set_cell(data, "evidence", "claimed_value", "2025-06-24", evidence_id="ev051")
    return Problem(
        "resolutions.csv",
        None,
        "subject_id",
        "sources disagree on date of 'wreath_moscow' (2025-06-23, 2025-06-24): add a resolution",
    )


def month_claim_is_no_conflict(data: Path) -> Problem:
    """A month (2025-06) agrees with a day in it: only the real error is reported."""
    set_cell(data, "evidence", "claimed_value", "2025-06", evidence_id="ev052")
    return external_without_url(data)


# --- the audit's rules (issue 30) -----------------------------------------------------------


def status_claimed_by_no_evidence(data: Path) -> Problem:
    """(a) Remdizel's readiness to engage is not an announcement."""
    line = set_cell(data, "cooperation", "status", "announced", item_id="remdizel_partnership")
    return Problem(
        "cooperation.csv",
        line,
        "status",
        "'announced' is backed by no evidence that claims it (its evidence claims discussed): "
        "cite a source with claim 'status' and this value",
    )


def status_claim_removed(data: Path) -> Problem:
    """(a) An item whose only status claim is dropped has no backing for its status."""
    set_cell(data, "evidence", "claim", "", evidence_id="ev013")
    set_cell(data, "evidence", "claimed_value", "", evidence_id="ev013")
    line = row_of(data, "cooperation", item_id="culture_exchanges")
    return Problem(
        "cooperation.csv",
        line,
        "status",
        "'discussed' is backed by no evidence that claims it (none of its evidence claims a "
        "status): cite a source with claim 'status' and this value",
    )


def narrowed_date_without_basis(data: Path) -> Problem:
    """(b) KAMAZ narrowed from June to 25-27 June must say what bounds it."""
    set_cell(data, "events", "date_basis_en", "", event_id="visit_kamaz")
    line = set_cell(data, "events", "date_basis_fr", "", event_id="visit_kamaz")
    return Problem(
        "events.csv",
        line,
        "date_basis_en",
        "2025-06-25 to 2025-06-27 is not a date its sources state (its sources state "
        "2025-06): give the basis (date_basis_en, date_basis_fr, bounded_by)",
    )


def undated_event_without_basis(data: Path) -> Problem:
    """(b) No source dates the joint position: its range needs a basis too."""
    set_cell(data, "events", "date_basis_en", "", event_id="joint_position")
    line = set_cell(data, "events", "date_basis_fr", "", event_id="joint_position")
    return Problem(
        "events.csv",
        line,
        "date_basis_en",
        "2025-06-25 to 2025-06-26 is not a date its sources state (no source states a date): "
        "give the basis (date_basis_en, date_basis_fr, bounded_by)",
    )


def basis_without_bounds(data: Path) -> Problem:
    line = set_cell(data, "events", "bounded_by", "", event_id="visit_eidos")
    return Problem(
        "events.csv",
        line,
        "bounded_by",
        "a date with a basis names the events and sources that bound it",
    )


def unknown_bound(data: Path) -> Problem:
    line = set_cell(
        data, "events", "bounded_by", "arrival_kazan return_paris", event_id="visit_eidos"
    )
    return Problem(
        "events.csv", line, "bounded_by", "'return_paris' is not another event's id nor a source id"
    )


def date_beyond_its_source(data: Path) -> Problem:
    """(b) Narrowing keeps within what the sources state: June, not July."""
    line = set_cell(data, "events", "end", "2025-07-02", event_id="visit_remdizel")
    return Problem(
        "events.csv",
        line,
        "start, end",
        "2025-06-25 to 2025-07-02 goes beyond the date its sources state (2025-06)",
    )


def id_in_a_note(data: Path) -> Problem:
    """(c) The note the fact-check found: 'Seed 000 puts the welcome on 24 June.'"""
    line = set_cell(
        data, "evidence", "note_en", "Seed 000 puts the welcome on 24 June.", evidence_id="ev001"
    )
    return Problem(
        "evidence.csv",
        line,
        "note_en",
        "'Seed 000' is an internal identifier: name the source as a reader knows it "
        "(outlet, title)",
    )


def id_in_a_french_note(data: Path) -> Problem:
    line = set_cell(
        data,
        "evidence",
        "note_fr",
        "Le document 000 situe l'accueil au 24 juin.",
        evidence_id="ev001",
    )
    return Problem(
        "evidence.csv",
        line,
        "note_fr",
        "'document 000' is an internal identifier: name the source as a reader knows it "
        "(outlet, title)",
    )


def id_in_a_label(data: Path) -> Problem:
    line = set_cell(data, "sources", "label_en", "Unnamed outlet (seed_002)", source_id="seed_002")
    return Problem(
        "sources.csv",
        line,
        "label_en",
        "'seed_002' is an internal identifier: name the source as a reader knows it "
        "(outlet, title)",
    )


def source_id_in_a_summary(data: Path) -> Problem:
    line = set_cell(
        data,
        "events",
        "summary_en",
        "As ext_lessor_kazan reports, a tête-à-tête at the Kazan Kremlin.",
        event_id="talks_kazan",
    )
    return Problem(
        "events.csv",
        line,
        "summary_en",
        "'ext_lessor_kazan' is an internal identifier: name the source as a reader knows it "
        "(outlet, title)",
    )


def not_found_source_alone(data: Path) -> Problem:
    """(d) A source that could not be found never carries an event alone."""
    for evidence_id in ("ev053", "ev084", "ev088"):
        drop_rows(data, "evidence", evidence_id=evidence_id)
    line = row_of(data, "evidence", evidence_id="ev054")
    return Problem(
        "evidence.csv",
        line,
        "source_id",
        "'ext_timeslive_reuters' could not be found, and the event 'talks_putin' rests on it "
        "alone: cite a source that was read",
    )


def not_found_source_claims_alone(data: Path) -> Problem:
    line = set_cell(data, "evidence", "claimed_value", "2025-06-24", evidence_id="ev054")
    return Problem(
        "evidence.csv",
        line,
        "claimed_value",
        "only a source that could not be found claims date '2025-06-24': cite a source that "
        "was read",
    )


def home_page_as_article(data: Path) -> Problem:
    """(d) A found source points at its article, not at the outlet's home page."""
    line = set_cell(data, "sources", "url", "https://www.lessor.ml/", source_id="ext_lessor")
    return Problem(
        "sources.csv",
        line,
        "url",
        "a home page, not the article: give the article's address, or set found to false",
    )


def seed_marked_not_found(data: Path) -> Problem:
    line = set_cell(data, "sources", "found", "false", source_id="seed_003")
    return Problem("sources.csv", line, "found", "a seed's text is in the package: found is true")


def two_sources_one_label(data: Path) -> Problem:
    """(d) The two L'Essor articles stay two sources a reader can tell apart."""
    line = set_cell(
        data,
        "sources",
        "label_fr",
        "L'Essor : gerbe au Jardin Alexandre (24 juin 2025)",
        source_id="ext_lessor_kazan",
    )
    return Problem(
        "sources.csv",
        line,
        "label_fr",
        '"L\'Essor : gerbe au Jardin Alexandre (24 juin 2025)" also names another source: '
        "give each source its own label",
    )


def furniture_text_mismatch(data: Path) -> Problem:
    line = set_cell(
        data, "seed_furniture", "text", "top of the page", source_id="seed_000", start="0"
    )
    return Problem("seed_furniture.csv", line, "text", "the text at 0-11 is 'top of page'")


def furniture_outside_text(data: Path) -> Problem:
    line = set_cell(data, "seed_furniture", "end", "99999", source_id="seed_000", start="0")
    return Problem(
        "seed_furniture.csv",
        line,
        "start, end",
        "0-99999 is not a span of the text (2444 characters)",
    )


def furniture_overlap(data: Path) -> Problem:
    line = append_row(
        data,
        "seed_furniture",
        source_id="seed_000",
        start="4",
        end="11",
        kind="page_chrome",
        text="of page",
    )
    return Problem("seed_furniture.csv", line, "start", "overlaps the span 0-11")


def furniture_of_an_external(data: Path) -> Problem:
    line = set_cell(data, "seed_furniture", "source_id", "ext_lessor", source_id="seed_002")
    return Problem("seed_furniture.csv", line, "source_id", "'ext_lessor' is not a seed document")


def quote_from_furniture(data: Path) -> Problem:
    """(d) The capture's date line is not the article: no quote may take it."""
    line = set_cell(
        data,
        "evidence",
        "quote",
        "date 2025-06 Le programme de cette visite incluait l'usine de fabrication "
        "d'hélicoptères de Kazan",
        evidence_id="ev020",
    )
    return Problem(
        "evidence.csv",
        line,
        "quote",
        "quotes the page's furniture ('date 2025-06'), not the article",
    )


AUDIT_CASES = [
    Case("status_claimed_by_no_evidence", status_claimed_by_no_evidence),
    Case("status_claim_removed", status_claim_removed),
    Case("narrowed_date_without_basis", narrowed_date_without_basis),
    Case("undated_event_without_basis", undated_event_without_basis),
    Case("basis_without_bounds", basis_without_bounds),
    Case("unknown_bound", unknown_bound),
    Case("date_beyond_its_source", date_beyond_its_source),
    Case("id_in_a_note", id_in_a_note),
    Case("id_in_a_french_note", id_in_a_french_note),
    Case("id_in_a_label", id_in_a_label),
    Case("source_id_in_a_summary", source_id_in_a_summary),
    Case("not_found_source_alone", not_found_source_alone),
    Case("not_found_source_claims_alone", not_found_source_claims_alone),
    Case("home_page_as_article", home_page_as_article),
    Case("seed_marked_not_found", seed_marked_not_found),
    Case("two_sources_one_label", two_sources_one_label),
    Case("furniture_text_mismatch", furniture_text_mismatch),
    Case("furniture_outside_text", furniture_outside_text),
    Case("furniture_overlap", furniture_overlap),
    Case("furniture_of_an_external", furniture_of_an_external),
    Case("quote_from_furniture", quote_from_furniture),
]

CASES = [
    Case("missing_file", missing_file),
    Case("bad_utf8", bad_utf8),
    Case("truncated_row", truncated_row),
    Case("missing_column", missing_column),
    Case("unknown_column", unknown_column),
    Case("wrong_type", wrong_type),
    Case("out_of_range", out_of_range),
    Case("not_a_date", not_a_date),
    Case("bad_enum", bad_enum),
    Case("bad_boolean", bad_boolean),
    Case("bad_pattern", bad_pattern),
    Case("bad_id", bad_id),
    Case("date_in_another_format", date_in_another_format, only=False),
    Case("required_missing", required_missing),
    Case("duplicate_id", duplicate_id, only=False),
    Case("dangling_foreign_key", dangling_foreign_key),
    Case("sub_sub_sector", sub_sub_sector),
    Case("place_without_point", place_without_point),
    Case("half_a_point", half_a_point),
    Case("month_mid_start", month_mid_start),
    Case("end_before_start", end_before_start),
    Case("range_of_one_day", range_of_one_day),
    Case("event_without_evidence", event_without_evidence),
    Case("item_without_evidence", item_without_evidence),
    Case("evidence_unknown_subject", evidence_unknown_subject),
    Case("seed_quote_not_in_seed", seed_quote_not_in_seed),
    Case("seed_quote_missing", seed_quote_missing),
    Case("claim_without_value", claim_without_value),
    Case("claimed_date_malformed", claimed_date_malformed),
    Case("external_without_url", external_without_url),
    Case("seed_file_missing", seed_file_missing),
    Case("label_in_one_language", label_in_one_language),
    Case("blank_label", blank_label),
    Case("invalid_json_descriptor", invalid_json_descriptor),
    Case("descriptor_missing_title", descriptor_missing_title),
    Case("visit_origin_unknown", visit_origin_unknown),
    Case("conflict_without_resolution", conflict_without_resolution),
    # The event's own start (25 June) then disagrees with the resolution too: both reported.
    Case("resolution_not_claimed", resolution_not_claimed, only=False),
    Case("event_date_against_resolution", event_date_against_resolution),
    Case("new_conflict", new_conflict),
    Case("month_claim_is_no_conflict", month_claim_is_no_conflict),
    *AUDIT_CASES,
]


def _problems(data: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_package(data)
    return info.value.problems


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corruption_is_reported_with_its_location(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each corruption raises a DataError naming file, row, column and what is wrong."""
    data = copy_package(tmp_path)
    expected = case.corrupt(data)
    problems = _problems(data)
    assert expected in problems, "\n".join(str(p) for p in problems)
    if case.only:
        assert problems == [expected]
    # The command line says the same, and fails.
    assert main(["validate", str(data)]) == 1
    out, err = capsys.readouterr()
    assert f"  {expected}\n" in out
    assert "Traceback" not in out + err


def test_duplicates_are_all_listed(tmp_path: Path) -> None:
    """A duplicated id is reported on every row that carries it."""
    data = copy_package(tmp_path)
    first = row_of(data, "events", event_id="wreath_moscow")
    second = duplicate_id(data)
    assert _problems(data) == [
        Problem("events.csv", first, "event_id", "duplicate value 'wreath_moscow'"),
        second,
    ]


def test_the_untouched_copy_is_valid(tmp_path: Path) -> None:
    """The copy itself loads: every failure above comes from its corruption."""
    data = copy_package(tmp_path)
    assert len(load_package(data)["events"]) == len(load_package()["events"])


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    """Several corruptions at once are all listed, in file and row order."""
    data = copy_package(tmp_path)
    expected = [wrong_type(data), bad_enum(data), missing_file(data)]
    problems = _problems(data)
    assert set(expected) <= set(problems)
    assert problems == sorted(problems, key=lambda p: (p.file, p.row or -1))


SUBPROCESS_CASES = ("missing_file", "bad_utf8", "invalid_json_descriptor", "seed_quote_not_in_seed")


def test_cli_exits_1_listing_the_problem_without_traceback(tmp_path: Path) -> None:
    """`python -m dashboard validate DIR`, run for real, prints the problem and exits 1.

    A few representative cases (a subprocess costs a second of imports); the in-process
    check above covers all of them. The copies are checked in parallel.
    """
    procs = []
    for case in (c for c in CASES if c.id in SUBPROCESS_CASES):
        data = copy_package(tmp_path / case.id)
        expected = case.corrupt(data)
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "validate", str(data)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        procs.append((case, expected, proc))
    assert len(procs) == len(SUBPROCESS_CASES)
    for case, expected, proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, (case.id, out, err)
        assert f"  {expected}\n" in out, (case.id, out)
        assert "Traceback" not in out + err, case.id
