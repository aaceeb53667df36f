"""raw/'s exact CSV form, and what an import changes in it.

raw/ files are UTF-8 without BOM, the model's column order, commas, LF line ends, quotes
only where needed (Python's csv QUOTE_MINIMAL) and a final line end. A file whose rows
are unchanged is not written at all, whatever form it has: an import changes no byte
of raw/ that the workbook did not change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from flows.read.raw_csv import UTF8_BOM, RawTable, read_raw
from schemas import Dataset

#: rows turned into Python text at once when a file is written: memory stays at the
#: bytes written plus one batch, not a Python object per cell of the file
BATCH_ROWS = 10_000


def csv_text(header: list[str | None], records: list[list[str | None]]) -> tuple[str, list[int]]:
    """The CSV text of the records, and the line each record starts on (header = 1)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["" if name is None else name for name in header])
    lines, line = [], 2
    for record in records:
        writer.writerow(["" if value is None else value for value in record])
        lines.append(line)
        line += 1 + sum(value.count("\n") for value in record if value)
    return out.getvalue(), lines


def canonical_records(table: RawTable) -> list[tuple[str | None, ...]]:
    columns = [table.text.column(name).to_pylist() for name in table.dataset.raw_columns]
    return list(zip(*columns, strict=True)) if columns else []


def canonical_csv(table: RawTable) -> bytes:
    columns = table.dataset.raw_columns
    out = io.BytesIO()
    out.write(csv_text(columns, [])[0].encode("utf-8"))
    for batch in table.text.select(columns).to_batches(max_chunksize=BATCH_ROWS):
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\n")
        values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        writer.writerows(["" if v is None else v for v in row] for row in zip(*values, strict=True))
        out.write(text.getvalue().encode("utf-8"))
    return out.getvalue()


@dataclass(frozen=True)
class Changes:
    """Rows added, removed and changed in one dataset, matched by primary key."""

    file: str
    added: int
    removed: int
    changed: int
    #: rows in another order, or only the file's form differs (same rows)
    reordered: bool = False

    def to_text(self) -> str:
        return (
            f"{self.file}: {self.added} added, {self.removed} removed, {self.changed} changed"
            + (" (row order changed)" if self.reordered and not self.counted else "")
        )

    @property
    def counted(self) -> int:
        return self.added + self.removed + self.changed


#: the rows of raw/'s old file, in batches, with the given columns only
OldRows = Callable[[list[str]], Iterable[pa.RecordBatch]]


def changes_in_file(path: Path, new: RawTable) -> Changes | None:
    """What new changes in raw/'s file at path; None when it holds the same rows in the
    same order. The file is streamed in blocks (the new table is in memory already),
    its keys first; a file that is no plain CSV is read as validate reads it instead."""
    try:
        return changes(lambda columns: csv_batches(path, new.dataset, columns), new)
    except (pa.ArrowException, KeyError, OSError):
        old, _ = read_raw(new.dataset, path)
        if old is None:
            return changes(None, new)
        return changes(lambda columns: old.text.select(columns).to_batches(), new)


def csv_batches(path: Path, dataset: Dataset, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """The file's rows as text in batches, read as flows.read.raw_csv reads it: every
    column a string, only an empty cell missing, `;` when the header has more of them."""
    with open(path, "rb") as head:
        first_line = head.read(1 << 16).removeprefix(UTF8_BOM).split(b"\n", 1)[0]
    delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(block_size=4 << 20),
        parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in dataset.raw_columns},
            include_columns=columns,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    with reader:
        yield from reader


def changes(old: OldRows | None, new: RawTable) -> Changes | None:
    """What new changes in the old rows; None when they are the same rows in the same
    order (old None: there was no file).

    Old rows are matched to new ones by primary key (unique in both: old is raw/ as it
    is, new passed validation) with one pyarrow.compute.index_in over all old keys, then
    compared batch by batch, column by column: no Python object per cell, and the old
    file is never held whole.
    """
    if old is None:
        return Changes(new.file, added=new.num_rows, removed=0, changed=0, reordered=True)
    key, columns = new.dataset.primary_key, new.dataset.raw_columns
    batches = [key_of(pa.Table.from_batches([b]), key) for b in old(key)]
    old_keys = pa.concat_arrays(batches) if batches else pa.array([], pa.string())
    at_new = pc.index_in(old_keys, value_set=key_of(new.text, key))
    matched = len(at_new) - at_new.null_count
    in_order = np.array_equal(at_new.fill_null(-1).to_numpy(), np.arange(len(at_new)))
    new_columns = {name: single_array(new.text.column(name)) for name in columns}
    changed, start = 0, 0
    for batch in old(columns):
        here = at_new.slice(start, batch.num_rows)
        start += batch.num_rows
        found, positions = here.is_valid(), here.drop_null()
        differs = np.zeros(len(positions), dtype=bool)
        for name in columns:
            before = batch.column(name).filter(found)
            after = new_columns[name].take(positions)
            same = pc.fill_null(pc.equal(after, before), pc.and_(after.is_null(), before.is_null()))
            differs |= pc.invert(same).to_numpy(zero_copy_only=False)
        changed += int(differs.sum())
    if in_order and not changed and len(at_new) == new.num_rows:
        return None
    return Changes(
        file=new.file,
        added=new.num_rows - matched,
        removed=len(at_new) - matched,
        changed=changed,
        reordered=True,
    )


def single_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array: its only chunk without a copy (flows.read.raw_csv
    combines them), which combine_chunks() would copy."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def key_of(table: pa.Table, key: list[str]) -> pa.Array:
    """The primary key of every row as one array (joined by a unit separator, which no
    id holds, when the key has several columns)."""
    if len(key) == 1:
        return single_array(table.column(key[0]))
    parts = [single_array(table.column(name)) for name in key]
    return pc.binary_join_element_wise(*parts, "\x1f", null_handling="replace")
