"""Fuzzing the reader: whatever bytes a curator saves, the answer is a message.

Never a traceback, never exit 0 for garbage, never a touched release.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import tree_digest
from fixture_cases import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import cli, pipeline
from schemas import dataset

EVENT_COLUMNS = dataset("events").raw_columns
CELL = st.text(st.sampled_from('ab1-,;"\n\r \t.:/é\x00'), max_size=12) | st.sampled_from(
    ["", "NULL", "1977", "02", "30", "rostow-am-don", "visit", "https://x.de/", "04.07.1977"]
)


@st.composite
def csv_shaped(draw) -> bytes:
    header = draw(
        st.lists(st.sampled_from([*EVENT_COLUMNS, "notes", "Titel"]), min_size=1, max_size=14)
        | st.just(EVENT_COLUMNS)
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 2), max_size=6))
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return newline.join(lines).encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("fuzz") / "output"
    assert pipeline.run(BASE, output).ok
    return output


def check_answer(content: bytes, published: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(BASE, raw)
    (raw / "events.csv").write_bytes(content)
    before = tree_digest(published)
    result = pipeline.run(raw, published)  # must not raise
    code = cli.exit_code(result.report)
    if result.ok:
        assert code == 0
    else:
        assert code in (1, 2)
        assert result.report.errors
        assert all(p.message_de and p.message_en for p in result.report.errors)
        assert all(p.file == "events.csv" for p in result.report.errors)
        assert tree_digest(published) == before


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(published: Path, tmp_path: Path, content: bytes) -> None:
    check_answer(content, published, tmp_path)


@SETTINGS
@given(csv_shaped())
def test_random_csv_shaped_text(published: Path, tmp_path: Path, content: bytes) -> None:
    check_answer(content, published, tmp_path)
