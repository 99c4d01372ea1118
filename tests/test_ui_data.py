"""ui.data: what every page reads of the package, computed once per package."""

from __future__ import annotations

from dashboard.core.package import Package
from dashboard.ui import data


def test_a_source_not_found_has_a_badge_of_its_own(pkg: Package) -> None:
    """The two articles the audit could not read are marked so wherever they are cited."""
    kinds = data.source_kinds(pkg)
    src = pkg["sources"].set_index("source_id")
    not_found = {sid for sid, kind in kinds.items() if kind == "not_found"}
    assert not_found == set(src.index[~src["found"].astype(bool)])
    assert {"ext_timeslive_reuters", "ext_sputnik_1074340857"} <= not_found
    assert {kinds[s] for s in src.index[src["kind"] == "seed"]} == {"seed"}
    assert data.source_kinds(pkg) is kinds  # once per package
