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

from flows.read.raw_csv import RawTable


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
    text, _ = csv_text(table.dataset.raw_columns, [list(r) for r in canonical_records(table)])
    return text.encode("utf-8")


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
    """What new changes in old; None when they hold the same rows in the same order."""
    new_rows = canonical_records(new)
    old_rows = canonical_records(old) if old is not None else []
    if old is not None and old_rows == new_rows:
        return None
    key = [new.dataset.raw_columns.index(k) for k in new.dataset.primary_key]
    before = {tuple(row[i] for i in key): row for row in old_rows}
    after = {tuple(row[i] for i in key): row for row in new_rows}
    return Changes(
        file=new.file,
        added=len(after.keys() - before.keys()),
        removed=len(before.keys() - after.keys()),
        changed=sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
        reordered=True,
    )
