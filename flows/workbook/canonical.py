"""raw/'s exact CSV form, and what an import changes in it.

raw/ files are UTF-8 without BOM, the model's column order, commas, LF line ends, quotes
only where needed (Python's csv QUOTE_MINIMAL) and a final line end. A file whose rows
are unchanged is not written at all, whatever form it has: an import changes no byte
of raw/ that the workbook did not change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from flows.read.raw_csv import RawTable

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


def changes(old: RawTable | None, new: RawTable) -> Changes | None:
    """What new changes in old; None when they hold the same rows in the same order.

    Compared column by column in Arrow, rows matched by primary key (unique in both:
    old is raw/ as it is, new passed validation): no Python object per cell.
    """
    columns = new.dataset.raw_columns
    if old is not None and old.text.select(columns).equals(new.text.select(columns)):
        return None
    if old is None or old.num_rows == 0:
        return Changes(new.file, added=new.num_rows, removed=0, changed=0, reordered=True)
    key = new.dataset.primary_key
    at_old = pc.index_in(key_of(new.text, key), value_set=key_of(old.text, key))
    found = at_old.is_valid()
    matched = int(pc.sum(found).as_py() or 0)
    where = at_old.drop_null()
    differs = np.zeros(matched, dtype=bool)
    for name in columns:
        # one chunk each already (flows.read.raw_csv combines them): no copy here
        after = new.text.column(name).combine_chunks().filter(found)
        before = old.text.column(name).combine_chunks().take(where)
        same = pc.fill_null(pc.equal(after, before), pc.and_(after.is_null(), before.is_null()))
        differs |= pc.invert(same).to_numpy(zero_copy_only=False)
    return Changes(
        file=new.file,
        added=new.num_rows - matched,
        removed=old.num_rows - matched,
        changed=int(differs.sum()),
        reordered=True,
    )


def key_of(table: pa.Table, key: list[str]) -> pa.Array:
    """The primary key of every row as one array (joined by a unit separator, which no
    id holds, when the key has several columns)."""
    if len(key) == 1:
        return table.column(key[0]).combine_chunks()
    parts = [table.column(name).combine_chunks() for name in key]
    return pc.binary_join_element_wise(*parts, "\x1f", null_handling="replace")
