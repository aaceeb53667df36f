"""The workbook speaks German: labels where a curator looks, codes underneath.

The export writes each column's German label into the header row and each code's German
label into the cells of code columns; the import takes a label or the machine name in
a header, a label or the code in a cell, and hands raw/'s names and codes on to the
checks (schemas.choices decides what counts as the same label). Problems the checks find
in a sheet are then worded as the workbook shows the data: "Art des Ereignisses",
"Ratsbeschluss (council_decision)", every choice in German order.
"""

from __future__ import annotations

from dataclasses import replace

from flows.common.report import Problem
from schemas import Dataset, dataset
from schemas.choices import Choices, choices, code_suggestion
from schemas.rules import Rule

#: a code list this short is named in full in a message; a longer one is the drop-down's
#: (a comment listing 23 choices hides the sheet, and the drop-down offers them anyway)
LISTED_CHOICES = 8
#: how the workbook words the rules whose values it also takes as labels (the rule id
#: and everything else about the problem stay as the checks found them)
WORDING = {
    "isin": Rule(
        "ist weder Bezeichnung noch Code der Codeliste {codelist}.{suggestion_de} Bitte aus "
        "der Auswahlliste wählen{choices_de}.",
        "is neither a label nor a code of the code list {codelist}.{suggestion_en} Please "
        "pick from the drop-down{choices_en}.",
    ),
    "unknown_column": Rule(
        "unbekannte Spalte.{suggestion_de} Erlaubt sind: {allowed}",
        "unknown column.{suggestion_en} Allowed are: {allowed}",
    ),
    "missing_column": Rule("Spalte {label} fehlt", "column {label} is missing"),
}


def heading(ds: Dataset, name: str | None) -> str | None:
    """The header cell of a column: its German label; a name no column has, as it is
    (a sheet written broken on purpose stays broken)."""
    if name is None:
        return None
    return ds.headings.label_of(name)


def column_choices(ds: Dataset, header: list[str | None]) -> list[Choices | None]:
    """For each header position, the code list its cells choose from (None: free text)."""
    found: list[Choices | None] = []
    for name in header:
        spec = next((c for c in ds.columns if c.name == name and not c.derived), None)
        found.append(choices(spec.codelist) if spec is not None and spec.codelist else None)
    return found


def shown(codes: Choices | None, value: str | None) -> str | None:
    """What a cell shows for raw/'s value: a code's German label; anything else as it is."""
    if codes is None or value is None:
        return value
    return codes.shown(value)


def taken(codes: Choices | None, value: str | None) -> str | None:
    """What raw/ gets for a cell's text: the code of a label (or the code itself);
    anything else as typed, for the checks to refuse."""
    if codes is None or value is None:
        return value
    return codes.code_of(value) or value


def machine_header(ds: Dataset, header: list[str | None]) -> list[str | None]:
    """A header row as raw/ names the columns: a German label or a machine name becomes
    the machine name; anything else stays, for the checks to name as unknown."""
    return [None if h is None else ds.headings.name_of(h) or h for h in header]


def column_shown(problem: Problem) -> str | None:
    """The problem's column as the sheet names it, the machine name beside it:
    `Art des Ereignisses (event_type)`."""
    if problem.column is None:
        return None
    try:
        return dataset(problem.dataset).headings.shown(problem.column, labels_first=True)
    except StopIteration:  # a problem of no dataset (an extra sheet)
        return problem.column


def listed(codelist: str) -> dict[str, str]:
    """The details `choices_de` and `choices_en`: a short list's choices in German order,
    else where to find them."""
    found = choices(codelist).in_german_order()
    if len(found) > LISTED_CHOICES:
        sheet = dataset("codelists").meta["sheet_de"]
        return {
            "choices_de": f" (alle Einträge im Blatt {sheet})",
            "choices_en": f" (every entry is on the sheet {sheet})",
        }
    named = ", ".join(f"{c.label_de} ({c.code})" for c in found)
    return {"choices_de": f": {named}", "choices_en": f": {named}"}


def in_workbook_words(problem: Problem, present: list[str | None], always: bool = False) -> Problem:
    """The problem worded for a curator who sees labels, if it is on a sheet (always: a
    sheet saved as CSV); present: the sheet's header as machine names."""
    wording = WORDING.get(problem.rule)
    if wording is None or (problem.sheet is None and not always):
        return problem
    try:
        ds = dataset(problem.dataset)
    except StopIteration:
        return problem
    if problem.rule == "isin":
        codelist = ds.column(problem.column).codelist
        if codelist is None:
            return problem
        details = {"codelist": codelist, **listed(codelist)}
        details |= code_suggestion(codelist, problem.value, labels_first=True)
    elif problem.rule == "unknown_column":
        # the machine names are taken too; each header's comment names its column's
        details = {"allowed": ", ".join(c.label_de for c in ds.headings.columns)}
        details |= ds.headings.column_suggestion(
            problem.value, {p for p in present if p}, labels_first=True
        )
    else:
        details = {"label": f"{heading(ds, problem.column)} ({problem.column})"}
    return replace(
        problem, message_de=wording.de.format(**details), message_en=wording.en.format(**details)
    )
