"""Cross-table checks: keys, evidence, quotes found in seeds, precision rules, labels.

Each rule is a function ``(package, paths) -> list[Problem]``; ``check_package`` runs them
all, so one run reports every problem at once.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np
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


def _report(
    rel: str,
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    column: str | None,
    message: str | Callable[[Mapping[str, Any]], str],
) -> list[Problem]:
    """One problem per row of ``frame`` where ``mask`` holds (missing counts as False).

    The rule itself is a vectorised mask; only the failing rows are visited here, so a
    million valid rows cost one pass of numpy, not a million Python iterations.
    """
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    if not mask.any():
        return []
    bad = frame[mask]
    lines = (bad.index.to_numpy() + 2).tolist()
    if isinstance(message, str):
        return [Problem(rel, line, column, message) for line in lines]
    records = bad.to_dict("records")
    return [
        Problem(rel, line, column, message({str(k): v for k, v in rec.items()}))
        for line, rec in zip(lines, records, strict=True)
    ]


_SMALL_LOOKUP = 1_000


def member_of(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)``, fast for millions of strings on both sides.

    pandas' own ``isin`` on Arrow-backed strings builds the lookup set in a Python loop,
    which takes seconds for a million known ids; Arrow's ``is_in`` takes milliseconds.
    """
    known = known.dropna()
    if len(values) <= _SMALL_LOOKUP and len(known) <= _SMALL_LOOKUP:
        lookup = set(known.tolist())
        found = [isinstance(v, str) and v in lookup for v in values.tolist()]
        return pd.Series(found, index=values.index, dtype=bool)
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        found = pc.is_in(
            pa.array(values.astype("string").array),
            value_set=pa.array(known.astype("string").array),
            skip_nulls=True,
        )
        mask = np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    except ImportError:  # pragma: no cover - pyarrow comes with pandas and streamlit
        mask = pd.Index(known.unique()).get_indexer(values) >= 0
    return pd.Series(mask, index=values.index)


Message = Callable[[Mapping[str, Any]], str]


def _unknown_key(cols: list[str], table: str) -> Message:
    def message(rec: Mapping[str, Any]) -> str:
        return f"{', '.join(str(rec[c]) for c in cols)!r} is not a known {table} id"

    return message


def _no_evidence(key: str) -> Message:
    def message(rec: Mapping[str, Any]) -> str:
        return f"{rec[key]!r} has no evidence: cite at least one source"

    return message


def group_codes(columns: Sequence[pd.Series]) -> np.ndarray:
    """Dense integer codes (0, 1, …) of the distinct combinations of ``columns``, per row.

    A vectorised stand-in for grouping on several string columns (missing is a value).
    """
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        combined, _ = pd.factorize(combined * max(len(uniques), 1) + codes)
    return combined


def first_rows(codes: np.ndarray) -> np.ndarray:
    """For each code 0..max, the position of one row that has it."""
    out = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    out[codes] = np.arange(len(codes))
    return out


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
            out += _report(
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
    return _report(
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
    return _report(
        paths["places"],
        places,
        no_point,
        "lat, lon",
        lambda rec: f"a place of precision {rec['precision']!r} needs coordinates",
    ) + _report(paths["places"], places, has_lat != has_lon, "lat, lon", "give both or neither")


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
        _report(rel, events, backwards, "end", "ends before it starts")
        + _report(
            rel,
            events,
            (precision == "month") & ~backwards & ~whole_month,
            "start, end",
            "precision 'month' needs start on the 1st and end on the last day of the same month",
        )
        + _report(
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
        out += _report(
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
        out += _report(
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
    return _report(
        rel,
        src,
        (src["kind"] == "external") & src["url"].isna(),
        "url",
        "an external reference needs a URL",
    ) + _report(
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
    out = _report(
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
    return out + _report(
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
    return _report(
        rel,
        ev,
        has_claim != has_value,
        "claim, claimed_value",
        "give both a claim and its value, or neither",
    ) + _report(rel, ev, bad_date, "claimed_value", "a claimed date must be YYYY-MM-DD or YYYY-MM")


def bilingual_pairs(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for name, stems in model.BILINGUAL.items():
        frame = pkg[name]
        for stem in stems:
            en, fr = f"{stem}_en", f"{stem}_fr"
            has_en, has_fr = frame[en].notna(), frame[fr].notna()
            for col, has in ((en, has_en), (fr, has_fr)):
                blank = has & (frame[col].str.strip() == "")
                out += _report(paths[name], frame, blank, col, "label is blank")
            out += _report(
                paths[name], frame, has_en & ~has_fr, fr, "label given in one language only"
            )
            out += _report(
                paths[name], frame, has_fr & ~has_en, en, "label given in one language only"
            )
    return out


def conflicts_resolved(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    from dashboard.views import conflicts  # views builds on the validated package

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


# === Audit rules (issue 30: every fact stands up to a fact-checker) ========================
# Kept in one block so that moving this module keeps them together. Each rule guards a class
# of defect found by the audit of 2026-12-06 (data/README.md, "The audit").


def _keyed(*columns: pd.Series) -> pd.Series:
    """One string per row joining the columns (missing as empty), to look pairs up at once."""
    out = columns[0].astype("string").fillna("")
    for col in columns[1:]:
        out = out + "\x1f" + col.astype("string").fillna("")
    return out


def status_claimed(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """(a) An item's status is one that at least one of its evidence rows claims (claim
    'status'), and the resolved one when its sources disagree."""
    items = pkg["cooperation"]
    ev = pkg["evidence"]
    about_items = (ev["subject_type"] == "item").fillna(False)
    claims = ev[about_items & (ev["claim"] == "status").fillna(False)]
    cited = member_of(items["item_id"], ev.loc[about_items, "subject_id"])
    backed = member_of(
        _keyed(items["item_id"], items["status"]),
        _keyed(claims["subject_id"], claims["claimed_value"]),
    )
    res = pkg["resolutions"]
    res = res[((res["subject_type"] == "item") & (res["claim"] == "status")).fillna(False)]
    resolved = member_of(items["item_id"], res["subject_id"])
    agrees = member_of(
        _keyed(items["item_id"], items["status"]), _keyed(res["subject_id"], res["resolved_value"])
    )
    said: dict[str, list[str]] = {}
    for sid, value in zip(claims["subject_id"], claims["claimed_value"], strict=True):
        said.setdefault(str(sid), []).append(str(value))

    def unclaimed(rec: Mapping[str, Any]) -> str:
        values = sorted(set(said.get(str(rec["item_id"]), [])))
        what = (
            f"its evidence claims {', '.join(values)}"
            if values
            else "none of its evidence claims a status"
        )
        return (
            f"{rec['status']!r} is backed by no evidence that claims it ({what}): "
            "cite a source with claim 'status' and this value"
        )

    def unresolved(rec: Mapping[str, Any]) -> str:
        value = res.loc[res["subject_id"] == rec["item_id"], "resolved_value"].iloc[0]
        return f"{rec['status']!r}, but its resolution says {str(value)!r}"

    # An item with no evidence at all is reported by everything_has_evidence.
    rel = paths["cooperation"]
    return _report(rel, items, cited & ~backed, "status", unclaimed) + _report(
        rel, items, cited & backed & resolved & ~agrees, "status", unresolved
    )


def _positions(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """The position of each value in ``ids`` (unique), -1 where absent; in C with Arrow."""
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        found = pc.index_in(
            pa.array(values.astype("string").array), value_set=pa.array(ids.astype("string").array)
        )
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    except ImportError:  # pragma: no cover - pyarrow comes with pandas
        return np.asarray(pd.Index(ids).get_indexer(values), dtype=np.int64)


def _claim_spans(dated: pd.DataFrame) -> pd.DataFrame:
    """Claimed dates as the days they stand for: subject_id, first, last, one_day, value."""
    value = dated["claimed_value"].astype("string")
    one_day = (value.str.len() == 10).fillna(False)
    first = pd.to_datetime(value.where(one_day, value + "-01"), format="%Y-%m-%d", errors="coerce")
    last = first.where(one_day, first + pd.offsets.MonthEnd(0))
    out = pd.DataFrame(
        {
            "subject_id": dated["subject_id"].to_numpy(),
            "first": first.to_numpy(),
            "last": last.to_numpy(),
            "one_day": one_day.to_numpy(dtype=bool),
            "value": value.to_numpy(),
        }
    )
    return out[out["first"].notna()]


def dates_have_basis(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """(b) An event's start and end are what a source states (a claimed date), or they name
    their basis: date_basis_en/_fr and the ids in bounded_by. Dates never go beyond what the
    sources state: a month narrowed to a few days stays in that month. A date the sources
    dispute is checked against its resolution by conflicts_resolved instead."""
    events = pkg["events"]
    ev = pkg["evidence"]
    rel = paths["events"]
    out: list[Problem] = []
    # bounded_by: every id is another event or a source. Most name one id: only the others
    # are split (in Python, and they are few).
    given = events["bounded_by"].dropna()
    several = given.str.contains(" ", regex=False).fillna(False).to_numpy(dtype=bool)
    split = given[several].str.split().explode()
    bounds = pd.concat([given[~several], split]).astype("string")
    if len(bounds):
        known = pd.concat([events["event_id"], pkg["sources"]["source_id"]], ignore_index=True)
        own = events["event_id"].to_numpy()[bounds.index.to_numpy()]
        bad = ~member_of(bounds, known).to_numpy(dtype=bool) | (bounds.to_numpy() == own)
        for idx, token in zip(bounds.index[bad], bounds[bad], strict=True):
            out.append(
                Problem(
                    rel,
                    int(idx) + 2,
                    "bounded_by",
                    f"{str(token)!r} is not another event's id nor a source id",
                )
            )
    # The claims, each with its event's row (-1: a claim about an unknown event).
    about_events = (ev["subject_type"] == "event").fillna(False)
    is_date = about_events & (ev["claim"] == "date").fillna(False)
    spans = _claim_spans(ev.loc[is_date, ["subject_id", "claimed_value"]])
    row = _positions(spans["subject_id"], events["event_id"])
    spans = spans[row >= 0].assign(row=row[row >= 0])
    pos = spans["row"].to_numpy()
    start = events["start"].to_numpy()[pos]
    end = events["end"].to_numpy()[pos]
    by_day = (events["date_precision"] == "day").to_numpy(dtype=bool)[pos]
    first, last = spans["first"].to_numpy(), spans["last"].to_numpy()
    # A source states the dates when a claim is the event's span, or, for an event of several
    # whole days, its first day (a claim is one day or one month).
    literal_rows = ((first == start) & (last == end)) | (
        by_day & spans["one_day"].to_numpy() & (first == start)
    )
    literal = np.zeros(len(events), dtype=bool)
    literal[pos[literal_rows]] = True
    res = pkg["resolutions"]
    res = res[((res["subject_type"] == "event") & (res["claim"] == "date")).fillna(False)]
    checked = (
        member_of(events["event_id"], ev.loc[about_events, "subject_id"])  # else: no evidence
        & ~member_of(events["event_id"], res["subject_id"])  # else: disputed, resolved
        & (events["end"] >= events["start"])  # else: event_dates says so
    ).to_numpy(dtype=bool)

    def stated(event_id: object) -> str:
        return ", ".join(sorted(set(spans.loc[spans["subject_id"] == event_id, "value"])))

    def no_basis(rec: Mapping[str, Any]) -> str:
        values = stated(rec["event_id"])
        what = f"its sources state {values}" if values else "no source states a date"
        return (
            f"{rec['start']:%Y-%m-%d} to {rec['end']:%Y-%m-%d} is not a date its sources "
            f"state ({what}): give the basis (date_basis_en, date_basis_fr, bounded_by)"
        )

    narrowed = checked & ~literal
    out += _report(
        rel, events, narrowed & events["date_basis_en"].isna().to_numpy(), "date_basis_en", no_basis
    )
    out += _report(
        rel,
        events,
        narrowed & events["bounded_by"].isna().to_numpy(),
        "bounded_by",
        "a date with a basis names the events and sources that bound it",
    )
    # Within what the sources state: claims that agree all contain one common span (a month
    # and days inside it), the latest first day to the earliest last day; the event lies in
    # it. Claims with no common day disagree: conflicts_resolved speaks for them.
    n = len(events)
    common_first = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    common_last = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.maximum.at(common_first, pos, first.astype("datetime64[ns]").astype(np.int64))
    np.minimum.at(common_last, pos, last.astype("datetime64[ns]").astype(np.int64))
    ev_start = events["start"].to_numpy().astype("datetime64[ns]").astype(np.int64)
    ev_end = events["end"].to_numpy().astype("datetime64[ns]").astype(np.int64)
    is_range = (events["date_precision"] == "range").to_numpy(dtype=bool)
    last_day = np.where(is_range, ev_end, ev_start)
    has_claims = np.zeros(n, dtype=bool)
    has_claims[pos] = True
    agree = has_claims & (common_first <= common_last)
    beyond = agree & checked & ((ev_start < common_first) | (last_day > common_last))

    def too_wide(rec: Mapping[str, Any]) -> str:
        return (
            f"{rec['start']:%Y-%m-%d} to {rec['end']:%Y-%m-%d} goes beyond the date its "
            f"sources state ({stated(rec['event_id'])})"
        )

    out += _report(rel, events, beyond, "start, end", too_wide)
    return out


# Identifiers a reader must never see: the package's own source ids (seed_…, ext_…) and the
# ways they leak into prose ("Seed 000", "Le document 002").
_INTERNAL_ID = r"\b(?:seed|ext)_[a-z0-9_]+\b|\b(?:seed|document|doc|source)s?\s+0\d\d\b"


def _reader_text_columns(pkg: Package) -> list[tuple[str, str]]:
    out = [
        (name, f"{stem}_{lang}")
        for name, stems in model.BILINGUAL.items()
        for stem in stems
        for lang in model.LANGS
    ]
    out += [("sources", "note"), ("places", "confidence"), ("places", "reference")]
    return [(name, col) for name, col in out if col in pkg[name].columns]


def _regex_mask(values: pd.Series, pattern: str) -> np.ndarray:
    """Which values contain ``pattern`` (case-insensitive), in C when Arrow is there."""
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        found = pc.match_substring_regex(
            pa.array(values.astype("string").array), pattern, ignore_case=True
        )
        return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    except ImportError:  # pragma: no cover - pyarrow comes with pandas
        regex = re.compile(pattern, re.IGNORECASE)
        return np.array([isinstance(v, str) and bool(regex.search(v)) for v in values], dtype=bool)


def no_ids_in_reader_text(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """(c) Notes, summaries, labels and reasons name sources as a reader knows them (outlet,
    title), never by an internal id."""
    ids = sorted(
        (str(s) for s in pkg["sources"]["source_id"] if "_" in str(s)), key=len, reverse=True
    )
    pattern = _INTERNAL_ID + "".join(f"|\\b{re.escape(s)}\\b" for s in ids)
    regex = re.compile(pattern, re.IGNORECASE)
    out: list[Problem] = []
    for name, col in _reader_text_columns(pkg):
        frame = pkg[name]
        mask = _regex_mask(frame[col], pattern)

        def message(rec: Mapping[str, Any], col: str = col) -> str:
            found = regex.search(str(rec[col]))
            return (
                f"{found.group(0) if found else ''!r} is an internal identifier: name the "
                "source as a reader knows it (outlet, title)"
            )

        out += _report(paths[name], frame, mask, col, message)
    return out


def _is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def found_sources(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """(d) A source that could not be found (found = false) never carries a fact alone: its
    subject and each value it claims are also backed by a source that was read. A source
    marked found points at the article, not at a home page; a seed's text is always there."""
    src = pkg["sources"]
    rel_src = paths["sources"]
    external = (src["kind"] == "external").fillna(False)
    home = src["url"].map(lambda u: isinstance(u, str) and _is_home_page(u)).astype(bool)
    out = _report(
        rel_src,
        src,
        external & src["found"] & home,
        "url",
        "a home page, not the article: give the article's address, or set found to false",
    ) + _report(
        rel_src,
        src,
        (src["kind"] == "seed").fillna(False) & ~src["found"],
        "found",
        "a seed's text is in the package: found is true",
    )
    missing = set(src.loc[external & ~src["found"], "source_id"].astype(str))
    if not missing:
        return out
    ev = pkg["evidence"]
    read = ev[~ev["source_id"].isin(list(missing))]
    backed = set(zip(read["subject_type"].astype(str), read["subject_id"].astype(str), strict=True))
    values = set(
        zip(
            read["subject_type"].astype(str),
            read["subject_id"].astype(str),
            read["claim"].astype(str),
            read["claimed_value"].astype(str),
            strict=True,
        )
    )
    rel = paths["evidence"]
    alone = ev[ev["source_id"].isin(list(missing))]
    for line, rec in zip(
        (alone.index.to_numpy() + 2).tolist(), alone.to_dict("records"), strict=True
    ):
        subject = (str(rec["subject_type"]), str(rec["subject_id"]))
        if subject not in backed:
            out.append(
                Problem(
                    rel,
                    line,
                    "source_id",
                    f"{rec['source_id']!r} could not be found, and the {subject[0]} "
                    f"{subject[1]!r} rests on it alone: cite a source that was read",
                )
            )
        elif (
            not pd.isna(rec["claim"])
            and (*subject, str(rec["claim"]), str(rec["claimed_value"])) not in values
        ):
            out.append(
                Problem(
                    rel,
                    line,
                    "claimed_value",
                    f"only a source that could not be found claims {rec['claim']} "
                    f"{rec['claimed_value']!r}: cite a source that was read",
                )
            )
    return out


def labels_unique(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """(d) Two sources never share a label: a reader tells the two L'Essor articles apart."""
    src = pkg["sources"]
    out: list[Problem] = []
    for col in ("label_en", "label_fr"):

        def message(rec: Mapping[str, Any], col: str = col) -> str:
            return f"{rec[col]!r} also names another source: give each source its own label"

        out += _report(
            paths["sources"],
            src,
            src[col].duplicated(keep="first") & src[col].notna(),
            col,
            message,
        )
    return out


def seed_furniture(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    """(d) Each furniture span lies in its seed's text and reads as recorded, spans do not
    overlap, and no quote is taken from the page furniture."""
    furn = pkg["seed_furniture"]
    rel = paths["seed_furniture"]
    kinds = dict(zip(pkg["sources"]["source_id"].astype(str), pkg["sources"]["kind"], strict=True))
    out: list[Problem] = []
    ends: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, list[str]] = {}
    for line, rec in zip(
        (furn.index.to_numpy() + 2).tolist(), furn.to_dict("records"), strict=True
    ):
        sid, start, end = str(rec["source_id"]), int(rec["start"]), int(rec["end"])
        if sid in kinds and kinds[sid] != "seed":
            out.append(Problem(rel, line, "source_id", f"{sid!r} is not a seed document"))
            continue
        text = pkg.seed_texts.get(sid)
        if text is None:
            continue  # an unknown source or an unreadable seed file is reported elsewhere
        if not 0 <= start < end <= len(text):
            out.append(
                Problem(
                    rel,
                    line,
                    "start, end",
                    f"{start}-{end} is not a span of the text ({len(text)} characters)",
                )
            )
            continue
        if text[start:end] != str(rec["text"]):
            out.append(
                Problem(rel, line, "text", f"the text at {start}-{end} is {text[start:end]!r}")
            )
        for other_start, other_end in ends.get(sid, []):
            if start < other_end and other_start < end:
                out.append(
                    Problem(rel, line, "start", f"overlaps the span {other_start}-{other_end}")
                )
        ends.setdefault(sid, []).append((start, end))
        texts.setdefault(sid, []).append(normalise(str(rec["text"])))
    if not texts:
        return out
    ev = pkg["evidence"]
    quoted = ev[ev["source_id"].isin(list(texts)) & ev["quote"].notna()]
    for idx, sid, quote in zip(quoted.index, quoted["source_id"], quoted["quote"], strict=True):
        q = normalise(str(quote))
        hit = next((f for f in texts[str(sid)] if f and f in q), None)
        if hit is not None:
            out.append(
                Problem(
                    paths["evidence"],
                    int(idx) + 2,
                    "quote",
                    f"quotes the page's furniture ({hit!r}), not the article",
                )
            )
    return out


AUDIT_RULES: tuple[Rule, ...] = (
    status_claimed,
    dates_have_basis,
    no_ids_in_reader_text,
    found_sources,
    labels_unique,
    seed_furniture,
)
# === end of the audit rules ================================================================


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
)


def check_package(pkg: Package, paths: Mapping[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(pkg, paths))
    if not problems:  # conflicts need sound keys and claims to be found at all
        problems.extend(conflicts_resolved(pkg, paths))
    return problems
