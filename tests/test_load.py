"""Loading the embedded package: typed frames, metadata, seeds and where the package lives."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core import model
from dashboard.core.load import DEFAULT_DATA_DIR, ENV_VAR, load_package, resolve_data_dir
from dashboard.core.package import DataError, Package, Problem

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_SEEDS = Path("/work/shared/seeds")


@pytest.fixture(scope="module")
def pkg() -> Package:
    return load_package(DEFAULT_DATA_DIR)


def test_every_table_is_loaded_with_its_model_columns(pkg: Package) -> None:
    """Each of the 13 tables of model.py is a frame with exactly the declared columns."""
    assert set(pkg.tables) == set(model.TABLES_BY_NAME)
    for table in model.TABLES:
        assert list(pkg[table.name].columns) == table.columns, table.name
        assert len(pkg[table.name]) > 0, table.name


def test_columns_carry_their_declared_types(pkg: Package) -> None:
    """Dates are datetime64, booleans bool, numbers float, integers int, text strings."""
    events, places = pkg["events"], pkg["places"]
    assert pd.api.types.is_datetime64_dtype(events["start"])
    assert pd.api.types.is_datetime64_dtype(events["end"])
    assert events["key_fact"].dtype == bool
    assert pd.api.types.is_float_dtype(places["lat"])
    assert pd.api.types.is_float_dtype(places["lon"])
    assert pd.api.types.is_integer_dtype(pkg["sectors"]["sort_order"])
    assert pd.api.types.is_string_dtype(events["title_fr"])
    # An empty optional cell is missing, not an empty string.
    tatarstan = places.set_index("place_id").loc["tatarstan"]
    assert pd.isna(tatarstan["lat"])
    assert pd.isna(tatarstan["lon"])


def test_values_are_parsed_not_guessed(pkg: Package) -> None:
    """The Moscow arrival is a day on 22 June 2025; the refinery ceremony is a key fact."""
    ev = pkg["events"].set_index("event_id")
    assert ev.at["arrival_moscow", "start"] == pd.Timestamp("2025-06-22")
    assert ev.at["arrival_moscow", "date_precision"] == "day"
    assert bool(ev.at["refinery_foundation", "key_fact"]) is True
    kazan = pkg["places"].set_index("place_id").loc["kazan"]
    assert kazan["lat"] == pytest.approx(55.79639)


def test_metadata_gives_titles_in_both_languages(pkg: Package) -> None:
    """Titles and description come from datapackage.json, French with English fallback."""
    assert pkg.title == pkg.meta["title"]
    assert "Kazan" in pkg.text("title", "en")
    assert pkg.text("title", "fr") == pkg.meta["title_fr"]
    assert pkg.text("description", "fr") == pkg.meta["description_fr"]
    assert pkg.text("title", "de") == pkg.meta["title"]


def test_seed_texts_are_loaded_for_every_seed_source(pkg: Package) -> None:
    """Each seed source's full text is available, read from its seed file."""
    seeds = pkg["sources"][pkg["sources"]["kind"] == "seed"]
    assert set(pkg.seed_texts) == set(seeds["source_id"]) == {"seed_000", "seed_002", "seed_003"}
    assert "le 24 juin à Kazan" in pkg.seed_texts["seed_000"]


def _metadata_rows() -> list[dict[str, str]]:
    with (SEEDS / "metadata.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_seed_metadata_agrees_with_sources_table(pkg: Package) -> None:
    """seeds/metadata.csv and the seed rows of data/sources.csv say the same thing."""
    meta = {r["file"]: r for r in _metadata_rows()}
    seeds = pkg["sources"][pkg["sources"]["kind"] == "seed"]
    assert len(seeds) == len(meta) == 3
    for rec in seeds.to_dict("records"):
        name = Path(str(rec["seed_file"])).name
        assert name in meta, name
        row = meta[name]
        for col in ("outlet", "author", "language", "published", "title"):
            value = "" if pd.isna(rec[col]) else str(rec[col])
            assert value == row[col], (name, col)
        assert (DEFAULT_DATA_DIR / str(rec["seed_file"])).resolve() == (SEEDS / name).resolve()


def test_seed_metadata_states_what_the_documents_say() -> None:
    """Seed 000 is Malikunafoni by Oura Kanté; 002 is dated 2025-06; 003 is Sahel Tribune."""
    meta = {r["file"][:3]: r for r in _metadata_rows()}
    assert (meta["000"]["outlet"], meta["000"]["author"]) == ("Malikunafoni", "Oura Kanté")
    assert meta["000"]["published"] == "unknown"
    assert meta["000"]["title"].startswith("Assimi Goïta au Tatarstan")
    assert (meta["002"]["outlet"], meta["002"]["published"], meta["002"]["title"]) == (
        "",
        "2025-06",
        "",
    )
    assert (meta["003"]["outlet"], meta["003"]["author"]) == ("Sahel Tribune", "A.D")
    assert {r["language"] for r in meta.values()} == {"fr"}


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared seeds folder is not here")
def test_seed_files_are_unchanged_copies_of_the_shared_seeds() -> None:
    """Every shared seed is in seeds/, byte for byte, and seeds/ holds no other text."""
    shared = sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    ours = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert ours == shared
    for name in shared:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


def test_data_dir_comes_from_argument_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An explicit path wins over $DASHBOARD_DATA, which wins over the embedded data/."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_data_dir() == DEFAULT_DATA_DIR
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert resolve_data_dir(DEFAULT_DATA_DIR) == DEFAULT_DATA_DIR
    # Pointing at the descriptor itself means its folder.
    assert resolve_data_dir(tmp_path / "datapackage.json") == tmp_path


def test_missing_folder_is_one_problem_not_a_traceback(tmp_path: Path) -> None:
    """A folder that does not exist gives a DataError naming it."""
    with pytest.raises(DataError) as info:
        load_package(tmp_path / "nowhere")
    assert [p.message for p in info.value.problems] == ["data folder not found"]


def test_problem_reads_as_file_row_column_message() -> None:
    """A problem prints where it is, then what is wrong; unknown parts are left out."""
    assert str(Problem("events.csv", 4, "end", "ends before it starts")) == (
        "events.csv, row 4, column end: ends before it starts"
    )
    assert str(Problem("people.csv", None, None, "file not found")) == (
        "people.csv: file not found"
    )


def test_data_error_lists_problems_sorted_and_once() -> None:
    """Duplicate problems are reported once, in file/row order."""
    a = Problem("b.csv", 3, "x", "bad")
    b = Problem("a.csv", None, None, "file not found")
    err = DataError([a, b, a])
    assert err.problems == [b, a]
    assert str(err).splitlines() == [str(b), str(a)]


# --- a second package, through $DASHBOARD_DATA ---------------------------------------------

TINY = ROOT / "tests" / "fixtures" / "tiny"


def test_dashboard_data_points_load_package_at_another_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With $DASHBOARD_DATA set, load_package() loads that package, titles and all."""
    monkeypatch.setenv(ENV_VAR, str(TINY))
    pkg = load_package()
    assert pkg.path == TINY
    assert list(pkg["events"]["event_id"]) == ["arrive_north", "talks_pumps", "arrive_south"]
    assert pkg.text("title", "fr") == "Petit jeu d'essai : une tournée fictive en deux villes"
    assert pkg.seed_texts["tiny_seed"].startswith("Fictional test document")
    # An empty table (no conflicts, so no resolutions) loads with its columns and types.
    assert pkg["resolutions"].empty
    assert list(pkg["resolutions"].columns) == model.RESOLUTIONS.columns


def test_tiny_package_views_follow_its_own_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its itinerary runs home -> north -> south, 10 degrees of latitude (1,112 km) each."""
    from dashboard.core import derived as views

    monkeypatch.setenv(ENV_VAR, str(TINY))
    pkg = load_package()
    it = views.itinerary(pkg)
    assert list(it["to_place_id"]) == ["north_city", "south_city"]
    assert list(it["distance_km"]) == [pytest.approx(1111.95, abs=0.1)] * 2
    assert views.conflicts(pkg).empty


def test_a_big_table_is_read_fast_in_one_piece_with_the_same_values(tmp_path: Path) -> None:
    """A file above the small-file size is parsed by Arrow in blocks; each text column comes
    out in one piece (a few rows taken from a column of many blocks cost a pass over all of
    them), with the values the row-by-row parser gives, empty cells missing."""
    import pyarrow as pa

    from dashboard.core import load

    rows = [["id", "text", "other"]]
    rows += [[f"r{i:06d}", f"texte « {i} », é" * 12, "" if i % 7 else "x"] for i in range(12_000)]
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    raw = path.read_bytes()
    assert len(raw) > load.SMALL_FILE_BYTES
    fast = load._parse_fast(raw)
    assert fast is not None
    for column in fast.columns:
        arrow = fast[column].array.__arrow_array__()
        assert isinstance(arrow, pa.ChunkedArray)
        assert arrow.num_chunks == 1, column
    exact = load._parse_exact(raw.decode("utf-8"), rows[0], "big.csv", [])
    assert exact is not None
    assert fast.astype(object).where(fast.notna(), None).values.tolist() == (
        exact.astype(object).where(exact.notna(), None).values.tolist()
    )
    assert fast["other"].isna().sum() == sum(1 for i in range(12_000) if i % 7)
