"""The Sectors page's pure functions, checked by their spec against hand counts.

A tiny package built in code gives exact counts; the embedded package is checked against
counts made by hand from data/event_sectors.csv and data/cooperation.csv.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard.core import filters
from dashboard.core.package import Package
from dashboard.present import palette
from dashboard.present.i18n import col
from dashboard.present.labels import plural
from dashboard.views import sectors as sc
from dashboard.views import sectors_charts as charts
from dashboard.views import sectors_counts as counting
from dashboard.views import sectors_tables as tables

# --- a tiny package -----------------------------------------------------------------------


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def tiny() -> Package:
    """Two sectors with one sub-sector each; four events (one without a place); two items;
    two sources."""
    ts = pd.Timestamp
    tables = {
        "sectors": _frame(
            [
                {
                    "sector_id": "defence",
                    "parent_id": None,
                    "label_en": "Defence",
                    "label_fr": "Défense",
                    "colour": "#D55E00",
                    "sort_order": 0,
                },
                {
                    "sector_id": "armour",
                    "parent_id": "defence",
                    "label_en": "Armour",
                    "label_fr": "Blindés",
                    "colour": "#D55E00",
                    "sort_order": 1,
                },
                {
                    "sector_id": "industry",
                    "parent_id": None,
                    "label_en": "Industry",
                    "label_fr": "Industrie",
                    "colour": "#0072B2",
                    "sort_order": 2,
                },
                {
                    "sector_id": "trucks",
                    "parent_id": "industry",
                    "label_en": "Trucks",
                    "label_fr": "Poids lourds",
                    "colour": "#0072B2",
                    "sort_order": 3,
                },
            ]
        ),
        "places": _frame(
            [
                {
                    "place_id": "moscow",
                    "name_en": "Moscow",
                    "name_fr": "Moscou",
                    "kind": "city",
                    "city": "Moscow",
                    "precision": "city",
                },
                {
                    "place_id": "kremlin",
                    "name_en": "Moscow Kremlin",
                    "name_fr": "Kremlin de Moscou",
                    "kind": "landmark",
                    "city": "Moscow",
                    "precision": "site",
                },
                {
                    "place_id": "kazan",
                    "name_en": "Kazan",
                    "name_fr": "Kazan",
                    "kind": "city",
                    "city": "Kazan",
                    "precision": "city",
                },
                {
                    "place_id": "tatarstan",
                    "name_en": "Republic of Tatarstan",
                    "name_fr": "République du Tatarstan",
                    "kind": "region",
                    "city": "Tatarstan",
                    "precision": "region",
                },
            ]
        ),
        "events": _frame(
            [
                {
                    "event_id": "e1",
                    "start": ts("2025-06-23"),
                    "end": ts("2025-06-23"),
                    "place_id": "kremlin",
                },
                {
                    "event_id": "e2",
                    "start": ts("2025-06-25"),
                    "end": ts("2025-06-25"),
                    "place_id": "kazan",
                },
                {
                    "event_id": "e3",
                    "start": ts("2025-06-01"),
                    "end": ts("2025-06-30"),
                    "place_id": "tatarstan",
                },
                {
                    "event_id": "e4",
                    "start": ts("2025-06-26"),
                    "end": ts("2025-06-26"),
                    "place_id": None,
                },
            ]
        ),
        "event_sectors": _frame(
            [
                {"event_id": "e1", "sector_id": "defence"},
                {"event_id": "e2", "sector_id": "armour"},
                {"event_id": "e2", "sector_id": "trucks"},
                {"event_id": "e3", "sector_id": "trucks"},
                {"event_id": "e4", "sector_id": "trucks"},
            ]
        ),
        "cooperation": _frame(
            [
                {
                    "item_id": "i1",
                    "topic_en": "Truck plant",
                    "topic_fr": "Usine de camions",
                    "sector_id": "trucks",
                    "status": "signed",
                    "event_id": "e2",
                },
                {
                    "item_id": "i2",
                    "topic_en": "<b>Armour</b> deal",
                    "topic_fr": "Accord blindés",
                    "sector_id": "armour",
                    "status": "discussed",
                    "event_id": "e2",
                },
            ]
        ),
        "item_partners": _frame(
            [
                {"item_id": "i1", "org_id": "kamaz", "side": "russia"},
                {"item_id": "i1", "org_id": "govml", "side": "mali"},
            ]
        ),
        "organisations": _frame(
            [
                {"org_id": "kamaz", "name_en": "KAMAZ", "name_fr": "KAMAZ"},
                {
                    "org_id": "govml",
                    "name_en": "Government of Mali",
                    "name_fr": "Gouvernement du Mali",
                },
            ]
        ),
        "sources": _frame(
            [
                {"source_id": "a", "kind": "seed", "outlet": "Outlet A"},
                {"source_id": "b", "kind": "external", "outlet": "Outlet B"},
            ]
        ),
        "evidence": _frame(
            [
                {"source_id": "a", "subject_type": "event", "subject_id": "e1"},
                {"source_id": "a", "subject_type": "event", "subject_id": "e2"},
                {"source_id": "b", "subject_type": "event", "subject_id": "e2"},
                {"source_id": "b", "subject_type": "event", "subject_id": "e3"},
                {"source_id": "a", "subject_type": "item", "subject_id": "i1"},
                {"source_id": "b", "subject_type": "item", "subject_id": "i1"},
                {"source_id": "a", "subject_type": "item", "subject_id": "i2"},
            ]
        ),
    }
    return Package(path=Path("tiny"), meta={}, tables=tables)


def names_of(pkg: Package, lang: str) -> dict[str, dict[str, str]]:
    """What ui.labels gives, built without streamlit."""

    def pairs(table: str, key: str, column: str) -> dict[str, str]:
        f = pkg[table]
        return {str(k): str(v) for k, v in zip(f[key], f[column], strict=True)}

    sector = pairs("sectors", "sector_id", col("label", lang))
    parent = dict(zip(pkg["sectors"]["sector_id"], pkg["sectors"]["parent_id"], strict=True))
    return {
        "sector": sector,
        "sector_full": {
            k: v if pd.isna(parent[k]) else f"{sector[str(parent[k])]} › {v}"
            for k, v in sector.items()
        },
        "place": pairs("places", "place_id", col("name", lang)),
        "org": pairs("organisations", "org_id", col("name", lang)),
        "item": pairs("cooperation", "item_id", col("topic", lang)),
        "source": {
            str(r["source_id"]): str(r["outlet"])
            if isinstance(r["outlet"], str)
            else str(r["source_id"])
            for r in pkg["sources"].to_dict("records")
        },
    }


ALL_EVENTS = frozenset({"e1", "e2", "e3", "e4"})
ALL_ITEMS = frozenset({"i1", "i2"})


def values(nodes: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in zip(nodes["id"], nodes["value"], strict=True)}


# The counts below take the view's tags (``counting.tags``), which a section of the page
# selects once and hands down; these select them from event ids, as the tests did before.


def units(
    pkg: Package,
    event_ids: Collection[str],
    item_ids: Collection[str],
    measure: counting.Measure = "events",
    only: Collection[str] | None = None,
    source_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    view_tags = counting.tags(pkg, event_ids, only)
    return counting.units(pkg, view_tags, item_ids, measure, only, source_ids)


def place_links(
    pkg: Package,
    event_ids: Collection[str],
    level: counting.Level = "top",
    only: Collection[str] | None = None,
) -> pd.DataFrame:
    return counting.place_links(pkg, counting.tags(pkg, event_ids, only), level)


def events_per_top(
    pkg: Package, event_ids: Collection[str], only: Collection[str] | None = None
) -> pd.Series:
    return counting.events_per_top(pkg, counting.tags(pkg, event_ids, only))


def breakdown_takeaway(
    pkg: Package,
    event_ids: Collection[str],
    names: Mapping[str, Mapping[str, str]],
    lang: str,
    only: Collection[str] | None = None,
) -> str:
    view_tags = counting.tags(pkg, event_ids, only)
    per_top = counting.events_per_top(pkg, view_tags)
    return tables.breakdown_takeaway(pkg, view_tags, per_top, len(event_ids), names, lang)


# --- the breakdown --------------------------------------------------------------------------


def test_breakdown_counts_events_and_items_by_hand(tiny: Package) -> None:
    """Events count once per sector tag, items once each; a top-level tag sits under its
    sector; a parent's value is the sum of its children."""
    nodes = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "en"), "en")
    assert values(nodes) == {
        "*": 7,  # the frame around all sectors
        "defence": 3,
        "defence/events": 1,  # e1, tagged at the top level
        "defence/armour": 2,
        "defence/armour/events": 1,  # e2
        "defence/armour/item:i2": 1,
        "industry": 4,
        "industry/trucks": 4,
        "industry/trucks/events": 3,  # e2, e3, e4
        "industry/trucks/item:i1": 1,
    }
    parents = dict(zip(nodes["id"], nodes["parent"], strict=True))
    assert parents["*"] == ""
    assert parents["defence"] == "*"
    assert parents["defence/events"] == "defence"
    assert parents["industry/trucks/item:i1"] == "industry/trucks"


def test_breakdown_counts_mentions_by_hand(tiny: Package) -> None:
    """In mentions, each evidence row counts; an event's rows count in each of its sectors;
    an event no source cites weighs nothing."""
    counted = units(tiny, ALL_EVENTS, ALL_ITEMS, "mentions")
    nodes = charts.hierarchy(tiny, counted, names_of(tiny, "en"), "en", "mentions")
    got = values(nodes)
    assert got["defence/events"] == 1  # e1: a
    assert got["defence/armour/events"] == 2  # e2: a, b
    assert got["defence/armour/item:i2"] == 1
    assert got["defence"] == 4
    assert got["industry/trucks/events"] == 3  # e2: a, b; e3: b; e4: none
    assert got["industry/trucks/item:i1"] == 2
    assert got["industry"] == 5


def test_mentions_follow_the_source_kind_filter(tiny: Package) -> None:
    """Only the mentions by the allowed sources count."""
    counted = units(tiny, ALL_EVENTS, ALL_ITEMS, "mentions", source_ids={"b"})
    got = values(charts.hierarchy(tiny, counted, names_of(tiny, "en"), "en", "mentions"))
    assert got == {
        "*": 4,
        "defence": 1,
        "defence/armour": 1,
        "defence/armour/events": 1,
        "industry": 3,
        "industry/trucks": 3,
        "industry/trucks/events": 2,  # b cites e2 and e3
        "industry/trucks/item:i1": 1,
    }


def test_sector_filter_leaves_out_other_tags(tiny: Package) -> None:
    """With the sector filter on Defence (sub-sectors included), e2's Trucks tag is left out."""
    only = {"defence", "armour"}
    got = values(
        charts.hierarchy(
            tiny, units(tiny, {"e1", "e2"}, {"i2"}, only=only), names_of(tiny, "en"), "en"
        )
    )
    assert set(got) == {
        "*",
        "defence",
        "defence/events",
        "defence/armour",
        "defence/armour/events",
        "defence/armour/item:i2",
    }


def _tree(spec: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """The treemap's items depth first, each with its parent's id ("" for the top)."""
    out: list[tuple[dict[str, Any], str]] = []

    def walk(items: list[dict[str, Any]], parent: str) -> None:
        for item in items:
            out.append((item, parent))
            walk(item.get("children", []), item["id"])

    walk(spec["series"][0]["data"], "")
    return out


def test_treemap_spec_ids_parents_values_colours(tiny: Package) -> None:
    """The treemap nests the nodes as computed (ids, parents, values; ECharts' data indices
    in ``tree_ids`` order), and paints each sector in its shared colour (lighter rings, same
    hue); every box is labelled, so colour is not the only cue."""
    nodes = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "en"), "en")
    spec = charts.treemap(nodes, "en")
    series = spec["series"][0]
    assert series["type"] == "treemap"
    assert series["nodeClick"] is False
    assert series["selectedMode"] == "single"
    tree = _tree(spec)
    assert [item["id"] for item, _ in tree] == list(nodes["id"])
    assert charts.tree_ids(spec) == [None, *nodes["id"]]
    assert [parent for _, parent in tree] == list(nodes["parent"])
    assert [item["value"] for item, _ in tree] == [7, 3, 1, 2, 1, 1, 4, 4, 3, 1]
    for item, _ in tree:  # a parent is the sum of its children
        if "children" in item:
            assert item["value"] == sum(c["value"] for c in item["children"])
    colours = {item["id"]: item["itemStyle"]["color"] for item, _ in tree}
    shared = palette.sector_colours(tiny)
    assert colours["defence"] == shared["defence"] == "#D55E00"
    assert colours["industry"] == "#0072B2"
    assert colours["defence/armour"] == charts.tint("#D55E00", "subsector") != colours["industry"]
    trucks = next(item for item, _ in tree if item["id"] == "industry/trucks")
    assert trucks["label"]["formatter"] == f"{trucks['name']}\n{trucks['value']}"
    assert trucks["upperLabel"]["formatter"] == f"{trucks['name']} · {trucks['value']}"


def test_label_templates_show_names_as_written() -> None:
    """Numbers in labels are written in the reader's language; braces in a name cannot
    start an ECharts placeholder or style (they become full-width braces)."""
    row = {"id": "x", "parent": "", "label": "{b} {a|x}", "value": 12345, "colour": "#0072B2"}
    nodes = pd.DataFrame([{**row, "kind": "sector", "hover": "h"}])
    item = charts.treemap(nodes, "fr")["series"][0]["data"][0]
    assert item["label"]["formatter"] == "\uff5bb\uff5d \uff5ba|x\uff5d\n12\u202f345"
    assert "{" not in item["upperLabel"]["formatter"]
    spec = charts.heatmap(pd.DataFrame([[1]]), ["{c}"], ["{a|b}"], "t", "en")
    assert spec["xAxis"][0]["data"] == ["\uff5bc\uff5d"]
    assert spec["yAxis"][0]["data"] == ["\uff5ba|b\uff5d"]


def test_label_text_is_readable_on_its_colour() -> None:
    """White text on dark boxes and cells, black on light ones."""
    assert charts.text_on("#08306B") == "#FFFFFF"
    assert charts.text_on("#F7FBFF") == "#000000"
    assert charts.text_on(charts.ROOT_COLOUR) == "#000000"
    assert charts.heat_colour(0, 4) == "#F7FBFF"
    assert charts.heat_colour(4, 4) == "#08306B"
    assert charts.heat_colour(2, 4) == "#6BAED6"
    assert charts.heat_colour(3, 0) == "#F7FBFF"  # nothing to scale by


def test_labels_are_plain_text_hovers_escaped_and_french(tiny: Package) -> None:
    """ECharts draws names as plain text, so they stay as written; the hover text is HTML,
    so data in it is escaped. Under lang=fr the labels are French."""
    nodes = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "en"), "en")
    tree = [item for item, _ in _tree(charts.treemap(nodes, "en"))]
    names = [item["name"] for item in tree]
    assert "<b>Armour</b> deal" in names
    hovers = [item["tooltip"]["formatter"] for item in tree]
    deal = next(h for h in hovers if "Armour&lt;/b&gt; deal" in h)
    assert deal.startswith("<b>&lt;b&gt;Armour&lt;/b&gt; deal</b>")
    assert not any("<b>Armour</b> deal" in h for h in hovers)
    fr = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "fr"), "fr")
    spec = charts.treemap(fr, "fr")
    assert {
        "Tous les secteurs",
        "Défense",
        "Blindés",
        "Industrie",
        "Poids lourds",
        "Événements",
    } <= {item["name"] for item, _ in _tree(spec)}
    assert "événements et volets" in spec["title"]["text"]


def test_item_hover_states_status_and_partners(tiny: Package) -> None:
    """An item's hover text gives its status and its partners on each side."""
    nodes = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "fr"), "fr")
    hover = nodes.set_index("id").at["industry/trucks/item:i1", "hover"]
    events = nodes.set_index("id").at["industry/trucks/events", "hover"]
    assert events == "<b>Événements</b><br>3 événements<br>43 % du graphique"  # said once
    assert "Statut : signé" in hover
    assert "Côté malien : Gouvernement du Mali" in hover
    assert "Côté russe : KAMAZ" in hover


def test_items_beyond_the_cap_are_grouped(tiny: Package) -> None:
    """With one item per sector allowed, the rest become one 'other items' leaf that keeps
    the total."""
    counted = pd.concat(
        [
            units(tiny, set(), ALL_ITEMS),
            pd.DataFrame(
                [
                    {
                        "sector_id": "trucks",
                        "leaf": "item",
                        "item_id": "i9",
                        "weight": 5,
                        "n_events": 0,
                        "n_items": 1,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    nodes = charts.hierarchy(tiny, counted, names_of(tiny, "en"), "en", max_items=1)
    got = values(nodes)
    assert got["industry/trucks/item:i9"] == 5  # the heaviest item is kept
    assert got["industry/trucks/other"] == 1
    assert got["industry/trucks"] == 6
    assert nodes.set_index("id").at["industry/trucks/other", "label"] == "1 other item"


@pytest.mark.parametrize(
    ("node", "sector"),
    [
        ("defence", "defence"),
        ("defence/events", "defence"),
        ("defence/armour", "armour"),
        ("defence/armour/item:i2", "armour"),
        ("industry/trucks/other", "trucks"),
        ("*", None),  # the frame: no sector
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_a_click_gives_the_sector_of_the_node(node: object, sector: str | None) -> None:
    """Any node of the breakdown maps back to its sector id; junk gives nothing."""
    assert charts.sector_of_node(node) == sector


def test_a_click_gives_the_sector_of_the_box(tiny: Package) -> None:
    """A selection's data index is read off the drawn tree: index 0 is ECharts' own root,
    then the boxes depth first."""
    nodes = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "en"), "en")
    ids = charts.tree_ids(charts.treemap(nodes, "en"))

    def clicked(*indices: object) -> str | None:
        picked = {"series_index": 0, "data_type": "main", "data_indices": list(indices)}
        return sc.clicked_sector({"selected": [picked], "areas": []}, ids)

    for index, node in enumerate(ids):
        assert clicked(index) == charts.sector_of_node(node)
    assert clicked(ids.index("defence/armour/item:i2")) == "armour"
    assert clicked(ids.index("industry")) == "industry"
    assert clicked(1) is None  # the frame around all sectors
    assert clicked(0, ids.index("industry")) == "industry"  # the first box with a sector


def test_a_click_without_points_gives_nothing() -> None:
    """An empty, stale or malformed selection selects no sector."""
    ids = [None, "*", "defence"]
    assert sc.clicked_sector(None, ids) is None
    assert sc.clicked_sector({}, ids) is None
    assert sc.clicked_sector({"selected": []}, ids) is None
    assert sc.clicked_sector({"selected": ["x", {"data_indices": None}]}, ids) is None
    for junk in (3, -1, "2", 2.0, True, None):  # out of the tree, or not an index
        picked = {"series_index": 0, "data_indices": [junk]}
        assert sc.clicked_sector({"selected": [picked]}, ids) is None
    assert sc.clicked_sector({"selected": [{"data_indices": [2]}]}, ids) is None  # no series
    picked = {"series_index": 0, "data_indices": [2]}
    assert sc.clicked_sector({"selected": [picked]}, ids) == "defence"


def test_breakdown_table_twin(tiny: Package) -> None:
    """The table twin lists every leaf with its sector, sub-sector and count."""
    nodes = charts.hierarchy(tiny, units(tiny, ALL_EVENTS, ALL_ITEMS), names_of(tiny, "en"), "en")
    table = charts.hierarchy_table(nodes, names_of(tiny, "en"), "en", "events")
    assert list(table.columns) == ["Sector", "Sub-sector", "Events or item", "Events and items"]
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert ("Defence", "—", "1 event", 1) in rows
    assert ("Industry", "Trucks", "3 events", 3) in rows
    assert ("Industry", "Trucks", "Truck plant", 1) in rows
    assert int(table["Events and items"].sum()) == 7


def test_breakdown_takeaway_counts_distinct_events(tiny: Package) -> None:
    """The takeaway names the two sectors touching most events and counts each event once."""
    text = breakdown_takeaway(tiny, ALL_EVENTS, names_of(tiny, "en"), "en")
    assert text.startswith("“Industry” and “Defence” account for 4 of the 4 events shown")
    text = breakdown_takeaway(tiny, {"e1"}, names_of(tiny, "fr"), "fr")
    assert text == "« Défense » concerne 1 des 1 événement affichés."


# --- mentions per outlet --------------------------------------------------------------------


def test_mentions_per_outlet_by_hand(tiny: Package) -> None:
    """An event's mention counts once per top-level sector; an item's in its sector."""
    counts = counting.source_sector_counts(tiny, ALL_EVENTS, ALL_ITEMS)
    got = {(r.source_id, r.sector_id): r.n for r in counts.itertuples()}
    # a: e1 (defence), e2 (defence, industry), i1 (industry), i2 (defence)
    # b: e2 (defence, industry), e3 (industry), i1 (industry)
    assert got == {
        ("a", "defence"): 3,
        ("a", "industry"): 2,
        ("b", "defence"): 1,
        ("b", "industry"): 3,
    }
    m = tables.source_matrix(counts, tiny, names_of(tiny, "en"))
    assert m.row_labels == ["Outlet A (5)", "Outlet B (4)"]
    assert m.col_labels == ["Defence", "Industry"]
    assert m.counts.to_numpy().tolist() == [[3, 2], [1, 3]]
    assert tables.sources_takeaway(m, "en") == (
        "What each outlet stressed most: Outlet A, Defence (3 of its 5 mentions); "
        "Outlet B, Industry (3 of its 4 mentions)."
    )


def test_outlets_are_capped_and_say_so(tiny: Package) -> None:
    """Beyond the cap, outlets with fewer mentions are left out and counted."""
    counts = counting.source_sector_counts(tiny, ALL_EVENTS, ALL_ITEMS)
    m = tables.source_matrix(counts, tiny, names_of(tiny, "en"), max_rows=1)
    assert m.row_labels == ["Outlet A (5)"]
    assert m.left_out == 1


def _cells(spec: Mapping[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    """A heatmap's drawn cells by (row, column)."""
    return {(c["value"][1], c["value"][0]): c for c in spec["series"][0]["data"]}


def test_heatmap_spec_in_french(tiny: Package) -> None:
    """The outlet heatmap has one cell per non-zero count, its number written in it, French
    sector names on the x axis and outlets on the y axis; the hover text is escaped HTML."""
    counts = counting.source_sector_counts(tiny, {"e1"}, set())
    m = tables.source_matrix(counts, tiny, names_of(tiny, "fr"))
    spec = charts.heatmap(
        m.counts, m.col_labels, m.row_labels, "Mentions", "fr", "sectors_unit_mentions"
    )
    assert spec["series"][0]["type"] == "heatmap"
    assert spec["xAxis"][0]["data"] == ["Défense"]
    assert spec["yAxis"][0]["data"] == ["Outlet A (1)"]
    cell = _cells(spec)[(0, 0)]
    assert cell["value"] == [0, 0, 1]
    assert cell["label"]["formatter"] == "1"
    assert cell["tooltip"]["formatter"] == "Outlet A (1)<br>Défense : 1 mention"
    hostile = charts.heatmap(pd.DataFrame([[2]]), ["<i>x</i>"], ["<img src=x>"], "<b>t</b>", "en")
    assert hostile["yAxis"][0]["data"] == ["<img src=x>"]  # plain text to ECharts
    assert hostile["title"]["text"] == "<b>t</b>"
    hover = _cells(hostile)[(0, 0)]["tooltip"]["formatter"]
    assert "&lt;img src=x&gt;" in hover
    assert "&lt;i&gt;x&lt;/i&gt;" in hover
    assert "<img" not in hover
    assert "<i>" not in hover


# --- sector x place -----------------------------------------------------------------------


def test_place_matrix_by_hand_in_french(tiny: Package) -> None:
    """Places are grouped by city in order of their first event, the region last; a place
    known only to its city or region is its own row; cells count distinct events."""
    links = place_links(tiny, ALL_EVENTS)
    m, _ = tables.place_matrix(links, tiny, names_of(tiny, "fr"), "fr")
    assert m.row_labels == [
        "Moscou · Kremlin de Moscou",
        "Kazan (ville ; site non précisé)",
        "Tatarstan (lieu non précisé)",
    ]
    assert m.col_labels == ["Défense", "Industrie"]
    assert m.counts.to_numpy().tolist() == [[1, 0], [1, 1], [0, 1]]
    assert counting.unplaced(tiny, ALL_EVENTS) == 1  # e4 has no place
    spec = charts.heatmap(m.counts, m.col_labels, m.row_labels, "t", "fr")
    assert spec["yAxis"][0]["data"] == m.row_labels
    assert spec["yAxis"][0]["inverse"] is True  # first place on top
    written = {k: c["label"]["formatter"] for k, c in _cells(spec).items()}
    assert written == {(0, 0): "1", (1, 0): "1", (1, 1): "1", (2, 1): "1"}  # blank for 0
    _, rows_en = tables.place_matrix(links, tiny, names_of(tiny, "en"), "en")
    text = tables.places_takeaway(links, rows_en, tiny, names_of(tiny, "en"), "en")
    assert text == (
        "The sector that came up at most events: Moscow, Defence (1 event); "
        "Kazan, Defence / Industry (1 event); Tatarstan (place not stated), Industry (1 event)."
    )


def test_place_links_carry_each_events_place_and_start(tiny: Package) -> None:
    """The links join each tag to its own event's place and start (joined once per package),
    leave out events with no place, and follow the event filter."""
    ev = tiny["events"].set_index("event_id")
    for ids in (ALL_EVENTS, {"e1"}):
        links = place_links(tiny, ids, "sub")
        assert set(links["event_id"]) == {e for e in ids if pd.notna(ev.at[e, "place_id"])}
        for e, place, start in zip(
            links["event_id"], links["place_id"], links["start"], strict=True
        ):
            assert (place, start) == (ev.at[e, "place_id"], ev.at[e, "start"])


def test_place_matrix_sub_level(tiny: Package) -> None:
    """At sub-sector level the columns are the tags themselves."""
    m, _ = tables.place_matrix(
        place_links(tiny, ALL_EVENTS, "sub"), tiny, names_of(tiny, "en"), "en"
    )
    assert m.col_labels == ["Defence", "Armour", "Trucks"]
    assert m.counts.to_numpy().tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


# --- the cooperation items --------------------------------------------------------------------


def test_items_table_in_french(tiny: Package) -> None:
    """One row per item, furthest along first: topic, status translated, sector, partners on
    each side, the outlets that cite it."""
    table = tables.items_table(tiny, ALL_ITEMS, names_of(tiny, "fr"), "fr")
    assert list(table.columns) == [
        "Sujet",
        "Statut",
        "Secteur",
        "Partenaires, Mali",
        "Partenaires, Russie",
        "Sources",
        "Nombre de sources",
    ]
    first = table.iloc[0].tolist()
    assert first == [
        "Usine de camions",
        "signé",
        "Industrie › Poids lourds",
        "Gouvernement du Mali",
        "KAMAZ",
        "Outlet A; Outlet B",
        2,
    ]
    assert table.iloc[1]["Statut"] == "évoqué"
    assert table.iloc[1]["Partenaires, Mali"] == "—"
    assert tables.items_takeaway(tiny, ALL_ITEMS, "fr") == (
        "2 volets de coopération : 1 signé, 1 évoqué."
    )


def test_nothing_to_draw(tiny: Package) -> None:
    """With nothing selected every chart is None and every takeaway says so."""
    views = sc.build(tiny, set(), set(), names_of(tiny, "en"), "en")
    assert views.breakdown.figure is None
    assert views.outlets.figure is None
    assert views.places["top"].figure is None
    assert views.items.table.empty
    assert views.items.takeaway == "No cooperation item matches these filters."


def test_a_section_selects_the_view_tags_once(
    tiny: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each section selects the sector tags of its view once and hands them to every count
    it draws; nothing is kept from one call to the next (the page caches whole sections,
    per view, in the package's memo)."""
    selected: list[object] = []
    real = counting.tags

    def spy(*args: Any, **kwargs: Any) -> pd.DataFrame:
        selected.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(counting, "tags", spy)
    q = sc.Query(ALL_EVENTS, ALL_ITEMS)
    names = names_of(tiny, "en")
    per_section = {}
    for section in ("breakdown_chart", "outlets_chart", "places_charts", "items_chart"):
        selected.clear()
        for _ in range(2):  # twice: the second call selects them again
            getattr(sc, section)(tiny, q, names, "en")
        per_section[section] = len(selected)
    assert per_section == {
        "breakdown_chart": 2,
        "outlets_chart": 2,
        "places_charts": 2,
        "items_chart": 0,
    }


# --- the embedded package, against hand counts ---------------------------------------------


@pytest.fixture(scope="module")
def everything(pkg: Package) -> filters.Selection:
    return filters.apply(filters.FilterState(), pkg)


def test_embedded_industry_by_hand(pkg: Package, everything: filters.Selection) -> None:
    """Industry: helicopters 2 events (talks_kazan, visit_helicopters) + Mi helicopters;
    trucks 4 (talks_kazan, statement_goita_industry, visit_helicopters, visit_kamaz) + KAMAZ
    trucks; technology 5 (talks_kazan, statement_minnikhanov_africa, visit_eidos,
    statement_camara, statement_zainutdinov) + technology transfer + industrial innovation:
    15 in all."""
    counted = units(pkg, everything.event_ids, everything.item_ids)
    got = values(charts.hierarchy(pkg, counted, names_of(pkg, "en"), "en"))
    assert got["industry/helicopters/events"] == 2
    assert got["industry/trucks/events"] == 4
    assert got["industry/technology/events"] == 5
    assert got["industry/trucks/item:kamaz_trucks"] == 1
    assert got["industry"] == 15


def test_embedded_parents_sum_their_children(pkg: Package, everything: filters.Selection) -> None:
    """Whatever the measure, every parent's value is exactly the sum of its children."""
    for measure in counting.MEASURES:
        counted = units(pkg, everything.event_ids, everything.item_ids, measure)
        nodes = charts.hierarchy(pkg, counted, names_of(pkg, "en"), "en", measure)
        sums = nodes.groupby("parent")["value"].sum()
        value = values(nodes)
        for parent, total in sums.items():
            if parent:
                assert value[str(parent)] == total, (measure, parent)
        assert int(nodes.loc[nodes["parent"] == "", "value"].sum()) == int(counted["weight"].sum())


def test_embedded_takeaway_by_hand(pkg: Package, everything: filters.Selection) -> None:
    """Diplomacy touches 9 events and Industry 8; together 16 of the 22 (talks_kazan is the
    only event in both); Mining & energy touches 7."""
    per = events_per_top(pkg, everything.event_ids)
    assert int(per["diplomacy"]) == 9
    assert int(per["industry"]) == 8
    assert int(per["mining_energy"]) == 7
    text = breakdown_takeaway(pkg, everything.event_ids, names_of(pkg, "en"), "en")
    assert text.startswith(
        "“Diplomacy & geopolitics” and “Industry” account for 16 of the 22 events"
    )


def test_embedded_gold_refinery_row(pkg: Package, everything: filters.Selection) -> None:
    """The Sénou refinery: under construction, Yadran on the Russian side, SOROMA-SA with the
    Malian government, cited by four outlets."""
    table = tables.items_table(pkg, everything.item_ids, names_of(pkg, "en"), "en")
    row = table.set_index("Topic").loc["Gold refinery at Sénou (Bamako)"]
    assert row["Status"] == "under construction"
    assert row["Partners, Russia"] == "Yadran"
    assert row["Partners, Mali"] == "Government of the Transition of Mali, SOROMA-SA"
    assert row["Number of sources"] == 4
    assert "Sputnik Afrique" in row["Sources"]
    assert len(table) == len(pkg["cooperation"])


def test_embedded_tatarstan_is_its_own_place(pkg: Package, everything: filters.Selection) -> None:
    """The events placed only in Tatarstan form their own row, last, never a Kazan site."""
    m, rows = tables.place_matrix(
        place_links(pkg, everything.event_ids), pkg, names_of(pkg, "en"), "en"
    )
    assert m.row_labels[-1] == "Tatarstan (place not stated)"
    assert rows[-1].place_id == "tatarstan"
    # visit_kamaz, visit_remdizel, visit_eidos, statement_camara, statement_zainutdinov
    assert int(m.counts.loc["tatarstan", "defence"]) == 3  # remdizel, camara, zainutdinov
    assert int(m.counts.loc["tatarstan", "industry"]) == 4  # kamaz, eidos, camara, zainutdinov


def test_place_matrix_rules_between_cities(tiny: Package) -> None:
    """A rule separates the cities in the place matrix (Moscow | Kazan | Tatarstan)."""
    views = sc.build(tiny, ALL_EVENTS, ALL_ITEMS, names_of(tiny, "en"), "en")
    spec = views.places["top"].figure
    assert spec is not None
    rules = spec["series"][1]
    assert rules["yAxisIndex"] == 1
    assert spec["yAxis"][1]["type"] == "value"
    assert (spec["yAxis"][1]["min"], spec["yAxis"][1]["max"]) == (-0.5, 2.5)  # rows at 0..2
    ends = [(a["coord"], b["coord"]) for a, b in rules["markLine"]["data"]]
    assert sorted(ends) == [([0, 0.5], [1, 0.5]), ([0, 1.5], [1, 1.5])]  # across the grid
    assert (spec["xAxis"][1]["min"], spec["xAxis"][1]["max"]) == (0, 1)
    assert views.places["top"].height == charts.heat_height(3)
    assert views.places["top"].notes == ("1 event with no place is not in the matrix.",)


@pytest.mark.parametrize(
    ("key", "lang", "n", "text"),
    [
        ("sectors_places_unplaced", "en", 1, "1 event with no place is not in the matrix."),
        ("sectors_places_unplaced", "en", 2, "2 events with no place are not in the matrix."),
        (
            "sectors_places_unplaced",
            "fr",
            1,
            "1 événement sans lieu ne figure pas dans la matrice.",
        ),
        (
            "sectors_places_unplaced",
            "fr",
            1234,
            "1\u202f234 événements sans lieu ne figurent pas dans la matrice.",
        ),
        (
            "sectors_capped_sources",
            "en",
            1,
            "1 more outlet with fewer mentions is left out of the chart.",
        ),
        (
            "sectors_capped_sources",
            "fr",
            3,
            "3 autres médias, moins cités, ne figurent pas sur le graphique.",
        ),
        (
            "sectors_capped_places",
            "en",
            1,
            "1 more place with fewer events is left out of the chart.",
        ),
        (
            "sectors_capped_places",
            "fr",
            2,
            "2 autres lieux, avec moins d'événements, ne figurent pas sur le graphique.",
        ),
    ],
)
def test_notes_take_the_plural_form_of_their_count(key: str, lang: str, n: int, text: str) -> None:
    """The notes under a chart say "1 event", "2 events", never "event(s)" (CLDR's forms)."""
    assert plural(key, n, lang) == text


def test_place_notes_in_french(tiny: Package) -> None:
    """The note on events with no place is in the reader's language, in the singular for one."""
    views = sc.build(tiny, ALL_EVENTS, ALL_ITEMS, names_of(tiny, "fr"), "fr")
    assert views.places["top"].notes == ("1 événement sans lieu ne figure pas dans la matrice.",)


def test_items_table_is_capped_furthest_along_first(tiny: Package) -> None:
    """Beyond the row cap the table keeps the items furthest along, and the page says so."""
    table = tables.items_table(tiny, ALL_ITEMS, names_of(tiny, "en"), "en", max_rows=1)
    assert table["Topic"].tolist() == ["Truck plant"]  # signed beats discussed
    table = tables.items_table(tiny, ALL_ITEMS, names_of(tiny, "en"), "en")
    assert table["Status"].tolist() == ["signed", "discussed"]


# --- the counts on integer codes against the same counts joined by id --------------------


def _counts_by_id(
    pkg: Package,
    event_ids: set[str],
    item_ids: set[str],
    only: set[str] | None,
    source_ids: set[str] | None,
) -> dict[tuple[str, str], int]:
    """Mentions per (source, top-level sector), joined on ids the plain way."""
    tops = palette.top_sector(pkg)
    tags = pkg["event_sectors"]
    tags = tags[tags["event_id"].isin(event_ids)]
    if only is not None:
        tags = tags[tags["sector_id"].isin(only)]
    ev_top = pd.DataFrame(
        {"event_id": tags["event_id"], "top": tags["sector_id"].map(tops).astype(str)}
    ).drop_duplicates()
    evidence = pkg["evidence"]
    if source_ids is not None:
        evidence = evidence[evidence["source_id"].isin(source_ids)]
    about_events = evidence[evidence["subject_type"] == "event"]
    per_event = about_events.merge(ev_top, left_on="subject_id", right_on="event_id")
    items = pkg["cooperation"]
    items = items[items["item_id"].isin(item_ids)]
    if only is not None:
        items = items[items["sector_id"].isin(only)]
    it_top = pd.DataFrame({"item_id": items["item_id"], "top": items["sector_id"].map(tops)})
    about_items = evidence[evidence["subject_type"] == "item"]
    per_item = about_items.merge(it_top, left_on="subject_id", right_on="item_id")
    got: dict[tuple[str, str], int] = {}
    for frame in (per_event, per_item):
        for source, top in zip(frame["source_id"], frame["top"], strict=True):
            got[(str(source), str(top))] = got.get((str(source), str(top)), 0) + 1
    return got


def _top_view(p: Package, tops: int) -> tuple[filters.Selection, set[str] | None]:
    """The selection of ``tops`` top-level sectors of ``p`` (from its second), and the
    sector filter with sub-sectors (None: no filter)."""
    options = filters.Options.from_package(p)
    sectors = p["sectors"]
    chosen = tuple(sectors.loc[sectors["parent_id"].isna(), "sector_id"])[1 : 1 + tops]
    fs = filters.FilterState(sectors=chosen)
    only = set(filters.expand_sectors(fs.sectors, options)) if fs.sectors else None
    return filters.apply(fs, p, options), only


@pytest.fixture(scope="module")
def synthetic() -> Package:
    from benchmarks import synth

    return synth.synthesize(3_000, seed=11)


@pytest.mark.parametrize("which", ["embedded", "synthetic"])
@pytest.mark.parametrize(
    "state",
    [
        {},
        {"tops": 1},
        {"tops": 2},
        {"source_kinds": ("seed",)},
    ],
)
def test_mentions_per_outlet_match_the_counts_joined_by_id(
    which: str, state: dict[str, Any], pkg: Package, synthetic: Package
) -> None:
    """Counted on integer codes for speed, the mentions are those of a plain join on ids,
    in (source, sector) order, for every filter."""
    p = pkg if which == "embedded" else synthetic
    selection, only = _top_view(p, state.get("tops", 0))
    srcs = None
    if "source_kinds" in state:
        s = p["sources"]
        srcs = set(s.loc[s["kind"].isin(state["source_kinds"]), "source_id"])
    counts = counting.source_sector_counts(p, selection.event_ids, selection.item_ids, only, srcs)
    assert list(counts.columns) == ["source_id", "sector_id", "n"]
    keys = list(zip(counts["source_id"], counts["sector_id"], strict=True))
    assert keys == sorted(keys)
    got = {k: int(n) for k, n in zip(keys, counts["n"], strict=True)}
    expected = _counts_by_id(p, set(selection.event_ids), set(selection.item_ids), only, srcs)
    assert got == expected
    assert sum(got.values()) > 0


@pytest.mark.parametrize("which", ["embedded", "synthetic"])
@pytest.mark.parametrize("level", ["top", "sub"])
@pytest.mark.parametrize("tops", [0, 1, 2])
def test_places_match_the_counts_joined_by_id(
    which: str, level: str, tops: int, pkg: Package, synthetic: Package
) -> None:
    """The place links, matrix and per-city counts, worked out on integer codes, are those
    of group-bys on the ids: one link per (event, place, sector), distinct events per cell,
    the places with most events kept (ties by id), and distinct events per city."""
    p = pkg if which == "embedded" else synthetic
    selection, only = _top_view(p, tops)
    links = place_links(p, selection.event_ids, level, only)  # type: ignore[arg-type]
    assert not links.duplicated(["event_id", "place_id", "sector_id"]).any()
    assert (p["events"]["event_id"].to_numpy()[links["row"].to_numpy()] == links["event_id"]).all()
    by_id = links.groupby(["place_id", "sector_id"])["event_id"].nunique()
    totals = links.groupby("place_id")["event_id"].nunique()
    for cap in (3, tables.MAX_PLACES):
        m, rows = tables.place_matrix(links, p, names_of(p, "en"), "en", max_rows=cap)
        kept = sorted(totals.index, key=lambda q: (-int(totals[q]), str(q)))[:cap]
        assert set(m.counts.index) == set(kept)
        assert m.left_out == len(totals) - len(kept)
        for place in m.counts.index:
            for sector in m.counts.columns:
                assert m.counts.at[place, sector] == by_id.get((place, sector), 0)
        groups, got = tables.group_sector_events(links, rows)
        group_of = {r.place_id: r.group for r in rows}
        in_rows = links[links["place_id"].isin(group_of)]
        expected = (
            in_rows.assign(group=in_rows["place_id"].map(group_of))
            .groupby(["group", "sector_id"])["event_id"]
            .nunique()
        )
        assert got == {
            g: {str(s): int(n) for (g2, s), n in expected.items() if g2 == g}
            for g in groups
            if g in set(expected.index.get_level_values(0))
        }
    assert len(links) > 0


@pytest.mark.parametrize("which", ["embedded", "synthetic"])
@pytest.mark.parametrize("measure", ["events", "mentions"])
@pytest.mark.parametrize("tops", [0, 2])
def test_breakdown_units_match_the_counts_joined_by_id(
    which: str, measure: str, tops: int, pkg: Package, synthetic: Package
) -> None:
    """Per sector, the events' weight and distinct events, counted on integer codes, are
    those of a group-by on the event ids."""
    p = pkg if which == "embedded" else synthetic
    selection, only = _top_view(p, tops)
    got = units(p, selection.event_ids, selection.item_ids, measure, only)  # type: ignore[arg-type]
    events = got[got["leaf"] == "events"]
    assert list(events["sector_id"]) == sorted(events["sector_id"])
    tags = p["event_sectors"]
    tags = tags[tags["event_id"].isin(set(selection.event_ids))]
    if only is not None:
        tags = tags[tags["sector_id"].isin(only)]
    n_events = tags.groupby("sector_id")["event_id"].nunique()
    if measure == "mentions":
        ev = p["evidence"]
        per_event = ev[ev["subject_type"] == "event"].groupby("subject_id").size()
        weight = tags["event_id"].map(per_event).fillna(0).groupby(tags["sector_id"]).sum()
    else:
        weight = tags.groupby("sector_id").size()
    expected = {
        str(s): (int(weight[s]), int(n_events[s])) for s in n_events.index if int(weight[s]) > 0
    }
    assert {
        str(s): (int(w), int(n))
        for s, w, n in zip(events["sector_id"], events["weight"], events["n_events"], strict=True)
    } == expected
    assert expected
    per_top = events_per_top(p, selection.event_ids, only)
    by_top = tags.groupby(tags["sector_id"].map(palette.top_sector(p)))["event_id"].nunique()
    assert per_top.to_dict() == {str(s): int(n) for s, n in by_top.items()}
    assert list(per_top) == sorted(per_top, reverse=True)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_specs_are_plain_json_for_streamlit(pkg: Package, lang: str) -> None:
    """The treemap and heatmaps are plain JSON (what ``st.echarts_chart`` sends), without
    NaN, and name only their own series types."""
    selection = filters.apply(filters.FilterState(), pkg)
    views = sc.build(
        pkg, selection.event_ids, selection.item_ids, names_of(pkg, lang), lang, "events"
    )
    specs = [views.breakdown.figure, views.outlets.figure]
    specs += [chart.figure for chart in views.places.values()]
    types = set()
    for spec in specs:
        assert spec is not None
        assert json.loads(json.dumps(spec, allow_nan=False)) == spec
        types |= {series["type"] for series in spec["series"]}
    assert types == {"treemap", "heatmap", "line"}  # the line series holds the city rules
