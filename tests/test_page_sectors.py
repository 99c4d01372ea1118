"""The Sectors page run with AppTest: both languages, a click on the breakdown, bad input."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import sectors as sc
from tests.conftest import APP, send_selection

PAGE = "app_pages/sectors.py"
BREAKDOWN = "sectors_breakdown"


def open_page(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def charts(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("echarts_chart")]


def breakdown(at: AppTest) -> Any:
    found = [c for c in at.get("echarts_chart") if f"-{BREAKDOWN}-" in c.proto.id]
    assert len(found) == 1
    return found[0]


def tree_ids(at: AppTest) -> list[str | None]:
    return sc.tree_ids(json.loads(breakdown(at).proto.spec))


def click(at: AppTest, node_id: str, index: int | None = None) -> AppTest:
    """Click a box of the breakdown (the browser reports its data index in ECharts' tree),
    and rerun. ``index`` overrides the box's index."""
    picked = {
        "series_index": 0,
        "series_id": None,
        "series_name": None,
        "data_type": "main",
        "data_indices": [tree_ids(at).index(node_id) if index is None else index],
    }
    return send_selection(at, breakdown(at), {"selected": [picked], "areas": []})


def names(spec: dict[str, Any]) -> list[str]:
    """The box names of a treemap spec, depth first."""
    out: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            out.append(item["name"])
            walk(item.get("children", []))

    walk(spec["series"][0]["data"])
    return out


def values(spec: dict[str, Any]) -> list[int]:
    return [int(item["value"]) for item in spec["series"][0]["data"]]


def takeaways(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(":material/lightbulb:")]


@pytest.mark.parametrize(
    ("lang", "title", "takeaway", "sector"),
    [
        ("en", "Sectors", "account for 12 of the 20 events shown", "Industry"),
        ("fr", "Secteurs", "concernent 12 des 20 événements affichés", "Industrie"),
    ],
)
def test_page_renders_in_both_languages(lang: str, title: str, takeaway: str, sector: str) -> None:
    """The page draws the breakdown, the outlet and place matrices and the items table, with
    a written takeaway for each, in the chosen language."""
    at = open_page(lang=lang)
    assert not at.exception
    assert at.title[0].value == title
    specs = charts(at)
    assert [s["series"][0]["type"] for s in specs] == ["treemap", "heatmap", "heatmap"]
    assert sector in names(specs[0])
    assert sector in specs[1]["xAxis"][0]["data"]
    texts = takeaways(at)
    assert len(texts) == 4
    assert takeaway in texts[0].replace("\\", "")
    items = at.dataframe[-1].value
    assert len(items) == 16  # every cooperation item of the embedded package


def test_charts_are_svg_and_described() -> None:
    """The charts are drawn as SVG (their labels are text a screen reader or a search can
    find) and each carries its takeaway as its accessible description."""
    at = open_page()
    drawn = at.get("echarts_chart")
    assert len(drawn) == 3
    texts = takeaways(at)
    for chart, text in zip(drawn, [texts[0], texts[1], texts[2]], strict=True):
        renderer = chart.proto.DESCRIPTOR.fields_by_name["renderer"].enum_type
        assert renderer.values_by_number[chart.proto.renderer].name == "SVG"
        assert chart.proto.alt
        assert chart.proto.alt.replace("\\", "") in text.replace("\\", "")


def test_click_on_a_sector_filters_the_dashboard() -> None:
    """Clicking the Trucks box sets the shared sector filter: the sidebar and the URL show
    sector=trucks, and the page follows it; 'Show all sectors' clears it again."""
    at = open_page()
    assert at.multiselect(key="w_sector").value == []
    at = click(at, "industry/trucks")
    assert not at.exception
    assert at.multiselect(key="w_sector").value == ["trucks"]
    assert at.query_params.get("sector") in ("trucks", ["trucks"])
    assert "accounts for 4 of the 4 events shown" in takeaways(at)[0].replace("\\", "")
    ids = tree_ids(at)
    assert "industry/trucks" in ids
    assert not any(i and i.startswith("defence") for i in ids)  # the breakdown follows it
    show_all = [b for b in at.button if b.label == "Show all sectors"]
    assert len(show_all) == 1
    at = show_all[0].click().run()
    assert at.multiselect(key="w_sector").value == []
    assert "sector" not in at.query_params


def test_click_on_an_item_filters_to_its_sector() -> None:
    """Clicking a cooperation item selects the item's sector (its sub-sector)."""
    at = click(open_page(lang="fr"), "mining_energy/gold/item:gold_refinery")
    assert not at.exception
    assert at.multiselect(key="w_sector").value == ["gold"]
    assert at.query_params.get("sector") in ("gold", ["gold"])


def test_click_on_a_top_level_sector_includes_its_sub_sectors() -> None:
    """Clicking a sector's header selects the sector; its sub-sectors' events follow."""
    at = click(open_page(), "defence")
    assert at.multiselect(key="w_sector").value == ["defence"]
    assert "defence/armoured_vehicles" in tree_ids(at)


@pytest.mark.parametrize("index", [0, 1, 10_000, -1])
def test_a_junk_selection_changes_nothing(index: int) -> None:
    """A selection of no sector (ECharts' root, the frame around all sectors, an index out
    of the tree) is ignored, without an error."""
    at = click(open_page(), "*", index=index)
    assert not at.exception
    assert at.multiselect(key="w_sector").value == []
    assert "sector" not in at.query_params


def test_a_new_view_starts_with_nothing_selected() -> None:
    """After a click the filtered breakdown is a new chart (a new key): the box index of the
    click does not carry over to a box of another tree."""
    at = open_page()
    first = breakdown(at).proto.id
    at = click(at, "industry/trucks")
    now = breakdown(at).proto.id
    assert now != first
    key = now[now.index(BREAKDOWN) :]
    assert at.session_state[key]["selection"]["selected"] == []
    assert first[first.index(BREAKDOWN) :] not in at.session_state  # the old click is gone


def test_measure_switch_sizes_by_mentions() -> None:
    """'Source mentions' resizes the breakdown by evidence rows and says so in its title."""
    at = open_page()
    before = charts(at)[0]
    at = at.segmented_control(key="sectors_measure").set_value("mentions").run()
    assert not at.exception
    after = charts(at)[0]
    assert "source mentions" in after["title"]["text"]
    assert sum(values(after)) != sum(values(before))


def test_sub_sector_toggle_widens_the_place_matrix() -> None:
    """With sub-sectors shown, the place matrix has a column per sub-sector."""
    at = open_page()
    at = at.toggle(key="sectors_places_sub").set_value(True).run()
    assert not at.exception
    x = charts(at)[2]["xAxis"][0]["data"]
    assert any("Trucks" in label for label in x)
    assert any("Helicopters" in label for label in x)


def test_source_kind_filter_limits_the_outlets() -> None:
    """With external references only, no seed document appears among the outlets."""
    at = open_page(source="external")
    assert not at.exception
    outlets = " ".join(charts(at)[1]["yAxis"][0]["data"])
    assert "Malikunafoni" not in outlets
    assert "TASS" in outlets


def test_filters_matching_nothing_show_the_empty_state() -> None:
    """A place where nothing happened: no chart, no error, the empty state with a reset."""
    at = open_page(place="bamako_airport", lang="fr")
    assert not at.exception
    assert at.get("echarts_chart") == []
    assert any("Aucun événement" in i.value for i in at.info)


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "<script>alert(1)</script>"},
        {"sector": ["defence", "x" * 5000], "lang": "<img src=x onerror=alert(1)>"},
        {"dates": ["2025-06-30", "2025-06-01"], "place": "']; DROP TABLE events;--"},
        {"event": "\u202e\u0000evil", "actor": "a" * 200},
    ],
)
def test_hostile_query_strings_are_harmless(params: dict[str, Any]) -> None:
    """Bad URL values are dropped with a notice; no markup gets through, no traceback."""
    at = open_page(**params)
    assert not at.exception
    for warning in at.warning:  # markup is backslash-escaped, so it shows as text
        assert re.search(r"(?<!\\)<", warning.value) is None, warning.value
    assert len(at.get("echarts_chart")) == 3


def test_table_twins_are_built_only_while_open() -> None:
    """Each chart's table twin is folded and built only once its fold is opened (a folded
    data grid still costs the browser on every filter change); it stays open across a
    filter change and shows the filtered view."""
    at = open_page()
    folds = [e for e in at.expander if str(e.key).startswith("sectors_twin_")]
    assert [e.key for e in folds] == [
        "sectors_twin_breakdown",
        "sectors_twin_outlets",
        "sectors_twin_places",
    ]
    assert len(at.dataframe) == 1  # the items table, not folded
    at.session_state["sectors_twin_breakdown"] = True
    at.run()
    assert len(at.dataframe) == 2
    everything = at.dataframe[0].value
    at.multiselect(key="w_sector").set_value(["trucks"]).run()
    assert not at.exception
    assert at.session_state["sectors_twin_breakdown"] is True
    trucks = at.dataframe[0].value
    assert len(at.dataframe) == 2
    assert 0 < len(trucks) < len(everything)
