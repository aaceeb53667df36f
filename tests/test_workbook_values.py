"""Every text raw/ can hold comes back from the workbook exactly as it went in.

Whatever a curator wrote (a leading `=`, `007`, `1.10`, `1977-07-04`, spaces, line
breaks, any script), the exported workbook holds it as a text cell and the import reads
the same characters back. What a cell cannot keep stops the export, naming the line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fixture_cases import BASE
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flows.read.raw_csv import read_raw
from flows.workbook.canonical import canonical_records
from flows.workbook.export import NOT_IN_A_CELL, export_workbook
from flows.workbook.sheets import read_workbook
from schemas import dataset

EVENTS = dataset("events")
CELL_TEXT = st.text(min_size=1, max_size=200).filter(lambda s: not NOT_IN_A_CELL.search(s))


def with_description(folder: Path, value: str) -> Path:
    """The base fixture with value as the first event's description."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in BASE.glob("*.csv"):
        (folder / source.name).write_bytes(source.read_bytes())
    rows = list(csv.reader(io.StringIO((BASE / "events.csv").read_text(encoding="utf-8"))))
    rows[1][rows[0].index("description_de")] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / "events.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    return folder


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=CELL_TEXT)
@example(value='=HYPERLINK("https://example.org")')
@example(value="007")
@example(value="1.10")
@example(value="1977-07-04")
@example(value=" leading and trailing ")
@example(value="erste Zeile\nzweite Zeile")
@example(value="<script>alert(1)</script>")
@example(value="'apostrophe")
def test_every_text_comes_back_exactly(value: str, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("values")
    raw = with_description(folder / "raw", value)
    assert export_workbook(raw, folder / "daten.xlsx") == []
    found = read_workbook(folder / "daten.xlsx")
    assert found.problems == []  # no formula, no number or date cell: text cells only
    sheet = found.sheets["events"]
    table, _ = read_raw(EVENTS, raw / "events.csv")
    header = sheet.header
    imported = [tuple(r[header.index(c)] for c in EVENTS.raw_columns) for r in sheet.records]
    assert imported == canonical_records(table)


def test_a_control_character_stops_the_export_naming_the_line(tmp_path: Path) -> None:
    raw = with_description(tmp_path / "raw", "vertical\x0btab")
    problems = export_workbook(raw, tmp_path / "daten.xlsx")
    assert [(p.file, p.line, p.column, p.rule) for p in problems] == [
        ("events.csv", 2, "description_de", "cell_cannot_hold")
    ]
    assert not (tmp_path / "daten.xlsx").exists()
