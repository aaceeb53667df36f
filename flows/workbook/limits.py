"""What a file given to `workbook import` may cost, and the error for one that cannot be read.

A workbook is a zip of XML parts, and a few KB can describe a sheet of a billion cells
(a merged range, a repeated row, a style in the last cell) or expand to gigabytes. The
import reads only what these limits allow, streaming, and refuses anything past them
with exit 2 before it costs memory. docs/workbook.md lists them for curators.
"""

from __future__ import annotations

#: the workbook file itself, and all its parts together once unpacked
MAX_FILE_BYTES = 100_000_000
MAX_UNPACKED_BYTES = 200_000_000
#: a part may unpack to at most this many times its packed size (Apache POI's limit)...
MAX_PACKING_RATIO = 100
#: ...once it is bigger than this: small parts of repeated XML pack tighter than that
RATIO_CHECKED_FROM_BYTES = 1_000_000
#: parts in the zip: an export has about 25
MAX_PARTS = 1_000
#: rows holding values, per sheet (the header included); the city's data has hundreds
MAX_ROWS = 100_000
#: cells holding values in one workbook (the header cells included)
MAX_CELLS = 2_000_000
#: the grid of Excel and of LibreOffice Calc: the last cell is XFD1048576
MAX_SHEET_ROW, MAX_SHEET_COLUMN = 1_048_576, 16_384
#: merged ranges in one sheet, each an error the curator has to undo
MAX_MERGED_RANGES = 10_000
#: XML elements inside one cell (its value, formula and rich-text runs)
MAX_ELEMENTS_IN_A_CELL = 10_000
#: cells an annotated copy may have (openpyxl keeps each one, empty or not, in memory),
#: and cells that merged ranges may cover (openpyxl creates each of them)
MAX_CELLS_TO_ANNOTATE = 1_000_000


class Unreadable(Exception):
    """The file cannot be read at all (exit 2): one line in German, one in English."""

    def __init__(self, message_de: str, message_en: str | None = None) -> None:
        self.message_de = one_line(message_de)
        self.message_en = one_line(message_en if message_en is not None else message_de)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.message_de == self.message_en:
            return self.message_de
        return f"{self.message_de} / {self.message_en}"


def one_line(text: str, limit: int = 300) -> str:
    """text on one line and at most limit characters: a message, not a dump."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def number(value: int) -> tuple[str, str]:
    """value as German and English write it: 100.000 and 100,000."""
    english = f"{value:,}"
    return english.replace(",", "."), english
