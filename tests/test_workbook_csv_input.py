"""A CSV as a spreadsheet saves it: encoding and delimiter found and named, the dataset
recognised by its header, problems with the file's lines and the spreadsheet's rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import tree_digest
from fixture_cases import BASE, assemble, cases

from flows.check.validation import validate_raw
from flows.workbook.commands import import_command

EVENTS = (BASE / "events.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encoding", "delimiter", "named"),
    [
        ("cp1252", ";", "windows-1252"),  # German Excel's "CSV (Trennzeichen-getrennt)"
        ("utf-8-sig", ";", "UTF-8 (BOM)"),  # Excel's "CSV UTF-8"
        ("utf-8", ",", "UTF-8"),
    ],
)
def test_csv_saved_by_a_spreadsheet_is_read_and_named(
    encoding: str, delimiter: str, named: str, base_raw: Path, tmp_path: Path, capsys
) -> None:
    rows = list(csv.reader(io.StringIO(EVENTS.replace("Frühsommer", "Spätsommer"))))
    saved = io.StringIO()
    csv.writer(saved, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "Ereignisse.csv"
    path.write_bytes(saved.getvalue().encode(encoding))
    assert import_command(path, base_raw) == 0
    out, err = capsys.readouterr()
    assert named.lower() in err.lower() and repr(delimiter) in err
    assert "events.csv: 0 added, 0 removed, 1 changed" in out
    assert "Spätsommer" in (base_raw / "events.csv").read_text(encoding="utf-8")


def test_invalid_csv_leaves_raw_untouched_and_names_line_and_row(base_raw, tmp_path) -> None:
    case = next(c for c in cases("invalid") if c.name == "error-after-multiline-field")
    path = tmp_path / "Ereignisse.csv"
    path.write_bytes((case / "events.csv").read_bytes())
    before = tree_digest(base_raw)
    assert import_command(path, base_raw, html=tmp_path / "report.html") == 1
    assert tree_digest(base_raw) == before
    problems = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["problems"]
    errors = [p for p in problems if p["severity"] == "error"]
    assert {(p["file"], p["line"], p["row"], p["column"]) for p in errors} == {
        ("Ereignisse.csv", 6, 3, "day")
    }


def test_validate_adds_the_spreadsheet_row_only_where_it_differs(tmp_path) -> None:
    multiline = next(c for c in cases("invalid") if c.name == "error-after-multiline-field")
    blank = next(c for c in cases("invalid") if c.name == "error-after-blank-lines")
    (found,) = validate_raw(assemble(multiline, tmp_path / "m")).report.errors[:1]
    assert (found.line, found.row) == (6, 3)
    for p in validate_raw(assemble(blank, tmp_path / "b")).report.errors:
        assert p.row is None  # a blank line is a row in a spreadsheet too
