"""Write every curated dataset into one workbook a curator edits (xlsx, or ods by suffix).

Every cell is a text cell (number format "@"): a spreadsheet then keeps `1977-07-04`,
`007` and `1.10` exactly as written, and a cell starting with `=` stays text instead of
becoming a formula. Comments, drop-downs and the marks of required columns come from
schemas/ through flows.workbook.layout; the header row shows each column's German label
and code columns show each code's German label (flows.workbook.labels).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from flows.common.report import Problem
from flows.read.raw_csv import RawTable, read_raw
from flows.workbook import office
from flows.workbook.labels import column_choices, heading, shown
from flows.workbook.layout import (
    GENERIC_HEADING,
    MAX_CELL_CHARS,
    NOTES_SHEET,
    ROWS_TO_ADD,
    TEXT_FORMAT,
    SheetLayout,
    codelist_headings,
    codelist_range,
    codelist_rows,
    codelist_sheet_name,
    curated_sheets,
    header_comment,
    notes,
)

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
WIDEST_COLUMN = 60
SUFFIXES = (".xlsx", ".ods")
#: what a cell cannot hold: the control characters XML 1.0 forbids, and a carriage return
#: (one pattern for Python's re and Arrow's RE2)
NOT_IN_A_CELL_PATTERN = r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]"
NOT_IN_A_CELL = re.compile(NOT_IN_A_CELL_PATTERN)


def read_curated(raw_dir: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """The text of every curated file; problems where a file cannot be read at all."""
    tables, problems = {}, []
    for layout in curated_sheets():
        ds = layout.dataset
        table, found = read_raw(ds, raw_dir / ds.raw_file)
        problems += [p for p in found if p.severity == "error"]
        if table is not None:
            tables[ds.name] = table
    return tables, problems


def export_workbook(
    raw_dir: Path, path: Path, heading: tuple[str, str] = GENERIC_HEADING
) -> list[Problem]:
    """Write raw/ into the workbook at path, under heading (German, English); return the
    problems that stop it (none: done)."""
    if path.suffix not in SUFFIXES:
        raise ValueError(f"{path.name}: a workbook ends in .xlsx or .ods")
    tables, problems = read_curated(raw_dir)
    problems += [p for table in tables.values() for p in unfit_for_a_cell(table)]
    if problems:
        return problems
    path.parent.mkdir(parents=True, exist_ok=True)
    office.save(build_workbook(tables, heading), path)
    return []


def unfit_for_a_cell(table: RawTable) -> list[Problem]:
    """Values a workbook cell cannot keep as they are: longer than a cell holds, or with
    a control character (openpyxl refuses them; a carriage return comes back as a line
    feed), so that a round trip would change raw/."""
    problems = []
    for name in table.text.column_names:
        column = table.text.column(name)
        # found with Arrow; only the few flagged cells are looked at one by one
        flagged = pc.or_kleene(
            pc.greater(pc.utf8_length(column), MAX_CELL_CHARS),
            pc.match_substring_regex(column, NOT_IN_A_CELL_PATTERN),
        )
        for row in np.flatnonzero(pc.fill_null(flagged, False).to_numpy(zero_copy_only=False)):
            row = int(row)
            value = column[row].as_py()
            if len(value) > MAX_CELL_CHARS:
                rule, details = "cell_too_long", {"length": len(value), "limit": MAX_CELL_CHARS}
            elif (found := NOT_IN_A_CELL.search(value)) is not None:
                rule, details = "cell_cannot_hold", {"character": f"U+{ord(found[0]):04X}"}
            else:
                continue
            problems.append(
                Problem.of(
                    rule,
                    dataset=table.dataset.name,
                    file=table.file,
                    line=int(table.lines[row]),
                    column=name,
                    **details,
                )
            )
    return problems


def build_workbook(
    tables: dict[str, RawTable], heading: tuple[str, str] = GENERIC_HEADING
) -> Workbook:
    sheets = {}
    for layout in curated_sheets():
        table = tables.get(layout.dataset.name)
        columns = [table.text.column(c).to_pylist() for c in layout.header] if table else []
        sheets[layout.dataset.name] = (layout.header, list(zip(*columns, strict=True)))
    return workbook_of(sheets, heading)


def workbook_of(
    sheets: dict[str, tuple[list[str], list[tuple]]],
    heading: tuple[str, str] = GENERIC_HEADING,
) -> Workbook:
    """The workbook of each dataset's header and rows of text (by dataset name)."""
    workbook = Workbook()
    write_notes(workbook.active, heading)
    for layout in curated_sheets():
        if layout.dataset.name in sheets:
            header, rows = sheets[layout.dataset.name]
            write_dataset_sheet(workbook.create_sheet(layout.name), layout, header, rows)
    write_codelists(workbook.create_sheet(codelist_sheet_name()))
    return workbook


def write_notes(sheet: Worksheet, heading: tuple[str, str] = GENERIC_HEADING) -> None:
    sheet.title = NOTES_SHEET
    for german, english in notes(heading):
        sheet.append([german, english])
    sheet["A1"].font = sheet["B1"].font = Font(bold=True, size=14)
    for letter in "AB":
        sheet.column_dimensions[letter].width = 80


def write_dataset_sheet(
    sheet: Worksheet, layout: SheetLayout, header: list[str], rows: list[tuple]
) -> None:
    """header is the dataset's columns as raw/ names them, unless a test writes a broken
    sheet on purpose; rows are raw/'s text. The sheet shows German labels for both."""
    ds = layout.dataset
    sheet.append([heading(ds, name) for name in header])
    codes = column_choices(ds, header)
    if any(codes):
        rows = [tuple(shown(c, v) for c, v in zip(codes, row, strict=False)) for row in rows]
    for row in rows:
        sheet.append(row)
    specs = {spec.name: spec for spec in layout.columns}
    for name, header_cell in zip(header, sheet[1], strict=False):
        spec = specs.get(name)
        if spec is None:
            continue
        header_cell.font = Font(bold=spec.required)
        header_cell.fill = REQUIRED_FILL if spec.required else OPTIONAL_FILL
        comment = Comment(header_comment(spec, f"raw/{ds.raw_file}"), "partnerships")
        comment.width, comment.height = 360, 160
        header_cell.comment = comment
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = TEXT_FORMAT
            if cell.value is not None:
                cell.data_type = "s"  # openpyxl takes a value starting with = for a formula
            cell.alignment = Alignment(vertical="top", wrap_text=False)
    last_row = len(rows) + 1 + ROWS_TO_ADD
    for position, name in enumerate(header):
        letter = get_column_letter(position + 1)
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        sheet.column_dimensions[letter].width = column_width(heading(ds, name), position, rows)
        spec = specs.get(name)
        if spec is not None and spec.codelist:
            add_drop_down(sheet, spec.codelist, f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"


def column_width(name: str, position: int, rows: list[tuple]) -> float:
    longest = max((len(r[position] or "") for r in rows[:500] if position < len(r)), default=0)
    return min(max(len(name or ""), longest) + 2, WIDEST_COLUMN)


def add_drop_down(sheet: Worksheet, codelist: str, cells: str) -> None:
    validation = DataValidation(
        type="list",
        formula1=codelist_range(codelist),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Auswahlliste / drop-down",
        error=f"Bitte einen Eintrag der Liste wählen (Codeliste {codelist}, Blatt "
        f"{codelist_sheet_name()}). / Pick an entry of the drop-down (code list {codelist}).",
    )
    validation.add(cells)
    sheet.add_data_validation(validation)


def write_codelists(sheet: Worksheet) -> None:
    sheet.append(codelist_headings())
    for code in codelist_rows():
        sheet.append([code.codelist, code.code, code.label_de, code.label_en])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 26, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
