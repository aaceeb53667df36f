"""Write one validated dataset as CSV, Parquet and JSON, byte-identical for equal input.

pyarrow writes Parquet; polars writes CSV and JSON from the same Arrow table without a
copy. pandas' own writers are avoided on purpose: at 1M rows `to_json` takes about 16 s
and `to_csv` about 9 s, the Arrow-native writers well under 1 s each.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.check.ordering import key_order, key_table
from flows.common import faults
from flows.common.digests import sha256_file
from flows.common.files import fsync_file
from flows.write.spreadsheet import SUFFIX as SPREADSHEET_SUFFIX
from flows.write.spreadsheet import spreadsheet_frame, write_spreadsheet_frame
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


def to_arrow(
    ds: Dataset,
    frame: pd.DataFrame,
    keep: np.ndarray | None = None,
    order: np.ndarray | None = None,
) -> pa.Table:
    """The frame as an Arrow table in the model's column order, sorted by primary key;
    with `keep`, a boolean mask, only the rows it marks. `order`, the rows' positions in
    key order (flows.check.ordering), is computed when not given.

    The columns are moved out of frame, which is left empty: each is dropped from the
    frame once converted, so the frame and the table never both hold all the data.
    """
    schema = arrow_schema(ds)
    if order is None:
        order = key_order(key_table(ds, frame))
    if keep is not None:
        order = order[keep[order]]
    if np.array_equal(order, np.arange(len(frame))):
        order = None  # all rows, in key order already: the columns are sliced, not copied
    columns = []
    with ThreadPoolExecutor() as pool:
        for f in schema:
            array = pa.array(frame.pop(f.name), type=f.type, from_pandas=True)
            columns.append(in_chunks(array, order, pool))
    return pa.Table.from_arrays(columns, schema=schema)


#: rows per chunk of a written table: polars writes the chunks of a JSON or CSV file in
#: parallel, so a table in one piece takes about twice as long
CHUNK_ROWS = 1 << 16


def in_chunks(
    array: pa.Array, order: np.ndarray | None, pool: ThreadPoolExecutor
) -> pa.ChunkedArray:
    """The array (the rows at the positions in `order`, if given) as chunks of CHUNK_ROWS.

    Each chunk is taken in a thread of the pool: pyarrow's `take` runs on one core.
    """
    if order is None:
        starts = range(0, len(array), CHUNK_ROWS)
        return pa.chunked_array([array.slice(s, CHUNK_ROWS) for s in starts], array.type)
    slices = [pa.array(order[s : s + CHUNK_ROWS]) for s in range(0, len(order), CHUNK_ROWS)]
    return pa.chunked_array(list(pool.map(array.take, slices)), array.type)


def dataset_files(ds: Dataset) -> list[str]:
    """The names of every file `write_dataset` writes for a dataset."""
    return [*(f"{ds.name}.{fmt}" for fmt in FORMATS), f"{ds.name}.{SPREADSHEET_SUFFIX}"]


def write_dataset(ds: Dataset, table: pa.Table, folder: Path) -> list[Path]:
    """Write the table in every format, and its spreadsheet copy, into folder; return the
    paths written. A test can stop the run after any file (flows.common.faults).

    The four files are written at once, each in a thread of its own: the writers are
    pyarrow's and polars' native code, which release the GIL, so on two cores the files
    take about half as long as one after the other. Each file is hashed by the thread
    that wrote it while it is still in the page cache (the metadata reuses the hash),
    then fsynced while the other writers are still busy.
    The threads only write: any polars computation runs before they start.
    """
    paths = [folder / name for name in dataset_files(ds)]
    csv_path, parquet_path, json_path, spreadsheet_path = paths
    # polars formats dates in JSON and CSV several times slower than it copies text,
    # and pyarrow prints the same ISO dates in milliseconds
    text = pl.from_arrow(dates_as_text(table))
    # computed before the writers start: a polars computation holds the GIL while it
    # waits for polars' busy thread pool, and would stall every writer (1.9 s at 1M rows)
    spreadsheet = spreadsheet_frame(text)
    writers = {
        parquet_path: lambda path: pq.write_table(
            table, path, compression="zstd", write_statistics=True
        ),
        csv_path: lambda path: text.write_csv(
            path, line_terminator="\r\n", quote_style="necessary"
        ),
        json_path: lambda path: _write_json(text, path),
        spreadsheet_path: lambda path: write_spreadsheet_frame(spreadsheet, path),
    }
    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        done = [pool.submit(_write_and_hash, write, path) for path, write in writers.items()]
        for future in done:
            future.result()  # re-raises a writer's error, e.g. a full disk
    return paths


def _write_and_hash(write: Callable[[Path], object], path: Path) -> None:
    write(path)
    faults.pause(f"wrote-{path.name}")
    sha256_file(path)
    # on disk now, while the other writers still work: publishing the release fsyncs
    # every file again, and then finds nothing left to write
    fsync_file(path)


def _write_json(frame: pl.DataFrame, path: Path) -> None:
    frame.write_json(path)  # to the file: the document is as big as the CSV
    with path.open("ab") as handle:
        handle.write(b"\n")


def dates_as_text(table: pa.Table) -> pa.Table:
    """The table with every date column as its ISO 8601 text (YYYY-MM-DD)."""
    for index, field in enumerate(table.schema):
        if pa.types.is_date(field.type):
            table = table.set_column(index, field.name, pc.cast(table.column(index), pa.string()))
    return table
