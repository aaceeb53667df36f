"""Paths the pipeline finds by itself, importable without pandas or the schemas.

The no-op check of `partnerships run` uses these before anything heavy is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
METADATA_ENV = "PARTNERSHIPS_METADATA"
DEFAULT_METADATA = PROJECT_ROOT / "metadata.toml"


def metadata_path() -> Path:
    """The file named by $PARTNERSHIPS_METADATA (`--metadata` sets it), else metadata.toml
    in the current folder (an instance made by `partnerships init`, run from its
    folder), else the project's."""
    named = os.environ.get(METADATA_ENV)
    if named:
        return Path(named)
    here = Path("metadata.toml")
    return here if here.is_file() else DEFAULT_METADATA


@contextmanager
def metadata_file(path: Path | None) -> Iterator[None]:
    """Within, path is the metadata.toml every stage reads (None changes nothing); a
    program that calls the command line keeps its own setting afterwards."""
    if path is None:
        yield
        return
    previous = os.environ.get(METADATA_ENV)
    os.environ[METADATA_ENV] = str(path.resolve())
    try:
        yield
    finally:
        if previous is None:
            del os.environ[METADATA_ENV]
        else:
            os.environ[METADATA_ENV] = previous
