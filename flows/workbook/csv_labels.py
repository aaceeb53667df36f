"""A sheet of the workbook saved as CSV: German labels back to raw/'s names and codes.

Excel's "Speichern unter … CSV UTF-8" saves the sheet a curator sees: the German header
row and German labels in code columns. Such a file (its header names German labels) is
rewritten in the import's scratch folder with raw/'s machine names and codes, record by
record, before raw/'s reader checks it: each record keeps its line breaks, so every
problem keeps the line the curator's file has. The rewrite streams: memory stays at one
record. Of a file Python's csv module cannot read strictly (an unbalanced quote, a
field over the reader's limit) only the header line is translated and the rest copied
byte for byte, so that raw/'s reader refuses it, with its own words and lines, exactly
as it refuses the same file with raw/'s names.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from itertools import zip_longest
from pathlib import Path

from flows.read.raw_csv import MAX_FIELD_BYTES
from flows.read.raw_csv import MAX_HEADER_BYTES as HEADER_BYTES
from flows.workbook.labels import column_choices, machine_header, taken
from schemas import Dataset


def names_labels(ds: Dataset, header: list[str]) -> bool:
    """Whether a header names any column by its German label (a sheet saved as CSV)."""
    return machine_header(ds, header) != header


def with_codes(path: Path, ds: Dataset, delimiter: str) -> bool:
    """Rewrite the UTF-8 CSV at path with machine names and codes (see the module);
    False when only its header could be translated."""
    rewritten = path.with_name(path.name + ".codes")
    csv.field_size_limit(MAX_FIELD_BYTES)  # as raw/'s reader: flows.read.raw_csv
    try:
        with (
            open(path, encoding="utf-8", newline="") as source,
            open(rewritten, "w", encoding="utf-8", newline="") as out,
        ):
            records = csv.reader(source, delimiter=delimiter, strict=True)
            writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
            header = machine_header(ds, next(records, []))
            writer.writerow(header)
            codes = column_choices(ds, header)
            for record in records:
                # a record longer than the header keeps its extra fields, for the count
                pairs = zip_longest(codes, record)
                writer.writerow([taken(c, value) for c, value in pairs if value is not None])
    except csv.Error:
        rewritten.unlink()
        with_names(path, ds, delimiter, rewritten)
        return False
    os.replace(rewritten, path)
    return True


def with_names(path: Path, ds: Dataset, delimiter: str, rewritten: Path) -> None:
    """Only the header line translated, every other byte copied."""
    with open(path, "rb") as source:
        first = source.readline(HEADER_BYTES)
        if not first.endswith(b"\n"):  # no header line a dataset has: raw/'s reader says so
            return
        header = next(csv.reader([first.decode("utf-8").rstrip("\r\n")], delimiter=delimiter))
        line = io.StringIO()
        csv.writer(line, delimiter=delimiter, lineterminator="\n").writerow(
            machine_header(ds, header)
        )
        with open(rewritten, "wb") as out:
            out.write(line.getvalue().encode("utf-8"))
            shutil.copyfileobj(source, out)
    os.replace(rewritten, path)
