"""Code lists: every code with its German and English label.

They live in `codelists.csv` beside this module so that curators can read them as a
table and the pipeline can publish them as a dataset of their own. The schemas use
them for their `isin` checks; error messages list the allowed codes with labels.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CODELISTS_CSV = Path(__file__).with_name("codelists.csv")


@dataclass(frozen=True)
class Code:
    codelist: str
    code: str
    label_de: str
    label_en: str


@cache
def all_codes() -> tuple[Code, ...]:
    with CODELISTS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(Code(**row) for row in csv.DictReader(handle))


def codes(codelist: str) -> list[str]:
    """The allowed codes of one code list, in file order."""
    found = [c.code for c in all_codes() if c.codelist == codelist]
    if not found:
        raise KeyError(f"no code list named {codelist!r} in {CODELISTS_CSV.name}")
    return found


def labelled(codelist: str) -> list[Code]:
    return [c for c in all_codes() if c.codelist == codelist]


def codelist_names() -> list[str]:
    return sorted({c.codelist for c in all_codes()})
