"""Every check of a pandera model, run check by check, as pandera's failure cases.

The pandera models declare every check (`schemas.fields.column`, the `@pa.check` and
`@pa.dataframe_check` functions); this module decides only how each one runs:

- the built-in column checks it knows (`not_nullable`, `str_matches`, `isin` and the
  comparisons) with Arrow's kernels, from each Check's name and statistics, in a thread
  beside the rest (the kernels release the GIL): `builtin_failures`;
- the checks the models define as functions, each by pandera's own `Check.__call__`:
  `custom_failures`. A built-in check that `ARROW` does not know runs there too.

What is left out of a schema's `validate` is its machinery around the checks, which cost
as much as the checks at a million rows: an element-wise dtype check of every text
column (the frame's types are the model's by construction: `flows.check.convert`,
checked here once per column), `strict` (the header check of `flows.read.raw_csv`) and
`unique` (`flows.check.ordering`). Through pandas, `str_matches` alone took pandera's
core about 1 s at a million cells: a scan of every cell for a line feed (pandas hands
`$` to Python's `re` where one occurs), then RE2 over every cell. Here RE2 runs once per
distinct value: `partnership_id` or `source_url` repeat a few thousand values.

The answers are pandera's: an empty cell passes every check (`ignore_na`) and fails only
`not_nullable`. pandas passes the declared patterns to RE2 (a test keeps them free of
what it would send to Python's `re`), except that Python's `$` also matches before a
final line feed; Python accepts everything RE2 accepts, so the values RE2 refuses are
asked again with `re.match`, as pandas would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.engines import pandas_engine

from schemas import Dataset

#: what makes pandas run a pattern through Python's `re` instead of RE2 (see its
#: `_needs_python_regex`): look-around, back references, `\s`, `\w`, `\d`, `\b` and
#: Unicode escapes; such a pattern is checked with `re` here too, on distinct values
PYTHON_ONLY = re.compile(r"\(\?<?[=!]|\\[1-9sSwWdDbBuUN]")


def failing_matches(values: pyarrow.Array, regex: str) -> pyarrow.Array:
    """Whether each value fails to match regex from its start, as `re.match` decides."""
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary
    if PYTHON_ONLY.search(regex):
        wrong = np.array([re.match(regex, v) is None for v in distinct.to_pylist()], bool)
    else:
        wrong = np.array(pc.invert(pc.match_substring_regex(distinct, regex)), dtype=bool)
        for i in np.flatnonzero(wrong):
            wrong[i] = re.match(regex, distinct[int(i)].as_py()) is None
    if not wrong.any():
        return pyarrow.array(np.zeros(len(values), dtype=bool))
    return pc.take(pyarrow.array(wrong), encoded.indices)


def _in_range(values: pyarrow.Array, s: dict) -> pyarrow.Array:
    above = (pc.greater_equal if s["include_min"] else pc.greater)(values, s["min_value"])
    below = (pc.less_equal if s["include_max"] else pc.less)(values, s["max_value"])
    return pc.invert(pc.and_(above, below))


#: built-in check name -> whether each value fails it, from the check's statistics
ARROW: dict[str, Callable[[pyarrow.Array, dict], pyarrow.Array]] = {
    "str_matches": lambda v, s: failing_matches(v, s["pattern"]),
    "isin": lambda v, s: pc.invert(pc.is_in(v, value_set=pyarrow.array(s["allowed_values"]))),
    "notin": lambda v, s: pc.is_in(v, value_set=pyarrow.array(s["forbidden_values"])),
    "in_range": _in_range,
    "greater_than_or_equal_to": lambda v, s: pc.less(v, s["min_value"]),
    "greater_than": lambda v, s: pc.less_equal(v, s["min_value"]),
    "less_than_or_equal_to": lambda v, s: pc.greater(v, s["max_value"]),
    "less_than": lambda v, s: pc.greater_equal(v, s["max_value"]),
    "equal_to": lambda v, s: pc.not_equal(v, s["value"]),
    "not_equal_to": lambda v, s: pc.equal(v, s["value"]),
}


@dataclass(frozen=True)
class ColumnCheck:
    column: str
    #: the check's position among the column's checks, as pandera numbers it
    number: int
    check: pa.Check

    def failing(self, values: pyarrow.Array) -> pyarrow.Array:
        return ARROW[self.check.name](values, self.check.statistics)


@cache
def arrow_checks(ds: Dataset) -> tuple[ColumnCheck, ...]:
    """The built-in checks of the columns pandera checks, in the model's order."""
    return tuple(
        ColumnCheck(name, number, check)
        for name, column in ds.checked_schema.columns.items()
        for number, check in enumerate(column.checks)
        if check.name in ARROW
    )


def custom_failures(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame | None:
    """The rows failing the checks the model defines as functions (and any built-in
    check `ARROW` does not know), each run by pandera's `Check.__call__`."""
    found = []
    for name, column in ds.checked_schema.columns.items():
        for number, check in enumerate(column.checks):
            if check.name not in ARROW:
                rows = _failing_rows(check(frame[name]).check_output)
                found.append(_cases(name, check.error or check.name, number, rows))
    for check in ds.checked_schema.checks:
        rows = _failing_rows(check(frame).check_output)
        found.append(_cases(None, check.name, None, rows, "DataFrameSchema"))
    return failure_cases(*found)


def failure_cases(*found: pd.DataFrame | None) -> pd.DataFrame | None:
    """The failure cases found, in one frame (None when there are none)."""
    found = [cases for cases in found if cases is not None and len(cases)]
    return pd.concat(found, ignore_index=True) if found else None


def _failing_rows(passed: pd.Series) -> np.ndarray:
    # pandera's output has an empty cell's result set to passed already (ignore_na)
    return np.flatnonzero(~passed.fillna(True).to_numpy(dtype=bool))


def builtin_failures(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame | None:
    """The cells failing the model's built-in checks, as pandera's failure cases."""
    found = []

    def add(column: str, check: str, number: int | None, failing: pyarrow.Array) -> None:
        rows = np.flatnonzero(np.asarray(failing.fill_null(False)))
        if len(rows):
            found.append(_cases(column, check, number, rows))

    columns = {}
    for name, column in ds.checked_schema.columns.items():
        if not column.dtype.check(pandas_engine.Engine.dtype(frame[name].dtype)):
            raise TypeError(f"{ds.name}.{name}: {frame[name].dtype}, the model says {column.dtype}")
        columns[name] = pyarrow.array(frame[name])
        if not column.nullable:
            add(name, "not_nullable", None, columns[name].is_null())
    for c in arrow_checks(ds):
        values = columns[c.column]
        failing = pc.and_(c.failing(values), values.is_valid())  # empty cells pass
        add(c.column, c.check.error or c.check.name, c.number, failing)
    return failure_cases(*found)


def _cases(
    column: str | None,
    check: str,
    number: int | None,
    rows: np.ndarray,
    context: str = "Column",
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "schema_context": context,
            "column": column,
            "check": check,
            "check_number": number,
            "index": rows,
        }
    )
