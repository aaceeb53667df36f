"""Dates that say only what is known: a year, optionally a month, optionally a day.

Curators write `year`, `month` and `day` in separate columns (a spreadsheet cannot
mangle them into 04.07.1977), plus a note such as "Frühsommer". The pipeline derives
an EDTF string (`1974`, `1974-06`, `1977-07-04`), the precision and the first and last
day of the period, so analysts get typed dates without invented precision.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from schemas.fields import column, year_column


def this_year() -> int:
    return dt.date.today().year


def year() -> object:
    return year_column(
        label_de="Jahr",
        label_en="Year",
        de="Jahr des Ereignisses (ab 1945)",
        en="Year of the event (1945 or later)",
    )


def month() -> object:
    return column(
        label_de="Monat",
        label_en="Month",
        de="Monat (1-12), leer wenn unbekannt",
        en="Month (1-12), empty when unknown",
        required=False,
        in_range={"min_value": 1, "max_value": 12},
    )


def day() -> object:
    return column(
        label_de="Tag",
        label_en="Day",
        de="Tag im Monat (1-31), leer wenn unbekannt; setzt einen Monat voraus",
        en="Day of the month (1-31), empty when unknown; requires a month",
        required=False,
        in_range={"min_value": 1, "max_value": 31},
    )


def date_note_de() -> object:
    return column(
        label_de="Hinweis zur Datierung",
        label_en="Note on the dating",
        de="Erläuterung zur Datierung, z. B. 'Frühsommer' oder 'ab 1990 über mehrere Jahre'",
        en="Note on the dating in German, e.g. 'Frühsommer' (early summer)",
        required=False,
    )


def date_edtf() -> object:
    return column(
        label_de="Datum",
        label_en="Date",
        de="Datum in der bekannten Genauigkeit (EDTF/ISO 8601-2): JJJJ, JJJJ-MM oder JJJJ-MM-TT",
        en="Date at its known precision (EDTF/ISO 8601-2): YYYY, YYYY-MM or YYYY-MM-DD",
        derived=True,
    )


def date_precision() -> object:
    return column(
        label_de="Genauigkeit des Datums",
        label_en="Date precision",
        de="Genauigkeit des Datums",
        en="Precision of the date",
        codelist="date_precision",
        derived=True,
    )


def date_start() -> object:
    return column(
        label_de="Beginn",
        label_en="Start",
        de="Erster Tag des Zeitraums, den das Datum bezeichnet",
        en="First day of the period the date denotes",
        derived=True,
    )


def date_end() -> object:
    return column(
        label_de="Ende",
        label_en="End",
        de="Letzter Tag des Zeitraums, den das Datum bezeichnet",
        en="Last day of the period the date denotes",
        derived=True,
    )


class PartialDateRules(pa.DataFrameModel):
    """Checks shared by every model with year, month and day columns."""

    @pa.check("year", name="year_not_in_future")
    def year_not_in_future(cls, year: pd.Series) -> pd.Series:
        return year <= this_year()

    @pa.dataframe_check(name="day_needs_month")
    def day_needs_month(cls, df: pd.DataFrame) -> pd.Series:
        return df["day"].isna() | df["month"].notna()

    @pa.dataframe_check(name="real_calendar_date")
    def real_calendar_date(cls, df: pd.DataFrame) -> pd.Series:
        complete = df["year"].notna() & df["month"].notna() & df["day"].notna()
        _, real = calendar_parts(df["year"], df["month"], df["day"])
        return ~complete | pd.Series(real, index=df.index)


#: the years a date can have here: ISO 8601 without a sign, and what Parquet readers expect
MIN_YEAR, MAX_YEAR = 1, 9999


def calendar_parts(
    years: pd.Series, months: pd.Series, days: pd.Series
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Vectorised: year, month and day of each row's first day (a missing month or day
    counts as 1), and whether they form a real date. Where they do not (30 February,
    month 13, no year) the parts are replaced by 1970-01-01, so arithmetic cannot fail."""
    y = years.to_numpy(dtype="int64", na_value=0)
    m = months.to_numpy(dtype="int64", na_value=1)
    d = days.to_numpy(dtype="int64", na_value=1)
    real = years.notna().to_numpy() & (y >= MIN_YEAR) & (y <= MAX_YEAR) & (m >= 1) & (m <= 12)
    y, m = np.where(real, y, 1970), np.where(real, m, 1)
    real &= (d >= 1) & (d <= days_in_month(y, m))
    return (y, m, np.where(real, d, 1)), real


def days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    # 31 days in odd months up to July and in even months from August on
    return np.where(m == 2, 28 + leap, 30 + (m + (m >= 8)) % 2)


def epoch_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of real dates (H. Hinnant's days_from_civil, vectorised)."""
    y = y - (m <= 2)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def derive_date_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add date, date_precision, date_start and date_end from year, month and day."""
    years, months, days = df["year"], df["month"], df["day"]
    has_month, has_day = months.notna().to_numpy(), days.notna().to_numpy()
    precision = pc.if_else(has_day, "day", pc.if_else(has_month, "month", "year"))

    year_text = zero_padded(years, 4)
    month_text = zero_padded(months, 2)
    day_text = zero_padded(days, 2)
    # a null part makes the joined text null: a day without a month gives no date
    edtf = pc.if_else(
        has_day,
        pc.binary_join_element_wise(year_text, month_text, day_text, "-"),
        pc.if_else(has_month, pc.binary_join_element_wise(year_text, month_text, "-"), year_text),
    )

    (y, m, d), real = calendar_parts(years, months, days)
    start = epoch_days(y, m, d)
    month_end = epoch_days(y, m, days_in_month(y, m))
    year_end = epoch_days(y, np.full_like(m, 12), np.full_like(d, 31))
    end = np.select([has_day, has_month], [start, month_end], year_end)

    return df.assign(
        date=pd.Series(edtf, index=df.index, dtype=pd.StringDtype()),
        date_precision=pd.Series(precision, index=df.index, dtype=pd.StringDtype()),
        date_start=arrow_dates(start, real, df.index),
        date_end=arrow_dates(end, real, df.index),
    )


def zero_padded(numbers: pd.Series, width: int) -> pyarrow.Array:
    """The numbers as text, padded with zeros to width: 7 -> '07'; null stays null."""
    text = pc.cast(pyarrow.array(numbers, from_pandas=True), pyarrow.string())
    return pc.utf8_lpad(text, width, "0")


def arrow_dates(days_since_epoch: np.ndarray, real: np.ndarray, index: pd.Index) -> pd.Series:
    dates = pyarrow.array(days_since_epoch.astype(np.int32), pyarrow.date32(), mask=~real)
    return pd.Series(dates, index=index, dtype=pd.ArrowDtype(pyarrow.date32()))
