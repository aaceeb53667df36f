"""The data dictionary: one bilingual Markdown page generated from the pandera models.

Regenerate the committed copy with
``python -m flows.describe.dictionary > docs/data-dictionary.md`` (its section
"Quellen / Sources" is read from the curated files in raw/); the pipeline publishes the
same page as data-dictionary.md beside the data, with the sources of the rows it
publishes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flows.describe.datapackage import field_descriptor, spreadsheet_name
from flows.describe.metadata import DatasetMetadata, Metadata, load_metadata
from flows.describe.sources import (
    ROWS_SHOWN,
    SOURCES_LISTED,
    Source,
    cited_rows,
    read_curated,
    read_published,
    sources_markdown,
)
from flows.write.datasets import FORMATS
from schemas import DATASETS, ColumnSpec, Dataset
from schemas.codelists import labelled

DICTIONARY_NAME = "data-dictionary.md"

TYPE_LABELS = {
    "string": "Text / text",
    "integer": "Ganzzahl / integer",
    "number": "Dezimalzahl / decimal number",
    "date": "Datum / date (YYYY-MM-DD)",
}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def anchor(text: str) -> str:
    return text.lower().replace("_", "-")


def column_rules(c: ColumnSpec) -> list[str]:
    rules = []
    if c.codelist:
        rules.append(f"Codeliste / code list [`{c.codelist}`](#codelist-{anchor(c.codelist)})")
    if c.pattern is not None:
        rules.append(f"{c.pattern.hint_de} / {c.pattern.hint_en}")
    if c.standard is not None:
        rules.append(
            f"nur Codes der {c.standard.name}-Liste; Namen der verwendeten Codes im Datensatz "
            f"`codelists` (`{c.standard.codelist}`) / only codes of the {c.standard.name} "
            f"list; the names of the codes used are in the `codelists` dataset"
        )
    constraints = field_descriptor(c).get("constraints", {})
    if "minimum" in constraints:
        rules.append(f"≥ {constraints['minimum']}")
    if "maximum" in constraints:
        rules.append(f"≤ {constraints['maximum']}")
    if c.references:
        dataset_name, column_name = c.references
        rules.append(
            f"verweist auf / references [`{dataset_name}.{column_name}`](#{anchor(dataset_name)})"
        )
    if c.derived:
        rules.append("von der Pipeline berechnet / computed by the pipeline")
    return rules


def dataset_section(ds: Dataset, meta: DatasetMetadata) -> list[str]:
    files = ", ".join(f"`{ds.name}.{fmt}`" for fmt in FORMATS)
    files += f"; für Tabellenkalkulation / for spreadsheets: `{spreadsheet_name(ds)}`"
    key = ", ".join(f"`{k}`" for k in ds.primary_key)
    lines = [
        f'<a id="{anchor(ds.name)}"></a>',
        f"## `{ds.name}`: {meta.title_de} / {meta.title_en}",
        "",
        meta.description_de,
        "",
        f"*{meta.description_en}*",
        "",
        f"- Dateien / files: {files}",
        f"- Primärschlüssel / primary key: {key}",
        "",
        "| Spalte / column | Typ / type | Einheit / unit | Pflicht / required "
        "| Beschreibung | Description | Regeln / rules |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in ds.columns:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{c.name}`",
                    TYPE_LABELS[c.type],
                    cell(c.unit or ""),
                    "ja / yes" if c.required else "nein / no",
                    cell(c.description_de),
                    cell(c.description_en),
                    cell("; ".join(column_rules(c))),
                ]
            )
            + " |"
        )
    return [*lines, ""]


def codelist_section(name: str) -> list[str]:
    users = [f"`{ds.name}.{c.name}`" for ds in DATASETS for c in ds.columns if c.codelist == name]
    lines = [
        f'<a id="codelist-{anchor(name)}"></a>',
        f"### `{name}`",
        "",
        f"Verwendet in / used in: {', '.join(users)}",
        "",
        "| Code | Bezeichnung | Label |",
        "|---|---|---|",
    ]
    lines += [f"| `{e.code}` | {cell(e.label_de)} | {cell(e.label_en)} |" for e in labelled(name)]
    return [*lines, ""]


def dictionary_markdown(
    sources: list[Source] | None = None, metadata: Metadata | None = None
) -> str:
    """The page, titled for metadata's municipality; with `sources`
    (flows.describe.sources.cited_rows) also the section "Quellen"."""
    described = (metadata or load_metadata()).datasets
    used_codelists = sorted({c.codelist for ds in DATASETS for c in ds.columns if c.codelist})
    lines = [
        "# Datenwörterbuch / Data dictionary",
        "",
        "Erzeugt aus den pandera-Modellen in `schemas/`; nicht von Hand bearbeiten, sondern "
        "mit `python -m flows.describe.dictionary > docs/data-dictionary.md` neu erzeugen.",
        "",
        "*Generated from the pandera models in `schemas/`; do not edit by hand, regenerate "
        "with `python -m flows.describe.dictionary > docs/data-dictionary.md`.*",
        "",
        "Leere Zellen bedeuten in CSV einen fehlenden Wert, in JSON `null`. / "
        "An empty CSV cell is a missing value, `null` in JSON.",
        "",
        "## Datensätze / Datasets",
        "",
    ]
    lines += [
        f"- [`{ds.name}`](#{anchor(ds.name)}): "
        f"{described[ds.name].title_de} / {described[ds.name].title_en}"
        for ds in DATASETS
    ]
    lines.append("")
    for ds in DATASETS:
        lines += dataset_section(ds, described[ds.name])
    lines += ["## Codelisten / Code lists", ""]
    for name in used_codelists:
        lines += codelist_section(name)
    if sources is not None:
        lines += sources_markdown(sources)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_dictionary(folder: Path, metadata: Metadata | None = None) -> Path:
    path = folder / DICTIONARY_NAME
    sources = cited_rows(read_published(folder), limit=ROWS_SHOWN, listed=SOURCES_LISTED)
    path.write_text(dictionary_markdown(sources, metadata), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")  # type: ignore[union-attr]
    sources = cited_rows(read_curated(Path("raw")), limit=ROWS_SHOWN, listed=SOURCES_LISTED)
    sys.stdout.write(dictionary_markdown(sources))
