"""Published files: golden copies, determinism and the formats' promises.

Regenerate the golden files on purpose only:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_outputs.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import tree_digest
from fixture_cases import BASE

from flows import pipeline
from flows.write import datasets as writing
from schemas import DATASETS

GOLDEN = Path(__file__).parent / "golden"
TEXT_FILES = [
    f"{name}.{fmt}"
    for name in ("partnerships", "aid_shipments", "events", "codelists")
    for fmt in ("csv", "json")
]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("release") / "output"
    assert pipeline.run(BASE, output).ok
    return output


@pytest.mark.parametrize("name", TEXT_FILES)
def test_text_outputs_match_golden_files(release: Path, name: str) -> None:
    produced = (release / name).read_bytes()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / name).write_bytes(produced)
    assert produced == (GOLDEN / name).read_bytes()


def test_same_input_gives_byte_identical_files(release: Path, tmp_path: Path) -> None:
    other = tmp_path / "again"
    assert pipeline.run(BASE, other).ok
    assert tree_digest(other) == tree_digest(release)


def test_rows_are_sorted_by_primary_key(release: Path) -> None:
    ids = [
        row["event_id"] for row in csv.DictReader(io.StringIO((release / "events.csv").read_text()))
    ]
    assert ids == sorted(ids)
    assert len(ids) == 5


def test_csv_is_rfc4180_with_crlf_and_iso_dates(release: Path) -> None:
    data = (release / "partnerships.csv").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") == 4
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    rostow = next(r for r in rows if r["partnership_id"] == "rostow-am-don")
    assert rostow["established_on"] == "1977-07-04"
    assert rostow["partner_city_local"] == "Ростов-на-Дону"


def test_parquet_is_typed_and_zstd_compressed(release: Path) -> None:
    parquet = pq.ParquetFile(release / "events.parquet")
    schema = parquet.schema_arrow
    assert schema.field("year").type == pa.int64()
    assert schema.field("date_start").type == pa.date32()
    assert schema.field("event_type").type == pa.string()
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert schema.field("event_id").metadata[b"description_de"]


def test_json_is_an_array_of_records_with_nulls_and_iso_dates(release: Path) -> None:
    records = json.loads((release / "events.json").read_text(encoding="utf-8"))
    offer = next(r for r in records if r["event_id"] == "rostow-1974-offer")
    assert offer["month"] is None and offer["day"] is None
    assert offer["date"] == "1974" and offer["date_precision"] == "year"
    assert offer["date_start"] == "1974-01-01" and offer["date_end"] == "1974-12-31"


def test_exports_carry_date_precision(release: Path) -> None:
    table = pq.read_table(release / "events.parquet").to_pylist()
    by_id = {r["event_id"]: r for r in table}
    assert by_id["rostow-1977-council-decision"]["date"] == "1977-07-04"
    assert by_id["rostow-1977-council-decision"]["date_precision"] == "day"
    assert by_id["rostow-2005-smes-financing-day"]["date_precision"] == "month"
    assert str(by_id["rostow-2005-smes-financing-day"]["date_end"]) == "2005-06-30"


def test_failed_run_leaves_previous_release_and_no_staging(release: Path, tmp_path: Path) -> None:
    before = tree_digest(release)
    raw = tmp_path / "raw"
    shutil.copytree(BASE, raw)
    (raw / "events.csv").write_text("event_id\n", encoding="utf-8")
    assert not pipeline.run(raw, release).ok
    assert tree_digest(release) == before
    staging = release.with_name("output.d") / "staging"
    assert not any(staging.iterdir())


def test_each_writer_puts_its_file_on_disk(tmp_path: Path, monkeypatch) -> None:
    # the release's own fsync then finds nothing left to write (bench/README, finding 29)
    synced = []

    def recording_fsync(path: Path) -> None:
        synced.append(path.name)
        real_fsync(path)

    real_fsync = writing.fsync_file
    monkeypatch.setattr(writing, "fsync_file", recording_fsync)
    assert pipeline.run(BASE, tmp_path / "output").ok
    written = [name for ds in DATASETS for name in writing.dataset_files(ds)]
    assert sorted(synced) == sorted(written)
