"""Dates that say only what is known: a year, optionally a month, optionally a day.

Curators write `year`, `month` and `day` in separate columns (a spreadsheet cannot
mangle them into 04.07.1977), plus a note such as "Frühsommer". The pipeline derives
an EDTF string (`1974`, `1974-06`, `1977-07-04`), the precision and the first and last
day of the period, so analysts get typed dates without invented precision.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

from schemas.fields import column, year_column


def this_year() -> int:
    return dt.date.today().year


def year() -> object:
    return year_column(de="Jahr des Ereignisses (ab 1945)", en="Year of the event (1945 or later)")


def month() -> object:
    return column(
        de="Monat (1-12), leer wenn unbekannt",
        en="Month (1-12), empty when unknown",
        required=False,
        in_range={"min_value": 1, "max_value": 12},
    )


def day() -> object:
    return column(
        de="Tag im Monat (1-31), leer wenn unbekannt; setzt einen Monat voraus",
        en="Day of the month (1-31), empty when unknown; requires a month",
        required=False,
        in_range={"min_value": 1, "max_value": 31},
    )


def date_note_de() -> object:
    return column(
        de="Erläuterung zur Datierung, z. B. 'Frühsommer' oder 'ab 1990 über mehrere Jahre'",
        en="Note on the dating in German, e.g. 'Frühsommer' (early summer)",
        required=False,
    )


def date_edtf() -> object:
    return column(
        de="Datum in der bekannten Genauigkeit (EDTF/ISO 8601-2): JJJJ, JJJJ-MM oder JJJJ-MM-TT",
        en="Date at its known precision (EDTF/ISO 8601-2): YYYY, YYYY-MM or YYYY-MM-DD",
        derived=True,
    )


def date_precision() -> object:
    return column(
        de="Genauigkeit des Datums",
        en="Precision of the date",
        codelist="date_precision",
        derived=True,
    )


def date_start() -> object:
    return column(
        de="Erster Tag des Zeitraums, den das Datum bezeichnet",
        en="First day of the period the date denotes",
        derived=True,
    )


def date_end() -> object:
    return column(
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
        return ~complete | calendar_dates(df["year"], df["month"], df["day"]).notna()


def calendar_dates(years: pd.Series, months: pd.Series, days: pd.Series) -> pd.Series:
    """Vectorised: the date of each row, NaT where the parts form no real date."""
    parts = pd.DataFrame(
        {
            "year": years.astype("Float64"),
            "month": months.fillna(1).astype("Float64"),
            "day": days.fillna(1).astype("Float64"),
        }
    )
    # invalid parts (e.g. 30 February, month 13) become NaT instead of raising
    return pd.to_datetime(parts, errors="coerce")


def derive_date_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add date, date_precision, date_start and date_end from year, month and day."""
    years, months, days = df["year"], df["month"], df["day"]
    precision = pd.Series("year", index=df.index, dtype=pd.StringDtype())
    precision = precision.mask(months.notna(), "month").mask(days.notna(), "day")

    year_text = years.astype(pd.StringDtype()).str.zfill(4)
    month_text = months.astype(pd.StringDtype()).str.zfill(2)
    day_text = days.astype(pd.StringDtype()).str.zfill(2)
    edtf = year_text.mask(months.notna(), year_text + "-" + month_text)
    edtf = edtf.mask(days.notna(), year_text + "-" + month_text + "-" + day_text)

    start = calendar_dates(years, months, days)
    period_end = start + pd.offsets.YearEnd(0)
    period_end = period_end.mask(precision == "month", start + pd.offsets.MonthEnd(0))
    period_end = period_end.mask(precision == "day", start)

    out = df.copy()
    out["date"] = edtf.astype(pd.StringDtype())
    out["date_precision"] = precision
    out["date_start"] = to_arrow_date(start)
    out["date_end"] = to_arrow_date(period_end)
    return out


def to_arrow_date(values: pd.Series) -> pd.Series:
    import pyarrow as pa

    return values.astype("datetime64[s]").astype(pd.ArrowDtype(pa.date32()))
