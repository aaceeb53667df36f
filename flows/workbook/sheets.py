"""Read a curator's workbook back into rows of text, deciding every spreadsheet trap.

Each cell becomes the text raw/ would hold; what a spreadsheet did to it on its own is
either undone with a warning (a number cell, a date cell in a date column, a renamed
sheet, a hidden row) or refused with an error naming the cell (a formula, merged cells,
a date where text was meant, a cell longer than a spreadsheet holds). Empty rows and
columns are ignored. docs/workbook.md lists every decision. German labels become raw/'s
names and codes here (flows.workbook.labels): a header cell's label its column's
machine name, a code column's label its code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from flows.common.report import Problem
from flows.workbook.labels import column_choices, machine_header, taken
from flows.workbook.layout import (
    MAX_CELL_CHARS,
    NOTES_SHEET,
    PROBLEMS_SHEET,
    SheetLayout,
    codelist_sheet_name,
    curated_sheets,
)
from flows.workbook.limits import MAX_CELLS, MAX_CELLS_TO_ANNOTATE, MAX_ROWS, Unreadable, number
from flows.workbook.package import check_package
from flows.workbook.stream import Cell, SheetShape, SheetStream

__all__ = ["SheetRows", "Unreadable", "WorkbookRows", "read_workbook"]


@dataclass
class SheetRows:
    """One dataset as read from its sheet: the header and the non-empty rows as text."""

    layout: SheetLayout
    #: the sheet's name in the workbook (None for a CSV)
    sheet: str | None
    #: the columns as raw/ names them (a header cell no column has, as it is)
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
    #: cells in the curated sheets' XML, empty or not, and cells their merged ranges
    #: cover: what openpyxl's normal mode would build to write the annotated copy
    cells_to_annotate: int = 0
    #: cells holding values, header cells included
    cells: int = 0

    @property
    def can_annotate(self) -> bool:
        return self.cells_to_annotate <= MAX_CELLS_TO_ANNOTATE


def read_workbook(path: Path, name: str | None = None) -> WorkbookRows:
    """Every curated dataset's sheet of the xlsx at path (an ods is converted first),
    streamed; the zip and its XML are checked first (flows.workbook.package). Messages
    name the file as `name` (the curator's name for a copy or a conversion)."""
    name = name or path.name
    check_package(path, ".xlsx", name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, rich_text=False)
    except Exception as error:  # openpyxl raises what its parts raise: any is "unreadable"
        raise unreadable(path, name, error) from error
    try:
        return read_sheets(workbook, name)
    except Unreadable:
        raise
    except Exception as error:  # a style, a relation or a shared string that is broken
        raise unreadable(path, name, error) from error
    finally:
        workbook.close()


def unreadable(path: Path, name: str, error: Exception) -> Unreadable:
    # openpyxl's messages name the file it read: the import's copy, by the curator's name
    reason = f"{type(error).__name__}: {error}".replace(str(path), name)
    return Unreadable(
        f"{name}: keine lesbare Arbeitsmappe ({reason})",
        f"{name}: no readable workbook ({reason})",
    )


def read_sheets(workbook, file: str) -> WorkbookRows:
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
        result.sheets[ds.name] = read_sheet(workbook[name], layout, result)
    for sheet in unused:
        result.problems.append(
            Problem.of(
                "extra_sheet", dataset="", file=file, found=sheet, severity="warning"
            ).located(sheet=sheet)
        )
    return result


def renamed(workbook, candidates: list[str], layout: SheetLayout) -> str | None:
    """A sheet of another name whose header is exactly the dataset's columns (by German
    label or machine name)."""
    wanted = set(layout.header)
    for name in candidates:
        _, first = next(iter(SheetStream(workbook[name])), (0, []))
        header = [text_of_header(c.value) for c in first]
        if set(machine_header(layout.dataset, header)) == wanted:
            return name
    return None


def sheet_problem(rule: str, layout: SheetLayout, sheet: str, **details) -> Problem:
    ds = layout.dataset
    problem = Problem.of(rule, dataset=ds.name, file=ds.raw_file, sheet=layout.name, **details)
    return problem.located(sheet=sheet)


def read_sheet(sheet: ReadOnlyWorksheet, layout: SheetLayout, into: WorkbookRows) -> SheetRows:
    """The sheet's rows holding values; the first is the header. Streamed: only cells
    holding values are kept, empty rows and formatting cost nothing."""
    stream = SheetStream(sheet)
    rows = iter(stream)
    _, header_cells = next(rows, (0, []))
    header: list[str | None] = [None] * max((c.column for c in header_cells), default=0)
    for cell in header_cells:
        header[cell.column - 1] = text_of_header(cell.value)
    while header and header[-1] is None:
        header.pop()
    header = machine_header(layout.dataset, header)
    codes = column_choices(layout.dataset, header)
    into.cells += len(header_cells)
    found = SheetRows(layout, sheet.title, header)
    cells = CellReader(found, into.problems)
    for row, cells_of_row in rows:
        values: list[str | None] = [None] * len(header)
        beyond = []
        for cell in cells_of_row:
            value = cells(cell)
            if value is None:
                continue
            if cell.column <= len(header):
                values[cell.column - 1] = taken(codes[cell.column - 1], value)
            else:
                beyond.append(cell)
        for cell in beyond:
            cells.error("cell_without_header", cell)
        if all(v is None for v in values) and not beyond:
            continue  # an empty row, in the middle or at the end, is no row
        found.records.append(values)
        found.rows.append(row)
        into.cells += len(cells_of_row)
        check_size(found, into)
    into.problems += merged_and_hidden(stream.shape, sheet, found)
    into.cells_to_annotate += stream.shape.cell_elements + stream.shape.merged_area
    return found


def check_size(found: SheetRows, into: WorkbookRows) -> None:
    if len(found.records) + 1 > MAX_ROWS:
        de, en = number(MAX_ROWS)
        raise Unreadable(
            f"Blatt {found.sheet}: mehr als {de} Zeilen mit Werten (Grenze der Arbeitsmappe; "
            f"Zeile {found.rows[-1]})",
            f"sheet {found.sheet}: more than {en} rows holding values (the workbook's limit; "
            f"row {found.rows[-1]})",
        )
    if into.cells > MAX_CELLS:
        de, en = number(MAX_CELLS)
        raise Unreadable(
            f"Blatt {found.sheet}: mehr als {de} Zellen mit Werten in der Arbeitsmappe (Grenze; "
            f"Zeile {found.rows[-1]})",
            f"sheet {found.sheet}: more than {en} cells holding values in the workbook (the "
            f"limit; row {found.rows[-1]})",
        )


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


def merged_and_hidden(shape: SheetShape, sheet, found: SheetRows) -> list[Problem]:
    layout, problems = found.layout, []
    reader = CellReader(found, problems)
    for merged in shape.merged:
        first = Cell(merged.min_row, merged.min_col, None, "n")
        reader.problem("merged_cells", first, cells=merged.coord)
    last_row = max(found.rows, default=1)
    hidden_rows = sorted({r for r in shape.hidden_rows if 1 < r <= last_row})
    hidden = [span(first, last) for first, last in runs(hidden_rows)]
    columns = sorted(
        {(first, min(last, len(found.header))) for first, last in shape.hidden_columns}
    )
    hidden += [
        span(first, last, get_column_letter)
        for first, last in merge_runs(columns)
        if first <= len(found.header)
    ]
    if sheet.sheet_state != "visible":
        hidden.insert(0, f"{found.sheet} (Blatt / sheet)")
    if hidden:
        problem = sheet_problem(
            "hidden_cells", layout, found.sheet, severity="warning", cells=", ".join(hidden)
        )
        problems.append(problem)
    return problems


def runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers as (first, last) runs of consecutive ones: 3, 5, 6, 7 -> 3, 5-7."""
    return merge_runs([(n, n) for n in numbers])


def merge_runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def span(first: int, last: int, name=str) -> str:
    return name(first) if first == last else f"{name(first)}-{name(last)}"
