"""Exports of a filtered view: CSV round-trips, JSON loads, GeoJSON is valid (lon/lat, null
geometry for a region), the ZIP is the whole package, the citation, and the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.core import filters
from dashboard.core.load import load_package
from dashboard.core.package import Package
from dashboard.views import export
from tests.helpers import ROOT


def frame_for(pkg: Package, lang: str = "en", **state: object) -> pd.DataFrame:
    selection = filters.apply(filters.FilterState(**state), pkg)  # type: ignore[arg-type]
    return export.events_frame(pkg, export.selected_table(pkg, selection.event_ids), lang)


def strict_json(data: bytes) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def test_events_frame_columns_and_order(pkg: Package) -> None:
    """One row per event, the documented columns, by date; sectors come from the link table."""
    frame = frame_for(pkg)
    assert list(frame.columns) == list(export.COLUMNS)
    assert len(frame) == len(pkg["events"])
    assert frame["start"].tolist() == sorted(frame["start"])
    kazan = frame.set_index("event_id").loc["arrival_kazan"]
    assert kazan["date_text"] == "25 June 2025"
    assert set(kazan["sector_ids"]) == set(
        pkg["event_sectors"].query("event_id == 'arrival_kazan'")["sector_id"]
    )
    assert kazan["sector_ids"]
    assert kazan["n_independent"] >= 3


def test_csv_round_trips_through_pandas(pkg: Package) -> None:
    """The CSV reads back with the same rows, ids, dates, coordinates and joined lists."""
    frame = frame_for(pkg, "fr", sectors=("industry",))
    back = pd.read_csv(io.BytesIO(export.to_csv(frame)), keep_default_na=False)
    assert back["event_id"].tolist() == frame["event_id"].tolist()
    assert back["start"].tolist() == frame["start"].tolist()
    assert back["title"].tolist() == frame["title"].tolist()
    assert back["sector_ids"].tolist() == ["; ".join(v) for v in frame["sector_ids"]]
    located = frame["lat"].notna()
    assert pd.to_numeric(back.loc[located.to_numpy(), "lat"]).tolist() == pytest.approx(
        frame.loc[located, "lat"].astype(float).tolist()
    )
    assert (back.loc[~located.to_numpy(), "lat"] == "").all()
    assert "entre le 25 et le 27 juin 2025" in set(back["date_text"])


def test_csv_defuses_spreadsheet_formulas(pkg: Package) -> None:
    """A free-text cell starting like a formula is prefixed with an apostrophe; ids and
    numbers are left alone."""
    frame = frame_for(pkg).head(1).copy()
    frame["title"] = ['=HYPERLINK("http://evil","x")']
    back = pd.read_csv(io.BytesIO(export.to_csv(frame)))
    assert back.loc[0, "title"] == '\'=HYPERLINK("http://evil","x")'
    assert back.loc[0, "event_id"] == frame.iloc[0]["event_id"]


def test_json_loads_with_metadata_and_filters(pkg: Package) -> None:
    """The JSON is standard (no NaN), carries the dataset's title and version, the view's
    filters, and exactly the filtered events with lists as lists."""
    frame = frame_for(pkg, "fr", places=("kazan",))
    query = {"place": ["kazan"], "lang": ["fr"]}
    doc = strict_json(export.to_json(frame, pkg, "fr", query))
    assert isinstance(doc, dict)
    assert doc["dataset"]["version"] == pkg.meta["version"]
    assert doc["dataset"]["title"] == pkg.meta["title_fr"]
    assert doc["view"] == {"lang": "fr", "filters": query, "n_events": len(frame)}
    assert [e["event_id"] for e in doc["events"]] == frame["event_id"].tolist()
    assert all(isinstance(e["sector_ids"], list) for e in doc["events"])
    assert all(e["place_id"] != "moscow" for e in doc["events"])


def test_geojson_is_valid_and_lon_lat(pkg: Package) -> None:
    """A FeatureCollection of Features: events as Points [lon, lat] at their place, events at
    a region with null geometry, then one feature per place of those events."""
    frame = frame_for(pkg)
    doc = strict_json(export.to_geojson(frame, pkg, "en"))
    assert isinstance(doc, dict)
    assert doc["type"] == "FeatureCollection"
    feats = doc["features"]
    assert all(f["type"] == "Feature" and isinstance(f["properties"], dict) for f in feats)
    for f in feats:
        g = f["geometry"]
        assert g is None or (g["type"] == "Point" and len(g["coordinates"]) == 2)
        if g is not None:
            lon, lat = g["coordinates"]
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
    by_id = {f["id"]: f for f in feats}
    moscow = by_id["event:arrival_moscow"]["geometry"]["coordinates"]
    assert moscow == pytest.approx([37.6173, 55.75583])  # Moscow: lon 37.6, lat 55.8
    bamako = by_id["place:yadran_refinery"]["geometry"]["coordinates"]
    assert bamako[0] < 0 < bamako[1]  # west of Greenwich, north of the equator
    assert by_id["event:visit_kamaz"]["geometry"] is None  # at the Tatarstan region
    assert by_id["place:tatarstan"]["geometry"] is None
    events = [f for f in feats if f["properties"]["feature_type"] == "event"]
    places = [f for f in feats if f["properties"]["feature_type"] == "place"]
    assert len(events) == len(frame)
    assert {f["properties"]["place_id"] for f in places} == set(frame["place_id"].dropna())
    assert sum(f["properties"]["n_events"] for f in places) == frame["place_id"].notna().sum()


def test_geojson_follows_filters(pkg: Package) -> None:
    """Filtered to Moscow, the GeoJSON holds only Moscow's events and places."""
    frame = frame_for(pkg, places=("moscow",))
    doc = strict_json(export.to_geojson(frame, pkg, "fr"))
    assert isinstance(doc, dict)
    ids = {f["id"] for f in doc["features"]}
    assert "event:arrival_moscow" in ids
    assert "event:arrival_kazan" not in ids
    assert {i for i in ids if i.startswith("place:")} <= {
        "place:moscow",
        "place:moscow_kremlin",
        "place:tomb_unknown_soldier",
    }


def test_zip_is_the_whole_package(pkg: Package, tmp_path: Path) -> None:
    """The ZIP holds the descriptor, every table, the seed documents beside data/ and a
    README; unpacked, it loads and validates as the same package."""
    data = export.package_zip(pkg)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert "data/datapackage.json" in names
        assert {f"data/{p.name}" for p in (ROOT / "data").glob("*.csv")} <= names
        assert {f"seeds/{p.name}" for p in (ROOT / "seeds").glob("*.txt")} <= names
        assert "README.txt" in names
        readme = z.read("README.txt").decode()
        assert "Creative Commons Attribution 4.0" in readme
        assert "https://creativecommons.org/licenses/by/4.0/" in readme
        assert z.read("data/events.csv") == (ROOT / "data" / "events.csv").read_bytes()
        z.extractall(tmp_path)
    again = load_package(tmp_path / "data")
    assert len(again["events"]) == len(pkg["events"])
    assert again.seed_texts == pkg.seed_texts


@pytest.mark.parametrize(
    ("lang", "bits"),
    [
        (
            "en",
            [
                "Assimi Goïta's visit",
                "Version 1.0.0",
                "23 November 2026",
                "(accessed 2 December 2026)",
            ],
        ),
        (
            "fr",
            [
                "La visite d'Assimi Goïta",
                "Version 1.0.0",
                "23 novembre 2026",
                "consulté le 2 décembre 2026",
            ],
        ),
    ],
)
def test_citation(pkg: Package, lang: str, bits: list[str]) -> None:
    """The citation names the dataset, its version and date, the view's link and the access
    date, in the chosen language."""
    text = export.citation(pkg, lang, "http://host/data?sector=gold", date(2026, 12, 2))
    for bit in [*bits, "http://host/data?sector=gold", "Dashboard team"]:
        assert bit in text


# --- the command line ---------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "export", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_cli_csv_to_stdout_matches_the_app_filters(pkg: Package) -> None:
    """`export --format csv --sector … --from … --to …` prints the same events as
    filters.apply on the same state."""
    done = run_cli(
        "--format",
        "csv",
        "--sector",
        "industry",
        "education",
        "--from",
        "2025-06-24",
        "--to",
        "2025-06-26",
    )
    assert done.returncode == 0, done.stderr
    state = filters.FilterState(
        sectors=("industry", "education"), date_from=date(2025, 6, 24), date_to=date(2025, 6, 26)
    )
    expected = filters.apply(state, pkg).event_ids
    back = pd.read_csv(io.BytesIO(done.stdout))
    assert set(back["event_id"]) == expected
    assert len(back) == len(expected) > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--sector", "nope"], "unknown sector id 'nope'"),
        (["--format", "csv", "--place", "<script>"], "unknown place id"),
        (["--format", "csv", "--from", "2025-13-01"], "is not a date YYYY-MM-DD"),
        (["--format", "csv", "--from", "26/06/2025"], "is not a date YYYY-MM-DD"),
        (["--format", "json", "--from", "2025-06-26", "--to", "2025-06-22"], "ends before"),
        (["--format", "json", "--from", "2024-01-01", "--to", "2024-01-02"], "outside"),
        (["--format", "xml"], "invalid choice"),
        (["--format", "csv", "--lang", "de"], "invalid choice"),
    ],
)
def test_cli_bad_arguments_exit_2_without_traceback(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad arguments exit with status 2 and one clear message, never a traceback."""
    try:
        code = main(["export", *args])
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_cli_bad_argument_in_a_real_process() -> None:
    """In a real process too: exit 2, the message on stderr, nothing on stdout."""
    done = run_cli("--format", "csv", "--sector", "nope")
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"unknown sector id" in done.stderr
    assert b"Traceback" not in done.stderr


def test_cli_writes_geojson_file(pkg: Package, tmp_path: Path) -> None:
    """-o writes the file (nothing on stdout); French texts with --lang fr."""
    out = tmp_path / "kazan.geojson"
    code = main(
        ["export", "--format", "geojson", "--place", "kazan", "--lang", "fr", "-o", str(out)]
    )
    assert code == 0
    doc = strict_json(out.read_bytes())
    assert isinstance(doc, dict)
    assert doc["type"] == "FeatureCollection"
    kept = filters.apply(filters.FilterState(places=("kazan",)), pkg).event_ids
    events = {
        f["properties"]["event_id"]
        for f in doc["features"]
        if f["properties"]["feature_type"] == "event"
    }
    assert events == kept
    titles = {
        f["properties"]["title"]
        for f in doc["features"]
        if f["properties"]["feature_type"] == "event"
    }
    assert "Accueil à Kazan par Roustam Minnikhanov" in titles


def test_cli_unwritable_output_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be written is reported (exit 1), not raised."""
    code = main(["export", "--format", "csv", "-o", str(tmp_path / "missing" / "x.csv")])
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


def test_cli_invalid_package_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid package is reported with its problems (exit 1)."""
    code = main(["export", "--format", "csv", "--data-dir", str(tmp_path)])
    assert code == 1
    assert "invalid" in capsys.readouterr().err
