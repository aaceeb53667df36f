"""The Frictionless Data Package of a release, generated from the pandera models.

Every file of every dataset is a resource carrying the dataset's Table Schema, its
size and its sha256. The CSV files are declared as tabular data resources, so
`frictionless validate datapackage.json` checks their every row against the schema
(types, constraints, primary and foreign keys) as well as their size and hash.

The Parquet and JSON files are declared as plain file resources (`"type": "file"`)
that still carry the same schema: frictionless 5.21 cannot measure the bytes of a
tabular Parquet or JSON resource (its Parquet parser reads the file through pyarrow
by path, its JSON parser through ijson, both bypassing the counting stream) and then
reports a `byte-count` error for every such file, and it silently skips their hash.
As file resources their size and sha256 are verified for real; their rows are
checked against the same schema by the project's tests (tests/test_datapackage.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from flows.common.digests import sha256_file
from flows.describe.metadata import Metadata, load_metadata
from flows.write.geojson import GEO_POINT_COLUMN, GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from flows.write.spreadsheet import SUFFIX as SPREADSHEET_SUFFIX
from schemas import DATASETS, ColumnSpec, Dataset
from schemas.codelists import codes
from schemas.standards import standard_codes

MEDIA_TYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}

SPREADSHEET_DESCRIPTION = (
    "Dieselben Zeilen für Excel und LibreOffice mit deutscher Einstellung: UTF-8 mit BOM, "
    "Semikolon als Trennzeichen, Dezimalkomma; Textzellen, die wie Formeln beginnen, "
    "tragen ein vorangestelltes Apostroph. Für Programme ist die CSV-Datei gedacht."
)


def table_schema(ds: Dataset) -> dict:
    """A Frictionless Table Schema for one dataset."""
    schema: dict = {
        "fields": [field_descriptor(c) for c in ds.columns],
        "primaryKey": ds.primary_key if len(ds.primary_key) > 1 else ds.primary_key[0],
        "missingValues": [""],
    }
    foreign_keys = [
        {"fields": c.name, "reference": {"resource": c.references[0], "fields": c.references[1]}}
        for c in ds.columns
        if c.references
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def field_descriptor(c: ColumnSpec) -> dict:
    descriptor: dict = {
        "name": c.name,
        "title": c.label_en,
        "title_de": c.label_de,
        "type": c.type,
        "description": c.description_en,
        "description_de": c.description_de,
    }
    if c.type == "date":
        descriptor["format"] = "default"
    if c.unit:
        descriptor["unit"] = c.unit
    constraints: dict = {}
    if c.required:
        constraints["required"] = True
    if c.codelist:
        constraints["enum"] = codes(c.codelist)
    if c.standard is not None:
        constraints["enum"] = list(standard_codes(c.standard))
    if c.pattern is not None:
        constraints["pattern"] = c.pattern.regex.removeprefix("^").removesuffix("$")
    for check in c.checks:
        stats = check.statistics or {}
        if check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            constraints["maximum"] = stats["max_value"]
        elif check.name == "in_range":
            constraints["minimum"] = stats["min_value"]
            constraints["maximum"] = stats["max_value"]
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def file_facts(path: Path) -> dict:
    return {"bytes": path.stat().st_size, "hash": "sha256:" + sha256_file(path)}


def resources(folder: Path, metadata: Metadata) -> list[dict]:
    """One resource per dataset and format; CSV resources carry the dialect."""
    result = []
    for ds in DATASETS:
        meta = metadata.datasets[ds.name]
        for fmt, media_type in MEDIA_TYPES.items():
            path = folder / f"{ds.name}.{fmt}"
            resource: dict = {"name": ds.name if fmt == "csv" else f"{ds.name}-{fmt}"}
            if fmt == "csv":
                resource["profile"] = "tabular-data-resource"
            else:
                # see the module docstring: verifiable as a file, not as a table
                resource["type"] = "file"
            resource |= {
                "path": path.name,
                "title": meta.title_de,
                "description": meta.description_de,
                "format": fmt,
                "mediatype": media_type,
                **file_facts(path),
                "schema": table_schema(ds),
            }
            if fmt != "parquet":
                resource["encoding"] = "utf-8"
            if fmt == "csv":
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
            result.append(resource)
        result.append(spreadsheet_resource(folder, ds, metadata))
        if ds.name == "partnerships":
            result += map_resources(folder, metadata)
    return result


GEOJSON_MEDIA_TYPE = "application/geo+json"


def map_resources(folder: Path, metadata: Metadata) -> list[dict]:
    """partnerships.geojson and the CSV with a geo point column (flows.write.geojson)."""
    meta = metadata.datasets["partnerships"]
    geojson = folder / GEOJSON_NAME
    with_points = folder / OPENDATASOFT_CSV_NAME
    return [
        {
            "name": "partnerships-geojson",
            "type": "file",
            "path": geojson.name,
            "title": f"{meta.title_de} (Karte, GeoJSON)",
            "description": "Ein Punkt je Partnerschaft mit Koordinaten (RFC 7946, WGS 84).",
            "format": "geojson",
            "mediatype": GEOJSON_MEDIA_TYPE,
            "encoding": "utf-8",
            **file_facts(geojson),
        },
        {
            "name": "partnerships-opendatasoft",
            "type": "file",
            "path": with_points.name,
            "title": f"{meta.title_de} (für Opendatasoft)",
            "description": (
                f"Dieselben Zeilen wie {meta.name}.csv mit der Spalte {GEO_POINT_COLUMN} "
                "(Breite,Länge), aus der Opendatasoft eine Karte zeichnet."
            ),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **file_facts(with_points),
        },
    ]


def spreadsheet_resource(folder: Path, ds: Dataset, metadata: Metadata) -> dict:
    """The spreadsheet copy (flows.write.spreadsheet) as a file: size and hash, no Table Schema,
    since its decimal commas and apostrophe-guarded text are for people, not the schema."""
    meta = metadata.datasets[ds.name]
    path = folder / spreadsheet_name(ds)
    return {
        "name": f"{ds.name}-spreadsheet",
        "type": "file",
        "path": path.name,
        "title": f"{meta.title_de} (für Tabellenkalkulation)",
        "description": SPREADSHEET_DESCRIPTION,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        **file_facts(path),
    }


def spreadsheet_name(ds: Dataset) -> str:
    return f"{ds.name}.{SPREADSHEET_SUFFIX}"


def package_licenses(metadata: Metadata) -> list[dict]:
    lic = metadata.license
    return [{"name": lic.spdx, "path": lic.url, "title": lic.title}]


def package_name(metadata: Metadata) -> str:
    """ "moers-partnerships": the municipality's slug, then what the package holds."""
    return f"{metadata.municipality.slug}-partnerships"


def publisher(metadata: Metadata) -> dict:
    agent = {"title": metadata.publisher.name, "path": metadata.publisher.url}
    return {key: value for key, value in agent.items() if value} | {"role": "publisher"}


def datapackage(folder: Path, metadata: Metadata | None = None) -> dict:
    """The datapackage.json content for the files in folder."""
    metadata = metadata or load_metadata()
    keywords = sorted({k for d in metadata.datasets.values() for k in d.keywords_de})
    return {
        "profile": "data-package",
        "name": package_name(metadata),
        "title": metadata.title_de,
        "description": metadata.description_de,
        "homepage": metadata.base_url,
        "licenses": package_licenses(metadata),
        "contributors": [publisher(metadata)],
        "keywords": keywords,
        "resources": resources(folder, metadata),
    }


def write_datapackage(folder: Path, metadata: Metadata | None = None) -> Path:
    path = folder / "datapackage.json"
    text = json.dumps(datapackage(folder, metadata), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path
