"""The schema: the one place where table and column names, types and constraints live.

Each table is declared once, here. From that declaration come both the Frictionless Table
Schema written into ``data/datapackage.json`` (``python -m dashboard schema`` rewrites it, a
test checks it is in step) and the pandera schema that checks frames as they are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

FieldType = Literal["string", "integer", "number", "date", "boolean"]

ID_PATTERN: Final = r"^[a-z0-9][a-z0-9_\-]*$"
LANGS: Final = ("en", "fr")

DATE_PRECISIONS: Final = ("day", "range", "month")
PLACE_PRECISIONS: Final = ("site", "locality", "city", "region")
SOURCE_KINDS: Final = ("seed", "external")
EVENT_KINDS: Final = (
    "arrival",
    "ceremony",
    "talks",
    "site_visit",
    "meeting",
    "statement",
    "agreement",
    "announcement",
)
ITEM_STATUSES: Final = (
    "discussed",
    "announced",
    "invited",
    "under_construction",
    "ongoing",
    "signed",
)
SUBJECT_TYPES: Final = ("event", "item")


@dataclass(frozen=True)
class Field:
    """One column: its Table Schema type and constraints."""

    name: str
    type: FieldType
    description: str
    required: bool = True
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    def table_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.type == "date":
            out["format"] = "%Y-%m-%d"
        out["description"] = self.description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.pattern is not None:
            # Table Schema patterns are implicitly anchored; ours carry explicit anchors
            # so that the same string also works with Python's re.search.
            constraints["pattern"] = self.pattern.removeprefix("^").removesuffix("$")
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One CSV file of the package."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def table_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [f.table_schema() for f in self.fields],
            "missingValues": [""],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": list(fk.fields),
                    # Table Schema: an empty resource name means "this table".
                    "reference": {
                        "resource": "" if fk.table == self.name else fk.table,
                        "fields": list(fk.reference),
                    },
                }
                for fk in self.foreign_keys
            ]
        return schema


def _id(name: str, description: str, *, unique: bool = False, required: bool = True) -> Field:
    return Field(name, "string", description, required=required, unique=unique, pattern=ID_PATTERN)


def _text(name: str, description: str, *, required: bool = True) -> Field:
    return Field(name, "string", description, required=required)


def _enum(name: str, values: tuple[str, ...], description: str, *, required: bool = True) -> Field:
    return Field(name, "string", description, required=required, enum=values)


ISO3 = r"^[A-Z]{3}$"

SOURCES = Table(
    "sources",
    "Every source the dataset cites: the seed documents (full text in seeds/) and external "
    "references (public pages, quoted as read in a stored copy).",
    (
        _id("source_id", "Stable identifier.", unique=True),
        _enum("kind", SOURCE_KINDS, "seed: a document shipped in seeds/; external: a web page."),
        _text("title", "Title as published; empty when the document has none.", required=False),
        _text("outlet", "Publishing outlet; empty when the source names none.", required=False),
        _text("author", "Author as signed; empty when unsigned.", required=False),
        Field(
            "language",
            "string",
            "ISO 639-1 language code, or und when undetermined.",
            pattern=r"^([a-z]{2}|und)$",
        ),
        Field(
            "published",
            "string",
            "Publication date as precise as known (YYYY, YYYY-MM or YYYY-MM-DD), or 'unknown'.",
            pattern=r"^(unknown|\d{4}(-\d{2}(-\d{2})?)?)$",
        ),
        _text(
            "url", "Address of an external reference (as read in a stored copy).", required=False
        ),
        _text(
            "seed_file",
            "For a seed document: its file, relative to the package folder.",
            required=False,
        ),
        _id(
            "independence_group",
            "Sources sharing a group (a reprint, the same press office) count once when "
            "corroboration is measured.",
        ),
        _text("note", "What a reader should know about this source.", required=False),
        Field(
            "found",
            "boolean",
            "true: the document itself was read (a seed's text, or the article's page in a "
            "stored copy); false: the article could not be found, url is then the outlet's "
            "home page, and no fact may rest on this source alone.",
        ),
        _text(
            "label_en",
            "How a reader sees the source named, in English: outlet and what the piece is, "
            "never an identifier; unique in the package.",
        ),
        _text("label_fr", "The same in French."),
        _text(
            "online_at",
            "For a seed document: the public page where the same text can be read (found in "
            "a stored copy); empty when none was found.",
            required=False,
        ),
    ),
    ("source_id",),
)

PLACES = Table(
    "places",
    "Places where events happened or organisations are based, from the project gazetteer.",
    (
        _id("place_id", "Stable identifier.", unique=True),
        _text("name_en", "Name in English."),
        _text("name_fr", "Name in French."),
        _enum(
            "kind",
            ("landmark", "airport", "factory", "company", "city", "region"),
            "What sort of place it is.",
        ),
        _text("city", "City it belongs to (the region's name for a region)."),
        Field("country_iso3", "string", "ISO 3166-1 alpha-3 country code.", pattern=ISO3),
        Field(
            "lat",
            "number",
            "Latitude (WGS 84); empty for a region.",
            required=False,
            minimum=-90,
            maximum=90,
        ),
        Field(
            "lon",
            "number",
            "Longitude (WGS 84); empty for a region.",
            required=False,
            minimum=-180,
            maximum=180,
        ),
        _enum(
            "precision",
            PLACE_PRECISIONS,
            "How precisely the point locates the place: a site, a locality, only the city, or "
            "only the region (no point).",
        ),
        _text("confidence", "How sure the gazetteer is of the location, with its reason."),
        _text("reference", "Where the coordinates come from."),
    ),
    ("place_id",),
)

SECTORS = Table(
    "sectors",
    "Two-level taxonomy of cooperation sectors. Colours come from the Okabe–Ito "
    "colour-blind-safe palette; a sub-sector shares its parent's colour.",
    (
        _id("sector_id", "Stable identifier.", unique=True),
        _id("parent_id", "Parent sector; empty for a top-level sector.", required=False),
        _text("label_en", "Label in English."),
        _text("label_fr", "Label in French."),
        Field("colour", "string", "Hex colour, #RRGGBB.", pattern=r"^#[0-9A-Fa-f]{6}$"),
        Field("sort_order", "integer", "Display order.", minimum=0),
    ),
    ("sector_id",),
    (ForeignKey(("parent_id",), "sectors", ("sector_id",)),),
)

ORGANISATIONS = Table(
    "organisations",
    "Companies and institutions named by the sources. home_place_id is where the "
    "organisation is based, which is not where an event happened.",
    (
        _id("org_id", "Stable identifier.", unique=True),
        _text("name_en", "Name in English."),
        _text("name_fr", "Name in French."),
        _enum("kind", ("company", "government", "forum"), "What sort of organisation."),
        Field("country_iso3", "string", "Country of the organisation.", pattern=ISO3),
        _id("home_place_id", "Where it is based, when a source says so.", required=False),
        _text("description_en", "What it is, in English."),
        _text("description_fr", "What it is, in French."),
        _id("source_id", "The source that names or describes it."),
    ),
    ("org_id",),
    (
        ForeignKey(("home_place_id",), "places", ("place_id",)),
        ForeignKey(("source_id",), "sources", ("source_id",)),
    ),
)

PEOPLE = Table(
    "people",
    "People named by the sources, with their role at the time of the visit.",
    (
        _id("person_id", "Stable identifier.", unique=True),
        _text("name_en", "Name, English transliteration."),
        _text("name_fr", "Name, French transliteration."),
        _text("role_en", "Role in English."),
        _text("role_fr", "Role in French."),
        Field("country_iso3", "string", "Country the person represents.", pattern=ISO3),
        _id("org_id", "Organisation the person speaks for, if any.", required=False),
        _id("source_id", "The source that names the person in this role."),
    ),
    ("person_id",),
    (
        ForeignKey(("org_id",), "organisations", ("org_id",)),
        ForeignKey(("source_id",), "sources", ("source_id",)),
    ),
)

EVENTS = Table(
    "events",
    "What happened, when and where, as precisely as the sources allow. With precision "
    "'day' the event took place on every day from start to end; with 'range' or 'month' it "
    "took place on some day between start and end that the sources do not give.",
    (
        _id("event_id", "Stable identifier.", unique=True),
        Field("start", "date", "First possible day (ISO 8601)."),
        Field("end", "date", "Last possible day (ISO 8601)."),
        _enum("date_precision", DATE_PRECISIONS, "day, range (some day between) or month."),
        _id("place_id", "Where it happened, as precisely as known.", required=False),
        _enum("kind", EVENT_KINDS, "What sort of event."),
        _text("title_en", "Short title in English."),
        _text("title_fr", "Short title in French."),
        _text("summary_en", "Summary in English."),
        _text("summary_fr", "Summary in French."),
        Field("key_fact", "boolean", "Shown among the key facts on the overview."),
        _text(
            "date_basis_en",
            "Why start and end are what they are, when no source states them as such (a date "
            "narrowed by other sourced facts, or a date no source gives): which events or "
            "sources bound it, named as a reader knows them. Empty when a source states the "
            "dates.",
            required=False,
        ),
        _text("date_basis_fr", "The same in French.", required=False),
        Field(
            "bounded_by",
            "string",
            "The event_ids and source_ids the date basis rests on, separated by spaces; given "
            "with the basis.",
            required=False,
            pattern=r"^[a-z0-9][a-z0-9_\-]*( [a-z0-9][a-z0-9_\-]*)*$",
        ),
    ),
    ("event_id",),
    (ForeignKey(("place_id",), "places", ("place_id",)),),
)

EVENT_SECTORS = Table(
    "event_sectors",
    "Which sectors an event touched.",
    (
        _id("event_id", "The event."),
        _id("sector_id", "A sector it touched (a sub-sector where one fits)."),
    ),
    ("event_id", "sector_id"),
    (
        ForeignKey(("event_id",), "events", ("event_id",)),
        ForeignKey(("sector_id",), "sectors", ("sector_id",)),
    ),
)

EVENT_PEOPLE = Table(
    "event_people",
    "Who took part in an event, and how.",
    (
        _id("event_id", "The event."),
        _id("person_id", "A person taking part."),
        _enum("role", ("host", "guest", "speaker", "present"), "Their part in it."),
    ),
    ("event_id", "person_id"),
    (
        ForeignKey(("event_id",), "events", ("event_id",)),
        ForeignKey(("person_id",), "people", ("person_id",)),
    ),
)

EVENT_ORGANISATIONS = Table(
    "event_organisations",
    "Which organisations an event involved, and how.",
    (
        _id("event_id", "The event."),
        _id("org_id", "An organisation involved."),
        _enum("role", ("host", "visited", "partner", "mentioned"), "Its part in it."),
    ),
    ("event_id", "org_id"),
    (
        ForeignKey(("event_id",), "events", ("event_id",)),
        ForeignKey(("org_id",), "organisations", ("org_id",)),
    ),
)

COOPERATION = Table(
    "cooperation",
    "Cooperation items: what the two sides discussed, announced, started or signed.",
    (
        _id("item_id", "Stable identifier.", unique=True),
        _text("topic_en", "Topic in English."),
        _text("topic_fr", "Topic in French."),
        _id("sector_id", "Its sector."),
        _enum("status", ITEM_STATUSES, "How far along it is, as the sources describe it."),
        _text("summary_en", "Summary in English."),
        _text("summary_fr", "Summary in French."),
        _id("event_id", "The event where it came up, if one.", required=False),
    ),
    ("item_id",),
    (
        ForeignKey(("sector_id",), "sectors", ("sector_id",)),
        ForeignKey(("event_id",), "events", ("event_id",)),
    ),
)

ITEM_PARTNERS = Table(
    "item_partners",
    "The partners of a cooperation item, on the Malian and on the Russian side.",
    (
        _id("item_id", "The cooperation item."),
        _id("org_id", "A partner organisation."),
        _enum("side", ("mali", "russia"), "Which side it is on."),
    ),
    ("item_id", "org_id"),
    (
        ForeignKey(("item_id",), "cooperation", ("item_id",)),
        ForeignKey(("org_id",), "organisations", ("org_id",)),
    ),
)

EVIDENCE = Table(
    "evidence",
    "Which source supports which event or cooperation item: the verbatim quote (checked "
    "against the seed text for seed documents) and, where the source states one, the value "
    "it claims (a date, a count, a status).",
    (
        _id("evidence_id", "Stable identifier.", unique=True),
        _id("source_id", "The source."),
        _enum("subject_type", SUBJECT_TYPES, "What the evidence is about: an event or an item."),
        _id("subject_id", "The event_id or item_id it supports."),
        _text("quote", "Verbatim quote; required for a seed document.", required=False),
        _id("claim", "What the claimed value is about: date, count, status…", required=False),
        _text(
            "claimed_value",
            "The value the source claims (a date as YYYY-MM-DD or YYYY-MM).",
            required=False,
        ),
        _text("note_en", "Comment in English.", required=False),
        _text("note_fr", "Comment in French.", required=False),
    ),
    ("evidence_id",),
    (ForeignKey(("source_id",), "sources", ("source_id",)),),
)

RESOLUTIONS = Table(
    "resolutions",
    "How a disagreement between sources is settled: the value the dataset uses, and why.",
    (
        _enum("subject_type", SUBJECT_TYPES, "An event or an item."),
        _id("subject_id", "The event_id or item_id."),
        _id("claim", "The claim the sources disagree on."),
        _text("resolved_value", "The value the dataset uses."),
        _text("reason_en", "Why, in English."),
        _text("reason_fr", "Why, in French."),
    ),
    ("subject_type", "subject_id", "claim"),
)

SEED_FURNITURE_KINDS: Final = (
    "date_line",
    "page_chrome",
    "comments",
    "outlet_link",
    "subscription",
)

SEED_FURNITURE = Table(
    "seed_furniture",
    "Parts of a seed document's text that are the captured page's furniture, not the "
    "article: the capture's date line, the site's 'top of page', a comment or rating widget, "
    "a newsletter prompt. The seed files stay byte for byte as captured; a reader is shown "
    "these spans apart from the article (greyed or folded), and no quote may come from them.",
    (
        _id("source_id", "The seed document (sources.kind = seed)."),
        Field(
            "start",
            "integer",
            "First character of the span in the seed's text (0-based, in characters of the "
            "UTF-8-decoded file).",
            minimum=0,
        ),
        Field("end", "integer", "Character just after the span (exclusive).", minimum=1),
        _enum(
            "kind",
            SEED_FURNITURE_KINDS,
            "What it is: date_line (a date line added by the capture), page_chrome (the "
            "site's 'top/bottom of page'), comments (a comment or rating widget), outlet_link "
            "('more on this outlet'), subscription (a newsletter prompt).",
        ),
        _text("text", "The span's text, exactly as in the file (checked)."),
    ),
    ("source_id", "start"),
    (ForeignKey(("source_id",), "sources", ("source_id",)),),
)

ALIAS_ENTITIES: Final = ("person", "org", "place")

ALIASES = Table(
    "aliases",
    "Other spellings of a person, organisation or place (another script, a transliteration, "
    "an inflected form a source uses), so that a search for any of them finds the others.",
    (
        _enum("entity_type", ALIAS_ENTITIES, "What the alias names: a person, org or place."),
        _id("entity_id", "The person_id, org_id or place_id."),
        _text("alias", "The other spelling, as written."),
        _text("script", "Its script or language: Cyrl, Latn, ru, fr…"),
        _text("note", "Where the spelling comes from (a source id, or why it is given)."),
    ),
    ("entity_type", "entity_id", "alias"),
)

TABLES: Final[tuple[Table, ...]] = (
    SOURCES,
    PLACES,
    SECTORS,
    ORGANISATIONS,
    PEOPLE,
    EVENTS,
    EVENT_SECTORS,
    EVENT_PEOPLE,
    EVENT_ORGANISATIONS,
    COOPERATION,
    ITEM_PARTNERS,
    EVIDENCE,
    RESOLUTIONS,
    SEED_FURNITURE,
    ALIASES,
)
TABLES_BY_NAME: Final = {t.name: t for t in TABLES}

# Columns that carry a French/English pair: (table, stem) -> stem_en / stem_fr.
BILINGUAL: Final[dict[str, tuple[str, ...]]] = {
    "sources": ("label",),
    "places": ("name",),
    "sectors": ("label",),
    "organisations": ("name", "description"),
    "people": ("name", "role"),
    "events": ("title", "summary", "date_basis"),
    "cooperation": ("topic", "summary"),
    "evidence": ("note",),
    "resolutions": ("reason",),
}
