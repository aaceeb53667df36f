"""index.csv for Opendatasoft's "FTP with meta CSV" harvester.

Opendatasoft documents the format at `DOCUMENTATION`: a semicolon-separated UTF-8
file beside the data, one header row, one row per dataset; `name` identifies the row,
`source_dataset` names the file to harvest and the other columns carry standard
metadata (title, description, theme, keyword, license, language, modified, ...).
Lists inside a cell (keyword) are separated by semicolons and the cell is quoted;
themes by commas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from flows.describe.metadata import Metadata, load_metadata
from flows.write.geojson import GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from schemas import DATASETS

DOCUMENTATION = (
    "https://help.opendatasoft.com/platform/en/publishing_data/"
    "02_harvesting_a_catalog/harvesters/ftp_with_meta_csv.html"
)
INDEX_NAME = "index.csv"
COLUMNS = (
    "name",
    "title",
    "description",
    "theme",
    "keyword",
    "license",
    "language",
    "modified",
    "source_dataset",
)


def row_name(dataset_name: str) -> str:
    """The row identifier: letters, digits and hyphens, stable across releases."""
    return dataset_name.replace("_", "-")


def index_rows(metadata: Metadata, modified: dt.date) -> list[dict[str, str]]:
    rows = []
    for ds in DATASETS:
        meta = metadata.datasets[ds.name]
        rows.append(
            {
                "name": row_name(ds.name),
                "title": meta.title_de,
                "description": meta.description_de,
                "theme": ", ".join(meta.theme_labels_de()),
                "keyword": ";".join(meta.keywords_de),
                "license": metadata.license.title,
                "language": metadata.languages[0],
                "modified": modified.isoformat(),
                # Opendatasoft ingests the CSV; the other formats are in the DCAT catalogue
                "source_dataset": source_file(ds.name),
            }
        )
    rows.append(map_row(metadata, modified))
    return rows


def source_file(dataset_name: str) -> str:
    """The file Opendatasoft harvests: for partnerships the CSV with a geo point column."""
    return OPENDATASOFT_CSV_NAME if dataset_name == "partnerships" else f"{dataset_name}.csv"


def map_row(metadata: Metadata, modified: dt.date) -> dict[str, str]:
    """partnerships.geojson as a dataset of its own: the partner cities as points."""
    meta = metadata.datasets["partnerships"]
    return {
        "name": "partnerships-map",
        "title": f"{meta.title_de} (Karte)",
        "description": "Die Partnerstädte als Punkte (GeoJSON, WGS 84). " + meta.description_de,
        "theme": ", ".join(meta.theme_labels_de()),
        "keyword": ";".join(meta.keywords_de),
        "license": metadata.license.title,
        "language": metadata.languages[0],
        "modified": modified.isoformat(),
        "source_dataset": GEOJSON_NAME,
    }


def index_csv(metadata: Metadata, modified: dt.date) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(index_rows(metadata, modified))
    return buffer.getvalue()


def write_index(folder: Path, modified: dt.date, metadata: Metadata | None = None) -> Path:
    path = folder / INDEX_NAME
    path.write_bytes(index_csv(metadata or load_metadata(), modified).encode("utf-8"))
    return path
