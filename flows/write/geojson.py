"""The partner cities as map data: partnerships.geojson and Opendatasoft's geo point CSV.

`partnerships.geojson` follows RFC 7946: a FeatureCollection in WGS 84 with positions
as [longitude, latitude], one Feature per partnership that has coordinates, its
properties the model's other columns (dates as ISO text). Partnerships without
coordinates are left out rather than placed at an invented point.

Opendatasoft draws a map from a column of "lat,lon" text: `partnerships.opendatasoft.csv`
is the partnerships CSV with such a column (`geo_point`) added, and the row of
index.csv for partnerships harvests it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from flows.common.files import replace_file

GEOJSON_NAME = "partnerships.geojson"
OPENDATASOFT_CSV_NAME = "partnerships.opendatasoft.csv"
GEO_POINT_COLUMN = "geo_point"
COORDINATES = ("longitude", "latitude")


def _as_text_dates(table: pa.Table) -> pa.Table:
    for index, field in enumerate(table.schema):
        if pa.types.is_date(field.type):
            table = table.set_column(index, field.name, pc.cast(table.column(index), pa.string()))
    return table


def geojson_document(partnerships: pa.Table) -> dict:
    """The FeatureCollection of every partnership with both coordinates, in key order."""
    located = partnerships.filter(
        pc.and_(pc.is_valid(partnerships["latitude"]), pc.is_valid(partnerships["longitude"]))
    )
    rows = _as_text_dates(located).to_pylist()
    features = []
    for row in rows:
        longitude, latitude = (row.pop(name) for name in COORDINATES)
        features.append(
            {
                "type": "Feature",
                "id": row["partnership_id"],
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": row,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(partnerships: pa.Table, folder: Path) -> Path:
    path = Path(folder) / GEOJSON_NAME
    text = json.dumps(geojson_document(partnerships), ensure_ascii=False, indent=1)
    replace_file(path, text + "\n")
    return path


def geo_points(partnerships: pa.Table) -> pa.Array:
    """ "lat,lon" per row (null without coordinates), as Opendatasoft's geo_point_2d reads it."""
    latitude = pc.cast(partnerships["latitude"], pa.string())
    longitude = pc.cast(partnerships["longitude"], pa.string())
    return pc.binary_join_element_wise(latitude, longitude, ",")


def write_opendatasoft_csv(partnerships: pa.Table, folder: Path) -> Path:
    """The partnerships CSV as published, plus the geo point column, for Opendatasoft."""
    path = Path(folder) / OPENDATASOFT_CSV_NAME
    table = _as_text_dates(partnerships).append_column(GEO_POINT_COLUMN, geo_points(partnerships))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pl.from_arrow(table).write_csv(temporary, line_terminator="\r\n", quote_style="necessary")
    os.replace(temporary, path)
    return path


def write_map_data(partnerships: pa.Table, folder: Path) -> list[Path]:
    return [write_geojson(partnerships, folder), write_opendatasoft_csv(partnerships, folder)]
