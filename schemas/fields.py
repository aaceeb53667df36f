"""How a column is declared: one call carries its checks and its bilingual documentation.

Everything downstream (type conversion, validation messages, the Table Schema in
datapackage.json, the data dictionary, the Parquet field metadata) reads what is
declared here, so a column is described exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandera.pandas as pa

from schemas.codelists import codes
from schemas.standards import Standard, standard_codes


@dataclass(frozen=True)
class Format:
    """A text pattern with a plain-words explanation for curators."""

    regex: str
    hint_de: str
    hint_en: str


SLUG = Format(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Kleinbuchstaben (a-z), Ziffern und einzelne Bindestriche, z. B. rostow-am-don",
    "lower-case letters (a-z), digits and single hyphens, e.g. rostow-am-don",
)
COUNTRY_CODE = Format(
    r"^[A-Z]{2}$",
    "zwei Großbuchstaben nach ISO 3166-1 alpha-2, z. B. RU",
    "two capital letters as in ISO 3166-1 alpha-2, e.g. RU",
)
WIKIDATA_ID = Format(
    r"^Q[1-9][0-9]*$",
    "ein Wikidata-Bezeichner: Q gefolgt von Ziffern, z. B. Q908",
    "a Wikidata id: Q followed by digits, e.g. Q908",
)
#: no control character, space or other character Python's `\s` calls whitespace. Spelled
#: out because pandas runs a pattern with `\s` through Python's re one row at a time
#: (0.7 s at a million rows) while this one goes to pyarrow's RE2.
NOT_SPACE = "[^\\x00-\\x20\\x7f-\\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
HTTPS_URL = Format(
    r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:[/?#]" + NOT_SPACE + "*)?$",
    "eine vollständige Adresse, die mit https:// beginnt",
    "a complete address starting with https://",
)

FIRST_YEAR = 1945


def column(
    *,
    de: str,
    en: str,
    label_de: str = "",
    label_en: str = "",
    required: bool = True,
    unit: str | None = None,
    codelist: str | None = None,
    pattern: Format | None = None,
    standard: Standard | None = None,
    references: str | None = None,
    derived: bool = False,
    **checks: Any,
) -> Any:
    """A pandera Field with German and English labels and descriptions and the project's
    metadata.

    The labels are the short names a portal shows as column headings (Opendatasoft's
    schema files, the Table Schema's `title`); tests/test_schemas.py requires them.

    `codelist` adds an `isin` check against the named code list; `pattern` a
    `str_matches` check; `standard` an `isin` check against the standard's maintained
    list, which then replaces the pattern's check (the pattern stays as documentation:
    one wrong cell is one problem); `references` ("dataset.column") declares a foreign
    key that the pipeline checks across files; `derived` marks a column the pipeline
    computes, which curators do not write in raw/.
    """
    if codelist is not None:
        checks["isin"] = codes(codelist)
    if standard is not None:
        checks["isin"] = list(standard_codes(standard))
    elif pattern is not None:
        checks["str_matches"] = pattern.regex
    metadata = {
        "label_de": label_de,
        "label_en": label_en,
        "description_de": de,
        "description_en": en,
        "unit": unit,
        "codelist": codelist,
        "pattern": pattern,
        "standard": standard,
        "references": references,
        "derived": derived,
    }
    return pa.Field(nullable=not required, description=en, metadata=metadata, **checks)


def year_column(*, required: bool = True, **texts: str) -> Any:
    return column(**texts, required=required, ge=FIRST_YEAR)
