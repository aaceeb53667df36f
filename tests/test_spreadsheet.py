"""The spreadsheet copy: formula cells neutralised, the machine CSV exact."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows import pipeline
from flows.write.spreadsheet import FORMULA_START, SUFFIX, spreadsheet_frame, write_spreadsheet_csv
from schemas import DATASETS

HYPERLINK = '=HYPERLINK("https://example.org/x";"Mehr erfahren")'
COUNCIL_TEXT = "Der Rat der Stadt Dortmund beschloss die Städtepartnerschaft mit Rostow am Don."
DANGEROUS = re.compile(FORMULA_START)


def read_rows(path: Path, **dialect) -> dict[str, dict[str, str]]:
    with open(path, encoding=dialect.pop("encoding", "utf-8"), newline="") as handle:
        rows = list(csv.DictReader(handle, **dialect))
    key = next(iter(rows[0]))
    return {row[key]: row for row in rows}


def read_spreadsheet(path: Path) -> dict[str, dict[str, str]]:
    return read_rows(path, encoding="utf-8-sig", delimiter=";")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release built by the pipeline from raw data with a formula in a description."""
    from fixture_cases import BASE

    root = tmp_path_factory.mktemp("spreadsheet")
    raw = root / "raw"
    raw.mkdir()
    for source in BASE.glob("*.csv"):
        (raw / source.name).write_bytes(source.read_bytes())
    events = raw / "events.csv"
    text = events.read_text(encoding="utf-8")
    assert COUNCIL_TEXT in text
    quoted = '"' + HYPERLINK.replace('"', '""') + '"'
    events.write_text(text.replace(COUNCIL_TEXT, quoted), encoding="utf-8")
    result = pipeline.run(raw, root / "output")
    assert result.ok, result.report.to_text()
    return (root / "output").resolve()


def test_hyperlink_description_is_text_in_the_spreadsheet_file(release: Path) -> None:
    rows = read_spreadsheet(release / f"events.{SUFFIX}")
    assert rows["rostow-1977-council-decision"]["description_de"] == "'" + HYPERLINK


def test_machine_csv_parquet_and_json_keep_the_exact_value(release: Path) -> None:
    rows = read_rows(release / "events.csv")
    assert rows["rostow-1977-council-decision"]["description_de"] == HYPERLINK
    table = pq.read_table(release / "events.parquet").to_pylist()
    by_id = {row["event_id"]: row for row in table}
    assert by_id["rostow-1977-council-decision"]["description_de"] == HYPERLINK
    assert HYPERLINK.replace('"', '\\"') in (release / "events.json").read_text(encoding="utf-8")


def test_spreadsheet_file_is_german_excel_csv(release: Path) -> None:
    data = (release / f"partnerships.{SUFFIX}").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfpartnership_id;partner_city;")
    assert data.count(b"\r\n") == data.count(b"\n")
    leeds = read_spreadsheet(release / f"partnerships.{SUFFIX}")["leeds"]
    assert (leeds["latitude"], leeds["longitude"]) == ("53,8003", "-1,5497")  # no apostrophe
    assert leeds["established_year"] == "1969"


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.name)
def test_every_cell_is_the_machine_value_or_its_neutralised_form(release: Path, ds) -> None:
    machine = read_rows(release / f"{ds.name}.csv")
    sheet = read_spreadsheet(release / f"{ds.name}.{SUFFIX}")
    assert sheet.keys() == machine.keys()
    types = {c.name: c.type for c in ds.columns}
    for key, row in machine.items():
        assert list(sheet[key]) == list(row)
        for name, value in row.items():
            shown = sheet[key][name]
            if types[name] == "number" and value:
                assert float(shown.replace(",", ".")) == float(value)
            elif DANGEROUS.match(value):
                assert shown == "'" + value
            else:
                assert shown == value


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "\u00a0=1",
        "\u3000@x",
        "+49 231 50-0",
        "-5",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        "  =1",
        "＝1",
        "＠x",
    ],
)
def test_formula_starts_get_an_apostrophe(value: str) -> None:
    frame = spreadsheet_frame(pa.table({"text": [value]}))
    assert frame["text"].to_list() == ["'" + value]


@pytest.mark.parametrize("value", ["Dortmund", "e-mail", "a=b", "1-2", "'quoted", "", None])
def test_ordinary_text_is_unchanged(value: str | None) -> None:
    assert spreadsheet_frame(pa.table({"text": pa.array([value], pa.string())}))[
        "text"
    ].to_list() == [value]


def test_numbers_and_dates_are_never_prefixed() -> None:
    table = pa.table(
        {
            "longitude": pa.array([-1.5497, None], pa.float64()),
            "year": pa.array([-44, 1969], pa.int64()),
            "on": pa.array([0, 2000], pa.date32()),
        }
    )
    assert spreadsheet_frame(table).to_arrow().equals(pl.from_arrow(table).to_arrow())


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_keeps_the_value(value: str) -> None:
    shown = spreadsheet_frame(pa.table({"text": [value]}))["text"][0]
    assert not DANGEROUS.match(shown)
    assert shown in (value, "'" + value)
    assert (shown != value) == bool(DANGEROUS.match(value))


def test_a_million_rows_are_written_in_seconds(tmp_path: Path) -> None:
    rows = 1_000_000
    texts = pa.array(["=cmd|' /C calc'!A0", "Städtepartnerschaft", "-", "Rostow am Don"] * 250_000)
    table = pa.table({"text": texts, "number": pa.array(range(rows), pa.float64())})
    started = time.monotonic()
    path = write_spreadsheet_csv(table, tmp_path / f"big.{SUFFIX}")
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{elapsed:.1f} s"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        head = [next(handle) for _ in range(4)]
    assert head == [
        "text;number\r\n",
        "'=cmd|' /C calc'!A0;0,0\r\n",
        "Städtepartnerschaft;1,0\r\n",
        "'-;2,0\r\n",
    ]
