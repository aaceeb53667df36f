"""Which sheet and column of the workbook holds what: everything read from schemas/.

Row 1 of a dataset's sheet holds the column names as raw/ spells them, so a sheet's
row n is line n of the CSV as long as no cell holds a line break.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from schemas import DATASETS, ColumnSpec, Dataset, dataset
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
        return self.dataset.raw_columns

    def letter(self, column: str) -> str:
        return get_column_letter(self.header.index(column) + 1)


def curated_sheets() -> list[SheetLayout]:
    """One sheet per dataset curated in raw/, in publishing order."""
    return [SheetLayout(ds) for ds in DATASETS if ds.raw_file is not None]


def codelist_sheet_name() -> str:
    return dataset("codelists").meta["sheet_de"]


def codelist_rows() -> list[Code]:
    return list(all_codes())


def codelist_range(codelist: str) -> str:
    """The cells of one code list's codes on the code list sheet, for a drop-down."""
    rows = [i for i, code in enumerate(codelist_rows(), start=2) if code.codelist == codelist]
    return f"'{codelist_sheet_name()}'!$B${rows[0]}:$B${rows[-1]}"


def header_comment(column: ColumnSpec) -> str:
    """The column's descriptions, as the header cell's comment."""
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
            "Ein Kommentar an jeder Überschrift beschreibt die Spalte.",
            "A comment on each header describes the column.",
        ),
        (
            f"Codes aus der Liste wählen; alle Codes stehen im Blatt {codelist_sheet_name()}.",
            "Pick codes from the drop-down; every code is listed on the code list sheet.",
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
