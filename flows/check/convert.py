"""Turn text columns into typed, nullable columns, vectorised, refusing what is not exact.

A cell that does not parse becomes null plus a problem naming its line and raw text.
Nothing is coerced row by row: each column is checked with one regular expression and
cast in one call, so a single bad date costs nothing extra.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows.common.report import Problem
from flows.read.raw_csv import RawTable
from schemas import ColumnSpec

INTEGER = r"^[+-]?[0-9]{1,18}$"
NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
GERMAN_DATE = r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$"
DECIMAL_COMMA = r"^[+-]?[0-9]+,[0-9]+$"
#: what spreadsheets and databases write for "nothing"; an empty cell is the only null
PLACEHOLDERS = [
    "NULL",
    "null",
    "Null",
    "NaN",
    "nan",
    "n/a",
    "N/A",
    "NA",
    "#N/A",
    "-",
    "–",
    "—",
    "none",
    "None",
    "?",
]


def convert(raw: RawTable) -> tuple[pd.DataFrame, list[Problem], set[tuple[int, str]]]:
    """The typed frame, the problems found and the (row, column) cells they concern."""
    problems: list[Problem] = []
    refused: set[tuple[int, str]] = set()
    columns: dict[str, pd.Series] = {}
    keys = row_keys(raw)
    specs = [spec for spec in raw.dataset.columns if not spec.derived]
    texts = [whole(raw.text.column(spec.name)) for spec in specs]
    # pyarrow's kernels release the GIL: the columns are converted side by side
    with ThreadPoolExecutor() as pool:
        converted = list(pool.map(_convert_column, texts, specs))
    for spec, text, (typed, bad) in zip(specs, texts, converted, strict=True):
        for rule, mask, details in bad:
            for row in np.flatnonzero(mask):
                value = text[int(row)].as_py()
                problems.append(
                    Problem.of(
                        rule,
                        dataset=raw.dataset.name,
                        file=raw.file,
                        line=int(raw.lines[row]),
                        column=spec.name,
                        value=value,
                        key=keys(int(row)),
                        **{k: f(value) for k, f in details.items()},
                    )
                )
                refused.add((int(row), spec.name))
        columns[spec.name] = typed
    return pd.DataFrame(columns), problems, refused


def whole(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array; without a copy when it is one chunk (see read_raw)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def row_keys(raw: RawTable):
    """A function giving the primary key of a row as the curator wrote it."""
    key_columns = [raw.text.column(name) for name in raw.dataset.primary_key]

    def key(row: int) -> str | None:
        parts = [column[row].as_py() for column in key_columns]
        return None if None in parts else "/".join(parts)

    return key


Check = tuple[str, np.ndarray, dict]


def _convert_column(text: pa.Array, spec: ColumnSpec) -> tuple[pd.Series, list[Check]]:
    present = text.is_valid()
    bad: list[Check] = []

    def flag(rule: str, mask: pa.Array, **details) -> pa.Array:
        mask = pc.and_(present, mask).fill_null(False)
        if pc.any(mask).as_py():
            bad.append((rule, mask.to_numpy(zero_copy_only=False), details))
        return mask

    placeholder = flag("placeholder", pc.is_in(text, value_set=pa.array(PLACEHOLDERS)))
    if spec.type != "string" or spec.pattern is not None or spec.codelist is not None:
        padded = pc.not_equal(pc.utf8_trim_whitespace(text), text)
        flag("surrounding_whitespace", pc.and_not(padded, placeholder))
    if spec.type == "string" and not bad:
        return _series(text, spec), bad  # nothing refused: keep the text, no copy
    usable = pc.and_not(present, _any(bad, len(text)))

    if spec.type == "string":
        values = pc.if_else(usable, text, pa.scalar(None, pa.string()))
        return _series(values, spec), bad
    if spec.type == "integer":
        ok = pc.match_substring_regex(text, INTEGER)
        flag("not_integer", pc.and_not(usable, ok))
        values = pc.cast(pc.if_else(pc.and_(usable, ok), text, None), pa.int64())
        return _series(values, spec), bad
    if spec.type == "number":
        ok = pc.match_substring_regex(text, NUMBER)
        comma = pc.match_substring_regex(text, DECIMAL_COMMA)
        flag("decimal_comma", pc.and_(usable, comma), suggestion=lambda v: v.replace(",", "."))
        flag("not_number", pc.and_not(pc.and_not(usable, ok), comma))
        values = pc.cast(pc.if_else(pc.and_(usable, ok), text, None), pa.float64())
        return _series(values, spec), bad
    if spec.type == "date":
        shaped = pc.match_substring_regex(text, ISO_DATE)
        german = pc.match_substring_regex(text, GERMAN_DATE)
        flag("german_date", pc.and_(usable, german), suggestion=_iso_from_german)
        flag("not_date", pc.and_not(pc.and_not(usable, shaped), german))
        candidate = pc.if_else(pc.and_(usable, shaped), text, None)
        parsed = pc.strptime(candidate, format="%Y-%m-%d", unit="s", error_is_null=True)
        # strptime rolls 1977-02-30 over into March: a real date prints back unchanged
        printed = pc.strftime(parsed, format="%Y-%m-%d")
        unreal = pc.or_kleene(pc.is_null(parsed), pc.not_equal(printed, candidate))
        unreal = flag("not_calendar_date", pc.and_(pc.is_valid(candidate), unreal))
        dates = pc.if_else(unreal, pa.scalar(None, pa.timestamp("s")), parsed)
        return _series(pc.cast(dates, pa.date32()), spec), bad
    raise TypeError(f"no conversion for type {spec.type!r}")


def _any(checks: list[Check], rows: int) -> pa.Array:
    mask = np.zeros(rows, dtype=bool)
    for _, m, _ in checks:
        mask |= m
    return pa.array(mask)


def _series(values: pa.Array, spec: ColumnSpec) -> pd.Series:
    if spec.type == "date":
        return pd.Series(values, dtype=pd.ArrowDtype(pa.date32()))
    dtype = {"string": pd.StringDtype(), "integer": pd.Int64Dtype(), "number": pd.Float64Dtype()}
    return pd.Series(values.to_pandas(types_mapper=lambda _: dtype[spec.type]))


def _iso_from_german(value: str) -> str:
    day, month, year = value.split(".")
    return f"{year}-{int(month):02d}-{int(day):02d}"
