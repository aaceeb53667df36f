"""Every row keeps the line it starts on in the curated file, whatever its values hold."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.read import raw_csv as reading
from flows.read.raw_csv import read_raw
from schemas import dataset

EVENTS = dataset("events")
#: lone carriage returns take the exact, slow path, which the reader fuzz covers
cell = st.text(alphabet=st.sampled_from('ab ,"\n;ä'), max_size=8)
row = st.lists(cell, min_size=len(EVENTS.raw_columns), max_size=len(EVENTS.raw_columns))


def start_lines(data: str) -> list[int]:
    """The oracle: Python's csv module, which counts every line it consumes."""
    reader = csv.reader(io.StringIO(data, newline=""))
    next(reader)
    starts, end_of_previous = [], reader.line_num
    for _ in reader:
        starts.append(end_of_previous + 1)
        end_of_previous = reader.line_num
    return starts


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=1, max_size=12))
def test_row_lines_match_the_csv_module(tmp_path_factory, rows) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EVENTS.raw_columns)
    writer.writerows(rows)
    data = buffer.getvalue()
    path = Path(tmp_path_factory.mktemp("lines")) / "events.csv"
    path.write_text(data, encoding="utf-8")
    raw, problems = read_raw(EVENTS, path)
    assert raw is not None, problems
    assert raw.lines.tolist() == start_lines(data)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=64), block=st.integers(min_value=1, max_value=9))
def test_count_byte_counts_like_bytes_count_across_blocks(data: bytes, block: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "COUNT_BLOCK", block)
        for byte in (b"\n", b'"', b"\x00"):
            assert reading.count_byte(data, byte) == data.count(byte)
