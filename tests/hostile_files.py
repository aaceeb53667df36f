"""Hostile workbooks and CSVs, built on the spot from the exported base workbook.

Nothing hostile is committed: each generator writes its file into a folder, most of
them by rewriting one part of a normal export's zip. The bomb is compressed in
segments that repeat byte for byte, so building 1.5 GB of sheet XML costs seconds.
Used by tests/test_workbook_hostile.py and by bench/hostile_workbooks.py.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

#: runs the command as its child, killed when its process tree's RSS passes the cap
#: (an address-space limit is no use: Arrow's and Prefect's threads reserve gigabytes
#: they never touch), then prints the child's peak RSS (KiB), seconds and stderr
MEASURE = """
import json, os, resource, signal, subprocess, sys, time
cap = int(sys.argv[1])
page = os.sysconf("SC_PAGE_SIZE")

def tree_rss(pid):
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * page
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pids += [int(c) for c in children.read().split()]
        except OSError:
            pass
    return total

start = time.monotonic()
child = subprocess.Popen(
    sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    start_new_session=True,
)
killed = False
while True:
    try:
        stdout, stderr = child.communicate(timeout=0.05)
        break
    except subprocess.TimeoutExpired:
        if not killed and tree_rss(child.pid) > cap:
            os.killpg(child.pid, signal.SIGKILL)
            killed = True
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": child.returncode, "peak_kib": peak, "seconds": seconds,
                  "killed": killed, "stdout": stdout[-4000:], "stderr": stderr[-20000:]}))
"""


def measure(command: list[str], cap: int, cwd: Path) -> dict:
    """Run command in a fresh process (its peak RSS is its own and its children's),
    killed once its process tree holds more than cap bytes."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(cap), *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,  # not the repository: `-m flows.cli` would import its flows/ first
    )
    return json.loads(done.stdout)


SHEET = "xl/worksheets/sheet4.xml"  # Ereignisse, after Hinweise, Partnerschaften, Hilfslieferungen
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"


def rewrite_part(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of the zip at source with one part changed (added when missing)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        names = old.namelist()
        for name in names:
            data = old.read(name)
            new.writestr(name, change(data) if name == part else data)
        if part not in names:
            new.writestr(part, change(b""))
    return target


def with_shared_strings(source: Path, target: Path) -> Path:
    """The export keeps its strings inline; Excel keeps them in sharedStrings.xml."""
    from openpyxl import load_workbook

    load_workbook(source).save(target)  # openpyxl writes shared strings
    return target


def insert_before(marker: bytes, text: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert marker in data, marker
        return data.replace(marker, text + marker, 1)

    return change


def space_in_last_row(exported: Path, target: Path) -> Path:
    cell = (
        b'<row r="1048576"><c r="A1048576" t="inlineStr">'
        b'<is><t xml:space="preserve"> </t></is></c></row>'
    )
    return rewrite_part(exported, target, SHEET, insert_before(b"</sheetData>", cell))


def styled_empty_cell_at_xfd(exported: Path, target: Path) -> Path:
    cell = b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    change = insert_before(b"</sheetData>", cell)

    def also_dimension(data: bytes) -> bytes:
        data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
        return change(data)

    return rewrite_part(exported, target, SHEET, also_dimension)


def merged_to_the_end(exported: Path, target: Path) -> Path:
    merge = b'<mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>'

    def change(data: bytes) -> bytes:
        return data.replace(b"</sheetData>", b"</sheetData>" + merge, 1)

    return rewrite_part(exported, target, SHEET, change)


def ods_row_repeated(target: Path, repeats: int = 500_000) -> Path:
    """An .ods of a few KB: the header and one event row repeated `repeats` times."""
    from fixture_cases import BASE

    lines = (BASE / "events.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")

    def row(values: list[str], repeated: int = 1) -> str:
        attribute = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )
        return f"<table:table-row{attribute}>{cells}</table:table-row>"

    tables = "".join(
        f'<table:table table:name="{name}">{row(header)}{row(first, repeats) if rows else ""}'
        "</table:table>"
        for name, rows in (("Partnerschaften", 0), ("Hilfslieferungen", 0), ("Ereignisse", 1))
    )
    return write_ods(target, tables)


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


def write_ods(target: Path, tables: str, prologue: str = "") -> Path:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'
        f"<office:document-content {ODS_NAMESPACES}>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(target, "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        ods.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return target


def zip_bomb(exported: Path, target: Path, expanded: int = 1_500_000_000) -> Path:
    """The export with a sheet whose XML expands to `expanded` bytes (an empty cell
    repeated), and whose sizes in the zip are the true ones."""
    with zipfile.ZipFile(exported) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    head = parts[SHEET].split(b"</sheetData>")[0]
    tail = b"</sheetData>" + parts[SHEET].split(b"</sheetData>")[1]
    segment = b"<c/>" * (1 << 18)  # 1 MiB that compresses to about 1 KiB
    count = (expanded - len(head) - len(tail)) // len(segment)
    with open(target, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            if name != SHEET:
                new.writestr(name, data)
        offset = out.tell()
        body = deflate_repeated(head + b'<row r="1000">', segment, count, b"</row>" + tail)
        size = (
            len(head) + len(tail) + len(b'<row r="1000">') + len(b"</row>") + count * len(segment)
        )
        crc = crc_repeated(head + b'<row r="1000">', segment, count, b"</row>" + tail)
        local = local_header(SHEET, crc, len(body), size)
        out.write(local)
        out.write(body)
        info = zipfile.ZipInfo(SHEET, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type, info.CRC = zipfile.ZIP_DEFLATED, crc
        info.compress_size, info.file_size, info.header_offset = len(body), size, offset
        new.filelist.append(info)
        new.NameToInfo[SHEET] = info
        new.start_dir = out.tell()
    return target


def deflate_repeated(head: bytes, segment: bytes, count: int, tail: bytes) -> bytes:
    """A deflate stream of head + segment * count + tail: after a full flush the
    compressor forgets its history, so each segment compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(segment) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(segment) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert piece == again
    end = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    return start + piece * count + end


def crc_repeated(head: bytes, segment: bytes, count: int, tail: bytes) -> int:
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(segment, crc)
    return zlib.crc32(tail, crc)


def local_header(name: str, crc: int, compressed: int, size: int) -> bytes:
    encoded = name.encode()
    if size >= 0xFFFFFFFF or compressed >= 0xFFFFFFFF:
        extra = struct.pack("<HHQQ", 1, 16, size, compressed)
        sizes = (0xFFFFFFFF, 0xFFFFFFFF)
    else:
        extra, sizes = b"", (compressed, size)
    return (
        struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            45,
            0,
            zipfile.ZIP_DEFLATED,
            0,
            0x5C21,
            crc,
            *sizes,
            len(encoded),
            len(extra),
        )
        + encoded
        + extra
    )


# --- point 4: what no reader may answer with a traceback ------------------------------


def malformed_sheet_xml(exported: Path, target: Path) -> Path:
    return rewrite_part(exported, target, SHEET, lambda data: data[: len(data) // 2])


def corrupt_deflate(exported: Path, target: Path) -> Path:
    """The sheet's compressed bytes overwritten in the middle; sizes and CRC as before."""
    data = bytearray(exported.read_bytes())
    with zipfile.ZipFile(exported) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = bytes(range(7, 7 + 64 * 3, 3))
    target.write_bytes(bytes(data))
    return target


def invalid_style_attribute(exported: Path, target: Path) -> Path:
    """A cell alignment no spreadsheet knows: openpyxl's style descriptors refuse it."""

    def change(data: bytes) -> bytes:
        assert b'<alignment vertical="top" />' in data
        return data.replace(b'<alignment vertical="top" />', b'<alignment vertical="banana" />')

    return rewrite_part(exported, target, STYLES, change)


def cell_text(exported: Path, target: Path, reference: bytes) -> Path:
    """A text cell holding a character reference (`&#0;`, a lone surrogate)."""
    cell = b'<row r="40"><c r="A40" t="inlineStr"><is><t>x' + reference + b"y</t></is></c></row>"
    return rewrite_part(exported, target, SHEET, insert_before(b"</sheetData>", cell))


def nul_reference(exported: Path, target: Path) -> Path:
    return cell_text(exported, target, b"&#0;")


def lone_surrogate(exported: Path, target: Path) -> Path:
    return cell_text(exported, target, b"&#xD800;")


XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE x [<!ENTITY a "hahahahahahahahahaha">'
    + b"".join(
        b"<!ENTITY " + bytes([98 + i]) + b' "' + (b"&" + bytes([97 + i]) + b";") * 10 + b'">'
        for i in range(8)
    )
    + b"]>"
)


def with_doctype(part: str, doctype: bytes, entity: bytes) -> Callable[[Path, Path], Path]:
    """A part given a DOCTYPE after its XML declaration and the entity in a text."""

    def make(exported: Path, target: Path) -> Path:
        source = exported
        if part == STRINGS:
            source = with_shared_strings(exported, target.with_name("shared.xlsx"))

        def change(data: bytes) -> bytes:
            declaration_end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
            data = data[:declaration_end] + doctype + data[declaration_end:]
            if part == STRINGS:
                return re.sub(rb"<t>[^<]*</t>", b"<t>" + entity + b"</t>", data, count=1)
            cell = b'<row r="40"><c r="A40" t="inlineStr"><is><t>' + entity + b"</t></is></c></row>"
            return insert_before(b"</sheetData>", cell)(data)

        return rewrite_part(source, target, part, change)

    return make


xxe_in_sheet = with_doctype(SHEET, XXE, b"&xxe;")
xxe_in_shared_strings = with_doctype(STRINGS, XXE, b"&xxe;")
laughs_in_sheet = with_doctype(SHEET, LAUGHS, b"&i;")
laughs_in_shared_strings = with_doctype(STRINGS, LAUGHS, b"&i;")


def empty_file(exported: Path, target: Path) -> Path:
    target.write_bytes(b"")
    return target
