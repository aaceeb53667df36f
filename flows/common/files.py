"""Durable files: wait until written bytes are on disk.

The writers (flows.write) and the release store (flows.release) both need it; it lives
here so that writing a dataset does not depend on where releases are kept.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    """Wait until the file's bytes are on disk; cheap when they already are."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
