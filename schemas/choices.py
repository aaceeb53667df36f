"""Code lists and column names as a person types them: German labels, codes underneath.

raw/ holds codes (`council_decision`) and machine names (`event_type`); a curator reads
and types the German label (`Ratsbeschluss`, `Art des Ereignisses`). These functions
translate between the two and name what was probably meant by a value that is neither.
Each works on the code lists and models of schemas/ alone, so that every path a value
takes (the workbook, a CSV edited by hand, `partnerships validate`) answers alike.

Decisions, tested in tests/test_choices.py:

- A code is taken exactly as it is. A label is taken when it is tolerantly equal
  (schemas.spelling.tolerant: case and spaces do not count), and nothing else is.
- The code wins: a value that is one code and, tolerantly, another code's label is the
  code. tests/test_choices.py keeps the code lists free of such a collision, and the
  export writes a code instead of its label wherever the label would not lead back to it.
- A label means a code of the column's own list only: two lists may share a label.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache

from schemas.codelists import Code, labelled
from schemas.spelling import Nearest, german_sort_key, nearest, tolerant

#: distinct wrong values whose suggestion is remembered (they repeat: one typo copied down)
REMEMBERED = 4096


class Choices:
    """One code list's codes with their labels."""

    def __init__(self, codes: tuple[Code, ...]) -> None:
        self.codes = codes
        self._by_code = {c.code: c for c in codes}
        self._by_label: dict[str, Code] = {}
        for code in codes:
            self._by_label.setdefault(tolerant(code.label_de), code)
        self.nearest = Nearest(
            (text, code) for code in codes for text in (code.label_de, code.code, code.label_en)
        )

    def code_of(self, value: str) -> str | None:
        """The code value means: itself if it is a code, else the code whose label it
        is (case and spaces aside); None if neither."""
        if value in self._by_code:
            return value
        found = self._by_label.get(tolerant(value))
        return found.code if found is not None else None

    def shown(self, code: str) -> str:
        """What a curator sees for code: its German label, if that leads back to it."""
        found = self._by_code.get(code)
        if found is None or self.code_of(found.label_de) != code:
            return code
        return found.label_de

    def in_german_order(self) -> list[Code]:
        """The codes in the order of their German labels, as a German reader looks them up."""
        return sorted(self.codes, key=lambda c: german_sort_key(c.label_de))

    def suggestion(self, value: str) -> Code | None:
        """The code a value that is neither code nor label most likely means."""
        return _suggestion(self, value)


@lru_cache(maxsize=REMEMBERED)
def _suggestion(choices: Choices, value: str) -> Code | None:
    return choices.nearest(value)


@cache
def choices(codelist: str) -> Choices:
    return Choices(tuple(labelled(codelist)))


def meant(shown: str, also: str) -> tuple[str, str]:
    """ "Meinten Sie: Ratsbeschluss (council_decision)?", German and English: shown is
    what to type where the curator is, also the other name of the same thing."""
    return f" Meinten Sie: {shown} ({also})?", f" Did you mean: {shown} ({also})?"


def code_suggestion(codelist: str, value: object, labels_first: bool = False) -> dict[str, str]:
    """The details `suggestion_de` and `suggestion_en` of a wrong value in a code column
    (empty texts when nothing is close): the code first for raw/, which holds codes, the
    German label first where labels are typed (labels_first: the workbook)."""
    found = choices(codelist).suggestion(str(value)) if value is not None else None
    if found is None:
        return {"suggestion_de": "", "suggestion_en": ""}
    pair = (found.label_de, found.code) if labels_first else (found.code, found.label_de)
    de, en = meant(*pair)
    return {"suggestion_de": de, "suggestion_en": en}


def allowed(codelist: str) -> dict[str, str]:
    """The details `allowed_de` and `allowed_en`: every code with its label, in the
    list's own order (raw/ holds codes)."""
    found = choices(codelist).codes
    return {
        "allowed_de": ", ".join(f"{c.code} ({c.label_de})" for c in found),
        "allowed_en": ", ".join(f"{c.code} ({c.label_en})" for c in found),
    }


@dataclass(frozen=True)
class Heading:
    """A column as its header cell names it."""

    name: str
    label_de: str
    label_en: str


@dataclass(frozen=True)
class Headings:
    """The columns of one dataset by machine name and German label."""

    columns: tuple[Heading, ...]

    def name_of(self, header: str) -> str | None:
        """The machine name a header cell means: itself, or the column whose German
        label it is (case and spaces aside); None if neither."""
        for column in self.columns:
            if header == column.name:
                return column.name
        wanted = tolerant(header)
        for column in self.columns:
            if tolerant(column.label_de) == wanted:
                return column.name
        return None

    def label_of(self, name: str) -> str:
        return next((c.label_de for c in self.columns if c.name == name), name)

    def shown(self, name: str, labels_first: bool = False) -> str:
        """A column as a report names it: `event_type (Art des Ereignisses)`, or the
        label first where the curator sees labels; a name no column has, as it is."""
        label = self.label_of(name)
        if label == name:
            return name
        return f"{label} ({name})" if labels_first else f"{name} ({label})"

    def suggestion(self, header: str, present: Collection[str] = ()) -> Heading | None:
        """The column an unknown header most likely means, of those not present (by
        machine name) already: a column that is there is not what a second one means."""
        texts = []
        for column in self.columns:
            if column.name not in present:
                texts += [(column.label_de, column), (column.name, column)]
                texts.append((column.label_en, column))
        return nearest(header, texts)

    def column_suggestion(
        self, header: object, present: Collection[str] = (), labels_first: bool = False
    ) -> dict[str, str]:
        """The details `suggestion_de` and `suggestion_en` of an unknown header."""
        found = self.suggestion(str(header), present) if header is not None else None
        if found is None:
            return {"suggestion_de": "", "suggestion_en": ""}
        pair = (found.label_de, found.name) if labels_first else (found.name, found.label_de)
        de, en = meant(*pair)
        return {"suggestion_de": de, "suggestion_en": en}
