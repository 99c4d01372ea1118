"""A corpus of broken data packages run through the whole app (AppTest, DASHBOARD_DATA):
every one gives the clear error page, never an exception.

The error page is ``ui.show_data_error``: the title "… could not be loaded", a sentence with
the number of problems, and a table of problems naming the file at fault.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, ROOT

Corrupt = Callable[[Path], None]


def _edit_csv(name: str, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Corrupt:
    def corrupt(data: Path) -> None:
        path = data / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        edit(frame).to_csv(path, index=False)

    return corrupt


def _set(name: str, column: str, value: str, row: int = 0) -> Corrupt:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.index[row], column] = value
        return frame

    return _edit_csv(name, edit)


def _write_bytes(name: str, content: bytes) -> Corrupt:
    def corrupt(data: Path) -> None:
        (data / name).write_bytes(content)

    return corrupt


def _truncate(name: str) -> Corrupt:
    def corrupt(data: Path) -> None:
        raw = (data / name).read_bytes()
        # Cut in the middle of a row, inside a quoted field if there is one.
        cut = raw.index(b'"', len(raw) // 2) + 3 if b'"' in raw[len(raw) // 2 :] else len(raw) // 2
        (data / name).write_bytes(raw[:cut])

    return corrupt


def _latin1(name: str) -> Corrupt:
    def corrupt(data: Path) -> None:
        text = (data / name).read_text(encoding="utf-8")
        (data / name).write_bytes(text.encode("latin-1", errors="replace"))

    return corrupt


def _remove(name: str) -> Corrupt:
    def corrupt(data: Path) -> None:
        (data / name).unlink()

    return corrupt


def _descriptor(edit: Callable[[dict[str, object]], object]) -> Corrupt:
    def corrupt(data: Path) -> None:
        path = data / "datapackage.json"
        meta = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(edit(meta)), encoding="utf-8")

    return corrupt


def _missing_seed(data: Path) -> None:
    first = sorted((data.parent / "seeds").glob("*.txt"))[0]
    first.unlink()


def _quote_not_in_seed(frame: pd.DataFrame) -> pd.DataFrame:
    seeded = frame.index[frame["quote"].str.len() > 0][0]
    frame.loc[seeded, "quote"] = "Une phrase que le document ne contient pas."
    return frame


def _duplicate_first_row(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.iloc[:1]], ignore_index=True)


def _drop_date_bases(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(date_basis_en="", date_basis_fr="")


def _drop_column(name: str, column: str) -> Corrupt:
    return _edit_csv(name, lambda frame: frame.drop(columns=[column]))


# case -> (corruption, file the problems table must name)
CORPUS: dict[str, tuple[Corrupt, str]] = {
    "missing_table": (_remove("events.csv"), "events.csv"),
    "missing_descriptor": (_remove("datapackage.json"), "datapackage.json"),
    "missing_seed_text": (_missing_seed, "sources.csv"),  # the row naming the seed file
    "bad_encoding": (_latin1("places.csv"), "places.csv"),
    "truncated_csv": (_truncate("evidence.csv"), "evidence.csv"),
    "empty_file": (_write_bytes("sectors.csv", b""), "sectors.csv"),
    "binary_file": (_write_bytes("people.csv", bytes(range(256)) * 8), "people.csv"),
    "invalid_json": (_write_bytes("datapackage.json", b'{"name": "x", "resources": [}'), "json"),
    "json_not_an_object": (_descriptor(lambda meta: [meta]), "datapackage.json"),
    "wrong_type_number": (_set("places.csv", "lat", "north"), "places.csv"),
    "wrong_type_date": (_set("events.csv", "start", "2025-02-30"), "events.csv"),
    "wrong_type_boolean": (_set("events.csv", "key_fact", "perhaps"), "events.csv"),
    "bad_enum": (_set("events.csv", "date_precision", "week"), "events.csv"),
    "dangling_place": (_set("events.csv", "place_id", "atlantis"), "events.csv"),
    "dangling_sector": (_set("event_sectors.csv", "sector_id", "astrology"), "event_sectors.csv"),
    "dangling_source": (_set("evidence.csv", "source_id", "nobody_000"), "evidence.csv"),
    "quote_not_in_seed": (_edit_csv("evidence.csv", _quote_not_in_seed), "evidence.csv"),
    "duplicate_key": (_edit_csv("events.csv", _duplicate_first_row), "events.csv"),
    "missing_column": (_drop_column("events.csv", "title_fr"), "events.csv"),
    "html_in_values": (_set("places.csv", "lat", "<script>alert(1)</script>"), "places.csv"),
    # the audit's rules (issue 30): a status no evidence claims, an id shown to a reader,
    # a narrowed date with no basis
    "status_not_claimed": (_set("cooperation.csv", "status", "signed"), "cooperation.csv"),
    "id_in_reader_text": (_set("evidence.csv", "note_en", "Seed 000 says so."), "evidence.csv"),
    "date_without_basis": (_edit_csv("events.csv", _drop_date_bases), "events.csv"),
}

# case -> words the problem must contain (what is wrong, in plain words)
SAYS = {
    "missing_table": "not found",
    "missing_descriptor": "not found",
    "missing_seed_text": "cannot be read",
    "bad_encoding": "UTF-8",
    "truncated_csv": "fields",
    "empty_file": "empty",
    "binary_file": "UTF-8",
    "invalid_json": "invalid JSON",
    "json_not_an_object": "JSON object",
    "wrong_type_number": "not a valid number",
    "wrong_type_date": "calendar date",
    "wrong_type_boolean": "true or false",
    "bad_enum": "must be one of",
    "dangling_place": "not a known places id",
    "dangling_sector": "not a known sectors id",
    "dangling_source": "not a known sources id",
    "quote_not_in_seed": "not found verbatim",
    "duplicate_key": "duplicate",
    "missing_column": "missing",
    "html_in_values": "not a valid number",
    "status_not_claimed": "backed by no evidence",
    "id_in_reader_text": "internal identifier",
    "date_without_basis": "give the basis",
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the package (data/ and seeds/) to clone per case."""
    base = tmp_path_factory.mktemp("pristine")
    shutil.copytree(ROOT / "data", base / "data", ignore=shutil.ignore_patterns("basemap"))
    shutil.copytree(ROOT / "seeds", base / "seeds")
    return base


def run_app(data: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None = None) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DATA", str(data))
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    return at


def problems_table(at: AppTest) -> pd.DataFrame:
    assert len(at.dataframe) == 1, "one table of problems"
    frame = at.dataframe[0].value
    assert isinstance(frame, pd.DataFrame)
    return frame


def test_every_case_says_what_is_wrong() -> None:
    assert set(SAYS) == set(CORPUS)


@pytest.mark.parametrize("case", list(CORPUS))
def test_broken_package_gives_the_error_page(
    case: str, pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each corruption gives the error page: its title, a problems table naming the file at
    fault, no navigation, no exception, and no raw payload rendered."""
    shutil.copytree(pristine, tmp_path, dirs_exist_ok=True)
    corrupt, culprit = CORPUS[case]
    corrupt(tmp_path / "data")
    at = run_app(tmp_path / "data", monkeypatch)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["The data package could not be loaded"]
    table = problems_table(at)
    assert list(table.columns)[:2] == ["File", "Row"], list(table.columns)
    assert len(table) >= 1
    assert table["File"].astype(str).str.contains(culprit, regex=False).any(), table.to_string()
    assert table["Problem"].astype(str).str.len().min() > 0, "every problem says what is wrong"
    assert table["Problem"].astype(str).str.contains(SAYS[case], regex=False).any(), table
    body = " ".join(str(m.value) for m in at.markdown)
    assert "problem" in body
    assert "<script>" not in body
    assert not at.metric, "no dashboard is drawn over a broken package"


def test_error_page_in_french(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error page follows the browser's locale: French title and headers."""
    shutil.copytree(pristine, tmp_path, dirs_exist_ok=True)
    _remove("events.csv")(tmp_path / "data")
    monkeypatch.setenv("DASHBOARD_DATA", str(tmp_path / "data"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context["locale"] = "fr-FR"
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Le paquet de données n'a pas pu être chargé"]


def test_missing_folder_gives_the_error_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DASHBOARD_DATA pointing nowhere is one clear problem, not a traceback."""
    at = run_app(tmp_path / "nowhere", monkeypatch)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["The data package could not be loaded"]
    assert len(problems_table(at)) >= 1


def test_pristine_copy_loads(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus starts from a copy that works: the overview is drawn, no error page."""
    shutil.copytree(pristine, tmp_path, dirs_exist_ok=True)
    at = run_app(tmp_path / "data", monkeypatch)
    assert not at.exception, at.exception
    assert at.metric
    assert "could not be loaded" not in " ".join(t.value for t in at.title)
