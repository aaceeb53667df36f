"""A profile of each column of a published dataset, computed with Arrow, not row by row.

Empty cells and the smallest and largest value (first and last date) come from the
statistics in the Parquet file's footer, which pyarrow wrote for every column: no value
is read for them. Distinct values and the most frequent codes (with their labels) are
counted with pyarrow.compute on the columns that hold codes or references,
dictionary-encoded (flows.write.staged: from the run's memory, or as Parquet stores
them), so a million rows cost a few milliseconds.
The primary key's distinct count is the row count (it was checked to be unique). Other
columns are not counted: hashing a million descriptions would cost more than the whole
site, and "12 345 different descriptions" tells a reader nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.write.staged import read_staged
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
    short_pattern = c.pattern is not None and c.pattern != HTTPS_URL
    return c.type == "string" and not coded and not short_pattern


def is_counted(c: ColumnSpec) -> bool:
    """Columns whose distinct values are counted: codes and references."""
    return bool(c.codelist or c.references)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def top_codes(counts: pa.StructArray, codelist: str) -> list[TopCode]:
    """The most frequent codes of pc.value_counts' result, with their labels."""
    labels = {e.code: e for e in labelled(codelist)}
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


@dataclass(frozen=True)
class FooterStatistics:
    empty: int | None
    smallest: object
    largest: object


def footer_statistics(metadata: pq.FileMetaData, name: str) -> FooterStatistics:
    """Empty cells, smallest and largest value over every row group, from the footer."""
    index = metadata.schema.names.index(name)
    empty = 0
    smallest = largest = None
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(index).statistics
        if stats is None or not stats.has_null_count:
            return FooterStatistics(None, None, None)
        empty += stats.null_count
        if stats.has_min_max:
            smallest = stats.min if smallest is None else min(smallest, stats.min)
            largest = stats.max if largest is None else max(largest, stats.max)
    return FooterStatistics(empty, smallest, largest)


def profile_dataset(ds: Dataset, folder: Path) -> list[ColumnProfile]:
    """One profile per column, in the model's order."""
    path = Path(folder) / f"{ds.name}.parquet"
    metadata = pq.ParquetFile(path).metadata
    counted = [c.name for c in ds.columns if is_counted(c)]
    codes = read_staged(folder, ds.name, counted, counted) if counted else None
    profiles = []
    for c in ds.columns:
        stats = footer_statistics(metadata, c.name)
        free = is_free_text(c, ds)
        distinct = None
        top: list[TopCode] = []
        if ds.primary_key == [c.name]:
            distinct = metadata.num_rows  # unique: checked before publishing
        elif codes is not None and c.name in counted:
            # value_counts works on the dictionary-encoded column as read
            counts = pc.value_counts(codes[c.name].drop_null())
            distinct = len(counts)
            top = top_codes(counts, c.codelist) if c.codelist else []
        empty = -1 if stats.empty is None else stats.empty
        smallest = None if free else _text(stats.smallest)
        largest = None if free else _text(stats.largest)
        profiles.append(ColumnProfile(c.name, empty, distinct, smallest, largest, top))
    return profiles
