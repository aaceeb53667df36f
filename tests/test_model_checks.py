"""The model's built-in checks on Arrow (flows.check.model_checks) answer as pandera would."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa_
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.check.model_checks import (
    ARROW,
    PYTHON_ONLY,
    arrow_checks,
    builtin_failures,
    custom_failures,
    failing_matches,
)
from schemas import DATASETS

CHECKS = [(ds, c) for ds in DATASETS for c in arrow_checks(ds)]
PATTERNS = sorted(
    {c.check.statistics["pattern"] for _, c in CHECKS if c.check.name == "str_matches"}
)
#: near misses: a final line feed (Python's `$` accepts it, RE2's does not), other
#: line breaks, spaces, capitals, umlauts, and text that is almost a slug or an address
TRICKY = [
    "rostow-am-don",
    "rostow-am-don\n",
    "rostow-am-don\n\n",
    "\nrostow",
    "rostow--am",
    "Rostow",
    "rostow am don",
    "köln",
    "https://www.dortmund.de/",
    "https://www.dortmund.de/\n",
    "https://www.dortmund.de/a b",
    "https://www.dortmund.de/\u2028",
    "https://dortmund",
    "http://www.dortmund.de/",
    "Q908",
    "Q0908",
    "Q908\n",
    "RU",
    "ru",
    "",
]


def pandas_answer(values: list[str | None], regex: str) -> list[int]:
    """The rows pandera's str_matches fails (pandas' str.match; empty cells pass)."""
    series = pd.Series(values, dtype=pd.StringDtype())
    matched = series.str.match(regex, na=False)
    return [
        i for i, (v, ok) in enumerate(zip(values, matched, strict=True)) if v is not None and not ok
    ]


def failing_rows(values: pa.Array, regex: str) -> list[int]:
    failing = failing_matches(values, regex)
    return [
        i for i, (v, f) in enumerate(zip(values, failing, strict=True)) if v.is_valid and f.as_py()
    ]


def test_the_models_declare_patterns():
    assert len(PATTERNS) >= 3


@pytest.mark.parametrize("regex", PATTERNS)
def test_declared_patterns_go_to_re2(regex):
    """pandas sends these patterns to RE2; so does flows.check.patterns."""
    assert not PYTHON_ONLY.search(regex)


@pytest.mark.parametrize("regex", PATTERNS)
def test_tricky_values_answer_as_pandas(regex):
    values = [*TRICKY, None, *TRICKY]
    assert list(failing_rows(pa.array(values, pa.large_string()), regex)) == pandas_answer(
        values, regex
    )


@pytest.mark.parametrize("regex", [*PATTERNS, r"^(?=[a-z])\w+$"])
@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(TRICKY), st.text(max_size=12)), max_size=30
    )
)
def test_any_values_answer_as_pandas(regex, values):
    got = failing_rows(pa.array(values, pa.large_string()), regex)
    assert got == pandas_answer(values, regex)


@pytest.mark.parametrize(
    ("ds", "check"), CHECKS, ids=[f"{ds.name}.{c.column}.{c.check.name}" for ds, c in CHECKS]
)
@given(data=st.data())
def test_every_arrow_check_answers_as_pandera(ds, check, data):
    """Each column check the models declare, on values around its limits, against
    pandera running the same check on the same column."""
    dtype = ds.checked_schema.columns[check.column].dtype
    values = data.draw(st.lists(values_for(check.check, str(dtype)), max_size=20))
    series = pd.Series(values, dtype=pd.StringDtype() if "string" in str(dtype) else str(dtype))
    frame = pd.DataFrame({check.column: series})
    single = pa_.DataFrameSchema(
        {check.column: pa_.Column(dtype, checks=[check.check], nullable=True)}
    )
    try:
        single.validate(frame, lazy=True)
        expected = []
    except pa_.errors.SchemaErrors as errors:
        expected = sorted(int(i) for i in errors.failure_cases["index"])
    failing = pc.and_(check.failing(pa.array(series)), pa.array(series).is_valid())
    assert [i for i, f in enumerate(failing.fill_null(False).to_pylist()) if f] == expected


def values_for(check, dtype: str):
    stats = check.statistics
    if check.name == "str_matches":
        return st.one_of(st.none(), st.sampled_from(TRICKY), st.text(max_size=8))
    if check.name == "isin":
        known = sorted(stats["allowed_values"])
        return st.one_of(
            st.none(), st.sampled_from(known), st.sampled_from(["", "xx", known[0].upper()])
        )
    limits = [v for k, v in stats.items() if k.endswith("_value")]
    near = [v + d for v in limits for d in (-1, 0, 1)]
    if dtype.startswith("Float"):
        return st.one_of(st.none(), st.sampled_from([float(v) for v in near]), st.floats(-1e4, 1e4))
    return st.one_of(st.none(), st.sampled_from(near), st.integers(-10_000, 10_000))


def test_every_builtin_check_of_the_models_runs_on_arrow():
    """A built-in check Arrow does not know would silently stay with pandera: fine,
    but the models use none today, and a new one should be added to ARROW."""
    builtin = {
        c.name for ds in DATASETS for col in ds.checked_schema.columns.values() for c in col.checks
    }
    custom = {"year_not_in_future", "home_page_is_no_source"}
    assert builtin - custom <= set(ARROW)


@pytest.mark.parametrize("ds", [d for d in DATASETS if arrow_checks(d)], ids=lambda d: d.name)
def test_arrow_checks_carry_the_models_check_numbers(ds):
    for c in arrow_checks(ds):
        assert ds.checked_schema.columns[c.column].checks[c.number] is c.check


@pytest.mark.parametrize("name", ["events", "aid_shipments", "partnerships"])
def test_custom_checks_give_pandera_s_failure_cases(name, raw_dir_with_mistakes):
    """Check by check, the same rows, columns and check numbers as the schema's
    validate of pandera (minus dtype, nullable and built-in checks, run elsewhere)."""
    ds = next(d for d in DATASETS if d.name == name)
    frame = raw_dir_with_mistakes[name]
    kept = {
        n: [c for c in col.checks if c.name not in ARROW]
        for n, col in ds.checked_schema.columns.items()
    }
    schema = ds.checked_schema.update_columns(
        {n: {"checks": checks, "nullable": True, "dtype": None} for n, checks in kept.items()}
    )
    try:
        schema.validate(frame, lazy=True)
        expected = set()
    except pa_.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        expected = {
            (
                row,
                None if ctx == "DataFrameSchema" else column,
                check if ctx == "DataFrameSchema" else None,
            )
            for ctx, column, check, row in cases[
                ["schema_context", "column", "check", "index"]
            ].itertuples(index=False)
        }
    got = custom_failures(ds, frame)
    found = (
        set()
        if got is None
        else {
            (row, column, check if ctx == "DataFrameSchema" else None)
            for ctx, column, check, row in got[
                ["schema_context", "column", "check", "index"]
            ].itertuples(index=False)
        }
    )
    assert found == expected
    assert found, "the frame should break some custom check"


@pytest.fixture(scope="module")
def raw_dir_with_mistakes():
    """The shipped tables, typed, with a mistake for every custom check."""
    from pathlib import Path

    from flows.check.convert import convert
    from flows.read.raw_csv import read_raw

    frames = {}
    for name in ["events", "aid_shipments", "partnerships"]:
        ds = next(d for d in DATASETS if d.name == name)
        raw, _ = read_raw(ds, Path(__file__).parents[1] / "raw" / ds.raw_file)
        frames[name] = convert(raw)[0]
    for name in ["events", "aid_shipments"]:
        f = frames[name]
        f.loc[0, ["month", "day"]] = [2, 30]  # real_calendar_date
        f.loc[1, ["month", "day"]] = [None, 3]  # day_needs_month
        f.loc[2, "year"] = 2999  # year_not_in_future
    frames["events"].loc[3, "source_url"] = "https://www.dortmund.de/"
    frames["aid_shipments"].loc[3, "source_url"] = "https://www.dortmund.de/"
    p = frames["partnerships"]
    p.loc[0, "established_year"] = 1900
    p.loc[1, "latitude"] = None
    p.loc[2, "source_url"] = "https://www.dortmund.de/"
    return frames


def test_failures_name_row_column_and_check():
    ds = next(d for d in DATASETS if d.name == "events")
    frame = valid_frame(ds, rows=3)
    frame["event_id"] = pd.Series(["gut", "Schlecht", None], dtype=pd.StringDtype())
    cases = builtin_failures(ds, frame)
    cases = cases[cases["column"] == "event_id"]
    found = cases[["column", "check", "check_number", "index"]].values.tolist()
    number = next(c.number for c in arrow_checks(ds) if c.column == "event_id")
    assert found[0][0] == "event_id" and found[0][1] == "not_nullable" and found[0][3] == 2
    assert [found[1][0], found[1][2], found[1][3]] == ["event_id", number, 1]


def valid_frame(ds, rows: int) -> pd.DataFrame:
    """A frame of the checked columns, typed as the model says, every cell empty."""
    columns = {}
    for name, column in ds.checked_schema.columns.items():
        dtype = str(column.dtype)
        dtype = pd.StringDtype() if "string" in dtype else dtype
        columns[name] = pd.Series(
            [None] * rows, dtype=dtype if "date" not in str(dtype) else "object"
        )
    return pd.DataFrame(columns)
