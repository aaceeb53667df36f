"""Every rule a row or file can break, in plain German and English words.

Rule ids are the names pandera gives its built-in checks (`isin`, `str_matches`, ...)
or the names the models give their own checks; the reader and the cross-file check
use ids of their own. Templates are filled from the check's statistics and the column's
metadata, so a message never repeats what the schema already declares.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    de: str
    en: str


RULES: dict[str, Rule] = {
    # what pandera checks
    "not_nullable": Rule("Pflichtfeld ist leer", "required value is missing"),
    "isin": Rule(
        "ist kein Code der Codeliste {codelist}.{suggestion_de} Erlaubt sind: {allowed_de}",
        "is not a code of the code list {codelist}.{suggestion_en} Allowed are: {allowed_en}",
    ),
    "not_iso_3166_1": Rule(
        "ist kein Staat nach ISO 3166-1 alpha-2: zwei Großbuchstaben aus der ISO-Liste, "
        "z. B. {example} ({example_de}){suggestion_de}",
        "is not a country of ISO 3166-1 alpha-2: two capital letters from the ISO list, "
        "e.g. {example} ({example_en}){suggestion_en}",
    ),
    "str_matches": Rule("hat nicht die Form {hint_de}", "is not of the form {hint_en}"),
    "greater_than_or_equal_to": Rule(
        "muss mindestens {min_value} sein", "must be at least {min_value}"
    ),
    "less_than_or_equal_to": Rule("darf höchstens {max_value} sein", "must be at most {max_value}"),
    "in_range": Rule(
        "muss zwischen {min_value} und {max_value} liegen",
        "must be between {min_value} and {max_value}",
    ),
    "duplicate_key": Rule(
        "Schlüssel kommt mehrfach vor (Zeilen {lines})",
        "key occurs more than once (lines {lines})",
    ),
    "year_not_in_future": Rule("Jahr liegt in der Zukunft", "year lies in the future"),
    "day_needs_month": Rule(
        "ein Tag ist angegeben, aber kein Monat", "a day is given without a month"
    ),
    "real_calendar_date": Rule(
        "Jahr, Monat und Tag ergeben kein echtes Kalenderdatum",
        "year, month and day do not form a real calendar date",
    ),
    "date_agrees_with_year": Rule(
        "Datum liegt nicht im angegebenen Jahr {year_column}",
        "date does not lie in the year given in {year_column}",
    ),
    "coordinates_need_source": Rule(
        "Koordinaten ohne Quelle: coordinates_source_url angeben",
        "coordinates without a source: fill in coordinates_source_url",
    ),
    "coordinates_come_in_pairs": Rule(
        "Breite und Länge nur gemeinsam angeben", "give latitude and longitude together"
    ),
    "home_page_needs_document": Rule(
        "ist nur die Startseite einer Website: bitte die Adresse der Seite angeben, die die "
        "Angabe belegt; ist sie nicht mehr online, in source_note das Dokument mit Nummer "
        "oder Datum nennen, z. B. 'Meldung nicht mehr online; Pressemitteilung Nr. 396 vom "
        "01.10.2013'",
        "is only a website's home page: give the address of the page that states the fact; "
        "where it is no longer online, name the document with its number or date in "
        "source_note, e.g. 'Meldung nicht mehr online; Pressemitteilung Nr. 396 vom "
        "01.10.2013'",
    ),
    "home_page_is_no_source": Rule(
        "ist nur die Startseite einer Website: bitte die Adresse der Seite angeben, die die "
        "Angabe belegt",
        "is only a website's home page: give the address of the page that states the fact",
    ),
    # what the type conversion checks
    "not_integer": Rule(
        "ist keine ganze Zahl (erwartet z. B. 1977)",
        "is not a whole number (expected e.g. 1977)",
    ),
    "not_number": Rule(
        "ist keine Zahl (erwartet z. B. 12.5 mit Punkt)",
        "is not a number (expected e.g. 12.5 with a point)",
    ),
    "decimal_comma": Rule(
        "Dezimalkomma ist nicht erlaubt: bitte {suggestion} schreiben",
        "decimal comma is not allowed: write {suggestion}",
    ),
    "not_date": Rule(
        "ist kein Datum der Form JJJJ-MM-TT (z. B. 1977-07-04)",
        "is not a date of the form YYYY-MM-DD (e.g. 1977-07-04)",
    ),
    "german_date": Rule(
        "deutsches Datumsformat ist nicht erlaubt: bitte {suggestion} schreiben",
        "German date format is not allowed: write {suggestion}",
    ),
    "not_calendar_date": Rule("ist kein echtes Kalenderdatum", "is not a real calendar date"),
    "surrounding_whitespace": Rule(
        "enthält Leerzeichen am Anfang oder Ende", "has spaces at its start or end"
    ),
    "placeholder": Rule(
        "Platzhalter wie {value} sind nicht erlaubt: das Feld leer lassen",
        "placeholders such as {value} are not allowed: leave the field empty",
    ),
    # what the cross-file check finds
    "unknown_reference": Rule(
        "verweist auf {target}, dort gibt es diesen Wert nicht",
        "refers to {target}, which has no such value",
    ),
    "references_refused_row": Rule(
        "verweist auf eine abgelehnte Zeile in {target}",
        "refers to a refused row in {target}",
    ),
    # what the reader finds in a file as a whole
    "file_missing": Rule("Datei fehlt", "file is missing"),
    "file_unreadable": Rule(
        "Datei kann nicht gelesen werden: {reason}", "file cannot be read: {reason}"
    ),
    "not_a_file": Rule(
        "ist keine gewöhnliche Datei, sondern {kind_de}; nichts gelesen",
        "is not a regular file but {kind_en}; nothing read",
    ),
    "file_too_large": Rule(
        "Datei ist mit {size} Bytes größer als die Grenze von {limit} Bytes; nichts gelesen",
        "file of {size} bytes is larger than the limit of {limit} bytes; nothing read",
    ),
    "header_too_large": Rule(
        "Kopfzeile ist länger als {limit} Bytes und damit keine Kopfzeile",
        "header line is longer than {limit} bytes, so it is no header",
    ),
    "empty_file": Rule("Datei ist leer", "file is empty"),
    "no_rows": Rule(
        "Datei enthält keine Datenzeilen, mindestens eine ist nötig",
        "file has no data rows, at least one is required",
    ),
    "binary_file": Rule(
        "Datei enthält NUL-Bytes und ist wohl keine Textdatei",
        "file contains NUL bytes and is probably not a text file",
    ),
    "not_utf8": Rule(
        "Datei ist nicht UTF-8-kodiert{guess_de}; bitte als CSV UTF-8 speichern",
        "file is not UTF-8 encoded{guess_en}; save it as CSV UTF-8",
    ),
    "wrong_delimiter": Rule(
        "Trennzeichen ist {delimiter!r}; erwartet wird das Komma",
        "delimiter is {delimiter!r}; a comma is expected",
    ),
    "missing_column": Rule("Spalte fehlt", "column is missing"),
    "unknown_column": Rule(
        "unbekannte Spalte.{suggestion_de} Erlaubt sind: {allowed}",
        "unknown column.{suggestion_en} Allowed are: {allowed}",
    ),
    "duplicate_column": Rule("Spalte kommt mehrfach vor", "column occurs more than once"),
    "wrong_field_count": Rule(
        "Zeile hat {actual} Felder statt {expected}",
        "row has {actual} fields instead of {expected}",
    ),
    "unbalanced_quote": Rule(
        "Anführungszeichen wird nicht geschlossen", "quotation mark is never closed"
    ),
    "malformed_csv": Rule(
        "Datei ist kein gültiges CSV: {reason}", "file is not valid CSV: {reason}"
    ),
    "field_too_large": Rule(
        "Feld ist größer als {limit} Bytes", "field is larger than {limit} bytes"
    ),
    # what the workbook import finds (flows/workbook; decisions in docs/workbook.md)
    "workbook_unreadable": Rule(
        "Arbeitsmappe kann nicht gelesen werden: {reason}", "workbook cannot be read: {reason}"
    ),
    "sheet_missing": Rule(
        "Tabellenblatt {sheet} fehlt (auch kein anderes Blatt hat seine Kopfzeile)",
        "sheet {sheet} is missing (nor does another sheet have its header)",
    ),
    "sheet_renamed": Rule(
        "Tabellenblatt heißt {found} statt {sheet}; an der Kopfzeile erkannt",
        "sheet is called {found} instead of {sheet}; recognised by its header",
    ),
    "extra_sheet": Rule(
        "Tabellenblatt {found} gehört zu keinem Datensatz und wird nicht übernommen",
        "sheet {found} belongs to no dataset and is not imported",
    ),
    "formula_cell": Rule(
        "Formel statt Wert ({value}): bitte den Wert selbst eintragen",
        "formula instead of a value ({value}): type the value itself",
    ),
    "merged_cells": Rule(
        "verbundene Zellen {cells}: bitte die Verbindung aufheben",
        "merged cells {cells}: unmerge them",
    ),
    "date_cell": Rule(
        "die Tabellenkalkulation hat den Wert in ein Datum ({value}) verwandelt; "
        "bitte als Text eingeben",
        "the spreadsheet turned the value into a date ({value}); enter it as text",
    ),
    "date_cell_taken": Rule("Datumszelle als {value} übernommen", "date cell taken as {value}"),
    "number_cell_taken": Rule(
        "Zahlenzelle {typed} als {value} übernommen", "number cell {typed} taken as {value}"
    ),
    "hidden_cells": Rule(
        "ausgeblendet ({cells}), wird aber übernommen",
        "hidden ({cells}), but imported all the same",
    ),
    "cell_too_long": Rule(
        "Zelle hat {length} Zeichen, eine Tabellenkalkulation fasst höchstens {limit} "
        "und schneidet den Rest ab",
        "cell holds {length} characters; a spreadsheet holds at most {limit} and cuts the rest",
    ),
    "cell_cannot_hold": Rule(
        "Wert enthält ein Steuerzeichen ({character}), das eine Tabellenzelle nicht "
        "behält; bitte in raw/ entfernen",
        "value holds a control character ({character}) a spreadsheet cell does not keep; "
        "remove it in raw/",
    ),
    "cell_without_header": Rule(
        "Wert in einer Spalte ohne Überschrift", "value in a column without a header"
    ),
    "detected_encoding": Rule(
        "CSV-Datei als {encoding} mit Trennzeichen {delimiter!r} gelesen",
        "CSV file read as {encoding} with delimiter {delimiter!r}",
    ),
}


def message(rule: str, **values: object) -> tuple[str, str]:
    """The German and English message for a rule, filled with the given values."""
    found = RULES.get(rule)
    if found is None:
        return (rule, rule)
    # "Meinten Sie: …?" where something close was found (schemas.choices), else nothing
    values = {"suggestion_de": "", "suggestion_en": "", **values}
    return found.de.format(**values), found.en.format(**values)
