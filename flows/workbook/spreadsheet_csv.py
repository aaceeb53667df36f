"""A CSV as a spreadsheet saves it: its encoding, its delimiter and which dataset it holds.

German Excel saves "CSV" as Windows-1252 with `;`; "CSV UTF-8" as UTF-8 with a BOM.
UTF-8 is taken whenever the bytes are UTF-8; otherwise charset-normalizer names the
encoding (a byte-frequency guess a hand-written check could not make for the other
code pages), and a warning says what was found. The dataset is the one whose columns
the header names.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from flows.common.report import Problem
from flows.workbook.layout import SheetLayout, curated_sheets
from flows.workbook.sheets import Unreadable

UTF8_BOM = b"\xef\xbb\xbf"
#: what German Excel saves as "CSV (Trennzeichen-getrennt)"
PREFERRED = "cp1252"


@dataclass
class SpreadsheetCsv:
    layout: SheetLayout
    #: the file's text as written, decoded; lines stay where they were
    text: str
    problems: list[Problem]


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding."""
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM) :].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise Unreadable("the file is neither UTF-8 nor any text encoding charset-normalizer knows")
    if PREFERRED in best.could_be_from_charset:
        # the same text in several code pages (cp1250 and cp1252 agree on ä, ö, ü, ß):
        # German Excel saves Windows-1252, so that is taken
        return data.decode(PREFERRED), "windows-1252"
    return str(best), best.encoding


def read_spreadsheet_csv(path: Path) -> SpreadsheetCsv:
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise Unreadable(f"{path}: no such file") from error
    if b"\x00" in data:
        raise Unreadable(f"{path.name}: contains NUL bytes; this is no CSV file")
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    layout = recognise(header)
    if layout is None:
        expected = "; ".join(
            f"{s.dataset.raw_file}: {', '.join(s.header)}" for s in curated_sheets()
        )
        raise Unreadable(f"{path.name}: the header matches no dataset ({expected})")
    found = Problem.of(
        "detected_encoding",
        dataset=layout.dataset.name,
        file=path.name,
        encoding=encoding,
        delimiter=delimiter,
        severity="warning",
    )
    return SpreadsheetCsv(layout, text, [found])


def recognise(header: list[str]) -> SheetLayout | None:
    """The dataset whose columns the header names most of; None if it names none."""
    named = set(header)
    best = max(curated_sheets(), key=lambda s: len(named & set(s.header)))
    return best if named & set(best.header) else None
