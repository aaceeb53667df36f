"""The code lists themselves, published as a dataset so portals can show the labels."""

from __future__ import annotations

import pandera.pandas as pa

from schemas.fields import column
from schemas.types import Text

PRIMARY_KEY = ["codelist", "code"]


class CodelistEntries(pa.DataFrameModel):
    """Code lists with German and English labels / Codelisten mit Beschriftungen."""

    codelist: Text = column(
        label_de="Codeliste",
        label_en="Code list",
        de="Name der Codeliste",
        en="Name of the code list",
    )
    code: Text = column(
        label_de="Code",
        label_en="Code",
        de="Code, wie er in den Daten steht",
        en="Code as it appears in the data",
    )
    label_de: Text = column(
        label_de="Bezeichnung (deutsch)",
        label_en="Label (German)",
        de="Deutsche Bezeichnung",
        en="German label",
    )
    label_en: Text = column(
        label_de="Bezeichnung (englisch)",
        label_en="Label (English)",
        de="Englische Bezeichnung",
        en="English label",
    )

    class Config:
        strict = True
        unique = PRIMARY_KEY
        metadata = {
            "primary_key": PRIMARY_KEY,
            #: the sheet a curator edits in the workbook (31 characters at most)
            "sheet_de": "Codelisten",
            "min_rows": 1,
            "title_de": "Codelisten der Partnerschaftsdaten",
            "title_en": "Code lists of the partnership data",
            "description_de": "Alle Codes der Datensätze mit deutscher und englischer Bezeichnung.",
            "description_en": "Every code used in the datasets with its German and English label.",
            #: keywords get the place of metadata.toml's [municipality] added
            "keywords_de": ["Codeliste", "Städtepartnerschaft"],
            "keywords_en": ["code list", "twin towns"],
            "themes": ["INTR"],
        }
