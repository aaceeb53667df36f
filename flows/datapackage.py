"""The Frictionless Data Package of a release, generated from the pandera models."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from schemas import DATASETS, ColumnSpec, Dataset
from schemas.codelists import codes

MEDIA_TYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}


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
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def resources(folder: Path) -> list[dict]:
    """One resource per dataset and format; CSV resources carry the dialect."""
    result = []
    for ds in DATASETS:
        for fmt, media_type in MEDIA_TYPES.items():
            path = folder / f"{ds.name}.{fmt}"
            resource = {
                "name": ds.name if fmt == "csv" else f"{ds.name}-{fmt}",
                "path": path.name,
                "profile": "tabular-data-resource",
                "title": ds.meta["title_de"],
                "description": ds.meta["description_de"],
                "format": fmt,
                "mediatype": media_type,
                "encoding": "utf-8",
                **file_facts(path),
                "schema": table_schema(ds),
            }
            if fmt == "csv":
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
            result.append(resource)
    return result


def datapackage(folder: Path, metadata: dict | None = None) -> dict:
    """The datapackage.json content for the files in folder."""
    package = {
        "profile": "tabular-data-package",
        "name": "dortmund-partnerships",
        "title": "Internationale Beziehungen der Stadt Dortmund",
        "description": "Partnerschaften, Hilfslieferungen und Ereignisse der "
        "Städtepartnerschaften der Stadt Dortmund.",
        **(metadata or {}),
        "resources": resources(folder),
    }
    return package


def write_datapackage(folder: Path, metadata: dict | None = None) -> Path:
    path = folder / "datapackage.json"
    text = json.dumps(datapackage(folder, metadata), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path
