"""Spreadsheet traps: each is decided (docs/workbook.md), none crashes or changes raw/
silently.

Each case takes the exported workbook of the base fixture, does to it what a
spreadsheet or a curator does, and names what the import must say: the exit code and
every problem as (severity, rule, sheet!cell). Where the import accepts the trap, the
values it takes are raw/'s own, so raw/ stays byte-identical in every case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import tree_digest
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Protection

from flows.workbook.commands import export_command, import_command
from flows.workbook.layout import MAX_CELL_CHARS


def number_typed_as_number(wb) -> None:
    wb["Ereignisse"]["D2"] = 1974.0  # year, saved by the spreadsheet as 1974.0
    wb["Partnerschaften"]["I2"] = 53.8003  # latitude as a number


def date_cell_in_a_date_column(wb) -> None:
    wb["Partnerschaften"]["H3"] = dt.datetime(1977, 7, 4)  # established_on


def date_cell_elsewhere(wb) -> None:
    wb["Ereignisse"]["G2"] = dt.datetime(2026, 1, 10)  # "1.10" typed into date_note_de


def date_serial(wb) -> None:
    wb["Partnerschaften"]["H3"] = 28310  # 1977-07-04 as Excel counts days


def formula(wb) -> None:
    wb["Ereignisse"]["F3"] = "=2+2"


def merged_cells(wb) -> None:
    wb["Ereignisse"].merge_cells("J2:J3")


def hidden_row_and_column(wb) -> None:
    wb["Ereignisse"].row_dimensions[3].hidden = True
    wb["Ereignisse"].column_dimensions["I"].hidden = True


def hidden_sheet(wb) -> None:
    wb["Hilfslieferungen"].sheet_state = "hidden"


def extra_sheet(wb) -> None:
    wb.create_sheet("Notizen")["A1"] = "meine Notizen"


def empty_rows_and_columns(wb) -> None:
    sheet = wb["Ereignisse"]
    sheet.insert_rows(4)  # an empty row between rows
    for row in range(sheet.max_row + 1, sheet.max_row + 20):
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True)  # formatted, empty
        sheet.cell(row, 20).value = ""
    sheet.cell(2, 30).protection = Protection(locked=False)


def renamed_sheet(wb) -> None:
    wb["Ereignisse"].title = "Events 2026"


def missing_sheet(wb) -> None:
    del wb["Hilfslieferungen"]


def apostrophe_prefix(wb) -> None:
    wb["Ereignisse"]["D2"].quotePrefix = True  # '1974 as Excel keeps it: a style


def apostrophe_typed(wb) -> None:
    wb["Ereignisse"]["D2"] = "'1974"  # as LibreOffice keeps it in a text cell


def cell_too_long(wb) -> None:
    wb["Ereignisse"]["I2"] = "x" * (MAX_CELL_CHARS + 1)


def value_without_header(wb) -> None:
    wb["Ereignisse"]["N3"] = "vergessen"


TRAPS: list[tuple[Callable, int, set[tuple[str, str, str | None]]]] = [
    (
        number_typed_as_number,
        0,
        {
            ("warning", "number_cell_taken", "Ereignisse!D2"),
            ("warning", "number_cell_taken", "Partnerschaften!I2"),
        },
    ),
    (date_cell_in_a_date_column, 0, {("warning", "date_cell_taken", "Partnerschaften!H3")}),
    (date_cell_elsewhere, 1, {("error", "date_cell", "Ereignisse!G2")}),
    (
        date_serial,
        1,
        {
            ("warning", "number_cell_taken", "Partnerschaften!H3"),
            ("error", "not_date", "Partnerschaften!H3"),
        },
    ),
    (formula, 1, {("error", "formula_cell", "Ereignisse!F3")}),
    (merged_cells, 1, {("error", "merged_cells", "Ereignisse!J2")}),
    (hidden_row_and_column, 0, {("warning", "hidden_cells", None)}),
    (hidden_sheet, 0, {("warning", "hidden_cells", None)}),
    (extra_sheet, 0, {("warning", "extra_sheet", None)}),
    (empty_rows_and_columns, 0, set()),
    (renamed_sheet, 0, {("warning", "sheet_renamed", None)}),
    (missing_sheet, 1, {("error", "sheet_missing", None)}),
    (apostrophe_prefix, 0, set()),
    (apostrophe_typed, 1, {("error", "not_integer", "Ereignisse!D2")}),
    (cell_too_long, 1, {("error", "cell_too_long", "Ereignisse!I2")}),
    (value_without_header, 1, {("error", "cell_without_header", "Ereignisse!N3")}),
]


@pytest.mark.parametrize(
    ("trap", "exit_code", "problems"), [pytest.param(*t, id=t[0].__name__) for t in TRAPS]
)
def test_trap_is_decided_and_raw_stays_as_it_was(
    trap, exit_code: int, problems: set, base_raw: Path, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    trap(workbook)
    workbook.save(path)
    before = tree_digest(base_raw)

    assert import_command(path, base_raw, html=tmp_path / "report.html") == exit_code

    assert tree_digest(base_raw) == before

    found = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["problems"]
    got = {
        (p["severity"], p["rule"], f"{p['sheet']}!{p['cell']}" if p.get("cell") else None)
        for p in found
    }
    assert got == problems
    if exit_code:
        assert (tmp_path / "daten.fehler.xlsx").exists()
    else:
        assert ": unchanged" in capsys.readouterr().out


def test_a_value_too_long_for_a_cell_stops_the_export(
    base_raw: Path, tmp_path: Path, capsys
) -> None:
    events = base_raw / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("Dortmund,https", "Dortmund" + "x" * MAX_CELL_CHARS + ",https", 1)
    events.write_text("".join(lines), encoding="utf-8")

    assert export_command(tmp_path / "daten.xlsx", base_raw) == 2

    assert not (tmp_path / "daten.xlsx").exists()
    error = capsys.readouterr().err
    assert "cell_too_long" in error and "line 3" in error and "column location" in error
