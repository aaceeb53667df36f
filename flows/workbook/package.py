"""Check a workbook's zip and every XML part in it before anything else reads it.

Run on the curator's .xlsx, on an .ods before LibreOffice opens it, and on what
LibreOffice made of it. It refuses (Unreadable, exit 2), naming the part:

- a file that is empty, no zip, too big, or whose parts unpack past the limits of
  flows/workbook/limits.py (sizes are the central directory's, which Python's zipfile
  also holds each part to while unpacking; the CRC is checked here, part by part);
- a damaged part (a corrupt deflate stream, a wrong CRC, an encrypted part);
- an XML part that is not well-formed (expat names line and column: `&#0;`, a lone
  surrogate reference, a cut-off file) or that has a DOCTYPE. Office files never
  carry one; refusing any DOCTYPE refuses every entity trick (XXE, billion laughs)
  before openpyxl's or LibreOffice's parser sees the part.

Each part is unpacked in blocks and fed to expat, which runs in C without Python
callbacks except for an .ods's content.xml (see flows.workbook.opendocument): the check
costs time in proportion to the unpacked size and constant memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers import expat

from flows.workbook.limits import (
    MAX_FILE_BYTES,
    MAX_PACKING_RATIO,
    MAX_PARTS,
    MAX_UNPACKED_BYTES,
    RATIO_CHECKED_FROM_BYTES,
    Unreadable,
    number,
)
from flows.workbook.opendocument import ContentCounter

BLOCK = 1 << 20
#: the parts that must be there, by kind of workbook
REQUIRED = {".xlsx": ("[Content_Types].xml", "xl/workbook.xml"), ".ods": ("content.xml",)}
#: what a file of each suffix should be, in German and English
KIND = {
    ".xlsx": ("Excel-Arbeitsmappe (.xlsx)", "Excel workbook (.xlsx)"),
    ".ods": ("OpenDocument-Tabelle (.ods)", "OpenDocument spreadsheet (.ods)"),
}


class DoctypeFound(Exception):
    """Raised from expat's handler: the part declares a DOCTYPE."""


def check_file_size(path: Path, suffix: str, name: str | None = None) -> None:
    """Refuse an empty file, or one too big to be copied and read."""
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise Unreadable(
            f"{name}: die Datei ist leer (0 Bytes), keine {KIND[suffix][0]}",
            f"{name}: the file is empty (0 bytes), no {KIND[suffix][1]}",
        )
    if size > MAX_FILE_BYTES:
        de, en = number(MAX_FILE_BYTES)
        raise Unreadable(
            f"{name}: größer als {de} Bytes (Grenze für Arbeitsmappen)",
            f"{name}: larger than {en} bytes (the limit for workbooks)",
        )


def check_package(path: Path, suffix: str, name: str | None = None) -> None:
    """Raise Unreadable unless path is a workbook of that suffix that is safe to open;
    messages name the file as `name` (the curator's name for a copy or a conversion)."""
    name = name or path.name
    check_file_size(path, suffix, name)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise Unreadable(
            f"{name}: keine {KIND[suffix][0]} (kein lesbares ZIP-Archiv: {error})",
            f"{name}: not an {KIND[suffix][1]} (no readable zip archive: {error})",
        ) from error
    with archive:
        parts = archive.infolist()
        check_sizes(name, parts)
        present = {part.filename for part in parts}
        missing = [part for part in REQUIRED[suffix] if part not in present]
        if missing:
            raise Unreadable(
                f"{name}: keine {KIND[suffix][0]}, es fehlt {missing[0]}",
                f"{name}: not an {KIND[suffix][1]}, {missing[0]} is missing",
            )
        for part in parts:
            counter = (
                ContentCounter(name)
                if (suffix, part.filename)
                == (
                    ".ods",
                    "content.xml",
                )
                else None
            )
            check_part(archive, name, part, counter)


def check_sizes(name: str, parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        de, en = number(MAX_PARTS)
        raise Unreadable(
            f"{name}: mehr als {de} Teile im ZIP-Archiv", f"{name}: more than {en} parts in the zip"
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        de, en = number(MAX_UNPACKED_BYTES)
        found_de, found_en = number(unpacked)
        raise Unreadable(
            f"{name}: entpackt {found_de} Bytes, mehr als die Grenze von {de} Bytes",
            f"{name}: unpacks to {found_en} bytes, more than the limit of {en} bytes",
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_PACKING_RATIO:
            raise Unreadable(
                f"{name}: {part.filename} ist {ratio:.0f}-fach gepackt, mehr als das "
                f"{MAX_PACKING_RATIO}-fache (eine ZIP-Bombe?)",
                f"{name}: {part.filename} is packed {ratio:.0f} to 1, more than "
                f"{MAX_PACKING_RATIO} to 1 (a zip bomb?)",
            )


def is_xml(part_name: str) -> bool:
    # VML drawings (.vml) are not well-formed XML in files Excel writes; nothing here
    # parses them (openpyxl keeps them as bytes, LibreOffice has its own reader)
    return part_name.endswith((".xml", ".rels"))


def check_part(
    archive: zipfile.ZipFile, name: str, part: zipfile.ZipInfo, counter: ContentCounter | None
) -> None:
    """Unpack one part in blocks (CRC checked at its end); parse it if it is XML."""
    parser = new_parser(counter) if is_xml(part.filename) else None
    where = f"{name}: {part.filename}"
    try:
        with archive.open(part) as stream:
            while block := stream.read(BLOCK):
                if parser is not None:
                    parser.Parse(block, False)
            if parser is not None:
                parser.Parse(b"", True)
    except DoctypeFound as error:
        raise Unreadable(
            f"{where} hat eine DOCTYPE-Deklaration; eine Arbeitsmappe hat keine "
            "(Schutz vor XXE und Entity-Bomben)",
            f"{where} has a DOCTYPE declaration; no workbook has one (protection against "
            "XXE and entity bombs)",
        ) from error
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise Unreadable(
            f"{where} ist kein wohlgeformtes XML (Zeile {error.lineno}, Spalte "
            f"{error.offset + 1}: {reason})",
            f"{where} is not well-formed XML (line {error.lineno}, column {error.offset + 1}: "
            f"{reason})",
        ) from error
    except Unreadable:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as error:
        raise Unreadable(
            f"{where} ist beschädigt und nicht zu entpacken ({error})",
            f"{where} is damaged and cannot be unpacked ({error})",
        ) from error
    except Exception as error:  # zlib.error and what else a damaged stream raises
        raise Unreadable(
            f"{where} ist beschädigt und nicht zu entpacken ({type(error).__name__}: {error})",
            f"{where} is damaged and cannot be unpacked ({type(error).__name__}: {error})",
        ) from error


def new_parser(counter: ContentCounter | None):
    parser = expat.ParserCreate(namespace_separator=" " if counter else None)

    def refuse(*_: object) -> None:
        raise DoctypeFound

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    # no external entity is ever fetched: expat only asks this handler, which refuses
    parser.ExternalEntityRefHandler = refuse
    if counter is not None:
        parser.StartElementHandler = counter.start
        parser.EndElementHandler = counter.end
    return parser
