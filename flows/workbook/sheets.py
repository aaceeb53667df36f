"""Read a curator's workbook back into rows of text, deciding every spreadsheet trap.

Each cell becomes the text raw/ would hold; what a spreadsheet did to it on its own is
either undone with a warning (a number cell, a date cell in a date column, a renamed
sheet, a hidden row) or refused with an error naming the cell (a formula, merged cells,
a date where text was meant, a cell longer than a spreadsheet holds). Empty rows and
columns are ignored. docs/workbook.md lists every decision.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from flows.common.report import Problem
from flows.workbook.layout import (
    MAX_CELL_CHARS,
    NOTES_SHEET,
    PROBLEMS_SHEET,
    SheetLayout,
    codelist_sheet_name,
    curated_sheets,
)


@dataclass
class SheetRows:
    """One dataset as read from its sheet: the header and the non-empty rows as text."""

    layout: SheetLayout
    #: the sheet's name in the workbook (None for a CSV)
    sheet: str | None
    header: list[str | None]
    records: list[list[str | None]] = field(default_factory=list)
    #: the spreadsheet's row number of each record
    rows: list[int] = field(default_factory=list)

    def letter(self, column: str | None) -> str | None:
        if column is None or column not in self.header:
            return None
        return get_column_letter(self.header.index(column) + 1)


@dataclass
class WorkbookRows:
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class Unreadable(Exception):
    """The file is no workbook openpyxl can read."""


def read_workbook(path: Path) -> WorkbookRows:
    """Every curated dataset's sheet of the xlsx at path (an ods is converted first)."""
    try:
        workbook = load_workbook(path, data_only=False, rich_text=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise Unreadable(f"{path.name}: {error}") from error
    result = WorkbookRows()
    ignored = {NOTES_SHEET, PROBLEMS_SHEET, codelist_sheet_name()}
    unused = [name for name in workbook.sheetnames if name not in ignored]
    for layout in curated_sheets():
        name = layout.name if layout.name in unused else renamed(workbook, unused, layout)
        ds = layout.dataset
        if name is None:
            result.problems.append(sheet_problem("sheet_missing", layout, layout.name))
            continue
        unused.remove(name)
        if name != layout.name:
            result.problems.append(
                sheet_problem("sheet_renamed", layout, name, severity="warning", found=name)
            )
        result.sheets[ds.name] = read_sheet(workbook[name], layout, result.problems)
    for name in unused:
        result.problems.append(
            Problem.of(
                "extra_sheet", dataset="", file=path.name, found=name, severity="warning"
            ).located(sheet=name)
        )
    return result


def renamed(workbook, candidates: list[str], layout: SheetLayout) -> str | None:
    """A sheet of another name whose header is exactly the dataset's columns."""
    wanted = set(layout.header)
    for name in candidates:
        first = next(workbook[name].iter_rows(max_row=1, values_only=True), ())
        if {v for v in first if v is not None} == wanted:
            return name
    return None


def sheet_problem(rule: str, layout: SheetLayout, sheet: str, **details) -> Problem:
    ds = layout.dataset
    problem = Problem.of(rule, dataset=ds.name, file=ds.raw_file, sheet=layout.name, **details)
    return problem.located(sheet=sheet)


def read_sheet(sheet: Worksheet, layout: SheetLayout, problems: list[Problem]) -> SheetRows:
    rows = [list(cells) for cells in sheet.iter_rows()]
    header_cells = rows[0] if rows else []
    header = [text_of_header(c.value) for c in header_cells]
    while header and header[-1] is None:
        header.pop()
    found = SheetRows(layout, sheet.title, header)
    cells = CellReader(found, problems)
    for cells_of_row in rows[1:]:
        values = [cells(cell) for cell in cells_of_row]
        beyond = [
            (cell, value)
            for cell, value in zip(cells_of_row[len(header) :], values[len(header) :], strict=True)
            if value is not None
        ]
        for cell, _ in beyond:
            cells.error("cell_without_header", cell)
        values = values[: len(header)] + [None] * (len(header) - len(values))
        if all(v is None for v in values) and not beyond:
            continue  # an empty row, in the middle or at the end, is no row
        found.records.append(values)
        found.rows.append(cells_of_row[0].row)
    problems += merged_and_hidden(sheet, found)
    return found


def text_of_header(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


class CellReader:
    """A cell's text as raw/ holds it; the traps it meets are added to problems."""

    def __init__(self, found: SheetRows, problems: list[Problem]) -> None:
        self.found, self.problems = found, problems
        self.types = {c.name: c.type for c in found.layout.columns}

    def column(self, cell) -> str | None:
        index = cell.column - 1
        return self.found.header[index] if index < len(self.found.header) else None

    def problem(self, rule: str, cell, severity: str = "error", **details) -> None:
        ds = self.found.layout.dataset
        problem = Problem.of(
            rule,
            dataset=ds.name,
            file=ds.raw_file,
            column=self.column(cell),
            severity=severity,
            **details,
        )
        self.problems.append(
            problem.located(sheet=self.found.sheet, cell=cell.coordinate, row=cell.row)
        )

    def error(self, rule: str, cell, **details) -> None:
        self.problem(rule, cell, value=cell.value, **details)

    def __call__(self, cell) -> str | None:
        value = cell.value
        if value is None or value == "":
            return None
        if cell.data_type == "f" or not isinstance(value, str | int | float | dt.date | dt.time):
            formula = value if isinstance(value, str) else getattr(value, "text", str(value))
            formula = formula if formula.startswith("=") else f"={formula}"
            self.problem("formula_cell", cell, value=formula)
            return formula
        if isinstance(value, bool):
            text = "TRUE" if value else "FALSE"
            self.problem("number_cell_taken", cell, "warning", typed=value, value=text)
            return text
        if isinstance(value, int | float):
            return self.number(cell, value)
        if isinstance(value, dt.date | dt.time):
            return self.date(cell, value)
        if len(value) >= MAX_CELL_CHARS:  # openpyxl and Excel cut longer cells to the limit
            self.problem("cell_too_long", cell, length=len(value), limit=MAX_CELL_CHARS)
        return value

    def number(self, cell, value: int | float) -> str:
        # the shortest text that reads back as the same number: 12.0 is taken as 12
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
        # the spreadsheet made a number of what was text: 1.10 became 1.1, 007 became 7
        self.problem("number_cell_taken", cell, "warning", typed=value, value=text)
        return text

    def date(self, cell, value: dt.date | dt.time) -> str:
        is_midnight = isinstance(value, dt.datetime) and value.time() == dt.time(0)
        if self.types.get(self.column(cell)) == "date" and (is_midnight or type(value) is dt.date):
            text = value.date().isoformat() if isinstance(value, dt.datetime) else str(value)
            self.problem("date_cell_taken", cell, "warning", value=text)
            return text
        self.error("date_cell", cell)
        return value.isoformat()


def merged_and_hidden(sheet: Worksheet, found: SheetRows) -> list[Problem]:
    layout, problems = found.layout, []
    reader = CellReader(found, problems)
    for merged in sheet.merged_cells.ranges:
        reader.problem("merged_cells", sheet.cell(merged.min_row, merged.min_col), cells=merged)
    hidden_rows = [r for r, d in sheet.row_dimensions.items() if d.hidden and r > 1]
    hidden_columns = {
        c
        for d in sheet.column_dimensions.values()
        if d.hidden
        for c in range(d.min or 1, (d.max or d.min or 1) + 1)
    }
    hidden = [f"{r}" for r in hidden_rows if r <= max(found.rows, default=1)]
    hidden += [get_column_letter(c) for c in sorted(hidden_columns) if c <= len(found.header)]
    if sheet.sheet_state != "visible":
        hidden.insert(0, f"{found.sheet} (Blatt / sheet)")
    if hidden:
        problem = sheet_problem(
            "hidden_cells", layout, found.sheet, severity="warning", cells=", ".join(hidden)
        )
        problems.append(problem)
    return problems
