"""`python -m dashboard validate|schema`: exit codes and what they print."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.core.load import ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_validate_embedded_package_exits_0() -> None:
    """With no folder, the embedded package is checked and found valid."""
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    result = run("validate", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: {ROOT / 'data'} is valid")
    assert "22 events" in result.stdout


def test_validate_follows_dashboard_data() -> None:
    """$DASHBOARD_DATA points the command at the tiny package."""
    result = run("validate", env={**os.environ, ENV_VAR: str(TINY)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK: {TINY} is valid" in result.stdout
    assert "3 events" in result.stdout


def test_validate_a_missing_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that does not exist is one problem, not a traceback."""
    assert main(["validate", str(tmp_path / "nowhere")]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s)" in out
    assert "data folder not found" in out


@pytest.mark.parametrize("folder", [ROOT / "data", TINY], ids=["embedded", "tiny"])
def test_schema_check_passes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both descriptors are in step with dashboard/model.py."""
    assert main(["schema", "--check", str(folder)]) == 0
    assert "matches dashboard/model.py" in capsys.readouterr().out


def test_schema_check_fails_when_out_of_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A descriptor whose schema differs from model.py fails the check; `schema` fixes it."""
    shutil.copytree(TINY, tmp_path / "tiny")
    path = tmp_path / "tiny" / "datapackage.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["resources"][0]["schema"]["fields"][0]["type"] = "integer"
    path.write_text(json.dumps(meta), encoding="utf-8")
    assert main(["schema", "--check", str(tmp_path / "tiny")]) == 1
    assert "out of step" in capsys.readouterr().out
    assert main(["schema", str(tmp_path / "tiny")]) == 0
    assert main(["schema", "--check", str(tmp_path / "tiny")]) == 0


def test_schema_on_broken_json_exits_1_without_traceback(tmp_path: Path) -> None:
    """An unreadable descriptor is reported in one line."""
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = run("schema", "--check", tmp_path)
    assert result.returncode == 1
    assert "cannot be read as JSON" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_data_readme_documents_every_table_and_column() -> None:
    """data/README.md carries each table's generated column table, so every column is there."""
    from dashboard.cli import columns_markdown
    from dashboard.core import model

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for table in model.TABLES:
        assert f"### `{table.name}`" in readme, table.name
        assert columns_markdown(table) in readme, (
            f"the columns of {table.name} changed: run python -m dashboard schema --markdown "
            "and paste its output at the end of data/README.md"
        )
        for column in table.columns:
            assert f"| `{column}` |" in readme, (table.name, column)


def test_schema_markdown_prints_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    """`schema --markdown` prints one section per table."""
    from dashboard.core import model

    assert main(["schema", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert [line[5:-1] for line in out.splitlines() if line.startswith("### ")] == [
        t.name for t in model.TABLES
    ]


def test_an_unexpected_error_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even a bug in the checker is reported as one line with exit 1."""
    import dashboard.cli as cli

    def broken(path: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(cli, "load_package", broken)
    assert main(["validate", str(TINY)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"could not check {TINY}: KeyError")
    assert "Traceback" not in out


def test_data_readme_row_counts_match_the_data() -> None:
    """The 'What is in it' table of data/README.md gives each table's real row count."""
    import re

    from dashboard.core.load import load_package

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^\| `(\w+)\.csv` \| (\d+) \|", readme, re.M)}
    pkg = load_package(ROOT / "data")
    assert counts == {name: len(frame) for name, frame in pkg.tables.items()}
