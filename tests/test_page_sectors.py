"""The Sectors page run with AppTest: both languages, a click on the breakdown, bad input.

A click on the breakdown is tested in two halves: the page's callback (``react_to_click``)
run with the selection the browser sends, in a script of its own, and the filters it asks
for handed to the app's next run. The real click in Chromium is tests/browser/test_sectors.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.present.i18n import t
from dashboard.ui.context import PENDING
from dashboard.views import sectors as sc
from dashboard.views.sectors_charts import tree_ids as spec_tree_ids
from tests.helpers import APP, qp, share_link

PAGE = "app_pages/sectors.py"
BREAKDOWN = "sectors_breakdown"
TAB = "sectors_tab"
TABS = ("breakdown", "outlets", "places", "items")


def open_page(show: str | None = None, **params: str | list[str]) -> AppTest:
    """The page opened with ``params`` in its URL (the first run on this page, as from a
    link), then the tab ``show`` (an id of TABS; None: as opened) chosen."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at.run()
    return choose(at, show) if show else at


def choose(at: AppTest, tab: str) -> AppTest:
    """Choose a tab as a click would (Streamlit keeps the chosen tab by its label)."""
    lang = at.query_params.get("lang", "en")
    at.session_state[TAB] = t(f"sectors_tab_{tab}", lang if lang in ("en", "fr") else "en")
    return at.run()


def charts(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("echarts_chart")]


def breakdown(at: AppTest) -> Any:
    found = [c for c in at.get("echarts_chart") if f"-{BREAKDOWN}-" in c.proto.id]
    assert len(found) == 1
    return found[0]


def tree_ids(at: AppTest) -> list[str | None]:
    return spec_tree_ids(json.loads(breakdown(at).proto.spec))


def _react(selection: object, ids: object) -> None:
    """A script of its own: the page's reaction to a click on the breakdown, as the chart's
    selection callback runs it (``ui.selectable_chart``). Run as a script's source, where
    only builtins name the parameters' types."""
    from dashboard.app_pages.sectors import react_to_click

    react_to_click(selection, ids)  # type: ignore[arg-type]


def react(selection: dict[str, Any], ids: list[str | None]) -> dict[str, Any]:
    """The filters the page's click callback asks for (for the app's next run); {}: none."""
    at = AppTest.from_function(_react, args=(selection, ids), default_timeout=30).run()
    assert not at.exception
    return dict(at.session_state[PENDING]) if PENDING in at.session_state else {}


def selection_of(at: AppTest, node_id: str, index: int | None = None) -> dict[str, Any]:
    """The selection the browser sends for a click on a box of the breakdown: its data index
    in ECharts' tree (``index`` overrides it)."""
    picked = {
        "series_index": 0,
        "series_id": None,
        "series_name": None,
        "data_type": "main",
        "data_indices": [tree_ids(at).index(node_id) if index is None else index],
    }
    return {"selected": [picked], "areas": []}


def click(at: AppTest, node_id: str, index: int | None = None) -> AppTest:
    """Click a box of the breakdown and rerun: the page's callback, given the click's
    selection and the node ids of the drawn treemap, asks for filters, which the app's next
    run applies (as after a click in the browser)."""
    asked = react(selection_of(at, node_id, index), tree_ids(at))
    if asked:
        at.session_state[PENDING] = asked
    return at.run()


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
        ("en", "Sectors", "account for 16 of the 22 events shown", "Industry"),
        ("fr", "Secteurs", "concernent 16 des 22 événements affichés", "Industrie"),
    ],
)
def test_page_renders_in_both_languages(lang: str, title: str, takeaway: str, sector: str) -> None:
    """Tab by tab, the page draws the breakdown, the outlet and place matrices and the items
    table, each with a written takeaway, in the chosen language."""
    at = open_page(lang=lang)
    assert not at.exception
    assert at.title[0].value == title
    assert [tab.label for tab in at.tabs] == [t(f"sectors_tab_{tab}", lang) for tab in TABS]
    seen: dict[str, tuple[list[dict[str, Any]], list[str]]] = {}
    for tab in TABS:
        at = choose(at, tab)
        assert not at.exception
        seen[tab] = charts(at), takeaways(at)
    assert [[s["series"][0]["type"] for s in seen[tab][0]] for tab in TABS] == [
        ["treemap"],
        ["heatmap"],
        ["heatmap"],
        [],
    ]
    assert all(len(seen[tab][1]) == 1 for tab in TABS)  # one takeaway per tab
    assert sector in names(seen["breakdown"][0][0])
    assert sector in seen["outlets"][0][0]["xAxis"][0]["data"]
    assert takeaway in seen["breakdown"][1][0].replace("\\", "")
    items = at.dataframe[-1].value
    assert len(items) == 20  # every cooperation item of the embedded package


def test_only_the_chosen_tab_is_built() -> None:
    """A hidden tab is not built (three SVG charts and a data grid on one page cost the
    browser more on every filter change): each tab holds its own section only,
    and the measure control belongs to the breakdown, the only chart it sizes."""
    at = open_page()
    assert [m.key for m in at.get("segmented_control") if m.key == "sectors_measure"]
    assert not at.dataframe
    at = choose(at, "items")
    assert len(at.dataframe) == 1
    assert at.get("echarts_chart") == []
    assert not [m for m in at.get("segmented_control") if m.key == "sectors_measure"]
    at = choose(at, "places")
    assert [e.key for e in at.expander if str(e.key).startswith("sectors_")] == [
        "sectors_twin_places"
    ]
    assert [g.key for g in at.toggle] == ["sectors_places_sub"]
    assert not at.dataframe


def test_a_view_builds_only_the_sections_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The counts of a hidden tab are not computed (the four sections together are slow to
    build at a million events): each section is built when its tab first shows, once per
    view."""
    built: list[str] = []
    for name in ("breakdown_chart", "outlets_chart", "places_charts", "items_chart"):
        real = getattr(sc, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            built.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(sc, name, spy)
    st.cache_resource.clear()  # sections cached by earlier tests would not be built again
    at = open_page(sector="industry")
    assert not at.exception
    assert built == ["breakdown_chart"]
    at = choose(at, "places")
    at = choose(at, "breakdown")
    at = choose(at, "places")
    assert not at.exception
    assert built == ["breakdown_chart", "places_charts"]
    at = choose(at, "items")
    assert built[2:] == ["items_chart"]
    assert len(at.dataframe) == 1


def test_chosen_tab_and_measure_survive_filters_and_a_language_switch() -> None:
    """The chosen tab is kept across a filter change and, by its label, across a switch of
    language; the measure chosen in the breakdown is kept while another tab shows."""
    at = open_page()
    at = at.segmented_control(key="sectors_measure").set_value("mentions").run()
    at = choose(at, "places")
    at.multiselect(key="w_sector").set_value(["trucks"]).run()
    assert not at.exception
    assert at.session_state[TAB] == "By place"
    at.segmented_control(key="w_lang").set_value("fr").run()
    assert not at.exception
    assert at.session_state[TAB] == "Par lieu"
    assert at.subheader[0].value == t("sectors_places_title", "fr")
    at = choose(at, "breakdown")
    assert at.segmented_control(key="sectors_measure").value == "mentions"
    assert "mentions" in charts(at)[0]["title"]["text"]


def test_a_link_opens_its_tab_and_the_url_follows_the_tab() -> None:
    """tab=places in a link opens the place matrix; choosing another tab puts it in the URL
    and in the share link; the first tab, the default, leaves tab= out of both."""
    at = open_page(lang="fr", tab="places")
    assert not at.exception
    assert not at.warning
    assert at.session_state[TAB] == "Par lieu"
    assert at.subheader[0].value == t("sectors_places_title", "fr")
    assert qp(at, "tab") == ["places"]
    assert "tab=places" in share_link(at)
    at = choose(at, "outlets")
    assert qp(at, "tab") == ["outlets"]
    assert "tab=outlets" in share_link(at)
    at.multiselect(key="w_sector").set_value(["trucks"]).run()  # the filters keep the tab
    assert qp(at, "tab") == ["outlets"]
    assert qp(at, "sector") == ["trucks"]
    at = choose(at, "breakdown")
    assert "tab" not in at.query_params
    assert "tab=" not in share_link(at)
    assert qp(at, "sector") == ["trucks"]


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "seeds", "PLACES", "x" * 500])
def test_an_unknown_tab_in_a_link_gets_a_notice(value: str) -> None:
    """A tab this page does not have (another page's, a wrong case, markup) opens the first
    tab with a notice that shows the value as text; the URL drops it."""
    at = open_page(tab=value)
    assert not at.exception
    (warning,) = at.warning
    assert "tab" in warning.value
    assert re.search(r"(?<!\\)<", warning.value) is None, warning.value
    assert at.session_state[TAB] == "By sector"
    assert [s["series"][0]["type"] for s in charts(at)] == ["treemap"]
    assert "tab" not in at.query_params


def test_only_the_first_tab_value_counts() -> None:
    """tab= twice: the first is opened, a notice says the other was ignored."""
    at = open_page(tab=["items", "places"])
    assert not at.exception
    assert at.session_state[TAB] == "Cooperation items"
    assert t("notice_too_many", "en", key="tab", value="places") in at.warning[0].value
    assert qp(at, "tab") == ["items"]


def test_charts_are_svg_and_described() -> None:
    """The charts are drawn as SVG (their labels are text a screen reader or a search can
    find) and each carries its takeaway as its accessible description."""
    at = open_page()
    for tab in TABS[:3]:
        at = choose(at, tab)
        (chart,) = at.get("echarts_chart")
        (text,) = takeaways(at)
        renderer = chart.proto.DESCRIPTOR.fields_by_name["renderer"].enum_type
        assert renderer.values_by_number[chart.proto.renderer].name == "SVG"
        assert chart.proto.alt
        assert chart.proto.alt.replace("\\", "") in text.replace("\\", "")


def test_click_on_a_sector_filters_the_dashboard() -> None:
    """Clicking the Trucks box sets the shared sector filter: the sidebar and the URL show
    sector=trucks, and the page follows it (a link with that address too); 'Show all
    sectors' clears it again."""
    at = open_page()
    assert at.multiselect(key="w_sector").value == []
    assert react(selection_of(at, "industry/trucks"), tree_ids(at)) == {"sector": ["trucks"]}
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
    linked = open_page(sector="trucks")  # the address after the click opens the same view
    assert tree_ids(linked) == ids
    assert takeaways(linked) == takeaways(at)
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
    at = open_page()
    assert react(selection_of(at, "*", index), tree_ids(at)) == {}  # no filter asked for
    at = click(at, "*", index=index)
    assert not at.exception
    assert at.multiselect(key="w_sector").value == []
    assert "sector" not in at.query_params


def test_a_new_view_starts_with_nothing_selected() -> None:
    """After a click the filtered breakdown is a new chart (a new key) that starts with
    nothing selected, and the old chart's state is dropped: the box index of the click does
    not carry over to a box of another tree."""
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
    at = open_page(show="places")
    narrow = charts(at)[0]["xAxis"][0]["data"]
    at = at.toggle(key="sectors_places_sub").set_value(True).run()
    assert not at.exception
    x = charts(at)[0]["xAxis"][0]["data"]
    assert len(x) > len(narrow)
    assert any("Trucks" in label for label in x)
    assert any("Helicopters" in label for label in x)


def test_source_kind_filter_limits_the_outlets() -> None:
    """With external references only, no seed document appears among the outlets."""
    at = open_page(show="outlets", source="external")
    assert not at.exception
    outlets = " ".join(charts(at)[0]["yAxis"][0]["data"])
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
    """Bad URL values are dropped with a notice; no markup gets through, no traceback, on
    any tab."""
    at = open_page(**params)
    for tab in TABS:
        at = choose(at, tab)
        assert not at.exception
        for warning in at.warning:  # markup is backslash-escaped, so it shows as text
            assert re.search(r"(?<!\\)<", warning.value) is None, warning.value
        assert len(at.get("echarts_chart")) == (tab != "items")


def test_table_twins_are_built_only_while_open() -> None:
    """Each chart's table twin is folded and built only once its fold is opened (a folded
    data grid still costs the browser on every filter change); it stays open across a
    filter change and shows the filtered view."""
    at = open_page()
    folds = {}
    for tab in TABS:
        at = choose(at, tab)
        folds[tab] = [e.key for e in at.expander if str(e.key).startswith("sectors_twin_")]
    assert folds == {
        "breakdown": ["sectors_twin_breakdown"],
        "outlets": ["sectors_twin_outlets"],
        "places": ["sectors_twin_places"],
        "items": [],
    }
    at = choose(at, "breakdown")
    assert not at.dataframe
    at.session_state["sectors_twin_breakdown"] = True
    at.run()
    assert len(at.dataframe) == 1
    everything = at.dataframe[0].value
    at.multiselect(key="w_sector").set_value(["trucks"]).run()
    assert not at.exception
    assert at.session_state["sectors_twin_breakdown"] is True
    trucks = at.dataframe[0].value
    assert len(at.dataframe) == 1
    assert 0 < len(trucks) < len(everything)
