"""Strict by default; with quarantine the valid rows are published and nothing is lost."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import tree_digest
from fixture_cases import BASE, FIXTURES, assemble

from flows import pipeline


def rejects(folder: Path, name: str) -> list[dict]:
    text = (folder / f"rejects-{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_strict_run_publishes_nothing_when_one_row_is_bad(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert pipeline.run(BASE, output).ok
    before = tree_digest(output)
    result = pipeline.run(
        assemble(FIXTURES / "invalid/several-files-at-once", tmp_path / "r"), output
    )
    assert not result.ok
    assert tree_digest(output) == before


def test_quarantine_publishes_valid_rows_and_cascades_references(tmp_path: Path) -> None:
    raw = assemble(FIXTURES / "invalid/several-files-at-once", tmp_path / "raw")
    result = pipeline.run(raw, tmp_path / "output", quarantine=True)
    assert result.ok
    # leeds is refused (lower-case country code); its event is refused because of it
    assert result.quarantine_counts["partnerships"] == {"published": 2, "refused": 1, "cascaded": 0}
    assert result.quarantine_counts["events"] == {"published": 3, "refused": 1, "cascaded": 1}
    assert result.quarantine_counts["aid_shipments"] == {
        "published": 1,
        "refused": 1,
        "cascaded": 0,
    }

    published = pq.read_table(tmp_path / "output" / "partnerships.parquet").column("partnership_id")
    assert "leeds" not in published.to_pylist()
    events = pq.read_table(tmp_path / "output" / "events.parquet").column("partnership_id")
    assert "leeds" not in events.to_pylist()

    refused_events = rejects(result.report_folder, "events")
    assert [r["line"] for r in refused_events] == ["2", "6"]
    assert "event_type: isin" in refused_events[0]["reasons"]
    assert refused_events[0]["event_type"] == "concert"  # unchanged, as the curator wrote it
    assert "references_refused_row" in refused_events[1]["reasons"]
    partnerships = rejects(result.report_folder, "partnerships")
    assert partnerships[0]["country_code"] == "gb"


def test_every_row_is_either_published_or_rejected(tmp_path: Path) -> None:
    raw = assemble(FIXTURES / "invalid/duplicate-key", tmp_path / "raw")
    result = pipeline.run(raw, tmp_path / "output", quarantine=True)
    read = {name: n for name, n in result.report.rows.items()}
    for name, counts in result.quarantine_counts.items():
        if name == "codelists":
            continue
        assert counts["published"] + counts["refused"] + counts["cascaded"] == read[f"{name}.csv"]
    assert len(rejects(result.report_folder, "events")) == 2


@pytest.mark.parametrize("case", ["missing-column", "empty-file", "binary-file"])
def test_quarantine_cannot_split_a_file_that_was_not_read(case: str, tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert pipeline.run(BASE, output).ok
    before = tree_digest(output)
    raw = assemble(FIXTURES / "invalid" / case, tmp_path / "raw")
    result = pipeline.run(raw, output, quarantine=True)
    assert not result.ok
    assert tree_digest(output) == before


def test_quarantine_with_valid_input_is_an_ordinary_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(BASE, raw)
    result = pipeline.run(raw, tmp_path / "output", quarantine=True)
    assert result.ok and result.quarantine_counts is None
