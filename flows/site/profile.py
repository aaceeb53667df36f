"""A profile of each column of a published dataset, computed with Arrow.

Everything is read from the dataset's Parquet file and computed with pyarrow.compute,
a column at a time, never row by row: empty cells, distinct values, the smallest and
largest value (first and last date), and for columns with a code list the most frequent
codes with their labels. Free text (descriptions, titles, sources) gets no distinct
count or extremes: at a million rows hashing it would cost more than the whole site,
and "12 345 different descriptions" tells a reader nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schemas import ColumnSpec, Dataset
from schemas.codelists import labelled
from schemas.fields import HTTPS_URL

#: most frequent codes shown per column
TOP_CODES = 5


@dataclass(frozen=True)
class TopCode:
    code: str
    label_de: str
    label_en: str
    count: int


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    empty: int
    #: None where not counted (free text)
    distinct: int | None
    smallest: str | None
    largest: str | None
    top: list[TopCode] = field(default_factory=list)


def is_free_text(c: ColumnSpec, ds: Dataset) -> bool:
    """Text that is not a code, a key, a reference or a short coded value (ISO, Wikidata)."""
    coded = c.codelist or c.references or c.name in ds.primary_key
    short_pattern = c.pattern is not None and c.pattern is not HTTPS_URL
    return c.type == "string" and not coded and not short_pattern


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def top_codes(column: pa.ChunkedArray, codelist: str) -> list[TopCode]:
    labels = {e.code: e for e in labelled(codelist)}
    counts = pc.value_counts(column.drop_null())
    pairs = sorted(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True),
        key=lambda pair: (-pair[1], pair[0]),
    )[:TOP_CODES]
    result = []
    for code, count in pairs:
        entry = labels.get(code)
        result.append(
            TopCode(code, entry.label_de if entry else "", entry.label_en if entry else "", count)
        )
    return result


def column_profile(ds: Dataset, c: ColumnSpec, column: pa.ChunkedArray) -> ColumnProfile:
    empty = column.null_count
    if is_free_text(c, ds):
        return ColumnProfile(c.name, empty, None, None, None)
    if ds.primary_key == [c.name]:
        distinct = len(column) - empty  # the key is unique: checked before publishing
    else:
        distinct = pc.count_distinct(column, mode="only_valid").as_py()
    smallest = largest = None
    if c.type in ("integer", "number", "date") and len(column) > empty:
        extremes = pc.min_max(column)
        smallest, largest = _text(extremes["min"].as_py()), _text(extremes["max"].as_py())
    top = top_codes(column, c.codelist) if c.codelist else []
    return ColumnProfile(c.name, empty, distinct, smallest, largest, top)


def profile_dataset(ds: Dataset, folder: Path) -> list[ColumnProfile]:
    """One profile per column, in the model's order; free text is not even read."""
    wanted = [c for c in ds.columns if not is_free_text(c, ds)]
    path = Path(folder) / f"{ds.name}.parquet"
    table = pq.read_table(path, columns=[c.name for c in wanted])
    metadata = pq.ParquetFile(path).metadata
    profiles = []
    for c in ds.columns:
        if c.name in table.column_names:
            profiles.append(column_profile(ds, c, table[c.name]))
        else:
            profiles.append(ColumnProfile(c.name, _null_count(metadata, c.name), None, None, None))
    return profiles


def _null_count(metadata: pq.FileMetaData, name: str) -> int:
    """Empty cells from the Parquet footer's statistics, without reading the column."""
    index = metadata.schema.names.index(name)
    total = 0
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(index).statistics
        if stats is None or not stats.has_null_count:
            return -1
        total += stats.null_count
    return total
