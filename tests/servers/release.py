"""The real release built from raw/, once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows import pipeline
from flows.release.store import ReleaseStore
from servers import REPO


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    """The folder of a release built from the repository's raw/ (read-only for tests)."""
    output = tmp_path_factory.mktemp("release") / "output"
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # 2026-01-01
    try:
        result = pipeline.run(REPO / "raw", output)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert result.ok, result.report.to_text()
    folder = ReleaseStore(output).current()
    assert folder is not None
    return folder
