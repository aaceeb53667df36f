"""Paths the pipeline finds by itself, importable without pandas or the schemas.

The no-op check of `partnerships run` uses these before anything heavy is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
METADATA_ENV = "PARTNERSHIPS_METADATA"
DEFAULT_METADATA = PROJECT_ROOT / "metadata.toml"


def metadata_path() -> Path:
    """metadata.toml of the project, or the file named by $PARTNERSHIPS_METADATA."""
    return Path(os.environ.get(METADATA_ENV) or DEFAULT_METADATA)
