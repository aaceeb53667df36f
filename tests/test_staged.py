"""Describing from memory: the run's own tables give exactly what the staged files would.

The metadata, the sources section, the website and the changelog read the tables the
run has just written (flows.write.staged) instead of decoding the Parquet files again.
These tests build the same releases both ways and compare them byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import REPO, tree_digest

from flows import pipeline
from flows.release.store import ReleaseStore
from flows.write import datasets as writing
from flows.write.staged import held, read_staged, staged_rows
from schemas import DATASETS


def generated(folder: Path, rows: int) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    import generate

    generate.generate(rows, folder, seed=5, invalid=0.0)
    return folder


def forgetting_tables(raw: Path, staging: Path, quarantine: bool) -> pipeline.StageResult:
    """The stage as before: the describing steps find no tables and read the files."""
    staged = pipeline.stage_datasets(raw, staging, quarantine)
    staged.tables.clear()
    return staged


@pytest.fixture
def small_chunks(monkeypatch) -> None:
    """Tables in memory of many chunks, each with its own dictionary once encoded,
    while the Parquet files hold one row group: the layouts differ, the data may not."""
    monkeypatch.setattr(writing, "CHUNK_ROWS", 700)


@pytest.mark.usefixtures("steady_release_inputs", "small_chunks")
def test_releases_described_from_memory_equal_those_described_from_files(tmp_path) -> None:
    first, second = generated(tmp_path / "v1", 3000), generated(tmp_path / "v2", 3400)
    releases = {}
    for name, steps in {
        "memory": pipeline.Steps(),
        "files": pipeline.Steps(stage=forgetting_tables),
    }.items():
        output = tmp_path / name
        # the second release's changelog compares an old release (files) with a new one
        for raw in (first, second):
            result = pipeline.run(raw, output, steps=steps)
            assert result.ok, result.report.to_text()
        releases[name] = ReleaseStore(output).current()
    memory, files = (tree_digest(releases[n]) for n in ("memory", "files"))
    assert len(memory) > 40
    assert memory == files


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("ds", DATASETS, ids=lambda ds: ds.name)
def test_a_held_table_reads_as_its_file(ds, tmp_path) -> None:
    raw = generated(tmp_path / "raw", 3000)
    staging = tmp_path / "staging"
    staging.mkdir()
    staged = pipeline.stage_datasets(raw, staging)
    assert staged.ok, staged.report.to_text()
    names = [c.name for c in ds.columns]
    text = [c.name for c in ds.columns if c.type == "string"]
    from_file = read_staged(staging, ds.name, names, text)
    with held(staging, staged.tables):
        from_memory = read_staged(staging, ds.name, names, text)
        assert staged_rows(staging, ds.name) == from_file.num_rows
    assert from_memory.schema == from_file.schema
    # the same values; a dictionary's order may differ, its decoded text may not
    schema = pa.schema(
        [f.with_type(pa.string()) if f.name in text else f for f in from_file.schema]
    )
    assert from_memory.cast(schema).equals(from_file.cast(schema))


def test_held_tables_are_served_only_inside_the_block(tmp_path) -> None:
    table = pa.table({"partnership_id": ["a", "b"]})
    with held(tmp_path, {"partnerships": table}):
        # no file at all: the table comes from memory
        assert read_staged(tmp_path, "partnerships").to_pydict() == table.to_pydict()
        assert staged_rows(tmp_path, "partnerships") == 2
    assert read_staged(tmp_path, "partnerships") is None


@pytest.mark.usefixtures("steady_release_inputs")
def test_a_run_decodes_none_of_the_files_it_has_just_written(tmp_path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    decoded = []
    read_table = pq.read_table
    monkeypatch.setattr(
        pq, "read_table", lambda path, **kw: decoded.append(path) or read_table(path, **kw)
    )
    raw = generated(tmp_path / "raw", 1000)
    for output in (tmp_path / "first", tmp_path / "second"):
        assert pipeline.run(raw, output).ok
    assert decoded == []
