"""Stream one sheet of an xlsx: the cells that hold values, row by row, and what else
the traps need (merged ranges, hidden rows and columns), in memory that grows with the
cells holding values, never with the sheet's bounding box.

openpyxl's normal mode builds an object for every cell of the used range and of every
merged range (a styled cell in XFD1048576 or a merge A20:XFD1048576 means billions);
its read-only mode pads each row to the sheet's declared width and hides merged ranges
and hidden rows. So the sheet's XML is walked here with ElementTree's iterparse, each
element dropped once read, and each cell is decoded by openpyxl's own `parse_cell`
(shared strings, number and date formats, formulas, inline and rich text), the code
read-only mode runs: the traps of docs/workbook.md stay decided as before.

The part was checked by flows.workbook.package first (well-formed, no DOCTYPE, sizes).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import CELL_TAG, COL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.constants import SHEET_MAIN_NS

from flows.workbook.limits import (
    MAX_ELEMENTS_IN_A_CELL,
    MAX_MERGED_RANGES,
    MAX_SHEET_COLUMN,
    MAX_SHEET_ROW,
    Unreadable,
    number,
)

MERGE_CELL_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"
#: depth of a cell element: worksheet 1, sheetData 2, row 3, c 4
CELL_DEPTH = 4
TRUE = ("1", "true")


@dataclass(slots=True)
class Cell:
    """A cell holding a value, with what flows.workbook.sheets asks of it."""

    row: int
    column: int
    value: object
    data_type: str

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass
class SheetShape:
    """What the streamed sheet holds besides its values."""

    merged: list[CellRange] = field(default_factory=list)
    #: rows marked hidden, in the order met
    hidden_rows: array = field(default_factory=lambda: array("l"))
    #: (first, last) column of each hidden <col> range
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)
    #: cell elements in the XML, empty or not: what openpyxl's normal mode would build
    cell_elements: int = 0

    @property
    def merged_area(self) -> int:
        return sum(r.size["rows"] * r.size["columns"] for r in self.merged)


class SheetStream:
    """Iterate (row number, cells holding values) of one read-only sheet; the shape is
    complete once the iteration has ended."""

    def __init__(self, sheet: ReadOnlyWorksheet) -> None:
        self.sheet = sheet
        self.shape = SheetShape()

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        workbook = self.sheet.parent
        with self.sheet._get_source() as source:
            decoder = WorkSheetParser(
                source,
                self.sheet._shared_strings,
                data_only=False,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            yield from self.walk(source, decoder)

    def walk(self, source, decoder: WorkSheetParser) -> Iterator[tuple[int, list[Cell]]]:
        path: list = []  # the open elements, root first
        inside_cell = 0  # elements met inside the current cell
        row, cells = 0, []
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                path.append(element)
                depth = len(path)
                if depth > CELL_DEPTH:
                    inside_cell += 1
                    if inside_cell > MAX_ELEMENTS_IN_A_CELL:
                        self.refuse_nesting(row)
                elif element.tag == ROW_TAG and depth == CELL_DEPTH - 1:
                    row, cells = self.start_row(element, row), []
                    decoder.row_counter, decoder.col_counter = row, 0
                continue
            path.pop()
            depth = len(path) + 1
            if depth == CELL_DEPTH:
                inside_cell = 0
            if depth == CELL_DEPTH and element.tag == CELL_TAG:
                self.shape.cell_elements += 1
                cell = self.decode(decoder, element, row)
                if cell is not None:
                    cells.append(cell)
            elif depth == CELL_DEPTH - 1 and element.tag == ROW_TAG:
                if cells:
                    yield row, cells
                cells = []
            elif element.tag == COL_TAG:
                self.hidden_column(element)
            elif element.tag == MERGE_CELL_TAG:
                self.merged_range(element)
            if depth <= CELL_DEPTH and path:
                # read: dropped, so the tree never holds more than one open path
                path[-1].remove(element)

    def start_row(self, element, previous: int) -> int:
        text = element.get("r")
        try:
            row = int(text) if text is not None else previous + 1
        except ValueError:
            row = 0
        if not 1 <= row <= MAX_SHEET_ROW:
            self.refuse_position(f"Zeile {text}", f"row {text}")
        if element.get("hidden") in TRUE:
            self.shape.hidden_rows.append(row)
        return row

    def decode(self, decoder: WorkSheetParser, element, row: int) -> Cell | None:
        try:
            found = decoder.parse_cell(element)
        except (ValueError, TypeError, IndexError, KeyError, OverflowError, AttributeError) as e:
            where = element.get("r") or f"Zeile / row {row}"
            raise Unreadable(
                f"Blatt {self.sheet.title}, Zelle {where}: nicht lesbar ({type(e).__name__}: {e})",
                f"sheet {self.sheet.title}, cell {where}: unreadable ({type(e).__name__}: {e})",
            ) from e
        if not 1 <= found["row"] <= MAX_SHEET_ROW or not 1 <= found["column"] <= MAX_SHEET_COLUMN:
            where = element.get("r")
            self.refuse_position(f"Zelle {where} in Zeile {row}", f"cell {where} in row {row}")
        if found["value"] is None or found["value"] == "":
            return None  # formatting without a value
        return Cell(row, found["column"], found["value"], found["data_type"])

    def hidden_column(self, element) -> None:
        if element.get("hidden") not in TRUE:
            return
        try:
            first = int(element.get("min", "0"))
            last = int(element.get("max", first))
        except ValueError:
            first = last = 0
        if not 1 <= first <= last <= MAX_SHEET_COLUMN:
            self.refuse_position(f"Spalten {first}-{last}", f"columns {first}-{last}")
        self.shape.hidden_columns.append((first, last))

    def merged_range(self, element) -> None:
        reference = element.get("ref", "")
        try:
            merged = CellRange(reference)
        except (ValueError, TypeError) as error:
            raise Unreadable(
                f"Blatt {self.sheet.title}: ungültiger verbundener Bereich {reference!r}",
                f"sheet {self.sheet.title}: invalid merged range {reference!r}",
            ) from error
        if merged.max_row > MAX_SHEET_ROW or merged.max_col > MAX_SHEET_COLUMN:
            self.refuse_position(f"Bereich {reference}", f"range {reference}")
        self.shape.merged.append(merged)
        if len(self.shape.merged) > MAX_MERGED_RANGES:
            de, en = number(MAX_MERGED_RANGES)
            raise Unreadable(
                f"Blatt {self.sheet.title}: mehr als {de} verbundene Bereiche (Grenze)",
                f"sheet {self.sheet.title}: more than {en} merged ranges (the limit)",
            )

    def refuse_position(self, what_de: str, what_en: str) -> None:
        raise Unreadable(
            f"Blatt {self.sheet.title}: {what_de} liegt außerhalb einer Tabelle "
            "(höchstens XFD1048576)",
            f"sheet {self.sheet.title}: {what_en} lies outside a spreadsheet's grid "
            "(XFD1048576 at most)",
        )

    def refuse_nesting(self, row: int) -> None:
        de, en = number(MAX_ELEMENTS_IN_A_CELL)
        raise Unreadable(
            f"Blatt {self.sheet.title} (bei Zeile {row}): ein Element oder eine Zelle mit mehr "
            f"als {de} XML-Elementen darin",
            f"sheet {self.sheet.title} (near row {row}): an element or cell holding more than "
            f"{en} XML elements",
        )
