"""The workbook speaks German: labels in the header row and in code columns, raw/ keeps
codes, and a value that is neither label nor code is refused with the one it most
likely means, in the report, the annotated copy, report.html and `partnerships validate`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from servers.libreoffice import libreoffice  # noqa: F401 - fixture
from test_choices import typed_as

from flows import cli
from flows.workbook.annotate import annotated_path
from flows.workbook.commands import export_command, import_command
from flows.workbook.export import write_codelists, write_dataset_sheet, write_notes
from flows.workbook.layout import codelist_sheet_name, curated_sheets
from flows.workbook.office import convert_command
from flows.workbook.sheets import read_workbook
from schemas.choices import choices

LAYOUTS = {layout.dataset.name: layout for layout in curated_sheets()}
EVENTS = LAYOUTS["events"]
#: every code column a curator fills in, with its code list
CODE_COLUMNS = [
    (layout, spec.name, spec.codelist)
    for layout in curated_sheets()
    for spec in layout.columns
    if spec.codelist
]
MEANT = "Meinten Sie: Ratsbeschluss (council_decision)?"


def cell_of(layout, column: str, row: int) -> str:
    return f"{layout.letter(column)}{row}"


def test_the_export_shows_german_labels_for_columns_and_codes(base_raw, tmp_path) -> None:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    events = workbook["Ereignisse"]
    assert [c.value for c in events[1]] == EVENTS.headings
    assert events["A1"].value == "Ereignis (Kennung)"
    assert events["C1"].comment.text.endswith("raw/events.csv: event_type")
    assert [events[f"C{row}"].value for row in (2, 3)] == ["Angebot", "Ratsbeschluss"]
    statuses = {cell.value for (cell,) in workbook["Partnerschaften"]["F2:F4"]}
    assert statuses <= {c.label_de for c in choices("partnership_status").codes}
    codelists = workbook[codelist_sheet_name()]
    assert [c.value for c in codelists[1]] == [
        "Codeliste",
        "Code",
        "Bezeichnung (deutsch)",
        "Bezeichnung (englisch)",
    ]
    (drop_down,) = [
        v for v in events.data_validations.dataValidation if str(v.sqref).startswith("C2:")
    ]
    sheet, cells = drop_down.formula1.split("!")
    offered = [cell.value for (cell,) in workbook[sheet.strip("'")][cells.replace("$", "")]]
    assert offered == [c.label_de for c in choices("event_type").in_german_order()]
    assert offered[:3] == ["Angebot", "Antrag im Rat", "Auszeichnung"]


def test_labels_in_any_case_codes_and_machine_names_are_taken(base_raw, tmp_path) -> None:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    events = workbook["Ereignisse"]
    events["C2"] = "offer"  # the code itself
    events["C3"] = "  RATSBESCHLUSS "  # the label, in other case and with spaces
    events["C1"] = "event_type"  # the machine name as header
    events["D1"] = "jahr"  # the label, in other case
    workbook.save(path)
    before = tree_digest(base_raw)
    assert import_command(path, base_raw) == 0
    assert tree_digest(base_raw) == before  # raw/ keeps the codes


def test_a_workbook_of_machine_names_and_codes_imports_unchanged(base_raw, tmp_path) -> None:
    """An older workbook (issue 22 and before): row 1 as raw/ names the columns, codes."""
    path = tmp_path / "alt.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    for layout in curated_sheets():
        sheet = workbook[layout.name]
        for position, name in enumerate(layout.header, start=1):
            sheet.cell(1, position).value = name
            codelist = layout.dataset.column(name).codelist
            for row in range(2, sheet.max_row + 1):
                value = sheet.cell(row, position).value
                if codelist and value is not None:
                    sheet.cell(row, position).value = choices(codelist).code_of(value)
    workbook.save(path)
    before = tree_digest(base_raw)
    assert import_command(path, base_raw) == 0
    assert tree_digest(base_raw) == before


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    from fixture_cases import BASE

    path = tmp_path_factory.mktemp("labels") / "daten.xlsx"
    assert export_command(path, BASE) == 0
    return path


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), column=st.sampled_from(CODE_COLUMNS))
def test_any_code_typed_as_its_label_reaches_raw_as_the_code(
    data, column, exported: Path, tmp_path_factory
) -> None:
    layout, name, codelist = column
    code = data.draw(st.sampled_from(choices(codelist).codes))
    typed = data.draw(st.one_of(typed_as(code.label_de), st.just(code.code)))
    workbook = load_workbook(exported)
    workbook[layout.name][cell_of(layout, name, 2)] = typed
    path = tmp_path_factory.mktemp("typed") / "daten.xlsx"
    workbook.save(path)
    found = read_workbook(path).sheets[layout.dataset.name]
    assert found.records[0][found.header.index(name)] == code.code


def a_typo(base_raw: Path, tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    workbook["Ereignisse"]["C3"] = "Ratsbeschlus"
    workbook.save(path)
    return path, tmp_path / "report.html"


def test_a_typo_is_refused_with_the_label_it_most_likely_means(base_raw, tmp_path, capsys) -> None:
    path, html = a_typo(base_raw, tmp_path)
    before = tree_digest(base_raw)

    assert import_command(path, base_raw, html=html) == 1

    assert tree_digest(base_raw) == before
    assert MEANT in capsys.readouterr().err
    (problem,) = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))["problems"]
    assert (problem["rule"], problem["cell"], problem["value"]) == ("isin", "C3", "Ratsbeschlus")
    assert MEANT in problem["message_de"]
    assert "Did you mean: Ratsbeschluss (council_decision)?" in problem["message_en"]
    # 23 choices are the drop-down's to show; a comment listing them would hide the sheet
    assert problem["message_de"].endswith(
        "Bitte aus der Auswahlliste wählen (alle Einträge im Blatt Codelisten)."
    )
    copy = load_workbook(annotated_path(path))
    assert MEANT in copy["Ereignisse"]["C3"].comment.text
    listed = [row for row in copy["Fehler"].iter_rows(min_row=2, values_only=True)]
    assert listed[0][:3] == ("Ereignisse!C3", "Art des Ereignisses (event_type)", "Ratsbeschlus")
    page = html.read_text(encoding="utf-8")
    assert MEANT in page
    assert '<td class="example" data-label="Beispiel / valid example">Ratsbeschluss ' in page


def test_a_short_code_list_is_named_in_full(base_raw, tmp_path) -> None:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    workbook["Partnerschaften"][cell_of(LAYOUTS["partnerships"], "status", 2)] = "ruhnd"
    workbook.save(path)
    assert import_command(path, base_raw, html=tmp_path / "report.html") == 1
    (problem,) = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["problems"]
    assert problem["message_de"].endswith(
        "Meinten Sie: ruhend (suspended)? Bitte aus der Auswahlliste wählen: aktiv (active), "
        "beendet (ended), in Vorbereitung (in_preparation), ruhend (suspended)."
    )


def test_an_unknown_header_is_refused_naming_the_nearest_column(base_raw, tmp_path) -> None:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    workbook["Ereignisse"][cell_of(EVENTS, "title_de", 1)] = "Titl"
    workbook.save(path)
    assert import_command(path, base_raw, html=tmp_path / "report.html") == 1
    found = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["problems"]
    got = {(p["rule"], p.get("cell"), p["column"]) for p in found}
    assert got == {("unknown_column", "H1", "Titl"), ("missing_column", None, "title_de")}
    unknown = next(p for p in found if p["rule"] == "unknown_column")
    assert "Meinten Sie: Titel (title_de)?" in unknown["message_de"]
    assert "Erlaubt sind: Ereignis (Kennung), Partnerschaft (Kennung)" in unknown["message_de"]


def test_a_csv_edited_by_hand_gets_the_code_it_most_likely_means(base_raw, capsys) -> None:
    events = base_raw / "events.csv"
    text = events.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    rest = rest.replace(",council_decision,", ",Ratsbeschluss,", 1)
    events.write_text(header.replace("title_de", "titel") + "\n" + rest, encoding="utf-8")
    assert cli.main(["validate", "--raw", str(base_raw)]) == 1
    err = capsys.readouterr().err
    assert "Meinten Sie: title_de (Titel)?" in err
    events.write_text(header + "\n" + rest, encoding="utf-8")
    assert cli.main(["validate", "--raw", str(base_raw)]) == 1
    err = capsys.readouterr().err
    # raw/ holds codes: the code first, the label beside it
    assert "value 'Ratsbeschluss'" in err
    assert "Meinten Sie: council_decision (Ratsbeschluss)?" in err


def test_a_broken_sheet_written_on_purpose_stays_broken(tmp_path) -> None:
    """A header no column has is written as it is, and comes back unchanged."""
    workbook = Workbook()
    write_notes(workbook.active)
    header = [*EVENTS.header[:-1], "notes"]
    write_dataset_sheet(workbook.create_sheet(EVENTS.name), EVENTS, header, [])
    write_codelists(workbook.create_sheet(codelist_sheet_name()))
    assert workbook[EVENTS.name][f"{get_column_letter(len(header))}1"].value == "notes"
    workbook.save(tmp_path / "kaputt.xlsx")
    assert read_workbook(tmp_path / "kaputt.xlsx").sheets["events"].header == header


#: LibreOffice's "Text CSV" filter as a German curator saves one sheet: `;`, `"`, UTF-8,
#: cells as shown, the 4th sheet (Ereignisse)
SHEET_AS_CSV = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true,false,false,4"


@pytest.mark.slow
def test_a_sheet_saved_as_csv_by_libreoffice_imports_with_its_labels(
    base_raw,
    tmp_path,
    libreoffice,  # noqa: F811
) -> None:
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    saved = tmp_path / "saved"
    command = convert_command(libreoffice.soffice, libreoffice.profile, [path], ".csv", saved)
    command[command.index("csv")] = SHEET_AS_CSV
    done = subprocess.run(command, capture_output=True, timeout=300, check=False)
    sheet = saved / "daten-Ereignisse.csv"
    assert done.returncode == 0 and sheet.exists(), done.stderr
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("Ereignis (Kennung);") and ";Ratsbeschluss;" in text
    csv_path = tmp_path / "Ereignisse.csv"
    csv_path.write_text(text, encoding="utf-8")
    before = tree_digest(base_raw)

    assert import_command(csv_path, base_raw) == 0
    assert tree_digest(base_raw) == before  # labels and German header back to raw/'s form

    csv_path.write_text(text.replace(";Ratsbeschluss;", ";Ratsbeschlus;"), encoding="utf-8")
    html = tmp_path / "report.html"
    assert import_command(csv_path, base_raw, html=html) == 1
    assert tree_digest(base_raw) == before
    (problem,) = [
        p
        for p in json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))["problems"]
        if p["severity"] == "error"
    ]
    assert (problem["file"], problem["line"], problem["column"]) == (
        "Ereignisse.csv",
        3,
        "event_type",
    )
    assert MEANT in problem["message_de"]


@pytest.mark.parametrize("case", ["unbalanced-quote", "row-with-missing-field", "unknown-code"])
def test_a_csv_with_german_header_is_refused_as_with_machine_names(case, base_raw, tmp_path):
    """The rewrite into raw/'s names changes nothing a check sees: the same problems at
    the same lines, whether the header is German or not."""
    from fixture_cases import FIXTURES, expected

    text = (FIXTURES / "invalid" / case / "events.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    german = ",".join(EVENTS.dataset.headings.label_of(name) for name in header.split(","))
    path = tmp_path / "Ereignisse.csv"
    path.write_text(german + "\n" + rest, encoding="utf-8")
    assert import_command(path, base_raw, html=tmp_path / "report.html") == 1
    found = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["problems"]
    got = sorted(
        f"events.csv:{p['line'] or ''}:{p['column'] or ''}:{p['rule']}"
        for p in found
        if p["severity"] == "error"
    )
    assert got == expected(FIXTURES / "invalid" / case)[1]
