"""index.csv and the field schema files for Opendatasoft's "FTP with meta CSV" harvester.

Opendatasoft documents the format at `DOCUMENTATION` (source: the public repository
opendatasoft/ods-documentation, `harvesters/ftp_with_meta_csv.rst`): a
semicolon-separated UTF-8 file beside the data, one header row, one row per dataset;
`name` identifies the row, the resource column (`source_dataset`) names the file to
harvest, the schema column (here `schema_file`, set as the harvester's "Metadata CSV
schema column") names a `name;label;description` file that labels the fields, and every
other column must be one of the documented metadata columns (`HARVESTER_COLUMNS`).

List values (keyword, theme, attributions) are separated by semicolons inside a quoted
cell, as the documentation asks for lists. Themes are not joined with commas: theme
labels themselves contain commas (Opendatasoft's own default themes do, and so does the
EU theme "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel"). The licence
and the themes are written as the portal's own labels ([opendatasoft] in metadata.toml),
because the portal matches them against its configured lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from flows.describe.metadata import Metadata, load_metadata
from flows.write.geojson import GEO_POINT_COLUMN, GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from schemas import DATASETS, Dataset, dataset

DOCUMENTATION = (
    "https://help.opendatasoft.com/platform/en/publishing_data/"
    "02_harvesting_a_catalog/harvesters/ftp_with_meta_csv.html"
)
INDEX_NAME = "index.csv"
#: the harvester's resource column (its default name) and the schema column we configure
RESOURCE_COLUMN = "source_dataset"
SCHEMA_COLUMN = "schema_file"
#: the metadata columns the documentation accepts in the standard template
HARVESTER_COLUMNS = frozenset(
    {
        "title", "description", "theme", "keyword", "license", "language", "timezone",
        "modified", "geographic_area_mode", "geographic_area", "publisher", "references",
        "attributions", "oauth_scope",
    }
)  # fmt: skip
COLUMNS = (
    "name",
    "title",
    "description",
    "theme",
    "keyword",
    "license",
    "language",
    "modified",
    "publisher",
    "attributions",
    "references",
    RESOURCE_COLUMN,
    SCHEMA_COLUMN,
)
#: index.<dataset>.schema.csv: named for the index that refers to them, so they count
#: as release-wide metadata like index.csv, not as a dataset's files
SCHEMA_NAME = "index.{dataset}.schema.csv"
SCHEMA_COLUMNS = ("name", "label", "description")
LIST_SEPARATOR = ";"
#: the column that partnerships.opendatasoft.csv adds for the portal's own map
GEO_POINT_FIELD = {
    "name": GEO_POINT_COLUMN,
    "label": "Geokoordinaten",
    "description": "Breite und Länge (WGS 84) als Geopunkt, aus latitude und longitude; "
    "leer ohne Koordinaten.",
}


def row_name(dataset_name: str) -> str:
    """The row identifier: letters, digits and hyphens, stable across releases."""
    return dataset_name.replace("_", "-")


def schema_file_name(ds: Dataset) -> str:
    return SCHEMA_NAME.format(dataset=ds.name)


def is_schema_file(file_name: str) -> bool:
    return file_name in {schema_file_name(ds) for ds in DATASETS}


def list_cell(values: list[str] | tuple[str, ...]) -> str:
    """Several values in one cell; the writer quotes it because it holds the separator."""
    return LIST_SEPARATOR.join(values)


def schema_rows(ds: Dataset) -> list[dict[str, str]]:
    """One row per column with its German label and description, from the model.

    The harvester wants each field's name in lower case: the CSV header's, which the
    models keep in lower-case snake_case already."""
    rows = [
        {"name": c.name.lower(), "label": c.label_de, "description": c.description_de}
        for c in ds.columns
    ]
    if source_file(ds.name) == OPENDATASOFT_CSV_NAME:
        rows.append(GEO_POINT_FIELD)
    return rows


def semicolon_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_schema_files(folder: Path) -> list[Path]:
    paths = []
    for ds in DATASETS:
        path = folder / schema_file_name(ds)
        path.write_bytes(semicolon_csv(SCHEMA_COLUMNS, schema_rows(ds)))
        paths.append(path)
    return paths


def attribution_columns(metadata: Metadata) -> dict[str, str]:
    """publisher, attributions and references. Datenlizenz Deutschland – Namensnennung
    (and CC BY) oblige users to name the provider: `attributions` says whom."""
    return {
        "publisher": metadata.publisher.name,
        "attributions": list_cell([metadata.attribution] if metadata.attribution else []),
        "references": metadata.download_url("data-dictionary.md"),
    }


def index_rows(metadata: Metadata, modified: dt.date) -> list[dict[str, str]]:
    labels = metadata.opendatasoft
    rows = []
    for ds in DATASETS:
        meta = metadata.datasets[ds.name]
        rows.append(
            {
                "name": row_name(ds.name),
                "title": meta.title_de,
                "description": meta.description_de,
                "theme": list_cell([labels.themes[code] for code in meta.themes]),
                "keyword": list_cell(meta.keywords_de),
                "license": labels.license,
                "language": metadata.languages[0],
                "modified": modified.isoformat(),
                **attribution_columns(metadata),
                # Opendatasoft ingests the CSV; the other formats are in the DCAT catalogue
                RESOURCE_COLUMN: source_file(ds.name),
                SCHEMA_COLUMN: schema_file_name(ds),
            }
        )
    rows.append(map_row(metadata, modified))
    return rows


def source_file(dataset_name: str) -> str:
    """The file Opendatasoft harvests: for partnerships the CSV with a geo point column."""
    return OPENDATASOFT_CSV_NAME if dataset_name == "partnerships" else f"{dataset_name}.csv"


def map_row(metadata: Metadata, modified: dt.date) -> dict[str, str]:
    """partnerships.geojson as a dataset of its own: the partner cities as points. Its
    features carry the partnerships' columns, so the partnerships' field schema labels
    them."""
    meta = metadata.datasets["partnerships"]
    return {
        "name": "partnerships-map",
        "title": f"{meta.title_de} (Karte)",
        "description": "Die Partnerstädte als Punkte (GeoJSON, WGS 84). " + meta.description_de,
        "theme": list_cell([metadata.opendatasoft.themes[code] for code in meta.themes]),
        "keyword": list_cell(meta.keywords_de),
        "license": metadata.opendatasoft.license,
        "language": metadata.languages[0],
        "modified": modified.isoformat(),
        **attribution_columns(metadata),
        RESOURCE_COLUMN: GEOJSON_NAME,
        SCHEMA_COLUMN: schema_file_name(dataset("partnerships")),
    }


def index_csv(metadata: Metadata, modified: dt.date) -> str:
    return semicolon_csv(COLUMNS, index_rows(metadata, modified)).decode("utf-8")


def write_index(folder: Path, modified: dt.date, metadata: Metadata | None = None) -> Path:
    """index.csv and the schema files it names, in folder."""
    write_schema_files(folder)
    path = folder / INDEX_NAME
    path.write_bytes(index_csv(metadata or load_metadata(), modified).encode("utf-8"))
    return path
