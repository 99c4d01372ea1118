"""The rules of the fact-check audit (data/README.md, "The audit"): each guards a class of
defect the audit of 2026-12-06 found, so that it cannot come back. ``validate`` runs them
with the others.

- ``status_claimed``: an item's status is claimed by one of its evidence rows;
- ``dates_have_basis``: a date no source states names its basis, inside what sources state;
- ``no_ids_in_reader_text``: readers see outlets and titles, never ids;
- ``found_sources``: a source not found never stands alone, no home page for an article;
- ``labels_unique``: each source's reader-facing name is its own;
- ``seed_furniture``: page furniture spans match the seed text and are never quoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core import model
from dashboard.core.ids import member_of, positions
from dashboard.core.normalise import normalise
from dashboard.core.package import Package, Problem, Rule, report


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
    return report(rel, items, cited & ~backed, "status", unclaimed) + report(
        rel, items, cited & backed & resolved & ~agrees, "status", unresolved
    )


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
    row = positions(events["event_id"].astype("string"), spans["subject_id"].astype("string"))
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
    out += report(
        rel, events, narrowed & events["date_basis_en"].isna().to_numpy(), "date_basis_en", no_basis
    )
    out += report(
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

    out += report(rel, events, beyond, "start, end", too_wide)
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
    """Which values contain ``pattern`` (case-insensitive), in C with Arrow."""
    found = pc.match_substring_regex(
        pa.array(values.astype("string").array), pattern, ignore_case=True
    )
    return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


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

        out += report(paths[name], frame, mask, col, message)
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
    out = report(
        rel_src,
        src,
        external & src["found"] & home,
        "url",
        "a home page, not the article: give the article's address, or set found to false",
    ) + report(
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

        out += report(
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
