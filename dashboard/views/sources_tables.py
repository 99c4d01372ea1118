"""The Sources page's tables, with translated values, ready to show: the sources
(``source_table``), the footnotes of a seed text (``evidence_list``), the quotes of external
references (``external_table``), the facts several sources back (``corroboration_table``) and
where they disagree (``conflict_table``). No streamlit here."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.core.filters import of_subjects
from dashboard.core.ids import as_series, isin
from dashboard.core.package import Package
from dashboard.present.i18n import col, format_span, t
from dashboard.present.labels import claim_name, claim_value, date_value, safe_url, source_names

# The tables of the whole package that ``derived.conflicts`` and ``derived.corroboration``
# give (``filters.of_subjects`` keys).
CONFLICTS = "views.conflicts"
CORROBORATION = "views.corroboration"
# A publication date as the package gives it (``model.SOURCES``): YYYY, YYYY-MM, YYYY-MM-DD.
_PUBLISHED = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


# --- display helpers ----------------------------------------------------------------------


def _text(value: object) -> str:
    return value if isinstance(value, str) and value.strip() else ""


def published_text(value: object, lang: str) -> str:
    """'2025-06' -> 'June 2025', '2025' as it is; 'unknown' or empty -> 'not stated'."""
    s = _text(value).strip()
    if _PUBLISHED.fullmatch(s):
        return date_value(s, lang) or s
    return t("sources_not_stated", lang)


def language_name(code: object, lang: str) -> str:
    s = _text(code)
    if not s:
        return t("sources_not_stated", lang)
    key = f"sources_language_{s}"
    try:
        return t(key, lang)
    except ValueError:
        return s


# --- rows by subject and by key ----------------------------------------------------------


def about(
    pkg: Package,
    frame: pd.DataFrame,
    key: str,
    event_ids: Collection[str],
    item_ids: Collection[str],
) -> pd.Series:
    """Rows of ``frame`` (subject_type, subject_id) about the given events or items;
    ``key`` names the whole table of the package it is (``CONFLICTS``, ``CORROBORATION``)."""
    return pd.Series(of_subjects(pkg, frame, key, event_ids, item_ids), index=frame.index)


def _head(frame: pd.DataFrame, keep: pd.Series, limit: int | None) -> pd.DataFrame:
    """The first ``limit`` rows of ``frame`` where ``keep`` holds (all when None), without
    copying the other kept rows first."""
    rows = np.flatnonzero(keep.to_numpy(dtype=bool))
    return frame.iloc[rows if limit is None else rows[:limit]]


def _index(pkg: Package, table: str, key: str) -> pd.Index:
    """``pkg[table][key]`` as an index, to find rows by id."""
    index: pd.Index = pd.Index(pkg[table][key])
    return index


def _rows(
    pkg: Package,
    table: str,
    key: str,
    ids: Iterable[object],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of ``pkg[table]`` whose ``key`` (a primary key) is one of ``ids``, in table
    order, with only ``columns`` when given: looked up in an index built once per package
    rather than by scanning a million rows for a few hundred ids, and copying only the
    columns read (each column of a million rows costs its own take)."""
    frame = pkg[table]
    index: pd.Index = pkg.memo.get(_index, table, key, inputs=(pkg,))
    picked = frame if columns is None else frame[list(columns)]
    if not index.is_unique:  # not a valid package; slower, same answer
        return picked[isin(frame[key], ids)]
    pos = index.get_indexer(pd.Index(as_series(ids).dropna().unique()))
    return picked.iloc[np.sort(pos[pos >= 0])]


def subject_labels(
    pkg: Package, lang: str, ids: Collection[str] | None = None
) -> dict[tuple[str, str], str]:
    """(subject_type, id) -> event title or cooperation topic in ``lang`` (only for ``ids``
    when given)."""
    ev, coop = pkg["events"], pkg["cooperation"]
    if ids is not None:
        wanted = as_series(ids)
        ev, coop = (
            _rows(pkg, "events", "event_id", wanted, ["event_id", col("title", lang)]),
            _rows(pkg, "cooperation", "item_id", wanted, ["item_id", col("topic", lang)]),
        )
    out = {
        ("event", str(k)): str(v)
        for k, v in zip(ev["event_id"], ev[col("title", lang)], strict=True)
    }
    out.update(
        {
            ("item", str(k)): str(v)
            for k, v in zip(coop["item_id"], coop[col("topic", lang)], strict=True)
        }
    )
    return out


# --- tables -------------------------------------------------------------------------------


def source_table(
    pkg: Package, cited: Mapping[str, int], lang: str, kinds: Collection[str] = ()
) -> pd.DataFrame:
    """One row per source of the given kinds (all when none): name, kind, outlet, author,
    date, language, title, link, and ``n_cited``, how many of its quotes and values the view
    shows (``cited``: source_id -> count). Sources cited most come first (then by id).

    Empty values read 'not stated'; ``title_given`` says whether the source has a title.
    """
    src = pkg["sources"]
    if kinds:
        src = src[src["kind"].isin(set(kinds))]
    names = source_names(pkg, lang)
    ns = t("sources_not_stated", lang)
    rows = [
        {
            "source_id": r["source_id"],
            "name": names[str(r["source_id"])],
            "kind": t(f"source_kind_{r['kind']}", lang),
            "outlet": _text(r["outlet"]) or ns,
            "author": _text(r["author"]) or ns,
            "published": published_text(r["published"], lang),
            "language": language_name(r["language"], lang),
            "title": _text(r["title"]) or ns,
            "title_given": bool(_text(r["title"])),
            "url": safe_url(r["url"]),
            "n_cited": int(cited.get(str(r["source_id"]), 0)),
        }
        for r in src.to_dict("records")
    ]
    columns = [
        "source_id",
        "name",
        "kind",
        "outlet",
        "author",
        "published",
        "language",
        "title",
        "title_given",
        "url",
        "n_cited",
    ]
    out = pd.DataFrame(rows, columns=columns).sort_values("source_id")
    return out.sort_values("n_cited", ascending=False, kind="stable").reset_index(drop=True)


def unused_claims(conflicts: pd.DataFrame) -> frozenset[tuple[str, str, str]]:
    """(subject_id, claim, value) of every disputed value the dataset does not use."""
    rejected = conflicts[~conflicts["resolved"].astype(bool)]
    return frozenset(
        (str(s), str(c), str(v))
        for s, c, v in zip(
            rejected["subject_id"], rejected["claim"], rejected["claimed_value"], strict=True
        )
    )


def evidence_list(
    pkg: Package,
    evidence: pd.DataFrame,
    numbers: Mapping[str, int],
    lang: str,
    unused: Collection[tuple[str, str, str]] = frozenset(),
) -> pd.DataFrame:
    """The footnotes under a seed text: n, what the quote supports (with its date) and the
    value it states, flagged when the dataset does not use it (``unused_claims``); in
    number order."""
    labels = subject_labels(pkg, lang, evidence["subject_id"])
    events = _rows(
        pkg,
        "events",
        "event_id",
        evidence["subject_id"],
        ["event_id", "start", "end", "date_precision"],
    )
    spans = {
        str(e): format_span(s, f, str(p), lang)
        for e, s, f, p in zip(
            events["event_id"],
            events["start"],
            events["end"],
            events["date_precision"],
            strict=True,
        )
    }
    rows = []
    fields = ["evidence_id", "subject_type", "subject_id", "claim", "claimed_value"]
    for r in evidence[fields].to_dict("records"):
        eid = str(r["evidence_id"])
        if eid not in numbers:
            continue
        stype, sid = str(r["subject_type"]), str(r["subject_id"])
        when = spans.get(sid, "") if stype == "event" else ""
        kind = t("sources_subject_item", lang) if stype == "item" else ""
        states = claim_value(r["claim"], r["claimed_value"], lang)
        if states and (sid, str(r["claim"]), str(r["claimed_value"])) in unused:
            states += " " + t("sources_states_unused", lang)
        rows.append(
            {
                "n": numbers[eid],
                "evidence_id": eid,
                "subject_type": stype,
                "subject_id": sid,
                "label": labels.get((stype, sid), sid),
                "when": when or kind,
                "states": f"{claim_name(r['claim'], lang)}: {states}" if states else "",
            }
        )
    out = pd.DataFrame(
        rows, columns=["n", "evidence_id", "subject_type", "subject_id", "label", "when", "states"]
    )
    return out.sort_values("n").reset_index(drop=True)


def external_table(
    pkg: Package, evidence: pd.DataFrame, lang: str, limit: int | None = None
) -> pd.DataFrame:
    """Evidence from external references (the first ``limit``): source, what it supports,
    quote, value stated, language, link."""
    src = pkg["sources"]
    external = src[src["kind"] == "external"].set_index("source_id")
    ext = _head(evidence, isin(evidence["source_id"], external.index), limit)
    names = source_names(pkg, lang)
    labels = subject_labels(pkg, lang, ext["subject_id"])
    ns = t("sources_no_quote", lang)
    # Looked up per source once, not per row (``.at`` per row is slow at a thousand rows).
    languages = {str(k): language_name(v, lang) for k, v in external["language"].items()}
    urls = {str(k): safe_url(v) for k, v in external["url"].items()}
    fields = ["source_id", "subject_type", "subject_id", "quote", "claim", "claimed_value"]
    rows = [
        {
            "source": names[str(r["source_id"])],
            "supports": labels.get(
                (str(r["subject_type"]), str(r["subject_id"])), str(r["subject_id"])
            ),
            "quote": _text(r["quote"]) or ns,
            "states": claim_value(r["claim"], r["claimed_value"], lang),
            "language": languages[str(r["source_id"])],
            "url": urls[str(r["source_id"])],
        }
        for r in ext[fields].to_dict("records")
    ]
    return pd.DataFrame(rows, columns=["source", "supports", "quote", "states", "language", "url"])


def corroboration_table(
    pkg: Package,
    corroboration: pd.DataFrame,
    event_ids: Collection[str],
    item_ids: Collection[str],
    lang: str,
    limit: int | None = None,
) -> pd.DataFrame:
    """Facts backed by two or more independent sources (rows of ``views.corroboration``)
    among the selected events and items (the first ``limit``): fact, type, independent
    sources, sources."""
    kept = _head(
        corroboration, about(pkg, corroboration, CORROBORATION, event_ids, item_ids), limit
    )
    names = source_names(pkg, lang)
    labels = subject_labels(pkg, lang, kept["subject_id"])
    rows = [
        {
            "subject_type": r["subject_type"],
            "subject_id": r["subject_id"],
            "fact": labels.get((r["subject_type"], r["subject_id"]), r["subject_id"]),
            "type": t(f"sources_subject_{r['subject_type']}", lang),
            "n_independent": int(r["n_independent"]),
            "n_sources": int(r["n_sources"]),
            "sources": ", ".join(names.get(s, s) for s in r["source_ids"]),
        }
        for r in kept.to_dict("records")
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "subject_type",
            "subject_id",
            "fact",
            "type",
            "n_independent",
            "n_sources",
            "sources",
        ],
    )


def conflict_table(
    pkg: Package,
    conflicts: pd.DataFrame,
    event_ids: Collection[str],
    item_ids: Collection[str],
    lang: str,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per claimed value of each disagreement among the selected events and items
    (rows of ``views.conflicts``; the first ``limit`` disagreements): fact, claim, value,
    sources, independent count, whether the dataset uses it, and the reason."""
    kept = conflicts[about(pkg, conflicts, CONFLICTS, event_ids, item_ids)]
    if limit is not None:  # whole disagreements: the first ``limit`` (subject, claim) pairs
        pairs = kept[["subject_type", "subject_id", "claim"]].drop_duplicates().head(limit)
        kept = kept.merge(pairs, on=["subject_type", "subject_id", "claim"])
    names = source_names(pkg, lang)
    labels = subject_labels(pkg, lang, kept["subject_id"])
    rows = [
        {
            "subject_type": r["subject_type"],
            "subject_id": r["subject_id"],
            "fact": labels.get((r["subject_type"], r["subject_id"]), r["subject_id"]),
            "claim": claim_name(r["claim"], lang),
            "value": claim_value(r["claim"], r["claimed_value"], lang),
            "sources": ", ".join(names.get(s, s) for s in r["source_ids"]),
            "n_independent": int(r["n_independent"]),
            "resolved": bool(r["resolved"]),
            "reason": _text(r.get(col("reason", lang))),
        }
        for r in kept.to_dict("records")
    ]
    out = pd.DataFrame(
        rows,
        columns=[
            "subject_type",
            "subject_id",
            "fact",
            "claim",
            "value",
            "sources",
            "n_independent",
            "resolved",
            "reason",
        ],
    )
    return out.sort_values(
        ["subject_id", "claim", "resolved", "n_independent"], ascending=[True, True, False, False]
    ).reset_index(drop=True)
