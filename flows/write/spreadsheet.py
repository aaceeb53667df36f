"""The spreadsheet copy of a dataset: opens cleanly in a German Excel or LibreOffice.

`<dataset>.csv` stays the exact machine file. `<dataset>.excel.csv` carries the same
rows in the form a spreadsheet set to German expects when a citizen double-clicks it:
UTF-8 with a byte order mark (otherwise Excel reads the umlauts as Windows-1252),
`;` between cells, CRLF line ends and a decimal comma (German Excel reads `49.892` as
the whole number 49892). Dates stay ISO 8601, which both programs recognise as dates.

A text cell that begins with `=`, `+`, `-`, `@` (or their full-width forms), a tab, a
carriage return or a line feed, also after leading blanks, could run as a formula
(CSV injection). Such a cell gets a leading apostrophe, which turns it into plain text.
Numbers and dates are never changed: a negative longitude stays a number. The
apostrophe is visible in the spreadsheet, which is why machines read the exact CSV.
See docs/spreadsheet.md.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

SUFFIX = "excel.csv"
SEPARATOR = ";"
TEXT_PREFIX = "'"
#: starts of a cell that Excel or LibreOffice may evaluate (OWASP "CSV Injection"), also
#: after blanks; written so that Python's re reads it exactly as polars does
FORMULA_START = r"^(?:[\t\r\n]|[ \t\n\v\f\r\u00A0\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])"


def neutralised(column: pl.Expr) -> pl.Expr:
    """The text column with every formula-like cell turned into text by an apostrophe."""
    return (
        pl.when(column.str.contains(FORMULA_START))
        .then(pl.lit(TEXT_PREFIX) + column)
        .otherwise(column)
    )


def spreadsheet_frame(table: pa.Table | pl.DataFrame) -> pl.DataFrame:
    """The table as the spreadsheet file shows it: text cells neutralised, all else as is."""
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    risky = frame.select(pl.col(text_columns).str.contains(FORMULA_START).any())
    # only columns holding a formula-like cell are rewritten: a copy of every text
    # column would cost as much memory as the dataset itself
    rewrite = [name for name in risky.columns if risky[name][0]]
    return frame.with_columns(neutralised(pl.col(name)).alias(name) for name in rewrite)


def write_spreadsheet_csv(table: pa.Table | pl.DataFrame, path: Path) -> Path:
    return write_spreadsheet_frame(spreadsheet_frame(table), path)


def write_spreadsheet_frame(frame: pl.DataFrame, path: Path) -> Path:
    """Write a frame made by spreadsheet_frame: no polars computation, only the writer."""
    frame.write_csv(
        path,
        include_bom=True,
        separator=SEPARATOR,
        line_terminator="\r\n",
        decimal_comma=True,
        quote_style="necessary",
    )
    return path
