"""Cross-table checks: keys, evidence, quotes found in seeds, precision rules, labels.

Each rule is a function ``(package, paths) -> list[Problem]``; ``check_package`` runs them
all, so one run reports every problem at once.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from dashboard import model
from dashboard.load import DESCRIPTOR, Package, Problem

Rule = Callable[[Package, Mapping[str, str]], list[Problem]]

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u201e": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
    }
)
_SPACE = re.compile(r"\s+")
# Spaces French typography puts inside guillemets: after folding them to '"', drop any
# whitespace around a quote mark.
_QUOTE_SPACE = re.compile(r'\s*"\s*')


def normalise(text: str) -> str:
    """Fold what differs between a quote and its source but not in meaning."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    text = _QUOTE_SPACE.sub('"', text)
    return _SPACE.sub(" ", text).strip().casefold()


def _line(idx: object) -> int:
    return int(str(idx)) + 2


def _rows(frame: pd.DataFrame) -> Iterable[tuple[int, Mapping[str, object]]]:
    for idx, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        yield _line(idx), rec


def _present(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and value is not pd.NA
    )


def foreign_keys(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for table in model.TABLES:
        frame = pkg[table.name]
        for fk in table.foreign_keys:
            target = pkg[fk.table]
            known = set(zip(*(target[c] for c in fk.reference), strict=True))
            for line, rec in _rows(frame):
                key = tuple(rec[c] for c in fk.fields)
                if all(_present(k) for k in key) and key not in known:
                    shown = ", ".join(str(k) for k in key)
                    out.append(
                        Problem(
                            paths[table.name],
                            line,
                            ", ".join(fk.fields),
                            f"{shown!r} is not a known {fk.table} id",
                        )
                    )
    return out


def sector_levels(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    sectors = pkg["sectors"]
    parents = dict(zip(sectors["sector_id"], sectors["parent_id"], strict=True))
    out = []
    for line, rec in _rows(sectors):
        parent = rec["parent_id"]
        if _present(parent) and _present(parents.get(str(parent))):
            out.append(
                Problem(
                    paths["sectors"],
                    line,
                    "parent_id",
                    f"{parent!r} is itself a sub-sector: the taxonomy has two levels",
                )
            )
    return out


def place_coordinates(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out = []
    for line, rec in _rows(pkg["places"]):
        has_point = _present(rec["lat"]) and _present(rec["lon"])
        if rec["precision"] != "region" and not has_point:
            out.append(
                Problem(
                    paths["places"],
                    line,
                    "lat, lon",
                    f"a place of precision {rec['precision']!r} needs coordinates",
                )
            )
        if _present(rec["lat"]) != _present(rec["lon"]):
            out.append(Problem(paths["places"], line, "lat, lon", "give both or neither"))
    return out


def event_dates(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out = []
    rel = paths["events"]
    for line, rec in _rows(pkg["events"]):
        start, end = pd.Timestamp(rec["start"]), pd.Timestamp(rec["end"])
        precision = rec["date_precision"]
        if end < start:
            out.append(Problem(rel, line, "end", "ends before it starts"))
            continue
        if precision == "month":
            last = calendar.monthrange(start.year, start.month)[1]
            if start.day != 1 or end != start.replace(day=last):
                out.append(
                    Problem(
                        rel,
                        line,
                        "start, end",
                        "precision 'month' needs start on the 1st and end on the last day "
                        "of the same month",
                    )
                )
        elif precision == "range" and end == start:
            out.append(
                Problem(
                    rel,
                    line,
                    "date_precision",
                    "precision 'range' needs end after start (use 'day' for one day)",
                )
            )
    return out


def _subject_ids(pkg: Package) -> dict[str, set[str]]:
    return {
        "event": set(pkg["events"]["event_id"]),
        "item": set(pkg["cooperation"]["item_id"]),
    }


def evidence_subjects(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    ids = _subject_ids(pkg)
    out = []
    for name in ("evidence", "resolutions"):
        for line, rec in _rows(pkg[name]):
            if rec["subject_id"] not in ids[str(rec["subject_type"])]:
                out.append(
                    Problem(
                        paths[name],
                        line,
                        "subject_id",
                        f"{rec['subject_id']!r} is not a known {rec['subject_type']} id",
                    )
                )
    return out


def everything_has_evidence(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    ev = pkg["evidence"]
    backed = set(zip(ev["subject_type"], ev["subject_id"], strict=True))
    out = []
    for name, kind, key in (("events", "event", "event_id"), ("cooperation", "item", "item_id")):
        for line, rec in _rows(pkg[name]):
            if (kind, rec[key]) not in backed:
                out.append(
                    Problem(
                        paths[name],
                        line,
                        key,
                        f"{rec[key]!r} has no evidence: cite at least one source",
                    )
                )
    return out


def sources_complete(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out = []
    for line, rec in _rows(pkg["sources"]):
        if rec["kind"] == "external" and not _present(rec["url"]):
            out.append(Problem(paths["sources"], line, "url", "an external reference needs a URL"))
        if rec["kind"] == "seed" and not _present(rec["seed_file"]):
            out.append(
                Problem(paths["sources"], line, "seed_file", "a seed document needs its file")
            )
    return out


def seed_quotes(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    kinds = dict(zip(pkg["sources"]["source_id"], pkg["sources"]["kind"], strict=True))
    normalised = {sid: normalise(text) for sid, text in pkg.seed_texts.items()}
    out = []
    for line, rec in _rows(pkg["evidence"]):
        sid = str(rec["source_id"])
        if kinds.get(sid) != "seed":
            continue
        if not _present(rec["quote"]) or not str(rec["quote"]).strip():
            out.append(
                Problem(
                    paths["evidence"],
                    line,
                    "quote",
                    "evidence from a seed document needs its verbatim quote",
                )
            )
        elif sid in normalised and normalise(str(rec["quote"])) not in normalised[sid]:
            out.append(
                Problem(
                    paths["evidence"], line, "quote", f"quote not found verbatim in seed {sid!r}"
                )
            )
    return out


_DATE_VALUE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def claimed_values(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out = []
    for line, rec in _rows(pkg["evidence"]):
        has_claim, has_value = _present(rec["claim"]), _present(rec["claimed_value"])
        if has_claim != has_value:
            out.append(
                Problem(
                    paths["evidence"],
                    line,
                    "claim, claimed_value",
                    "give both a claim and its value, or neither",
                )
            )
        if (
            rec["claim"] == "date"
            and has_value
            and not _DATE_VALUE.match(str(rec["claimed_value"]))
        ):
            out.append(
                Problem(
                    paths["evidence"],
                    line,
                    "claimed_value",
                    "a claimed date must be YYYY-MM-DD or YYYY-MM",
                )
            )
    return out


def bilingual_pairs(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out = []
    for name, stems in model.BILINGUAL.items():
        for stem in stems:
            en, fr = f"{stem}_en", f"{stem}_fr"
            for line, rec in _rows(pkg[name]):
                has_en, has_fr = _present(rec[en]), _present(rec[fr])
                for col, has in ((en, has_en), (fr, has_fr)):
                    if has and not str(rec[col]).strip():
                        out.append(Problem(paths[name], line, col, "label is blank"))
                if has_en != has_fr:
                    missing = fr if has_en else en
                    out.append(
                        Problem(paths[name], line, missing, "label given in one language only")
                    )
    return out


def conflicts_resolved(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    from dashboard.views import conflicts  # views builds on the validated package

    found = conflicts(pkg)
    res = pkg["resolutions"]
    resolved = {
        (r["subject_type"], r["subject_id"], r["claim"]): (line, r) for line, r in _rows(res)
    }
    out = []
    for key, group in found.groupby(["subject_type", "subject_id", "claim"], sort=True):
        values = set(group["claimed_value"])
        if key not in resolved:
            out.append(
                Problem(
                    paths["resolutions"],
                    None,
                    "subject_id",
                    f"sources disagree on {key[2]} of {key[1]!r} "
                    f"({', '.join(sorted(values))}): add a resolution",
                )
            )
            continue
        line, rec = resolved[key]
        if rec["resolved_value"] not in values:
            out.append(
                Problem(
                    paths["resolutions"],
                    line,
                    "resolved_value",
                    f"{rec['resolved_value']!r} is none of the claimed values",
                )
            )
    events = pkg["events"].set_index("event_id")
    for line, rec in _rows(res):
        if rec["subject_type"] == "event" and rec["claim"] == "date":
            ev_id = str(rec["subject_id"])
            if ev_id in events.index:
                start = events.at[ev_id, "start"].strftime("%Y-%m-%d")
                if not str(rec["resolved_value"]).startswith(
                    start[: len(str(rec["resolved_value"]))]
                ):
                    out.append(
                        Problem(
                            paths["events"],
                            None,
                            "start",
                            f"{ev_id!r} starts {start}, but its resolution says "
                            f"{rec['resolved_value']}",
                        )
                    )
    return out


def metadata(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out = []
    for key in ("title", "title_fr", "description", "description_fr"):
        if not str(pkg.meta.get(key, "")).strip():
            out.append(Problem(DESCRIPTOR, None, key, "missing: the app shows it"))
    visit = pkg.meta.get("visit")
    if not isinstance(visit, dict):
        out.append(Problem(DESCRIPTOR, None, "visit", "missing: start, end, origin_place_id"))
        return out
    for key in ("start", "end"):
        try:
            pd.Timestamp(str(visit.get(key)))
        except ValueError:
            out.append(Problem(DESCRIPTOR, None, f"visit.{key}", "must be a date YYYY-MM-DD"))
    origin = visit.get("origin_place_id")
    if origin is not None and origin not in set(pkg["places"]["place_id"]):
        out.append(
            Problem(
                DESCRIPTOR, None, "visit.origin_place_id", f"{origin!r} is not a known place id"
            )
        )
    for sid in visit.get("source_ids", []):
        if sid not in set(pkg["sources"]["source_id"]):
            out.append(
                Problem(DESCRIPTOR, None, "visit.source_ids", f"{sid!r} is not a known source id")
            )
    return out


RULES: tuple[Rule, ...] = (
    foreign_keys,
    sector_levels,
    place_coordinates,
    event_dates,
    evidence_subjects,
    everything_has_evidence,
    sources_complete,
    seed_quotes,
    claimed_values,
    bilingual_pairs,
    metadata,
)


def check_package(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(pkg, paths))
    if not problems:  # conflicts need sound keys and claims to be found at all
        problems.extend(conflicts_resolved(pkg, paths))
    return problems
