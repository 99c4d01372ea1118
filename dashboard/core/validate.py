"""Cross-table checks: keys, evidence, quotes found in seeds, precision rules, labels.

Each rule is a function ``(package, paths) -> list[Problem]``; ``check_package`` runs them
all, so one run reports every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core import model
from dashboard.core.audit import AUDIT_RULES
from dashboard.core.derived import conflicts
from dashboard.core.ids import first_rows, group_codes, member_of
from dashboard.core.normalise import normalise
from dashboard.core.package import DESCRIPTOR, Message, Package, Problem, Rule, report


def _unknown_key(cols: list[str], table: str) -> Message:
    def message(rec: Mapping[str, Any]) -> str:
        return f"{', '.join(str(rec[c]) for c in cols)!r} is not a known {table} id"

    return message


def _no_evidence(key: str) -> Message:
    def message(rec: Mapping[str, Any]) -> str:
        return f"{rec[key]!r} has no evidence: cite at least one source"

    return message


def foreign_keys(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for table in model.TABLES:
        frame = pkg[table.name]
        for fk in table.foreign_keys:
            target = pkg[fk.table]
            cols = list(fk.fields)
            if len(cols) == 1:
                present = frame[cols[0]].notna()
                known = member_of(frame[cols[0]], target[fk.reference[0]])
            else:
                present = frame[cols].notna().all(axis=1)
                keys = pd.MultiIndex.from_frame(frame[cols])
                targets = pd.MultiIndex.from_frame(target[list(fk.reference)])
                known = pd.Series(keys.isin(targets), index=frame.index)
            out += report(
                paths[table.name],
                frame,
                present & ~known,
                ", ".join(cols),
                _unknown_key(cols, fk.table),
            )
    return out


def sector_levels(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    sectors = pkg["sectors"]
    parent_of = pd.Series(sectors["parent_id"].to_numpy(), index=sectors["sector_id"])
    grandparent = sectors["parent_id"].map(parent_of)
    return report(
        paths["sectors"],
        sectors,
        sectors["parent_id"].notna() & grandparent.notna(),
        "parent_id",
        lambda rec: f"{rec['parent_id']!r} is itself a sub-sector: the taxonomy has two levels",
    )


def place_coordinates(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    places = pkg["places"]
    has_lat, has_lon = places["lat"].notna(), places["lon"].notna()
    no_point = (places["precision"] != "region") & ~(has_lat & has_lon)
    return report(
        paths["places"],
        places,
        no_point,
        "lat, lon",
        lambda rec: f"a place of precision {rec['precision']!r} needs coordinates",
    ) + report(paths["places"], places, has_lat != has_lon, "lat, lon", "give both or neither")


def event_dates(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    events = pkg["events"]
    rel = paths["events"]
    start, end, precision = events["start"], events["end"], events["date_precision"]
    backwards = end < start
    whole_month = (
        (start.dt.day == 1)
        & (end.dt.year == start.dt.year)
        & (end.dt.month == start.dt.month)
        & (end.dt.day == start.dt.days_in_month)
    )
    return (
        report(rel, events, backwards, "end", "ends before it starts")
        + report(
            rel,
            events,
            (precision == "month") & ~backwards & ~whole_month,
            "start, end",
            "precision 'month' needs start on the 1st and end on the last day of the same month",
        )
        + report(
            rel,
            events,
            (precision == "range") & (end == start),
            "date_precision",
            "precision 'range' needs end after start (use 'day' for one day)",
        )
    )


def _subject_ids(pkg: Package) -> dict[str, pd.Series]:
    return {"event": pkg["events"]["event_id"], "item": pkg["cooperation"]["item_id"]}


def _known_subject(frame: pd.DataFrame, ids: Mapping[str, pd.Series]) -> pd.Series:
    known = pd.Series(False, index=frame.index)
    for kind, values in ids.items():
        known |= (frame["subject_type"] == kind).fillna(False) & member_of(
            frame["subject_id"], values
        )
    return known


def evidence_subjects(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    ids = _subject_ids(pkg)
    out: list[Problem] = []
    for name in ("evidence", "resolutions"):
        frame = pkg[name]
        out += report(
            paths[name],
            frame,
            ~_known_subject(frame, ids),
            "subject_id",
            lambda rec: f"{rec['subject_id']!r} is not a known {rec['subject_type']} id",
        )
    return out


def everything_has_evidence(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    ev = pkg["evidence"]
    out: list[Problem] = []
    for name, kind, key in (("events", "event", "event_id"), ("cooperation", "item", "item_id")):
        frame = pkg[name]
        backed = member_of(
            frame[key], ev.loc[(ev["subject_type"] == kind).fillna(False), "subject_id"]
        )
        out += report(
            paths[name],
            frame,
            ~backed,
            key,
            _no_evidence(key),
        )
    return out


def sources_complete(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    src = pkg["sources"]
    rel = paths["sources"]
    return report(
        rel,
        src,
        (src["kind"] == "external") & src["url"].isna(),
        "url",
        "an external reference needs a URL",
    ) + report(
        rel,
        src,
        (src["kind"] == "seed") & src["seed_file"].isna(),
        "seed_file",
        "a seed document needs its file",
    )


def seed_quotes(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    src = pkg["sources"]
    ev = pkg["evidence"]
    rel = paths["evidence"]
    from_seed = member_of(ev["source_id"], src.loc[src["kind"] == "seed", "source_id"])
    quote = ev["quote"]
    no_quote = quote.isna() | (quote.str.strip() == "")
    out = report(
        rel,
        ev,
        from_seed & no_quote,
        "quote",
        "evidence from a seed document needs its verbatim quote",
    )
    # Each distinct (seed, quote) pair is normalised and searched once.
    normalised = {sid: normalise(text) for sid, text in pkg.seed_texts.items()}
    checkable = (from_seed & ~no_quote & ev["source_id"].isin(list(normalised))).to_numpy(
        dtype=bool, na_value=False
    )
    rows = np.flatnonzero(checkable)
    if not len(rows):
        return out
    # Codes over the whole table (cheaper than gathering a million strings first).
    all_codes = group_codes([ev["source_id"], ev["quote"]])
    kept, pair_codes = np.unique(all_codes[rows], return_inverse=True)
    one = first_rows(all_codes)[kept]
    found = np.array(
        [
            normalise(str(q)) in normalised[str(s)]
            for s, q in zip(ev["source_id"].iloc[one], ev["quote"].iloc[one], strict=True)
        ],
        dtype=bool,
    )
    missing = np.zeros(len(ev), dtype=bool)
    missing[rows] = ~found[pair_codes]
    return out + report(
        rel,
        ev,
        missing,
        "quote",
        lambda rec: f"quote not found verbatim in seed {str(rec['source_id'])!r}",
    )


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_VALUE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def claimed_values(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    ev = pkg["evidence"]
    rel = paths["evidence"]
    has_claim, has_value = ev["claim"].notna(), ev["claimed_value"].notna()
    bad_date = (
        (ev["claim"] == "date")
        & has_value
        & ~ev["claimed_value"].str.match(_DATE_VALUE.pattern).astype("boolean")
    )
    return report(
        rel,
        ev,
        has_claim != has_value,
        "claim, claimed_value",
        "give both a claim and its value, or neither",
    ) + report(rel, ev, bad_date, "claimed_value", "a claimed date must be YYYY-MM-DD or YYYY-MM")


def bilingual_pairs(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for name, stems in model.BILINGUAL.items():
        frame = pkg[name]
        for stem in stems:
            en, fr = f"{stem}_en", f"{stem}_fr"
            has_en, has_fr = frame[en].notna(), frame[fr].notna()
            for col, has in ((en, has_en), (fr, has_fr)):
                blank = has & (frame[col].str.strip() == "")
                out += report(paths[name], frame, blank, col, "label is blank")
            out += report(
                paths[name], frame, has_en & ~has_fr, fr, "label given in one language only"
            )
            out += report(
                paths[name], frame, has_fr & ~has_en, en, "label given in one language only"
            )
    return out


def conflicts_resolved(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    keys = ["subject_type", "subject_id", "claim"]
    found = conflicts(pkg)
    res = pkg["resolutions"]
    rel = paths["resolutions"]
    resolved = {
        (str(r["subject_type"]), str(r["subject_id"]), str(r["claim"])): (line, r)
        for line, r in zip((res.index.to_numpy() + 2).tolist(), res.to_dict("records"), strict=True)
    }
    out: list[Problem] = []
    for key, group in found.groupby(keys, sort=True):
        k = tuple(str(part) for part in key)
        values = {str(v) for v in group["claimed_value"]}
        if k not in resolved:
            out.append(
                Problem(
                    rel,
                    None,
                    "subject_id",
                    f"sources disagree on {k[2]} of {k[1]!r} "
                    f"({', '.join(sorted(values))}): add a resolution",
                )
            )
            continue
        line, rec = resolved[k]
        if rec["resolved_value"] not in values:
            out.append(
                Problem(
                    rel,
                    line,
                    "resolved_value",
                    f"{rec['resolved_value']!r} is none of the claimed values",
                )
            )
    # A resolved date must agree with the event's own start (as far as it is precise).
    dated = res[((res["subject_type"] == "event") & (res["claim"] == "date")).fillna(False)]
    events = pkg["events"]
    events = events.loc[member_of(events["event_id"], dated["subject_id"]), ["event_id", "start"]]
    both = dated.merge(events, left_on="subject_id", right_on="event_id", how="inner")
    starts = both["start"].dt.strftime("%Y-%m-%d")
    value = both["resolved_value"].astype(str)
    agree = [v.startswith(start[: len(v)]) for start, v in zip(starts, value, strict=True)]
    for ev_id, start, v, ok in zip(both["subject_id"], starts, value, agree, strict=True):
        if not ok:
            out.append(
                Problem(
                    paths["events"],
                    None,
                    "start",
                    f"{str(ev_id)!r} starts {start}, but its resolution says {v}",
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
        value = str(visit.get(key))
        if not _ISO_DAY.match(value) or pd.isna(
            pd.to_datetime(value, format="%Y-%m-%d", errors="coerce")
        ):
            out.append(Problem(DESCRIPTOR, None, f"visit.{key}", "must be a date YYYY-MM-DD"))
    origin = visit.get("origin_place_id")
    if origin is not None and (
        not isinstance(origin, str) or origin not in set(pkg["places"]["place_id"])
    ):
        out.append(
            Problem(
                DESCRIPTOR, None, "visit.origin_place_id", f"{origin!r} is not a known place id"
            )
        )
    source_ids = visit.get("source_ids", [])
    if not isinstance(source_ids, list):
        out.append(Problem(DESCRIPTOR, None, "visit.source_ids", "must be a list of source ids"))
        return out
    known = set(pkg["sources"]["source_id"])
    for sid in source_ids:
        if not isinstance(sid, str) or sid not in known:
            out.append(
                Problem(DESCRIPTOR, None, "visit.source_ids", f"{sid!r} is not a known source id")
            )
    return out


ALIAS_TARGETS: dict[str, tuple[str, str]] = {
    "person": ("people", "person_id"),
    "org": ("organisations", "org_id"),
    "place": ("places", "place_id"),
}


def aliases(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """An alias names a known person, organisation or place, and is not blank."""
    frame = pkg.tables.get("aliases")
    if frame is None or frame.empty:
        return []
    rel = paths.get("aliases", "aliases.csv")
    known = pd.Series(False, index=frame.index)
    for entity, (table, key) in ALIAS_TARGETS.items():
        known |= (frame["entity_type"] == entity) & member_of(frame["entity_id"], pkg[table][key])
    blank = frame["alias"].fillna("").str.strip() == ""
    return report(
        rel,
        frame,
        ~known,
        "entity_id",
        lambda rec: f"{rec['entity_id']!r} is not a known {rec['entity_type']} id",
    ) + report(rel, frame, blank, "alias", "alias is blank")


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
    *AUDIT_RULES,
    aliases,
)


def check_package(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(pkg, paths))
    if not problems:  # conflicts need sound keys and claims to be found at all
        problems.extend(conflicts_resolved(pkg, paths))
    return problems
