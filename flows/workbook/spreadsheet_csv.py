"""A CSV as a spreadsheet saves it: its encoding, its delimiter and which dataset it holds.

German Excel saves "CSV" as Windows-1252 with `;`, "CSV UTF-8" as UTF-8 with a BOM,
"Unicode Text" and LibreOffice on request as UTF-16 with a BOM. The file is decoded
strictly, whole, in blocks, into UTF-8 in the import's scratch folder; raw/'s reader
(flows.read.raw_csv, the one `partnerships validate` uses) then reads that copy.

No encoding is guessed: a BOM names UTF-8 or UTF-16; otherwise the bytes are UTF-8, or
else Windows-1252. Either is taken only when every byte decodes and the text is
plausible: no control characters, and no pair such as `Ã¤` that is UTF-8 read as
Windows-1252 (a file that mixes both). Anything else is refused naming the line and
column of the first byte that is not UTF-8, and raw/ stays as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from flows.common.report import Problem
from flows.workbook.csv_labels import names_labels, with_codes
from flows.workbook.labels import machine_header
from flows.workbook.layout import SheetLayout, curated_sheets
from flows.workbook.limits import Unreadable

BLOCK = 1 << 20
#: the first bytes read to find the header line; a longer header is no dataset's
HEADER_BYTES = 1 << 16
BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (BOM)"),
)
NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}
#: what no text a curator saves holds: C0 controls but tab and line ends, DEL, C1 controls
CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: what UTF-8's continuation bytes 0x80-0xBF look like when read as Windows-1252
CONTINUATION = "".join(sorted(set(bytes(range(0x80, 0xC0)).decode("cp1252", "ignore"))))
#: a control character, or UTF-8 read as Windows-1252: Ã¤ (ä), Ã¼ (ü), â€“ (–), â‚¬ (€)
IMPLAUSIBLE = re.compile(f"[{CONTROL}]|[ÂÃ][{CONTINUATION}]|â[{CONTINUATION}]{{2}}")
#: the first character of each: one character class, which re scans for quickly
SUSPECT = re.compile(f"[{CONTROL}ÂÃâ]")


def implausible(text: str) -> re.Match | None:
    for suspect in SUSPECT.finditer(text):
        found = IMPLAUSIBLE.match(text, suspect.start())
        if found:
            return found
    return None


@dataclass
class SpreadsheetCsv:
    layout: SheetLayout
    #: the UTF-8 copy, named as raw/ names the dataset's file
    path: Path
    problems: list[Problem]
    #: a sheet of the workbook saved as CSV: German labels in the header (and maybe in
    #: code columns), rewritten with raw/'s names and codes (flows.workbook.csv_labels)
    labels: bool = False
    #: the file's header as raw/ names the columns
    header: list[str | None] = field(default_factory=list)


class NotText(Exception):
    """A byte that does not decode, or text that is not plausible, at line and column."""

    def __init__(self, line: int, column: int, what_de: str, what_en: str) -> None:
        super().__init__(what_en)
        self.line, self.column, self.what_de, self.what_en = line, column, what_de, what_en


class Position:
    """Line and column (in characters, from 1) as text passes by."""

    def __init__(self) -> None:
        self.line, self.column = 1, 1

    def advance(self, text: str) -> None:
        breaks = text.count("\n")
        if breaks:
            self.line += breaks
            self.column = len(text) - text.rindex("\n")
        else:
            self.column += len(text)

    def at(self, text: str, index: int) -> tuple[int, int]:
        here = Position()
        here.line, here.column = self.line, self.column
        here.advance(text[:index])
        return here.line, here.column


def transcode(path: Path, skip: int, encoding: str, target: Path) -> None:
    """path's bytes after `skip`, decoded strictly as encoding, written as UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    position = Position()
    tail = ""  # the last characters of the previous block, for pairs across blocks
    with open(path, "rb") as source, open(target, "wb") as out:
        source.seek(skip)
        while True:
            block = source.read(BLOCK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                data = pending + block
                good = data[: error.start].decode(encoding, "ignore")
                line, column = position.at(tail + good, len(tail + good))
                byte = data[error.start : error.start + 1].hex().upper()
                name = NAMES.get(encoding, encoding)
                raise NotText(
                    line, column, f"Byte 0x{byte} ist kein {name}", f"byte 0x{byte} is no {name}"
                ) from error
            found = implausible(tail + text)
            if found:
                line, column = position.at(tail + text, found.start())
                # a control character by its code point, anything else as it reads
                shown = "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in found.group())
                raise NotText(
                    line, column, f"unplausibler Text '{shown}'", f"implausible text '{shown}'"
                )
            position.advance(tail + text)  # it stood before the tail
            out.write(text.encode("utf-8"))
            # the last characters are scanned again with the next block (a pair may be
            # cut in two): the position steps back over them, within their line
            tail = text[-2:]
            if "\n" in tail:
                tail = tail[tail.rindex("\n") + 1 :]
            position.column -= len(tail)
            if not block:
                return


def prepare_csv(path: Path, into: Path) -> SpreadsheetCsv:
    """Write the CSV at path as UTF-8 into the folder `into`, as raw/ names its dataset."""
    if not path.is_file():
        raise Unreadable(
            f"{path}: keine solche Datei (oder keine gewöhnliche Datei)",
            f"{path}: no such file (or not a regular file)",
        )
    incoming = into / f".incoming-{os.getpid()}.csv"
    named = decode_into(path, incoming)
    with open(incoming, "rb") as text:
        start = text.read(HEADER_BYTES).decode("utf-8", "ignore")
    first_line = start.split("\n", 1)[0].rstrip("\r")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    layout = recognise(header)
    if layout is None:
        incoming.unlink()
        expected = "; ".join(
            f"{s.dataset.raw_file}: {', '.join(s.header)}" for s in curated_sheets()
        )
        raise Unreadable(
            f"{path.name}: die Kopfzeile passt zu keinem Datensatz ({expected})",
            f"{path.name}: the header matches no dataset ({expected})",
        )
    labels = names_labels(layout.dataset, header)
    if labels:
        with_codes(incoming, layout.dataset, delimiter)
    target = into / layout.dataset.raw_file
    os.replace(incoming, target)
    found = Problem.of(
        "detected_encoding",
        dataset=layout.dataset.name,
        file=path.name,
        encoding=named,
        delimiter=delimiter,
        severity="warning",
    )
    return SpreadsheetCsv(layout, target, [found], labels, machine_header(layout.dataset, header))


def decode_into(path: Path, target: Path) -> str:
    """Transcode path into target; the name of the encoding it was saved in."""
    with open(path, "rb") as source:
        start = source.read(4)
    for bom, encoding, named in BOMS:
        if start.startswith(bom):
            try:
                transcode(path, len(bom), encoding, target)
            except NotText as error:
                raise refused(path, error, named) from error
            return named
    try:
        transcode(path, 0, "utf-8", target)
        return "UTF-8"
    except NotText as not_utf8:
        try:
            transcode(path, 0, "cp1252", target)
        except NotText as not_cp1252:
            raise refused(path, not_utf8, "UTF-8", not_cp1252) from not_cp1252
        return "windows-1252"


def refused(path: Path, error: NotText, named: str, also: NotText | None = None) -> Unreadable:
    where_de = f"Zeile {error.line}, Spalte {error.column}"
    where_en = f"line {error.line}, column {error.column}"
    de = f"{path.name}, {where_de}: {error.what_de}"
    en = f"{path.name}, {where_en}: {error.what_en}"
    if also is not None:
        de += f"; als Windows-1252 gelesen: Zeile {also.line}, Spalte {also.column}, {also.what_de}"
        en += f"; read as Windows-1252: line {also.line}, column {also.column}, {also.what_en}"
    return Unreadable(
        f"{de}. Nichts eingelesen; bitte als „CSV UTF-8“ speichern",
        f'{en}. Nothing imported; save it as "CSV UTF-8"',
    )


def recognise(header: list[str]) -> SheetLayout | None:
    """The dataset whose columns the header names most of, by machine name or German
    label; None if it names none."""

    def named(layout: SheetLayout) -> int:
        return len(set(machine_header(layout.dataset, header)) & set(layout.header))

    best = max(curated_sheets(), key=named)
    return best if named(best) else None
