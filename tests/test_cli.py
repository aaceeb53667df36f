"""The command line: exit codes and messages, without Prefect."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from flows import cli


def test_validate_shipped_data_is_valid(capsys) -> None:
    assert cli.main(["validate", "--raw", str(REPO / "raw")]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_missing_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert cli.main(["validate", "--raw", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys) -> None:
    assert cli.main(["publish-everything"]) == 2


def test_validate_as_a_whole_process_writes_nothing(base_raw: Path, tmp_path: Path) -> None:
    (base_raw / "events.csv").write_text("event_id\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    done = subprocess.run(
        [str(Path(sys.executable).with_name("partnerships")), "validate", "--raw", str(base_raw)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 1
    assert "events.csv" in done.stderr and "missing_column" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_run_with_a_broken_metadata_file_stops_before_building(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    broken = tmp_path / "metadata.toml"
    broken.write_text('[license]\nid = "gpl"\n', encoding="utf-8")
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(broken))
    output = tmp_path / "output"
    assert cli.main(["run", "--raw", str(REPO / "raw"), "--output", str(output)]) == 2
    assert "metadata.toml" in capsys.readouterr().err
    assert not output.exists()


def test_a_command_validates_without_importing_hypothesis(base_raw: Path) -> None:
    """pandera would import hypothesis (0.1-0.3 s) for data synthesis no command uses;
    its checks still run: a month 13 is refused."""
    path = base_raw / "events.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows[0]["month"] = "13"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    script = (
        "import sys; from flows.cli import command_line;"
        " code = command_line(['validate', '--raw', sys.argv[1]]);"
        " print(code, sys.modules.get('hypothesis', 'absent'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script, str(base_raw)], cwd=REPO, capture_output=True, text=True
    )
    assert shown.stdout.split()[-2:] == ["1", "None"], shown.stderr
    assert "line 2, column month, value '13'" in shown.stderr, shown.stderr
