"""What an .ods's content.xml would become in LibreOffice, counted before it is opened.

OpenDocument stores a row once with a repeat count (`table:number-rows-repeated`) and a
cell once with `table:number-columns-repeated`: 33 KB can describe a sheet of 500,000
rows of text, which LibreOffice would build in memory and then write into the xlsx the
import reads. Empty repeated rows and cells are how every .ods ends its sheets and cost
LibreOffice nothing; rows and cells that hold a value are counted with their repeats,
per table, and the file is refused past the limits before LibreOffice starts.
"""

from __future__ import annotations

from flows.workbook.limits import MAX_CELLS, MAX_ROWS, Unreadable, number

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ROW, CELL, COVERED = f"{TABLE} table-row", f"{TABLE} table-cell", f"{TABLE} covered-table-cell"
SHEET = f"{TABLE} table"
ROWS_REPEATED = f"{TABLE} number-rows-repeated"
COLUMNS_REPEATED = f"{TABLE} number-columns-repeated"
VALUE_TYPE = f"{OFFICE} value-type"


class ContentCounter:
    """expat handlers (namespace separator " ") that count valued rows and cells."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.sheet = ""
        self.rows_repeated = 1
        self.row_has_value = False
        self.columns_repeated = 1
        self.cell_has_value = False
        self.in_cell = False
        self.rows_in_sheet = 0
        self.cells = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == SHEET:
            self.sheet, self.rows_in_sheet = attributes.get(f"{TABLE} name", ""), 0
        elif tag == ROW:
            self.rows_repeated = repeat(attributes.get(ROWS_REPEATED), self.file)
            self.row_has_value = False
        elif tag in (CELL, COVERED):
            self.columns_repeated = repeat(attributes.get(COLUMNS_REPEATED), self.file)
            self.cell_has_value = VALUE_TYPE in attributes
            self.in_cell = True
        elif self.in_cell:
            self.cell_has_value = True  # a text:p or an annotation: LibreOffice keeps it

    def end(self, tag: str) -> None:
        if tag in (CELL, COVERED):
            self.in_cell = False
            if self.cell_has_value:
                self.row_has_value = True
                self.cells += self.rows_repeated * self.columns_repeated
                if self.cells > MAX_CELLS:
                    self.refuse("Zellen mit Werten", "cells holding values", MAX_CELLS)
        elif tag == ROW and self.row_has_value:
            self.rows_in_sheet += self.rows_repeated
            if self.rows_in_sheet > MAX_ROWS:
                self.refuse(
                    f"Zeilen mit Werten im Blatt {self.sheet}",
                    f"rows holding values in sheet {self.sheet}",
                    MAX_ROWS,
                )

    def refuse(self, what_de: str, what_en: str, limit: int) -> None:
        de, en = number(limit)
        raise Unreadable(
            f"{self.file}: mehr als {de} {what_de} (Wiederholungen mitgezählt; das ist die "
            "Grenze), LibreOffice nicht gestartet",
            f"{self.file}: more than {en} {what_en} (repeats counted; that is the limit), "
            "LibreOffice not started",
        )


def repeat(value: str | None, file: str) -> int:
    if value is None:
        return 1
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise Unreadable(
            f"{file}: ungültige Wiederholungszahl {value!r} in content.xml",
            f"{file}: invalid repeat count {value!r} in content.xml",
        )
    return count
