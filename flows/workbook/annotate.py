"""The curator's own workbook, returned with every bad cell marked.

Each cell with an error gets a red fill and a comment with the German and the English
message; a first sheet "Fehler" lists every problem with a link to its cell. Marks of an
earlier annotated copy are removed first, so a copy imported again shows only what is
still wrong.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from flows.common.report import Problem
from flows.workbook import office
from flows.workbook.labels import column_shown
from flows.workbook.layout import PROBLEMS_SHEET

ERROR_COLOUR = "FFC7CE"
ERROR_FILL = PatternFill("solid", fgColor=ERROR_COLOUR)
NO_FILL = PatternFill(fill_type=None)
AUTHOR = "partnerships: Fehler / error"
HEADINGS = (
    "Zelle / cell",
    "Spalte / column",
    "Wert / value",
    "Fehler",
    "Error",
    "Regel / rule",
    "Art / severity",
)


def annotated_path(source: Path) -> Path:
    """`<stem>.fehler.<suffix>` beside the curator's file; a CSV's copy is an xlsx.

    Never the file imported: the copy of an annotated copy `daten.fehler.xlsx` is
    `daten-2.fehler.xlsx`, of that `daten-3.fehler.xlsx`.
    """
    suffix = source.suffix if source.suffix in (".xlsx", ".ods") else ".xlsx"
    stem = source.stem
    if stem.endswith(".fehler"):
        base, _, number = stem.removesuffix(".fehler").rpartition("-")
        stem = f"{base}-{int(number) + 1}" if base and number.isdigit() else f"{stem[:-7]}-2"
    return source.with_name(f"{stem}.fehler{suffix}")


def is_marked(cell) -> bool:
    colour = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fgColor else None
    return cell.fill.fill_type == "solid" and str(colour).upper().endswith(ERROR_COLOUR)


def annotate(workbook_xlsx: Path, problems: list[Problem], target: Path) -> Path:
    """Write target (xlsx, or ods by its suffix) from the xlsx and the problems."""
    workbook = load_workbook(workbook_xlsx)
    clear_earlier_marks(workbook)
    at_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.cell and p.sheet in workbook.sheetnames and p.severity == "error":
            at_cell[(p.sheet, p.cell)].append(p)
    for (sheet, cell_name), found in at_cell.items():
        cell = workbook[sheet][cell_name]
        cell.fill = ERROR_FILL
        text = "\n\n".join(f"{p.message_de}\n{p.message_en}" for p in found)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 360, 120 + 40 * len(found)
        cell.comment = comment
    list_problems(workbook, problems)
    office.save(workbook, target)
    return target


def clear_earlier_marks(workbook) -> None:
    if PROBLEMS_SHEET in workbook.sheetnames:
        del workbook[PROBLEMS_SHEET]
    for sheet in workbook.worksheets:
        # the cells the file holds: iter_rows() would create every cell of the used
        # range, a billion for a sheet whose last formatted cell is XFD1048576
        for cell in list(sheet._cells.values()):
            if is_marked(cell):
                cell.fill = NO_FILL
            if cell.comment is not None and cell.comment.author == AUTHOR:
                cell.comment = None


def list_problems(workbook, problems: list[Problem]) -> None:
    sheet = workbook.create_sheet(PROBLEMS_SHEET, 0)
    sheet.append(list(HEADINGS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.sheet or "", p.row or 0))
    for p in ordered:
        where = f"{p.sheet}!{p.cell}" if p.cell else (p.sheet or p.file)
        severity = "Fehler / error" if p.severity == "error" else "Warnung / warning"
        column = column_shown(p)
        sheet.append([where, column, p.value, p.message_de, p.message_en, p.rule, severity])
        link = sheet.cell(sheet.max_row, 1)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a value such as =SUM() stays text here too
        if p.cell and p.sheet in workbook.sheetnames:
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{p.sheet}'!{p.cell}")
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", (18, 30, 30, 60, 60, 22, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.active = 0
