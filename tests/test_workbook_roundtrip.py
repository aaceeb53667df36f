"""Export -> LibreOffice (ods and back) -> import changes no byte of raw/.

Every valid fixture is exported, converted by LibreOffice to ods and back to xlsx as a
curator's spreadsheet would save it, and imported: raw/ stays byte-identical. An edit
rewrites only its own file, in raw/'s canonical form.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, tree_digest
from fixture_cases import BASE, assemble, cases
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from servers.libreoffice import libreoffice  # noqa: F401 - fixture

from flows import cli
from flows.read.raw_csv import read_raw
from flows.workbook.annotate import is_marked
from flows.workbook.canonical import canonical_csv
from flows.workbook.commands import export_command, import_command
from flows.workbook.layout import curated_sheets
from schemas.choices import choices

VALID = cases("valid")
EVENTS = next(layout for layout in curated_sheets() if layout.dataset.name == "events")


@pytest.fixture(scope="module")
def round_tripped(tmp_path_factory, libreoffice) -> tuple[Path, dict[str, Path]]:  # noqa: F811
    folder = tmp_path_factory.mktemp("roundtrip")
    exported = []
    for case in VALID:
        raw = assemble(case, folder / case.name / "raw")
        exported.append(folder / "xlsx" / f"{case.name}.xlsx")
        assert export_command(exported[-1], raw) == 0
    ods = libreoffice.convert(exported, ".ods", folder / "ods")
    back = libreoffice.convert(ods, ".xlsx", folder / "back")
    return folder, {path.stem: path for path in back}


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in VALID])
def test_export_ods_and_back_import_changes_no_byte(case: Path, round_tripped, capsys) -> None:
    folder, back = round_tripped
    raw = folder / case.name / "raw"
    before = tree_digest(raw)
    assert import_command(back[case.name], raw) == 0
    assert tree_digest(raw) == before
    out = capsys.readouterr().out
    assert out.count(": unchanged") == len(curated_sheets())


@pytest.mark.parametrize("folder", [REPO / "raw", BASE], ids=["raw", "fixtures-base"])
def test_canonical_form_is_how_raw_files_are_written_today(folder: Path) -> None:
    for layout in curated_sheets():
        path = folder / layout.dataset.raw_file
        table, problems = read_raw(layout.dataset, path)
        assert table is not None, problems
        assert canonical_csv(table) == path.read_bytes(), path


def test_an_edit_rewrites_only_its_file_and_says_what_changed(base_raw, tmp_path, capsys) -> None:
    workbook_path = tmp_path / "daten.xlsx"
    assert export_command(workbook_path, base_raw) == 0
    workbook = load_workbook(workbook_path)
    events = workbook["Ereignisse"]
    events["G2"] = "Spätsommer"  # date_note_de of the first event, Frühsommer in raw/
    new_event = {
        "event_id": "leeds-2020-visit",
        "partnership_id": "leeds",
        "event_type": "Besuch oder Delegationsreise",  # the label; raw/ gets the code
        "year": "2020",
        "title_de": "Besuch in Leeds",
        "source_url": "https://www.dortmund.de/themen/internationales/staedtepartnerschaften/leeds/",
    }
    events.append([new_event.get(name) for name in EVENTS.header])
    workbook.save(workbook_path)
    before = tree_digest(base_raw)
    capsys.readouterr()

    assert import_command(workbook_path, base_raw) == 0

    after = tree_digest(base_raw)
    assert {name for name in before if before[name] != after.get(name)} == {"events.csv"}
    assert "events.csv: 1 added, 0 removed, 1 changed" in capsys.readouterr().out
    text = (base_raw / "events.csv").read_text(encoding="utf-8")
    assert text.endswith(
        "leeds-2020-visit,leeds,visit,2020,,,,Besuch in Leeds,,,"
        "https://www.dortmund.de/themen/internationales/staedtepartnerschaften/leeds/,\n"
    )
    # imported again, nothing changes
    assert import_command(workbook_path, base_raw) == 0
    assert tree_digest(base_raw) == after


@pytest.mark.slow
def test_comments_drop_downs_and_text_cells_survive_libreoffice(round_tripped) -> None:
    _, back = round_tripped
    workbook = load_workbook(back["utf8-bom"])
    assert workbook.sheetnames[:1] == ["Hinweise"]
    for layout in curated_sheets():
        sheet = workbook[layout.name]
        assert [c.value for c in sheet[1]][: len(layout.header)] == layout.headings
        for spec, cell in zip(layout.columns, sheet[1], strict=False):
            assert spec.description_de in cell.comment.text
            assert spec.description_en in cell.comment.text
            assert cell.comment.text.endswith(f": {spec.name}")  # the machine name
        lists = {lists_column(v) for v in sheet.data_validations.dataValidation}
        assert lists == {layout.letter(c.name) for c in layout.columns if c.codelist}
        for validation in sheet.data_validations.dataValidation:
            column = layout.header[column_index_from_string(lists_column(validation)) - 1]
            codelist = layout.dataset.column(column).codelist
            # the drop-down offers the German labels, in German order
            assert offered(workbook, validation.formula1) == [
                c.label_de for c in choices(codelist).in_german_order()
            ]
        assert all(
            cell.data_type == "s"
            for row in sheet.iter_rows(min_row=2)
            for cell in row
            if cell.value is not None
        )
        assert all(cell.number_format == "@" for cell in sheet[2])


def lists_column(validation) -> str:
    return str(validation.sqref).split(":")[0].rstrip("0123456789")


def offered(workbook, formula: str) -> list[str]:
    """The values of a drop-down's range, such as 'Codelisten'!$C$5:$C$27."""
    sheet, cells = formula.lstrip("=").rsplit("!", 1)
    return [cell.value for (cell,) in workbook[sheet.strip("'")][cells.replace("$", "")]]


@pytest.mark.slow
def test_an_ods_with_an_error_gets_an_annotated_ods(base_raw, tmp_path, libreoffice) -> None:  # noqa: F811
    ods = tmp_path / "daten.ods"
    assert export_command(ods, base_raw) == 0
    (xlsx,) = libreoffice.convert([ods], ".xlsx", tmp_path / "as-xlsx")
    workbook = load_workbook(xlsx)
    workbook["Ereignisse"]["C3"] = "Ratsbeschlus"
    workbook.save(xlsx)
    (edited,) = libreoffice.convert([xlsx], ".ods", tmp_path / "edited")
    before = tree_digest(base_raw)

    assert import_command(edited, base_raw) == 1

    assert tree_digest(base_raw) == before
    annotated = tmp_path / "edited" / "daten.fehler.ods"
    (back,) = libreoffice.convert([annotated], ".xlsx", tmp_path / "back")
    workbook = load_workbook(back)
    assert workbook.sheetnames[0] == "Fehler"
    marked = {
        (sheet.title, cell.coordinate)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if is_marked(cell)
    }
    assert marked == {("Ereignisse", "C3")}


def test_the_command_line_runs_export_and_import(base_raw, tmp_path, capsys) -> None:
    path = tmp_path / "daten.xlsx"
    assert cli.main(["workbook", "export", str(path), "--raw", str(base_raw)]) == 0
    assert cli.main(["workbook", "import", str(path), "--raw", str(base_raw)]) == 0
    assert "events.csv: unchanged" in capsys.readouterr().out
    assert cli.main(["workbook", "import", str(tmp_path / "nothing.xlsx")]) == 2
