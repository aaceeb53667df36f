"""Typed tables in CKAN's DataStore, with the Data Dictionary, for each dataset's CSV.

XLoader and DataPusher load every column of a CSV as text unless the DataStore table
says otherwise. So the CSV resource's table is created here with the model's types
(`date`, `int`, `numeric`, `text`) and each field's Data Dictionary entry (`info`: the
German label and description; `type_override` tells XLoader to keep the type when it
reloads the file). Rows are read from the CSV that was uploaded, typed as the model says.

Idempotent: the resource remembers the sha256 of the field definitions it was loaded
with (`datastore_fields_sha256`); an unchanged file whose table exists with those fields
sends nothing. A changed file is upserted by primary key and rows no longer in it are
deleted; changed fields (a new column, another type) recreate the table.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from flows.publish.base import PublishRejected
from schemas import Dataset

#: the model's logical types as DataStore column types
CKAN_TYPES = {"string": "text", "integer": "int", "number": "numeric", "date": "date"}
FIELDS_MARKER = "datastore_fields_sha256"
BATCH_ROWS = 5000


def datastore_fields(ds: Dataset) -> list[dict[str, Any]]:
    """The DataStore fields with their Data Dictionary, from the model."""
    return [
        {
            "id": c.name,
            "type": CKAN_TYPES[c.type],
            "info": {
                "label": c.label_de,
                "notes": c.description_de,
                "type_override": CKAN_TYPES[c.type],
            },
        }
        for c in ds.columns
    ]


def fields_digest(fields: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def csv_records(ds: Dataset, path: Path) -> list[dict[str, Any]]:
    """The CSV's rows, typed by the model; dates as ISO text, missing values as None."""
    import pyarrow as pa
    import pyarrow.csv as pv

    from schemas.types import ARROW_TYPES

    types = {c.name: ARROW_TYPES[c.type] for c in ds.columns}
    options = pv.ConvertOptions(
        column_types=types, strings_can_be_null=True, include_columns=list(types)
    )
    try:
        table = pv.read_csv(path, convert_options=options)
    except (pa.ArrowInvalid, pa.ArrowKeyError) as error:
        raise PublishRejected(
            f"{path.name}: cannot load it into the DataStore as {ds.name}: {error}"
        ) from None
    for index, name in enumerate(table.column_names):
        if pa.types.is_date(table.schema.field(name).type):
            table = table.set_column(index, name, table[name].cast(pa.string()))
    return table.to_pylist()


def sync_datastore(ckan, ds: Dataset, resource: dict[str, Any], path: Path, uploaded: bool):
    """Bring the resource's DataStore table up to the file; True when anything was sent."""
    fields = datastore_fields(ds)
    digest = fields_digest(fields)
    same_fields = resource.get(FIELDS_MARKER) == digest
    if resource.get("datastore_active") and same_fields and not uploaded:
        return False
    records = csv_records(ds, path)
    resource_id = resource["id"]
    if resource.get("datastore_active") and same_fields:
        _upsert(ckan, resource_id, records)
        _delete_missing_keys(ckan, ds, resource_id, records)
    else:
        if resource.get("datastore_active"):
            ckan.action.datastore_delete(resource_id=resource_id, force=True)
        ckan.action.datastore_create(
            resource_id=resource_id, fields=fields, primary_key=ds.primary_key, force=True
        )
        _upsert(ckan, resource_id, records)
    ckan.action.resource_patch(id=resource_id, **{FIELDS_MARKER: digest})
    return True


def _upsert(ckan, resource_id: str, records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), BATCH_ROWS):
        batch = records[start : start + BATCH_ROWS]
        ckan.action.datastore_upsert(
            resource_id=resource_id, records=batch, method="upsert", force=True
        )


def _delete_missing_keys(ckan, ds: Dataset, resource_id: str, records: list[dict]) -> None:
    """Delete the rows whose primary key the new file no longer has."""
    key = ds.primary_key
    wanted = {tuple(r[k] for k in key) for r in records}
    stored: set[tuple] = set()
    offset = 0
    while True:
        page = ckan.action.datastore_search(
            resource_id=resource_id, fields=key, limit=BATCH_ROWS, offset=offset, sort="_id"
        )["records"]
        stored |= {tuple(r[k] for k in key) for r in page}
        if len(page) < BATCH_ROWS:
            break
        offset += BATCH_ROWS
    for gone in sorted(stored - wanted):
        ckan.action.datastore_delete(
            resource_id=resource_id, filters=dict(zip(key, gone, strict=True)), force=True
        )
