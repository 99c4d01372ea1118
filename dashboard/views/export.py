"""Exports of a filtered view: CSV, JSON, GeoJSON, the whole package as a ZIP, a citation.

Pure functions, no streamlit: the Data page and ``python -m dashboard export`` call the same
code on the same ``filters.apply`` selection, so the app and the command line export
identically (``command`` is the export command; its arguments are read in ``cli.py``).

- ``events_frame(pkg, table, lang)``: one flat row per event (rows of ``views.event_table``)
  with machine-readable columns (ids, ISO dates, coordinates) and texts in ``lang``.
- ``to_csv`` / ``to_json`` / ``to_geojson``: bytes (UTF-8). In the GeoJSON each event is a
  Point at its place (longitude, latitude), or has ``"geometry": null`` when the place is a
  region without a point (valid GeoJSON, RFC 7946 §3.2); each place of those events is a
  feature of its own.
- ``package_zip(pkg)``: the data package as published (``data/…`` and the seed documents it
  references under ``seeds/``), with a note on the licence.
- ``citation(pkg, lang, url, accessed)``: "How to cite this view".
"""

from __future__ import annotations

import io
import json
import math
import sys
import zipfile
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any, Final

import pandas as pd

from dashboard.core import derived as views
from dashboard.core import filters
from dashboard.core.ids import isin
from dashboard.core.load import load_package
from dashboard.core.package import DESCRIPTOR, DataError, Package
from dashboard.present.i18n import col, format_date, format_span, t
from dashboard.present.labels import source_names

FORMATS: Final = ("csv", "json", "geojson")
MIME: Final = {
    "csv": "text/csv",
    "json": "application/json",
    "geojson": "application/geo+json",
    "zip": "application/zip",
}
COLUMNS: Final = (
    "event_id",
    "start",
    "end",
    "date_precision",
    "date_text",
    "kind",
    "title",
    "summary",
    "place_id",
    "place",
    "city",
    "place_precision",
    "lat",
    "lon",
    "sector_ids",
    "sectors",
    "source_ids",
    "sources",
    "n_sources",
    "n_independent",
    "key_fact",
)
LIST_COLUMNS: Final = ("sector_ids", "sectors", "source_ids", "sources")
# Free-text cells a spreadsheet would read as a formula get a leading apostrophe (CSV only).
_TEXT_COLUMNS: Final = ("title", "summary", "place", "city", "sectors", "sources", "date_text")
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _float(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _as_list(value: object) -> list[str]:
    """A cell holding ids as a list (pandas may hand a list column back as arrays)."""
    if value is None or value is pd.NA or isinstance(value, float | str):
        return []
    tolist = getattr(value, "tolist", None)
    items = tolist() if callable(tolist) else value
    return [str(v) for v in items] if isinstance(items, list | tuple) else []


def events_frame(pkg: Package, table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Flat export rows for events (rows of ``views.event_table``), in ``lang``, by date.

    Lists (sector_ids, sectors, source_ids, sources) stay Python lists here.
    """
    places = pkg["places"].set_index("place_id")[["lat", "lon"]]
    sectors = dict(
        zip(pkg["sectors"]["sector_id"], pkg["sectors"][col("label", lang)], strict=True)
    )
    names = source_names(pkg, lang)
    spans: dict[tuple[Any, Any, str], str] = {}

    def span(start: Any, end: Any, precision: str) -> str:
        key = (start, end, precision)
        if key not in spans:
            spans[key] = format_span(start, end, precision, lang)
        return spans[key]

    lat = table["place_id"].map(places["lat"])
    lon = table["place_id"].map(places["lon"])
    linked = views.event_sector_ids(pkg, table["event_id"])
    sector_ids = pd.Series(
        [list(linked.get(str(e), ())) for e in table["event_id"]], index=table.index, dtype=object
    )
    source_ids = pd.Series(
        [_as_list(v) for v in table["source_ids"]], index=table.index, dtype=object
    )
    out = pd.DataFrame(
        {
            "event_id": table["event_id"].astype(str),
            "start": table["start"].dt.strftime("%Y-%m-%d"),
            "end": table["end"].dt.strftime("%Y-%m-%d"),
            "date_precision": table["date_precision"].astype(str),
            "date_text": [
                span(s, e, str(p))
                for s, e, p in zip(
                    table["start"], table["end"], table["date_precision"], strict=True
                )
            ],
            "kind": table["kind"].astype(str),
            "title": table[col("title", lang)].astype(str),
            "summary": table[col("summary", lang)].astype(str),
            "place_id": table["place_id"].map(_str),
            "place": table[col("place", lang)].map(_str),
            "city": table["city"].map(_str),
            "place_precision": table["place_precision"].map(_str),
            "lat": lat.map(_float),
            "lon": lon.map(_float),
            "sector_ids": sector_ids,
            "sectors": sector_ids.map(lambda ids: [sectors.get(s, s) for s in ids]),
            "source_ids": source_ids,
            "sources": source_ids.map(lambda ids: [names.get(s, s) for s in ids]),
            "n_sources": table["n_sources"].fillna(0).astype(int),
            "n_independent": table["n_independent"].fillna(0).astype(int),
            "key_fact": table["key_fact"].astype(bool),
        },
        columns=list(COLUMNS),
    )
    return out.reset_index(drop=True)


def selected_table(pkg: Package, event_ids: Collection[str]) -> pd.DataFrame:
    """Rows of ``views.event_table`` for these events, by date."""
    table = views.event_table(pkg)
    return table[isin(table["event_id"], event_ids)]


# --- formats ------------------------------------------------------------------------------


def _defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, one row per event; lists joined with '; '."""
    out = frame.copy()
    for c in LIST_COLUMNS:
        out[c] = out[c].map(lambda v: "; ".join(str(x) for x in v))
    for c in _TEXT_COLUMNS:
        out[c] = out[c].map(_defuse)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python values for json.dumps (missing -> None, numbers as float/int)."""
    out = frame.astype(object).where(frame.notna(), None)
    for c in ("lat", "lon"):
        out[c] = pd.Series([_float(v) for v in frame[c]], index=out.index, dtype=object)
    for c in ("n_sources", "n_independent"):
        out[c] = [int(v) for v in frame[c]]
    out["key_fact"] = [bool(v) for v in frame["key_fact"]]
    return [{str(k): v for k, v in rec.items()} for rec in out.to_dict("records")]


def dataset_meta(pkg: Package, lang: str) -> dict[str, Any]:
    licences = pkg.meta.get("licenses")
    licence = licences[0].get("name") if isinstance(licences, list) and licences else None
    return {
        "name": pkg.meta.get("name"),
        "title": pkg.text("title", lang),
        "version": pkg.meta.get("version"),
        "created": pkg.meta.get("created"),
        "license": licence,
    }


def to_json(
    frame: pd.DataFrame, pkg: Package, lang: str, query: Mapping[str, Sequence[str]]
) -> bytes:
    """``{"dataset": {...}, "view": {"lang", "filters", "n_events"}, "events": [...]}``."""
    doc = {
        "dataset": dataset_meta(pkg, lang),
        "view": {"lang": lang, "filters": dict(query), "n_events": len(frame)},
        "events": _records(frame),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode()


def to_geojson(frame: pd.DataFrame, pkg: Package, lang: str) -> bytes:
    """A FeatureCollection: the events (Point at their place, or null geometry), then the
    places of those events. Coordinates are [longitude, latitude] (RFC 7946)."""
    features: list[dict[str, Any]] = []
    for rec in _records(frame):
        lat, lon = rec.pop("lat"), rec.pop("lon")
        features.append(
            {
                "type": "Feature",
                "id": f"event:{rec['event_id']}",
                "geometry": _point(lon, lat),
                "properties": {"feature_type": "event", **rec},
            }
        )
    places = pkg["places"]
    used = places[places["place_id"].isin(set(frame["place_id"].dropna()))]
    counts = frame["place_id"].value_counts()
    for place in used.to_dict("records"):
        pid = str(place["place_id"])
        features.append(
            {
                "type": "Feature",
                "id": f"place:{pid}",
                "geometry": _point(_float(place["lon"]), _float(place["lat"])),
                "properties": {
                    "feature_type": "place",
                    "place_id": pid,
                    "name": str(place[col("name", lang)]),
                    "kind": str(place["kind"]),
                    "city": str(place["city"]),
                    "country_iso3": str(place["country_iso3"]),
                    "precision": str(place["precision"]),
                    "n_events": int(counts.get(pid, 0)),
                },
            }
        )
    doc = {
        "type": "FeatureCollection",
        "metadata": dataset_meta(pkg, lang),
        "features": features,
    }
    return (json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n").encode()


def _point(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def render(
    fmt: str, frame: pd.DataFrame, pkg: Package, lang: str, query: Mapping[str, Sequence[str]]
) -> bytes:
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "json":
        return to_json(frame, pkg, lang, query)
    if fmt == "geojson":
        return to_geojson(frame, pkg, lang)
    raise ValueError(f"unknown format {fmt!r}")


def file_name(pkg: Package, ext: str) -> str:
    name = str(pkg.meta.get("name") or "dataset")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:60]
    return f"{safe}-events.{ext}" if ext in FORMATS else f"{safe}.{ext}"


# --- the whole package --------------------------------------------------------------------


def package_files(pkg: Package) -> list[tuple[Path, str]]:
    """(file, name in the ZIP) for the package: its descriptor, tables, README, and the
    seed documents it references (kept beside ``data/`` as in the repository)."""
    base = pkg.path.resolve()
    root = base.parent
    files: dict[str, Path] = {}

    def add(path: Path) -> None:
        p = path.resolve()
        if p.is_file() and p.is_relative_to(root):
            arc = (
                "data/" + p.relative_to(base).as_posix()
                if p.is_relative_to(base)
                else (p.relative_to(root).as_posix())
            )
            files.setdefault(arc, p)

    add(base / DESCRIPTOR)
    for csv_path in sorted(base.glob("*.csv")):
        add(csv_path)
    resources = pkg.meta.get("resources")
    for res in resources if isinstance(resources, list) else []:
        if isinstance(res, dict) and isinstance(res.get("path"), str):
            add(base / res["path"])
    add(base / "README.md")
    for rel in pkg["sources"]["seed_file"].dropna():
        add(base / str(rel))
    return [(p, arc) for arc, p in sorted(files.items())]


def package_zip(pkg: Package) -> bytes:
    """The data package as a ZIP, with a README.txt on what it holds and its licence."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        files = package_files(pkg)
        for path, arc in files:
            z.write(path, arc)
        z.writestr("README.txt", _zip_note(pkg, [arc for _, arc in files]))
    return buf.getvalue()


def _zip_note(pkg: Package, names: Sequence[str]) -> str:
    meta = dataset_meta(pkg, "en")
    licences = pkg.meta.get("licenses")
    lic_lines = [
        f"- {lic.get('title') or lic.get('name')}: {lic.get('path', '')}".rstrip(": ")
        for lic in (licences if isinstance(licences, list) else [])
        if isinstance(lic, dict)
    ] or ["- no licence stated in datapackage.json"]
    return "\n".join(
        [
            f"{meta['title']} (version {meta['version']})",
            "",
            "A Frictionless data package: data/datapackage.json describes every table",
            "(columns, types, keys) and its sources; seeds/ holds the documents quoted as",
            "evidence, referenced from data/sources.csv (column seed_file).",
            "",
            "Licence:",
            *lic_lines,
            "",
            "Files:",
            *(f"- {n}" for n in names),
            "",
        ]
    )


# --- citation -----------------------------------------------------------------------------


def citation(pkg: Package, lang: str, url: str, accessed: date) -> str:
    """'How to cite this view': authors, title, version, date, the view's link, access date."""
    meta = dataset_meta(pkg, lang)
    contributors = pkg.meta.get("contributors")
    authors = ", ".join(
        str(c.get("title"))
        for c in (contributors if isinstance(contributors, list) else [])
        if isinstance(c, dict) and c.get("title")
    )
    created = str(meta["created"] or "")[:10]
    try:
        when = format_date(date.fromisoformat(created), lang)
    except ValueError:
        when = t("data_cite_undated", lang)
    return t(
        "data_cite_text",
        lang,
        authors=authors or t("data_cite_no_author", lang),
        title=meta["title"],
        version=meta["version"] or "?",
        date=when,
        url=url,
        accessed=format_date(accessed, lang),
    )


# --- the command line ---------------------------------------------------------------------


def command(
    fmt: str,
    sectors: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    places: Sequence[str] = (),
    lang: str = "en",
    output: Path | None = None,
    data_dir: Path | None = None,
    stdout: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """``python -m dashboard export``: 0 written, 1 the package is invalid or the file
    cannot be written, 2 bad arguments (unknown id, bad dates)."""
    err = stderr or sys.stderr
    if fmt not in FORMATS:
        print(f"error: unknown format {fmt!r} (choose from {', '.join(FORMATS)})", file=err)
        return 2
    if lang not in ("en", "fr"):
        print(f"error: unknown language {lang!r} (choose en or fr)", file=err)
        return 2
    try:
        pkg = load_package(data_dir)
    except DataError as exc:
        print(f"error: the data package is invalid ({len(exc.problems)} problem(s)):", file=err)
        for p in exc.problems[:20]:
            print(f"  {p}", file=err)
        return 1
    opts = filters.Options.from_package(pkg)
    params: dict[str, list[str]] = {"sector": list(sectors), "place": list(places)}
    if date_from is not None or date_to is not None:
        start, end = date_from or opts.first_day, date_to or opts.last_day
        params["dates"] = [start.isoformat(), end.isoformat()]
    state, notices = filters.parse(params, opts)
    if notices:
        for n in notices:
            print(f"error: {_explain(n, opts)}", file=err)
        return 2
    selection = filters.apply(state, pkg, opts)
    frame = events_frame(pkg, selected_table(pkg, selection.event_ids), lang)
    data = render(fmt, frame, pkg, lang, filters.to_query(state.with_(lang=lang)))
    if output is None:
        out = stdout or sys.stdout.buffer
        out.write(data)
        out.flush()
    else:
        try:
            output.write_bytes(data)
        except OSError as exc:
            print(f"error: cannot write {output}: {exc.strerror}", file=err)
            return 1
        print(f"wrote {len(frame)} event(s) to {output}", file=err)
    return 0


def _explain(n: filters.Notice, opts: filters.Options) -> str:
    value = n.shown_value
    if n.reason == "unknown" and n.key in ("sector", "place"):
        known = opts.sectors if n.key == "sector" else opts.places
        return f"unknown {n.key} id {value!r} (known: {', '.join(known)})"
    if n.reason == "reversed":
        return f"the date range {value} ends before it starts"
    if n.reason == "out_of_range":
        return (
            f"the date range {value} is outside the data's dates "
            f"({opts.first_day.isoformat()}..{opts.last_day.isoformat()})"
        )
    if n.reason == "too_long":
        return f"a {n.key} value is too long"
    if n.reason == "too_many":
        return f"too many {n.key} values"
    return f"{n.key}: {n.reason} value {value!r}"
