"""Which sheet and column of the workbook holds what: everything read from schemas/.

Row 1 of a dataset's sheet holds the columns' German labels (`label_de` in schemas/),
each header cell's comment the column's machine name as raw/ spells it; there is no
second header row, so a sheet's row n is line n of the CSV as long as no cell holds a
line break, and filters and sorting work on row 1 as a spreadsheet expects.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from schemas import DATASETS, ColumnSpec, Dataset, dataset
from schemas.choices import choices
from schemas.codelists import Code, all_codes

#: the first sheet: how to edit and import
NOTES_SHEET = "Hinweise"
#: the first sheet of an annotated copy: every problem with a link to its cell
PROBLEMS_SHEET = "Fehler"
#: Excel keeps at most this many characters in a cell (and cuts the rest silently)
MAX_CELL_CHARS = 32_767
#: the number format "Text": what is typed stays as typed
TEXT_FORMAT = "@"
#: rows below the data that get text format and drop-downs, for rows a curator adds
ROWS_TO_ADD = 1000


@dataclass(frozen=True)
class SheetLayout:
    dataset: Dataset

    @property
    def name(self) -> str:
        return self.dataset.meta["sheet_de"]

    @property
    def columns(self) -> list[ColumnSpec]:
        return [c for c in self.dataset.columns if not c.derived]

    @property
    def header(self) -> list[str]:
        """The columns as raw/ names them."""
        return self.dataset.raw_columns

    @property
    def headings(self) -> list[str]:
        """The header row as the workbook shows it: each column's German label."""
        return [c.label_de for c in self.columns]

    def letter(self, column: str) -> str:
        return get_column_letter(self.header.index(column) + 1)


def curated_sheets() -> list[SheetLayout]:
    """One sheet per dataset curated in raw/, in publishing order."""
    return [SheetLayout(ds) for ds in DATASETS if ds.raw_file is not None]


def codelist_sheet_name() -> str:
    return dataset("codelists").meta["sheet_de"]


def codelist_rows() -> list[Code]:
    """The code list sheet's rows: list by list, each in the German order of its labels,
    which is the order its drop-down offers them in."""
    names = sorted({code.codelist for code in all_codes()})
    return [code for name in names for code in choices(name).in_german_order()]


#: the code list sheet's columns: code list, code, German label, English label
CODELIST_COLUMNS = "ABCD"


def codelist_range(codelist: str) -> str:
    """The cells of one code list's German labels on the code list sheet, for a drop-down."""
    rows = [i for i, code in enumerate(codelist_rows(), start=2) if code.codelist == codelist]
    return f"'{codelist_sheet_name()}'!$C${rows[0]}:$C${rows[-1]}"


def codelist_headings() -> list[str]:
    """The code list sheet's header row: the German labels of the codelists dataset."""
    return [c.label_de for c in dataset("codelists").columns]


def header_comment(column: ColumnSpec, file: str = "raw/") -> str:
    """The column's descriptions, as the header cell's comment; its last line names the
    column as file (raw/'s CSV) does, for the advanced user and a CSV edited by hand."""
    parts = [column.description_de, column.description_en]
    if column.required:
        parts.append("Pflichtfeld / required")
    if column.unit:
        parts.append(f"Einheit / unit: {column.unit}")
    if column.codelist:
        parts.append(f"Codeliste / code list: {column.codelist} ({codelist_sheet_name()})")
    if column.pattern is not None:
        parts.append(f"{column.pattern.hint_de} / {column.pattern.hint_en}")
    if column.references:
        parts.append("verweist auf / refers to: " + ".".join(column.references))
    parts.append(f"Spalte in / column in {file}: {column.name}")
    return "\n".join(parts)


#: the notes sheet's heading where no municipality is named
GENERIC_HEADING = ("Partnerschaftsdaten", "Partnership data")


def heading_for(municipality) -> tuple[str, str]:
    """ "Partnerschaftsdaten der Stadt Moers": for a flows.describe Municipality (passed
    in by the command line, since the workbook stage does not read metadata.toml)."""
    if municipality is None:
        return GENERIC_HEADING
    german, english = GENERIC_HEADING
    return f"{german} {municipality.genitive_de}", f"{english} of the {municipality.name_en}"


def notes(heading: tuple[str, str] = GENERIC_HEADING) -> list[tuple[str, str]]:
    """The notes sheet: German first, English beside it, under heading (the caller names
    the municipality: "Partnerschaftsdaten der Stadt Moers")."""
    sheets = ", ".join(s.name for s in curated_sheets())
    return [
        heading,
        ("", ""),
        (
            f"Jedes Tabellenblatt ({sheets}) ist eine Datei in raw/.",
            "Each sheet is one file in raw/.",
        ),
        (
            "Fett gedruckte, gelb hinterlegte Überschriften sind Pflichtfelder.",
            "Bold headers on yellow are required.",
        ),
        (
            "Ein Kommentar an jeder Überschrift beschreibt die Spalte und nennt ihren "
            "Namen in raw/ (z. B. event_type).",
            "A comment on each header describes the column and names it as raw/ does "
            "(e.g. event_type).",
        ),
        (
            "In Spalten mit Auswahlliste die deutsche Bezeichnung wählen (z. B. "
            f"Ratsbeschluss); Bezeichnungen und Codes stehen im Blatt {codelist_sheet_name()}.",
            "In columns with a drop-down pick the German label (e.g. Ratsbeschluss); labels "
            "and codes are listed on the code list sheet.",
        ),
        (
            "Das Einlesen nimmt auch den Code (council_decision); in raw/ steht immer der Code.",
            "The import also takes the code (council_decision); raw/ always holds the code.",
        ),
        (
            "Alle Zellen sind Text: Daten als 1977-07-04, Zahlen mit Punkt (12.5).",
            "Every cell is text: dates as 1977-07-04, numbers with a point (12.5).",
        ),
        (
            "Keine Formeln, keine verbundenen Zellen, Blätter nicht umbenennen.",
            "No formulas, no merged cells, do not rename the sheets.",
        ),
        (
            "Zeilen am Ende anfügen; eine Zeile löschen heißt, sie aus raw/ zu löschen.",
            "Add rows at the end; deleting a row deletes it from raw/.",
        ),
        ("", ""),
        ("Einlesen:", "Import:"),
        ("partnerships workbook import DATEI.xlsx", "partnerships workbook import FILE.xlsx"),
        (
            "Bei Fehlern bleibt raw/ unverändert; DATEI.fehler.xlsx markiert jede falsche Zelle.",
            "On errors raw/ stays untouched; FILE.fehler.xlsx marks every bad cell.",
        ),
    ]
