"""The vectorised calendar arithmetic agrees with Python's datetime on every input."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from schemas.dates import calendar_parts, derive_date_columns, epoch_days

EPOCH = dt.date(1970, 1, 1)
#: century years, leap years, the ends of the year range, the ends of months
edge_years = st.sampled_from([0, 1, 1900, 1970, 2000, 2023, 2024, 2100, 9999, 10_000])
years = st.one_of(st.none(), edge_years, st.integers(-5, 10_050))
months = st.one_of(st.none(), st.integers(1, 12), st.integers(-1, 14))
days = st.one_of(st.none(), st.integers(27, 32), st.integers(-1, 33))


def as_series(values: list[int | None]) -> pd.Series:
    return pd.Series(values, dtype=pd.Int64Dtype())


def python_date(year, month, day) -> dt.date | None:
    try:
        if year is None:
            return None
        return dt.date(year, 1 if month is None else month, 1 if day is None else day)
    except (ValueError, OverflowError):
        return None


@given(st.lists(st.tuples(years, months, days), min_size=1, max_size=50))
def test_calendar_parts_and_epoch_days_agree_with_datetime(rows) -> None:
    years, months, days = (as_series(list(column)) for column in zip(*rows, strict=True))
    (y, m, d), real = calendar_parts(years, months, days)
    numbers = epoch_days(y, m, d)
    for row, (year, month, day) in enumerate(rows):
        expected = python_date(year, month, day)
        assert bool(real[row]) == (expected is not None), (year, month, day)
        if expected is not None:
            assert int(numbers[row]) == (expected - EPOCH).days


@given(st.integers(1945, 2100), st.one_of(st.none(), st.integers(1, 12)), st.data())
def test_derived_period_covers_the_known_precision(year, month, data) -> None:
    last_day = calendar.monthrange(year, month or 1)[1]
    day = data.draw(st.one_of(st.none(), st.integers(1, last_day))) if month else None
    frame = pd.DataFrame({"year": [year], "month": [month], "day": [day]}, dtype="Int64")
    row = derive_date_columns(frame).iloc[0]
    if day is not None:
        expected = (f"{year:04d}-{month:02d}-{day:02d}", "day")
        period = (dt.date(year, month, day), dt.date(year, month, day))
    elif month is not None:
        expected = (f"{year:04d}-{month:02d}", "month")
        period = (dt.date(year, month, 1), dt.date(year, month, last_day))
    else:
        expected = (f"{year:04d}", "year")
        period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert (row["date"], row["date_precision"]) == expected
    assert (row["date_start"], row["date_end"]) == period
