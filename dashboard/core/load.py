"""Files -> validated frames.

``load_package`` reads a Frictionless data package of the shape declared in ``model``,
checks every table with a pandera schema built from that declaration, runs the cross-table
rules of ``validate``, and either returns a typed ``Package`` or raises one ``DataError``
that lists every problem found (file, row, column, message). It never imports streamlit.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import warnings
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from dashboard.core import model, validate
from dashboard.core.package import DESCRIPTOR, DataError, Package, Problem

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
ENV_VAR = "DASHBOARD_DATA"
# Generous for a hand-edited CSV, small enough that a hostile file cannot exhaust memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
# Below this size the csv module parses faster than Arrow starts up.
SMALL_FILE_BYTES = 256 * 1024


def resolve_data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The package folder: the argument, else $DASHBOARD_DATA, else the embedded ``data/``."""
    if path is None:
        path = os.environ.get(ENV_VAR) or DEFAULT_DATA_DIR
    p = Path(path)
    return p.parent if p.name == DESCRIPTOR else p


# --- pandera schemas, built once from the model -------------------------------------------

_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


def _matches(pattern: str) -> Callable[[pd.Series], pd.Series]:
    """A vectorised full-match of ``pattern`` (anchored by ^…$) for a pandera Check.

    Arrow's RE2 directly: pandas' ``str.match`` re-parses the pattern on every call to
    decide whether RE2 can take it, which costs more than matching a few hundred ids.
    """
    regex = re.compile(pattern)

    def check(s: pd.Series) -> pd.Series:
        found = pc.match_substring_regex(pa.array(s.astype("string").array), regex.pattern)
        mask = np.asarray(found.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
        return pd.Series(mask, index=s.index)

    return check


def _is_iso_date(s: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    return parsed.notna() | s.isna()


def _column(f: model.Field) -> pandera.Column:
    """The pandera column for one field.

    Text columns are read as pandas ``string`` by ``_read_csv``; their dtype is not checked
    again here (pandera's element-wise string dtype check costs more than everything else
    together). Numbers are coerced by pandera, which is what reports "'north' is not a
    valid number"; dates and booleans stay text until their checks have passed.
    """
    checks: list[pandera.Check] = []
    if f.enum is not None:
        checks.append(pandera.Check.isin(list(f.enum), error=f"must be one of {', '.join(f.enum)}"))
    if f.pattern is not None:
        checks.append(pandera.Check(_matches(f.pattern), error=f"must match {f.pattern}"))
    if f.minimum is not None:
        checks.append(pandera.Check.ge(f.minimum, error=f"must be at least {f.minimum:g}"))
    if f.maximum is not None:
        checks.append(pandera.Check.le(f.maximum, error=f"must be at most {f.maximum:g}"))
    dtype: Any = None
    coerce = False
    if f.type == "date":
        # Checked as text first, so that '2025/06/01' or '25 June' are refused rather than
        # guessed; converted after validation.
        checks.append(pandera.Check(_matches(_DATE_RE), error="must be a date YYYY-MM-DD"))
        checks.append(pandera.Check(_is_iso_date, error="must be a real calendar date"))
    elif f.type == "boolean":
        checks.append(pandera.Check.isin(["true", "false"], error="must be true or false"))
    elif f.type == "integer":
        dtype, coerce = "Int64", True
    elif f.type == "number":
        dtype, coerce = "Float64", True
    return pandera.Column(
        dtype,
        checks=checks,
        nullable=not f.required,
        unique=f.unique,
        coerce=coerce,
        required=True,
        description=f.description,
    )


@cache
def pandera_schema(table_name: str) -> pandera.DataFrameSchema:
    """The pandera schema of one table, built once from ``model``."""
    table = model.TABLES_BY_NAME[table_name]
    return pandera.DataFrameSchema(
        {f.name: _column(f) for f in table.fields},
        strict=True,
        unique=list(table.primary_key) if len(table.primary_key) > 1 else None,
        report_duplicates="all",
        name=table.name,
    )


# --- reading ------------------------------------------------------------------------------


def _read_descriptor(base: Path, problems: list[Problem]) -> dict[str, Any]:
    path = base / DESCRIPTOR
    if not base.is_dir():
        problems.append(Problem(str(base), None, None, "data folder not found"))
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(DESCRIPTOR, None, None, "file not found"))
        return {}
    except UnicodeDecodeError:
        problems.append(Problem(DESCRIPTOR, None, None, "not valid UTF-8 text"))
        return {}
    except json.JSONDecodeError as exc:
        problems.append(Problem(DESCRIPTOR, exc.lineno, None, f"invalid JSON: {exc.msg}"))
        return {}
    except OSError as exc:
        problems.append(Problem(DESCRIPTOR, None, None, f"cannot be read ({exc.strerror})"))
        return {}
    if not isinstance(meta, dict):
        problems.append(Problem(DESCRIPTOR, None, None, "must be a JSON object"))
        return {}
    return meta


def _resource_paths(meta: Mapping[str, Any], problems: list[Problem]) -> dict[str, str]:
    """Table name -> CSV path, from the descriptor's resources (default: NAME.csv)."""
    paths = {t.name: t.path for t in model.TABLES}
    resources = meta.get("resources", [])
    if not isinstance(resources, list):
        problems.append(Problem(DESCRIPTOR, None, "resources", "must be a list"))
        return paths
    for res in resources:
        if isinstance(res, dict) and res.get("name") in paths and isinstance(res.get("path"), str):
            paths[res["name"]] = res["path"]
    return paths


def _safe_child(base: Path, relative: str) -> Path | None:
    """``base/relative`` if it stays inside ``base``'s parent folder, else None."""
    target = (base / relative).resolve()
    root = base.resolve().parent
    return target if target.is_relative_to(root) else None


def _parse_fast(raw: bytes) -> pd.DataFrame | None:
    """Parse a well-formed CSV in C (Arrow); None when anything is off.

    Empty cells become missing values. A blank line, a row of the wrong width or invalid
    UTF-8 make it give up, so that ``_parse_exact`` can say where the problem is.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pd.read_csv(
                io.BytesIO(raw),
                engine="pyarrow",
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
            )
    except (ValueError, OSError, MemoryError):  # ParserError is a ValueError
        return None
    if len(frame.columns) and frame.isna().all(axis=1).any():
        return None  # a blank line (or a row of empty cells, which _parse_exact handles)
    return _one_chunk(frame)


def _one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each Arrow column in one piece. Arrow's reader hands a big file over in
    blocks (200 per column for a million events), and taking a few rows from a column of
    many blocks costs a pass over all of them, paid by every lookup of a view. Same values
    and dtypes."""
    whole = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    out: pd.DataFrame = whole.to_pandas()
    return out


def _parse_exact(
    text: str, header: list[str], rel: str, problems: list[Problem]
) -> pd.DataFrame | None:
    """Parse row by row with the csv module: every row of the wrong width, located.

    Also the quicker way for small files (Arrow's start-up costs more than a few hundred
    rows take here).
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    bad = False
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(
                Problem(rel, i, None, f"has {len(row)} fields, the header has {len(header)}")
            )
            bad = True
    if bad:
        return None
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    return pd.DataFrame(
        {
            name: pd.array([v if v != "" else None for v in col], dtype="string")
            for name, col in zip(header, columns, strict=True)
        }
    )


def _read_csv(
    base: Path, rel: str, table: model.Table, problems: list[Problem]
) -> pd.DataFrame | None:
    """One table as text columns (empty cell = missing), or None after adding problems."""
    path = _safe_child(base, rel)
    if path is None:
        problems.append(Problem(rel, None, None, "path leaves the package folder"))
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(rel, None, None, f"file too large ({size} bytes)"))
            return None
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(rel, None, None, "file not found"))
        return None
    except OSError as exc:
        problems.append(Problem(rel, None, None, f"cannot be read ({exc.strerror})"))
        return None
    frame = _parse_fast(raw) if len(raw) > SMALL_FILE_BYTES else None
    text = ""
    if frame is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(Problem(rel, line, None, "not valid UTF-8 text"))
            return None
    end = raw.find(b"\n")
    first = raw[: end if end >= 0 else len(raw)].decode("utf-8-sig").rstrip("\r")
    header = next(csv.reader([first]), []) if first.strip() else []
    if not header:
        problems.append(Problem(rel, None, None, "file is empty (no header row)"))
        return None
    missing = [c for c in table.columns if c not in header]
    extra = [c for c in header if c not in table.columns]
    for c in missing:
        problems.append(Problem(rel, 1, c, "column missing from the header"))
    for c in extra:
        problems.append(Problem(rel, 1, c, "unknown column"))
    for c in sorted({c for c in header if header.count(c) > 1}):
        problems.append(Problem(rel, 1, c, "column appears more than once"))
    if missing or extra or len(header) != len(set(header)):
        return None
    if frame is None:
        frame = _parse_exact(text, header, rel, problems)
        if frame is None:
            return None
    frame = frame[table.columns]
    text_columns = [f.name for f in table.fields if f.type == "string"]
    return frame.astype(dict.fromkeys(text_columns, "string"))


def _check_frame(
    frame: pd.DataFrame, table: model.Table, rel: str, problems: list[Problem]
) -> pd.DataFrame | None:
    """Validate one frame against its pandera schema; None when it has problems."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # inplace: the frame is ours (fresh from _read_csv); pandera need not copy it.
            checked = pandera_schema(table.name).validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.to_dict("records")
        # A value that is not a number is reported once, as such: pandera also reports the
        # column's dtype and the range checks it could not run on text.
        uncoerced = {c["column"] for c in cases if str(c["check"]).startswith("coerce_dtype")}
        for rec in cases:
            check = str(rec["check"])
            if rec["column"] in uncoerced and not check.startswith("coerce_dtype"):
                continue
            problems.append(_problem_from_case(rec, table, rel))
        return None
    return _convert(checked, table)


def _problem_from_case(rec: Mapping[str, Any], table: model.Table, rel: str) -> Problem:
    column = rec.get("column")
    index = rec.get("index")
    row = int(index) + 2 if isinstance(index, int | float) and not pd.isna(index) else None
    check = str(rec.get("check"))
    value = rec.get("failure_case")
    shown = "" if value is None or pd.isna(value) else repr(str(value)[:60])
    if check == "not_nullable":
        message = "required value is missing"
    elif check in ("field_uniqueness", "multiple_fields_uniqueness"):
        message = f"duplicate value {shown}" if shown else "duplicate key"
        if column is None or column == table.name:
            column = ", ".join(table.primary_key)
    elif check.startswith("coerce_dtype"):
        expected = table.field(str(column)).type if column in table.columns else "value"
        message = f"{shown} is not a valid {expected}"
    elif check == "column_in_schema":
        message = "unknown column"
    else:
        message = f"{shown} {check}".strip()
    col = None if column is None or column == table.name else str(column)
    return Problem(rel, row, col, message)


def _convert(frame: pd.DataFrame, table: model.Table) -> pd.DataFrame:
    """Dates to datetime64 and booleans to bool, once their text has been checked."""
    out = frame  # ours alone (see _check_frame): converted in place
    for f in table.fields:
        if f.type == "date":
            out[f.name] = pd.to_datetime(out[f.name], format="%Y-%m-%d")
        elif f.type == "boolean":
            out[f.name] = (out[f.name] == "true").to_numpy(dtype=bool, na_value=False)
    return out


def _read_seed_texts(base: Path, sources: pd.DataFrame, problems: list[Problem]) -> dict[str, str]:
    texts: dict[str, str] = {}
    rel_sources = model.SOURCES.path
    seeds = sources[sources["kind"] == "seed"]
    for idx, row in zip(seeds.index, seeds.to_dict("records"), strict=True):
        line = int(str(idx)) + 2
        rel = row["seed_file"]
        if pd.isna(rel):
            problems.append(
                Problem(rel_sources, line, "seed_file", "a seed document needs its file")
            )
            continue
        path = _safe_child(base, str(rel))
        if path is None:
            problems.append(
                Problem(rel_sources, line, "seed_file", "path leaves the package's parent folder")
            )
            continue
        try:
            texts[str(row["source_id"])] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(
                Problem(rel_sources, line, "seed_file", f"seed file {str(rel)!r} cannot be read")
            )
    return texts


def load_package(path: str | os.PathLike[str] | None = None) -> Package:
    """Load and validate a package; raise ``DataError`` listing every problem."""
    base = resolve_data_dir(path)
    problems: list[Problem] = []
    meta = _read_descriptor(base, problems)
    if problems:
        raise DataError(problems)
    paths = _resource_paths(meta, problems)
    tables: dict[str, pd.DataFrame] = {}
    for table in model.TABLES:
        rel = paths[table.name]
        frame = _read_csv(base, rel, table, problems)
        if frame is None:
            continue
        checked = _check_frame(frame, table, rel, problems)
        if checked is not None:
            tables[table.name] = checked
    if problems:
        raise DataError(problems)
    seed_texts = _read_seed_texts(base, tables["sources"], problems)
    package = Package(base, meta, tables, seed_texts)
    problems.extend(validate.check_package(package, paths))
    if problems:
        raise DataError(problems)
    return package
