"""Hostile files through `partnerships workbook import`: never a traceback, never a change
to raw/, never memory out of proportion to the values in the file.

Each case is built on the spot (tests/hostile_files.py) and imported by the command in a
fresh process whose peak RSS is measured (getrusage of a waited-for child) and which is
killed when its process tree passes the cap. Each names the exit code and what the first
line of the curator's message says, in German and English.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import hostile_files as hostile
import pytest
from conftest import REPO, tree_digest
from fixture_cases import BASE
from openpyxl import Workbook
from servers.libreoffice import libreoffice  # noqa: F401 - fixture

from flows.workbook import limits, spreadsheet_csv
from flows.workbook.annotate import annotated_path
from flows.workbook.commands import export_command, import_command
from flows.workbook.limits import Unreadable
from flows.workbook.sheets import read_workbook

#: a normal import peaks at about 150-200 MB (Python, pandas, pyarrow, pandera, openpyxl)
CEILING_BYTES = 450_000_000
#: where a blow-up is stopped: far above the ceiling, far below the machine
CAP_BYTES = 1_500_000_000
COMMAND = [sys.executable, "-m", "flows.cli", "workbook", "import"]

EVENTS = (BASE / "events.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("exported")
    shutil.copytree(BASE, folder / "raw")
    path = folder / "daten.xlsx"
    assert export_command(path, folder / "raw") == 0
    return path


def import_measured(path: Path, raw: Path) -> dict:
    before = tree_digest(raw)
    found = hostile.measure([*COMMAND, str(path), "--raw", str(raw)], CAP_BYTES, path.parent)
    assert not found["killed"], f"{path.name}: killed at {CAP_BYTES:,} bytes RSS"
    assert "Traceback" not in found["stderr"], found["stderr"]
    assert found["peak_kib"] * 1024 < CEILING_BYTES, (found["peak_kib"], found["stderr"])
    assert tree_digest(raw) == before
    return found


def first_line(found: dict) -> str:
    return found["stderr"].splitlines()[0]


# --- 3: memory in proportion to the values, not to the sheet's size ------------------

#: builder, exit code, what stderr says (the cell or the limit), annotated copy written
GRID: list[tuple[Callable, int, str, bool]] = [
    # a row holding one space is a row: its missing fields are errors at its cell
    (hostile.space_in_last_row, 1, "Ereignisse!A1048576", True),
    # formatting without a value is no row: nothing to import, nothing changed
    (hostile.styled_empty_cell_at_xfd, 0, "", False),
    # the merged range is refused at its first cell; marking 17 billion cells is not tried
    (hostile.merged_to_the_end, 1, "Ereignisse!A20", False),
]


@pytest.mark.parametrize(
    ("build", "code", "said", "copy"), [pytest.param(*g, id=g[0].__name__) for g in GRID]
)
def test_a_huge_grid_costs_memory_only_for_its_values(
    build, code: int, said: str, copy: bool, exported: Path, base_raw: Path, tmp_path: Path
) -> None:
    path = build(exported, tmp_path / "daten.xlsx")
    found = import_measured(path, base_raw)
    assert found["code"] == code, found["stderr"]
    assert said in found["stderr"]
    assert (tmp_path / "daten.fehler.xlsx").exists() == copy
    if code == 1 and not copy:
        assert "keine markierte Kopie" in found["stderr"]
        assert "no annotated copy" in found["stderr"]


def test_an_ods_row_repeated_half_a_million_times_is_refused_before_libreoffice(
    base_raw: Path, tmp_path: Path
) -> None:
    path = hostile.ods_row_repeated(tmp_path / "daten.ods")
    assert path.stat().st_size < 40_000
    found = import_measured(path, base_raw)
    assert found["code"] == 2
    assert "Zellen mit Werten" in first_line(found)
    assert "cells holding values" in first_line(found)
    assert "LibreOffice not started" in first_line(found)


def test_a_zip_bomb_is_refused_by_its_sizes(exported: Path, base_raw: Path, tmp_path: Path) -> None:
    path = hostile.zip_bomb(exported, tmp_path / "daten.xlsx")
    assert path.stat().st_size < 2_000_000
    found = import_measured(path, base_raw)
    assert found["code"] == 2
    assert "entpackt 1.499." in first_line(found)
    assert "unpacks to 1,499," in first_line(found)


# --- 4: a message and exit 2, never a traceback ---------------------------------------

UNREADABLE = [
    (hostile.malformed_sheet_xml, "sheet4.xml is not well-formed XML (line 1"),
    (hostile.corrupt_deflate, "sheet4.xml is damaged and cannot be unpacked"),
    (hostile.invalid_style_attribute, "daten.xlsx: no readable workbook (ValueError"),
    (hostile.nul_reference, "reference to invalid character number"),
    (hostile.lone_surrogate, "reference to invalid character number"),
    (hostile.xxe_in_sheet, "sheet4.xml has a DOCTYPE declaration"),
    (hostile.xxe_in_shared_strings, "sharedStrings.xml has a DOCTYPE declaration"),
    (hostile.laughs_in_sheet, "sheet4.xml has a DOCTYPE declaration"),
    (hostile.laughs_in_shared_strings, "sharedStrings.xml has a DOCTYPE declaration"),
    (hostile.empty_file, "the file is empty (0 bytes)"),
]


@pytest.mark.parametrize(
    ("build", "said"), [pytest.param(*u, id=u[0].__name__) for u in UNREADABLE]
)
def test_a_broken_workbook_is_one_line_in_german_and_english(
    build, said: str, exported: Path, base_raw: Path, tmp_path: Path
) -> None:
    path = build(exported, tmp_path / "daten.xlsx")
    found = import_measured(path, base_raw)
    assert found["code"] == 2
    lines = found["stderr"].splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Fehler / error: daten.xlsx")
    german, english = lines[0].removeprefix("Fehler / error: ").rsplit(" / ", 1)
    assert said in english
    assert german.startswith("daten.xlsx") and german != english
    assert not (tmp_path / "daten.fehler.xlsx").exists()


def test_an_empty_ods_is_unreadable_like_an_empty_xlsx(base_raw: Path, tmp_path: Path) -> None:
    """Decided once: no bytes is no workbook (exit 2, no copy) whatever the suffix; a
    workbook without the curated sheets is invalid (exit 1, annotated copy)."""
    path = tmp_path / "daten.ods"
    path.write_bytes(b"")
    found = import_measured(path, base_raw)
    assert found["code"] == 2
    assert first_line(found).endswith(
        "the file is empty (0 bytes), no OpenDocument spreadsheet (.ods)"
    )
    assert not (tmp_path / "daten.fehler.ods").exists()


@pytest.mark.slow
def test_a_blank_workbook_is_invalid_with_a_copy_in_both_formats(
    base_raw: Path,
    tmp_path: Path,
    libreoffice,  # noqa: F811
    capsys,
) -> None:
    blank = tmp_path / "leer.xlsx"
    Workbook().save(blank)
    (ods,) = libreoffice.convert([blank], ".ods", tmp_path / "ods")
    before = tree_digest(base_raw)
    for path in (blank, ods):
        assert import_command(path, base_raw) == 1
        assert "sheet Ereignisse is missing" in capsys.readouterr().err
        assert annotated_path(path).exists()
    assert tree_digest(base_raw) == before


# --- 1: no encoding guessed, nothing corrupted ---------------------------------------


def saved(text: str, encoding: str) -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def mixed(text: str) -> bytes:
    """UTF-8, but one word saved by another program as Windows-1252."""
    data = text.encode("utf-8")
    return data.replace("Frühsommer".encode(), "Frühsommer".encode("cp1252"), 1)


def position(text: str, index: int) -> str:
    line_start = text.rfind("\n", 0, index) + 1
    return f"line {text.count(chr(10), 0, index) + 1}, column {index - line_start + 1}"


#: the ü of the first Frühsommer: where the stray Windows-1252 byte is
STRAY = position(EVENTS, EVENTS.index("Frühsommer") + 2)

#: bytes, exit code, what the first line says
CSV_CASES = [
    # the case: was "detected" as mac_iceland and rewrote 28 rows as St√§dte
    (mixed, 2, f"{STRAY}: byte 0xFC is no UTF-8; read as Windows-1252: line"),
    # 0x81 is no character in Windows-1252 either
    (lambda t: t.encode() + "Kaffee\x81".encode("latin-1"), 2, "byte 0x81 is no UTF-8"),
    (lambda t: t.encode() + b"\x00", 2, "implausible text 'U+0000'"),
    (lambda t: saved(t.replace("Frühsommer", "Spätsommer"), "cp1252"), 0, "windows-1252"),
    (lambda t: saved(t.replace("Frühsommer", "Spätsommer"), "utf-16"), 0, "UTF-16 (BOM)"),
    (lambda t: saved(t, "utf-16") + "\udc00".encode("utf-16-le", "surrogatepass"), 2, "no UTF-16"),
]
IDS = ["mixed", "no-encoding", "nul", "windows-1252", "utf-16", "utf-16-lone-surrogate"]


@pytest.mark.parametrize(
    ("make", "code", "said"), [pytest.param(*c, id=i) for i, c in zip(IDS, CSV_CASES, strict=True)]
)
def test_a_csv_is_decoded_strictly_or_refused_naming_line_and_column(
    make, code: int, said: str, base_raw: Path, tmp_path: Path
) -> None:
    path = tmp_path / "Ereignisse.csv"
    path.write_bytes(make(EVENTS))
    before = tree_digest(base_raw)
    found = hostile.measure([*COMMAND, str(path), "--raw", str(base_raw)], CAP_BYTES, tmp_path)
    assert "Traceback" not in found["stderr"], found["stderr"]
    assert found["peak_kib"] * 1024 < CEILING_BYTES
    assert found["code"] == code, found["stderr"]
    if code:
        assert said in first_line(found), first_line(found)
        assert tree_digest(base_raw) == before
    else:
        assert f"CSV file read as {said}" in found["stderr"]
        assert "Spätsommer" in (base_raw / "events.csv").read_text(encoding="utf-8")


# --- 6: a large CSV costs what validating it costs -------------------------------------


@pytest.fixture(scope="module")
def large_raw(tmp_path_factory) -> Path:
    """Synthetic raw/ with 100,000 events (about 30 MB), from the benchmark's generator."""
    sys.path.insert(0, str(REPO / "bench"))
    import generate

    folder = tmp_path_factory.mktemp("large") / "raw"
    generate.generate(100_000, folder)
    (folder / "bad_rows.json").unlink(missing_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_large_csv_is_imported_in_the_memory_of_validate(
    encoding: str, large_raw: Path, tmp_path: Path
) -> None:
    validate = [sys.executable, "-m", "flows.cli", "validate", "--raw", str(large_raw)]
    validated = hostile.measure(validate, CAP_BYTES * 2, tmp_path)
    assert validated["code"] == 0, validated["stderr"]
    raw = tmp_path / "raw"
    shutil.copytree(large_raw, raw)
    text = (large_raw / "events.csv").read_text(encoding="utf-8")
    edited = tmp_path / "Ereignisse.csv"
    # the last event removed, the file saved as a German spreadsheet would
    edited.write_bytes(text[: text.rstrip("\n").rindex("\n") + 1].encode(encoding, "replace"))
    found = hostile.measure([*COMMAND, str(edited), "--raw", str(raw)], CAP_BYTES * 2, tmp_path)
    assert found["code"] == 0, found["stderr"]
    assert "events.csv: 0 added, 1 removed" in found["stdout"]
    # the import reads the file as validate does, then compares and writes one file:
    # 1.1-1.3 x validate here (1.14 x at 150 MB), where it was about 3 x before
    assert found["peak_kib"] < validated["peak_kib"] * 1.5, (found, validated)


# --- each limit of flows/workbook/limits.py, just past it -------------------------------


def too_many_rows(exported: Path, target: Path) -> Path:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>e{r}</t></is></c></row>'
        for r in range(40, 40 + limits.MAX_ROWS)
    ).encode()
    return hostile.rewrite_part(
        exported, target, hostile.SHEET, hostile.insert_before(b"</sheetData>", rows)
    )


def cell_outside_the_grid(exported: Path, target: Path) -> Path:
    cell = b'<row r="40"><c r="XFE40" t="inlineStr"><is><t>x</t></is></c></row>'
    return hostile.rewrite_part(
        exported, target, hostile.SHEET, hostile.insert_before(b"</sheetData>", cell)
    )


def too_many_merged_ranges(exported: Path, target: Path) -> Path:
    merged = "".join(
        f'<mergeCell ref="A{r}:B{r}"/>' for r in range(2, 3 + limits.MAX_MERGED_RANGES)
    )
    block = f"<mergeCells>{merged}</mergeCells>".encode()
    return hostile.rewrite_part(
        exported,
        target,
        hostile.SHEET,
        lambda d: d.replace(b"</sheetData>", b"</sheetData>" + block),
    )


def packed_too_tightly(exported: Path, target: Path) -> Path:
    padding = b" " * 5_000_000  # white space between elements: well-formed, packs 1000:1
    return hostile.rewrite_part(
        exported, target, hostile.SHEET, hostile.insert_before(b"</sheetData>", padding)
    )


def nested_cell(exported: Path, target: Path) -> Path:
    runs = b"<r><t>x</t></r>" * (limits.MAX_ELEMENTS_IN_A_CELL // 2 + 1)
    cell = b'<row r="40"><c r="A40" t="inlineStr"><is>' + runs + b"</is></c></row>"
    return hostile.rewrite_part(
        exported, target, hostile.SHEET, hostile.insert_before(b"</sheetData>", cell)
    )


LIMITS = [
    (too_many_rows, "more than 100,000 rows holding values"),
    (cell_outside_the_grid, "cell XFE40 in row 40 lies outside a spreadsheet's grid"),
    (too_many_merged_ranges, "more than 10,000 merged ranges (the limit)"),
    (packed_too_tightly, "is packed"),
    (nested_cell, "holding more than 10,000 XML elements"),
]


@pytest.mark.parametrize(("build", "said"), [pytest.param(*c, id=c[0].__name__) for c in LIMITS])
def test_past_each_limit_the_workbook_is_refused(
    build, said: str, exported: Path, tmp_path: Path
) -> None:
    path = build(exported, tmp_path / "daten.xlsx")
    with pytest.raises(Unreadable) as refused:
        read_workbook(path)
    assert said in refused.value.message_en
    assert refused.value.message_de != refused.value.message_en


@pytest.mark.parametrize("block", [1, 2, 3, 7, 1 << 20])
def test_the_first_bad_byte_is_named_wherever_the_blocks_end(
    block: int, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(spreadsheet_csv, "BLOCK", block)
    text = "a,b\r\nerste Zeile,Städte\nzweite,Fr"
    stray = tmp_path / "stray.csv"
    stray.write_bytes(text.encode() + b"\xfc" + b"hsommer\n")  # ü as Windows-1252
    with pytest.raises(spreadsheet_csv.NotText) as not_utf8:
        spreadsheet_csv.transcode(stray, 0, "utf-8", tmp_path / "out.csv")
    assert (not_utf8.value.line, not_utf8.value.column) == (3, 10)
    with pytest.raises(spreadsheet_csv.NotText) as mixed:
        spreadsheet_csv.transcode(stray, 0, "cp1252", tmp_path / "out.csv")
    assert (mixed.value.line, mixed.value.column) == (2, 15)  # Ã¤, the ä of Städte
    assert mixed.value.what_en == "implausible text 'Ã¤'"


def test_a_raw_file_that_is_no_file_is_refused_not_copied(base_raw: Path, tmp_path: Path) -> None:
    (base_raw / "aid_shipments.csv").unlink()
    (base_raw / "aid_shipments.csv").symlink_to("/dev/zero")
    path = tmp_path / "Ereignisse.csv"
    path.write_bytes(EVENTS.encode())
    found = import_measured(path, base_raw)
    assert found["code"] == 2
    assert first_line(found).endswith(
        "aid_shipments.csv: not a regular file but a device (such as /dev/zero); "
        "raw/ holds files only"
    )
