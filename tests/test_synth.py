"""Synthetic packages: valid, typed like loaded ones, reproducible, with their conflicts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synth import main as synth_main
from benchmarks.synth import synthesize, write_package
from dashboard.cli import main
from dashboard.core import derived as views
from dashboard.core import model
from dashboard.core.load import load_package
from dashboard.core.package import DataError


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_package(synthesize(2_000, seed=7), tmp_path_factory.mktemp("synth"))


def test_written_package_passes_the_same_validation(written: Path) -> None:
    """load_package (pandera schemas + every cross-table rule) accepts it."""
    pkg = load_package(written)
    assert len(pkg["events"]) == 2_000
    assert set(pkg.seed_texts) == set(pkg["sources"].query("kind == 'seed'")["source_id"])


def test_round_trip_keeps_every_value_and_type(written: Path) -> None:
    """Writing then loading gives back the very frames synthesize built."""
    built = synthesize(2_000, seed=7)
    loaded = load_package(written)
    for table in model.TABLES:
        pd.testing.assert_frame_equal(loaded[table.name], built[table.name], obj=table.name)


def test_same_seed_same_package_other_seed_other_package() -> None:
    """The generator is reproducible and the seed matters."""
    a, b, c = synthesize(300, seed=1), synthesize(300, seed=1), synthesize(300, seed=2)
    pd.testing.assert_frame_equal(a["events"], b["events"])
    assert not a["events"]["start"].equals(c["events"]["start"])


@pytest.mark.parametrize("n", [1, 2, 3, 17])
def test_tiny_sizes_are_valid_too(n: int, tmp_path: Path) -> None:
    """Even one event makes a valid package."""
    pkg = load_package(write_package(synthesize(n, seed=n), tmp_path))
    assert len(pkg["events"]) == n


def test_every_precision_follows_the_date_rules() -> None:
    """Month events span their whole month in the region; ranges last more than a day."""
    ev = synthesize(3_000, seed=3)["events"]
    assert set(ev["date_precision"]) == set(model.DATE_PRECISIONS)
    month = ev[ev["date_precision"] == "month"]
    assert (month["start"].dt.day == 1).all()
    assert (month["end"] == month["start"] + pd.offsets.MonthEnd(0)).all()
    assert set(month["place_id"]) == {"region0"}
    ranges = ev[ev["date_precision"] == "range"]
    assert (ranges["end"] > ranges["start"]).all()


def test_conflicts_are_generated_and_resolved() -> None:
    """A few invented disagreements on a day, each resolved to the event's own date."""
    pkg = synthesize(20_000, seed=5)
    c = views.conflicts(pkg)
    assert c["subject_id"].nunique() == 2  # one per 10,000 events
    resolved = c[c["resolved"]]
    starts = pkg["events"].set_index("event_id")["start"].dt.strftime("%Y-%m-%d")
    assert list(resolved["claimed_value"]) == [starts[s] for s in resolved["subject_id"]]


def test_reprints_share_an_independence_group() -> None:
    """Some external references share a group, so corroboration counts them once."""
    src = synthesize(10, seed=0)["sources"]
    assert src["independence_group"].nunique() < len(src)


def test_a_broken_synthetic_package_is_caught(tmp_path: Path) -> None:
    """The generated seed quotes are really checked: an altered quote is reported."""
    pkg = synthesize(50, seed=9)
    ev = pkg["evidence"].copy()
    first_seed_row = ev.index[ev["source_id"].str.startswith("synth_seed")][0]
    ev.loc[first_seed_row, "quote"] = "Words the seed does not contain."
    broken = dataclasses.replace(pkg, tables={**pkg.tables, "evidence": ev})
    with pytest.raises(DataError) as info:
        load_package(write_package(broken, tmp_path))
    assert [p.message for p in info.value.problems] == [
        f"quote not found verbatim in seed {ev.at[first_seed_row, 'source_id']!r}"
    ]
    assert info.value.problems[0].row == first_seed_row + 2


def test_zero_events_is_refused() -> None:
    """A package needs at least one event."""
    with pytest.raises(ValueError, match="at least 1"):
        synthesize(0)


def test_synth_writes_a_valid_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`synth N OUT_DIR` writes a package that `validate` accepts."""
    out = tmp_path / "synth"
    assert synth_main(["40", str(out), "--seed", "3"]) == 0
    assert "synthetic package of 40 events" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    assert "40 events" in capsys.readouterr().out


def test_synth_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-empty folder is left alone unless --force is given."""
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert synth_main(["5", str(tmp_path)]) == 1
    assert "not empty" in capsys.readouterr().out
    assert not (tmp_path / "events.csv").exists()
    assert synth_main(["5", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_synth_refuses_zero_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """N must be at least 1."""
    assert synth_main(["0", str(tmp_path / "x")]) == 1
    assert "at least 1" in capsys.readouterr().out
