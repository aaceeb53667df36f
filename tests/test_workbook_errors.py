"""Every invalid fixture as a workbook: the CSV path's problems, named by sheet and cell.

The fixture's files are written cell by cell into a workbook (a broken header stays
broken), imported, and compared with what the nightly run reports for the CSVs. The
annotated copy, read back with openpyxl, marks exactly the cells with errors.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import tree_digest
from fixture_cases import assemble, cases, expected
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from flows.workbook.annotate import annotated_path, is_marked
from flows.workbook.commands import import_command
from flows.workbook.export import workbook_of
from flows.workbook.layout import PROBLEMS_SHEET, curated_sheets

#: fixtures about the bytes of a CSV file, which a workbook cannot hold
CSV_ONLY = {
    "binary-file": "NUL bytes cannot be typed into a cell",
    "nul-bytes": "NUL bytes cannot be typed into a cell",
    "windows-1252-encoded": "a workbook has no text encoding to get wrong",
    "unbalanced-quote": "a workbook has no quotation marks around cells",
    "row-with-missing-field": "a sheet row has no number of fields; its empty cells are empty",
}
#: the workbook's own name for a problem of the CSV path
WORKBOOK_RULE = {"file_missing": "sheet_missing"}
SHEETS = {layout.dataset.raw_file: layout.name for layout in curated_sheets()}
INVALID = [
    pytest.param(
        case,
        id=case.name,
        marks=pytest.mark.skip(reason=CSV_ONLY[case.name]) if case.name in CSV_ONLY else (),
    )
    for case in cases("invalid")
]


def records(path: Path) -> tuple[list[str], list[list[str]], dict[int, int]]:
    """Header, rows and the sheet row of each CSV line a record starts on."""
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows, sheet_row, start = [], {}, reader.line_num + 1
    for record in reader:
        if record:
            rows.append(record)
            sheet_row[start] = len(rows) + 1
        start = reader.line_num + 1
    return header, rows, sheet_row


def workbook_of_fixture(raw: Path, into: Path) -> tuple[Path, dict]:
    sheets, layouts = {}, {}
    for layout in curated_sheets():
        path = raw / layout.dataset.raw_file
        if path.exists():
            header, rows, sheet_row = records(path)
            sheets[layout.dataset.name] = (header, [[v or None for v in r] for r in rows])
            layouts[layout.dataset.raw_file] = (layout.name, header, sheet_row)
    workbook = workbook_of(sheets)
    workbook.save(into)
    return into, layouts


@pytest.mark.parametrize("case", INVALID)
def test_invalid_fixture_as_workbook_names_sheet_and_cell(case: Path, tmp_path: Path) -> None:
    raw = assemble(case, tmp_path / "raw")
    workbook, layouts = workbook_of_fixture(raw, tmp_path / "daten.xlsx")
    report_html = tmp_path / "report.html"
    before = tree_digest(raw)

    assert import_command(workbook, raw, html=report_html) == 1
    assert tree_digest(raw) == before

    found = json.loads(report_html.with_suffix(".json").read_text(encoding="utf-8"))["problems"]
    errors = [p for p in found if p["severity"] == "error"]
    _, csv_problems = expected(case)
    wanted = []
    for line in csv_problems:
        file, line_number, column, rule = line.removeprefix("warning ").split(":")
        rule = WORKBOOK_RULE.get(rule, rule)
        _, header, sheet_row = layouts.get(file, (None, [], {}))
        cell = None
        if line_number == "1" and column in header:
            cell = f"{get_column_letter(header.index(column) + 1)}1"
        elif line_number and line_number != "1" and column:
            cell = f"{get_column_letter(header.index(column) + 1)}{sheet_row[int(line_number)]}"
        wanted.append((file, SHEETS[file], column or None, rule, cell))
    got = [(p["file"], p.get("sheet"), p["column"], p["rule"], p.get("cell")) for p in errors]
    assert sorted(got, key=str) == sorted(wanted, key=str)

    marked = annotated_marks(annotated_path(workbook))
    assert marked == {(p["sheet"], p["cell"]) for p in errors if p.get("cell")}


def annotated_marks(path: Path) -> set[tuple[str, str]]:
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == PROBLEMS_SHEET
    return {
        (sheet.title, cell.coordinate)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if is_marked(cell) and cell.comment is not None
    }


def test_an_annotated_copy_imported_again_shows_only_what_is_still_wrong(
    base_raw: Path, tmp_path: Path
) -> None:
    from flows.workbook.commands import export_command

    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    workbook["Ereignisse"]["C3"] = "Ratsbeschlus"  # neither label nor code
    workbook["Ereignisse"]["F4"] = "31"
    workbook.save(path)
    assert import_command(path, base_raw) == 1
    copy = annotated_path(path)
    assert annotated_marks(copy) == {("Ereignisse", "C3"), ("Ereignisse", "F4")}

    fixed = load_workbook(copy)
    fixed["Ereignisse"]["C3"] = "Ratsbeschluss"  # the curator fixes one cell in the copy
    fixed.save(copy)
    before = copy.read_bytes()
    assert import_command(copy, base_raw) == 1
    # the file imported is never written over: its own copy gets the next number
    again = annotated_path(copy)
    assert again == tmp_path / "daten-2.fehler.xlsx"
    assert copy.read_bytes() == before
    assert annotated_marks(again) == {("Ereignisse", "F4")}
    assert load_workbook(again).sheetnames.count(PROBLEMS_SHEET) == 1
