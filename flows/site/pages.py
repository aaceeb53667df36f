"""What each page shows, gathered from the schemas, metadata.toml and the release itself.

Plain data for the templates: every text from the data is passed as it is and escaped
by Jinja2's autoescape when rendered (flows.site.render).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from flows.describe.datapackage import spreadsheet_name
from flows.describe.metadata import Metadata, page_name
from flows.site.partner_map import City
from flows.write.datasets import FORMATS
from flows.write.geojson import GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from schemas import ColumnSpec, Dataset
from schemas.codelists import labelled

PREVIEW_ROWS = 10
#: the event types that change a partnership's status, for "suspended since"
STATUS_EVENTS = ("resolution", "council_decision")


@dataclass(frozen=True)
class Download:
    name: str
    format: str
    bytes: int
    sha256: str
    rows: int | None


def downloads(ds: Dataset, digests: dict[str, dict], rows: dict[str, int]) -> list[Download]:
    names = [(f"{ds.name}.{fmt}", fmt.upper()) for fmt in FORMATS]
    names.append((spreadsheet_name(ds), "CSV (Excel, LibreOffice)"))
    if ds.name == "partnerships":
        names += [(GEOJSON_NAME, "GeoJSON"), (OPENDATASOFT_CSV_NAME, "CSV (Opendatasoft)")]
    result = []
    for name, label in names:
        facts = digests.get(name)
        if facts is None:
            continue
        counted = rows.get(ds.name) if name != GEOJSON_NAME else None
        result.append(Download(name, label, facts["bytes"], facts["sha256"], counted))
    return result


def column_rules(c: ColumnSpec, language: str, texts: dict[str, str]) -> dict:
    """The column's rules for the dictionary table; codes come with their labels."""
    hint = ""
    if c.pattern is not None:
        hint = c.pattern.hint_de if language == "de" else c.pattern.hint_en
    codes = []
    if c.codelist:
        codes = [
            (e.code, e.label_de if language == "de" else e.label_en) for e in labelled(c.codelist)
        ]
    reference = None
    if c.references:
        reference = (c.references[0], page_name(c.references[0], language), c.references[1])
    return {"hint": hint, "codes": codes, "reference": reference, "derived": c.derived}


def preview(ds: Dataset, folder: Path) -> tuple[list[str], list[list[str]]]:
    """The first rows, read as one small batch: the file is not read further."""
    parquet = pq.ParquetFile(Path(folder) / f"{ds.name}.parquet")
    batch = next(parquet.iter_batches(batch_size=PREVIEW_ROWS), None)
    header = [c.name for c in ds.columns]
    if batch is None:
        return header, []
    rows = []
    for row in batch.to_pylist():
        rows.append(["" if row[name] is None else str(row[name]) for name in header])
    return header, rows


def cities(folder: Path) -> list[City]:
    table = pq.read_table(
        Path(folder) / "partnerships.parquet",
        columns=["partnership_id", "partner_city", "status", "latitude", "longitude"],
    )
    return [
        City(
            row["partnership_id"],
            row["partner_city"],
            row["latitude"],
            row["longitude"],
            row["status"] == "suspended",
        )
        for row in table.to_pylist()
        if row["latitude"] is not None and row["longitude"] is not None
    ]


def partnership_rows(folder: Path, events_since: dict[str, str]) -> list[dict]:
    """Every partnership for the map's table, with the date its status holds since."""
    table = pq.read_table(
        Path(folder) / "partnerships.parquet",
        columns=[
            "partnership_id", "partner_city", "country_code", "status",
            "latitude", "longitude", "established_year",
        ],
    )  # fmt: skip
    rows = table.to_pylist()
    for row in rows:
        active = row["status"] == "active"
        row["since"] = "" if active else events_since.get(row["partnership_id"], "")
    return rows


def status_since(folder: Path) -> dict[str, str]:
    """Per partnership, the date of its latest resolution or council decision."""
    table = pq.read_table(
        Path(folder) / "events.parquet",
        columns=["partnership_id", "date_start", "date"],
        filters=[("event_type", "in", list(STATUS_EVENTS))],
    )
    latest: dict[str, tuple] = {}
    for row in table.to_pylist():
        key = row["partnership_id"]
        if key not in latest or row["date_start"] > latest[key][0]:
            latest[key] = (row["date_start"], row["date"])
    return {key: value[1] for key, value in latest.items()}


def code_labels(codelist: str, language: str) -> dict[str, str]:
    return {e.code: (e.label_de if language == "de" else e.label_en) for e in labelled(codelist)}


def changes(folder: Path) -> dict | None:
    """The release's changelog.json (written before the pages), or None."""
    path = Path(folder) / "changelog.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def licence_facts(metadata: Metadata) -> dict:
    return {
        "title": metadata.license.title,
        "url": metadata.license.url,
        "attribution": metadata.attribution if metadata.license.needs_attribution else None,
    }
