"""Memory of a run: Arrow allocates with jemalloc unless the operator chose another pool,
and a big file's data is never held twice."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from flows.check.convert import convert
from flows.check.validation import codelist_frame
from flows.common.settings import PROJECT_ROOT
from flows.read.raw_csv import read_raw
from flows.write import datasets as writing
from schemas import dataset

SHOW_POOL = (
    "import pyarrow as pa; from flows.common.memory import use_jemalloc; "
    "use_jemalloc(); print(pa.default_memory_pool().backend_name)"
)


@pytest.mark.parametrize(("chosen", "expected"), [(None, "jemalloc"), ("system", "system")])
def test_the_pool_of_a_run(chosen: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    assert run_python(SHOW_POOL, env).strip() == expected


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    """What code prints, run by a fresh interpreter in the project folder."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


CHURN_IN_A_THREAD = """
import threading, numpy as np
from flows.common.memory import return_freed_memory
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6
def churn():
    big = np.ones(2 << 20)  # 16 MB, freed: glibc then serves blocks this big from arenas
    del big
    blocks = [np.ones(1 << 17) for _ in range(400)]  # 400 x 1 MB in this thread's arena
    churn.kept = np.ones(1 << 17)  # allocated last: the arena cannot shrink from its top
    del blocks
thread = threading.Thread(target=churn)
thread.start()
thread.join()
before = rss_mb()
return_freed_memory()
print(before - rss_mb())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_freed_in_a_thread_goes_back_to_the_kernel() -> None:
    assert float(run_python(CHURN_IN_A_THREAD)) > 300  # megabytes of the 400 freed


# --- the text of a big file is held once -----------------------------------------------

EVENTS = dataset("events")


def big_events_file(folder: Path, rows: int) -> Path:
    """A file several of the reader's blocks long (4 MiB each); the cells need not be valid."""
    cells = {name: "x" * 40 for name in EVENTS.raw_columns}
    lines = [",".join(EVENTS.raw_columns)]
    for row in range(rows):
        cells["event_id"] = f"e-{row:06d}"
        lines.append(",".join(cells.values()))
    path = folder / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_text_is_one_chunk_per_column_and_converted_without_a_copy(tmp_path: Path) -> None:
    path = big_events_file(tmp_path, rows=20_000)
    assert path.stat().st_size > 2 * (4 << 20)  # the reader returns several chunks
    raw, problems = read_raw(EVENTS, path)
    assert raw is not None, problems
    assert [c.num_chunks for c in raw.text.columns] == [1] * len(EVENTS.raw_columns)
    assert raw.text.column("event_id")[19_999].as_py() == "e-019999"

    before = pa.total_allocated_bytes()
    frame, _, _ = convert(raw)
    grown = pa.total_allocated_bytes() - before
    # text with nothing refused is shared, not copied: only the typed columns are new
    assert grown < raw.text.nbytes / 4, (grown, raw.text.nbytes)
    assert frame["title_de"].iloc[0] == "x" * 40


def test_to_arrow_sorts_in_chunks_and_empties_the_frame(monkeypatch) -> None:
    monkeypatch.setattr(writing, "CHUNK_ROWS", 3)
    ds = dataset("codelists")
    frame = codelist_frame().sample(frac=1, random_state=1)
    expected = frame.sort_values(ds.primary_key).reset_index(drop=True)

    table = writing.to_arrow(ds, frame)

    assert frame.columns.empty  # moved out, so the frame no longer holds the data
    assert {len(chunk) for chunk in table.column(0).chunks[:-1]} == {3}
    assert table.to_pandas(types_mapper=lambda _: pd.StringDtype()).equals(expected)


def test_to_arrow_leaves_out_the_rows_keep_does_not_mark(monkeypatch) -> None:
    """Quarantine filters while sorting: no filtered copy of the frame is made first."""
    monkeypatch.setattr(writing, "CHUNK_ROWS", 4)
    ds = dataset("codelists")
    frame = codelist_frame().sample(frac=1, random_state=2).reset_index(drop=True)
    keep = frame.index.to_numpy() % 3 != 0
    expected = frame[keep].sort_values(ds.primary_key).reset_index(drop=True)

    table = writing.to_arrow(ds, frame, keep=keep)

    assert table.to_pandas(types_mapper=lambda _: pd.StringDtype()).equals(expected)
