"""Write one validated dataset as CSV, Parquet and JSON, byte-identical for equal input.

pyarrow writes Parquet; polars writes CSV and JSON from the same Arrow table without a
copy. pandas' own writers are avoided on purpose: at 1M rows `to_json` takes about 16 s
and `to_csv` about 9 s, the Arrow-native writers well under 1 s each.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows import faults
from flows.spreadsheet import SUFFIX as SPREADSHEET_SUFFIX
from flows.spreadsheet import write_spreadsheet_csv
from schemas import Dataset
from schemas.types import ARROW_TYPES

FORMATS = ("csv", "parquet", "json")


def arrow_schema(ds: Dataset) -> pa.Schema:
    """The Arrow schema of a dataset, with each column's descriptions as field metadata."""
    fields = []
    for c in ds.columns:
        meta = {"description_de": c.description_de, "description_en": c.description_en}
        if c.unit:
            meta["unit"] = c.unit
        fields.append(pa.field(c.name, ARROW_TYPES[c.type], nullable=not c.required, metadata=meta))
    return pa.schema(fields, metadata={"primary_key": ",".join(ds.primary_key)})


def to_arrow(ds: Dataset, frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table in the model's column order, sorted by primary key."""
    schema = arrow_schema(ds)
    arrays = [pa.array(frame[f.name], type=f.type, from_pandas=True) for f in schema]
    table = pa.Table.from_arrays(arrays, schema=schema)
    order = pc.sort_indices(table, [(k, "ascending") for k in ds.primary_key])
    if np.array_equal(order.to_numpy(), np.arange(len(table))):
        return table  # already in key order: reordering every column would cost a copy
    return table.take(order)


def dataset_files(ds: Dataset) -> list[str]:
    """The names of every file `write_dataset` writes for a dataset, in writing order."""
    return [*(f"{ds.name}.{fmt}" for fmt in FORMATS), f"{ds.name}.{SPREADSHEET_SUFFIX}"]


def write_dataset(ds: Dataset, table: pa.Table, folder: Path) -> list[Path]:
    """Write the table in every format, and its spreadsheet copy, into folder; return the
    paths written. A test can stop the run between two files (flows.faults)."""
    paths = [folder / f"{ds.name}.{fmt}" for fmt in FORMATS]
    csv_path, parquet_path, json_path = paths
    pq.write_table(table, parquet_path, compression="zstd", write_statistics=True)
    faults.pause(f"wrote-{parquet_path.name}")
    frame = pl.from_arrow(table)
    frame.write_csv(csv_path, line_terminator="\r\n", quote_style="necessary")
    faults.pause(f"wrote-{csv_path.name}")
    frame.write_json(json_path)  # to the file: the document is as big as the CSV
    with json_path.open("ab") as handle:
        handle.write(b"\n")
    faults.pause(f"wrote-{json_path.name}")
    spreadsheet = write_spreadsheet_csv(table, folder / f"{ds.name}.{SPREADSHEET_SUFFIX}")
    return [*paths, spreadsheet]
