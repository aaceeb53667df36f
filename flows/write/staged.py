"""The staged datasets as the describing stages read them.

A run has just built every dataset's typed table and written it into staging; the
metadata, the sources section, the website and the changelog then need columns of the
same tables. `held(staging, tables)` keeps them for the time of the block, and
`read_staged` hands them out from memory instead of decoding the Parquet files again.
Any other folder (an older release, a website rebuilt from disk) is read from its
Parquet files, so every caller sees the same Arrow types either way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


class _Held:
    """One staged folder's tables, and the columns already dictionary-encoded."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self.tables = dict(tables)
        self._encoded: dict[tuple[str, str], pa.ChunkedArray] = {}
        self._lock = threading.Lock()

    def encoded(self, name: str, column: str) -> pa.ChunkedArray:
        # the website and the dictionary ask for the same code columns from two threads
        with self._lock:
            found = self._encoded.get((name, column))
            if found is None:
                found = pc.dictionary_encode(self.tables[name][column])
                self._encoded[(name, column)] = found
            return found


_HELD: dict[Path, _Held] = {}


@contextmanager
def held(folder: Path, tables: Mapping[str, pa.Table]) -> Iterator[None]:
    """Serve the tables just written into folder from memory while the block runs."""
    key = Path(folder).resolve()
    _HELD[key] = _Held(tables)
    try:
        yield
    finally:
        del _HELD[key]


def _held_entry(folder: Path, name: str) -> _Held | None:
    """The tables held for folder, if they include dataset `name`."""
    entry = _HELD.get(Path(folder).resolve())
    return entry if entry is not None and name in entry.tables else None


def staged_rows(folder: Path, name: str) -> int:
    """The number of rows of dataset `name` in folder: from memory or its file's footer."""
    entry = _held_entry(folder, name)
    if entry is not None:
        return entry.tables[name].num_rows
    return pq.ParquetFile(Path(folder) / f"{name}.parquet").metadata.num_rows


def read_staged(
    folder: Path,
    name: str,
    columns: Sequence[str] | None = None,
    dictionary: Sequence[str] = (),
) -> pa.Table | None:
    """Dataset `name` of folder (the given columns, those in `dictionary` dictionary
    encoded, as pyarrow reads them with `read_dictionary`); None when it has no file.

    Without schema metadata: the field descriptions are the schema's, not the data's.
    """
    entry = _held_entry(folder, name)
    if entry is not None:
        table = entry.tables[name]
        table = table.select(list(columns)) if columns is not None else table
        for column in dictionary:
            index = table.schema.get_field_index(column)
            encoded = entry.encoded(name, column)
            field = table.schema.field(index).with_type(encoded.type)
            table = table.set_column(index, field, encoded)
        return table.replace_schema_metadata(None)
    path = Path(folder) / f"{name}.parquet"
    if not path.is_file():
        return None
    table = pq.read_table(
        path,
        columns=None if columns is None else list(columns),
        read_dictionary=list(dictionary) or None,
    )
    return table.replace_schema_metadata(None)
