"""The Timeline page's detail panel: everything shown about one selected event (its date
and place, who took part, its sectors, and each source's evidence). No streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.core.package import Package
from dashboard.present.i18n import catalogue, col, t
from dashboard.present.labels import claim_value, labels_of, safe_url
from dashboard.views.timeline import event_sectors, when_text


@dataclass(frozen=True)
class EvidenceItem:
    source_id: str
    source: str
    kind: str
    quote: str
    url: str | None
    claim: str | None
    claimed_value: str | None
    note: str | None


@dataclass(frozen=True)
class EventDetail:
    event_id: str
    title: str
    summary: str
    when: str
    place: str
    place_precision: str
    people: list[tuple[str, str]]
    organisations: list[tuple[str, str]]
    sectors: list[str]
    evidence: list[EvidenceItem]
    # How a date no source states was worked out (``events.date_basis_*``), and the
    # events and sources that bound it, by name; empty when the sources state the date.
    date_basis: str = ""
    bounded_by: tuple[str, ...] = ()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _roles(
    links: pd.DataFrame, key: str, names: Mapping[str, str], lang: str
) -> list[tuple[str, str]]:
    out = []
    for rec in links.to_dict("records"):
        role = str(rec["role"])
        label = f"timeline_role_{role}"
        out.append(
            (
                names.get(str(rec[key]), str(rec[key])),
                t(label, lang) if label in catalogue()["en"] else role,
            )
        )
    return out


def event_detail(pkg: Package, event_id: str | None, lang: str) -> EventDetail | None:
    """Everything the detail panel shows about one event, or None for an unknown id."""
    ev = pkg["events"]
    rows = ev[ev["event_id"] == event_id]
    if event_id is None or rows.empty:
        return None
    rec = rows.iloc[0]
    places = pkg["places"].set_index("place_id")
    place_id = rec["place_id"]
    place, place_precision = "", ""
    if isinstance(place_id, str) and place_id in places.index:
        place = str(places.at[place_id, col("name", lang)])
        place_precision = str(places.at[place_id, "precision"])
    named = labels_of(pkg, lang)
    ep, eo = pkg["event_people"], pkg["event_organisations"]
    src = pkg["sources"].set_index("source_id")
    evid = pkg["evidence"]
    evid = evid[(evid["subject_type"] == "event") & (evid["subject_id"] == event_id)]
    evidence = []
    for e in evid.to_dict("records"):
        sid = str(e["source_id"])
        known = sid in src.index
        evidence.append(
            EvidenceItem(
                source_id=sid,
                source=named["source"].get(sid, sid),
                kind=str(src.at[sid, "kind"]) if known else "external",
                quote=_text(e["quote"]) or "",
                url=safe_url(src.at[sid, "url"]) if known else None,
                claim=_text(e["claim"]),
                claimed_value=_text(e["claimed_value"]),
                note=_text(e[col("note", lang)]),
            )
        )
    return EventDetail(
        event_id=str(event_id),
        title=str(rec[col("title", lang)]),
        summary=str(rec[col("summary", lang)]),
        when=when_text(rec["start"], rec["end"], str(rec["date_precision"]), lang),
        place=place,
        place_precision=place_precision,
        people=_roles(ep[ep["event_id"] == event_id], "person_id", named["person"], lang),
        organisations=_roles(eo[eo["event_id"] == event_id], "org_id", named["org"], lang),
        sectors=[named["sector_full"].get(s, s) for s in event_sectors(pkg).get(str(event_id), ())],
        evidence=evidence,
        date_basis=_text(rec.get(col("date_basis", lang))) or "",
        bounded_by=tuple(_bound_names(rec.get("bounded_by"), named)),
    )


def _bound_names(value: object, named: dict[str, dict[str, str]]) -> list[str]:
    """The events and sources a narrowed date rests on (``bounded_by``: ids separated by
    spaces or commas), by the names a reader knows them by."""
    out = []
    for ref in str(value).replace(",", " ").split() if isinstance(value, str) else []:
        name = named["event"].get(ref) or named["source"].get(ref)
        if name:
            out.append(name)
    return out


def claim_text(claim: str, value: str, lang: str) -> str:
    """'States the date: 24 June 2025': what the evidence claims, the value as every page
    shows it (``present.labels.claim_value``)."""
    key = f"timeline_claim_{claim}"
    name = t(key, lang) if key in catalogue()["en"] else claim
    return t("timeline_claim", lang, claim=name, value=claim_value(claim, value, lang))
