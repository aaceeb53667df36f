"""sha256 of a file, computed once per run however many metadata writers ask.

The Data Package, the DCAT catalogue and the release manifest all need every file's
hash; at a million rows hashing the files three times cost about 3 s. A file is
identified by its path, size and modification time, so a rewritten file is hashed again.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


def sha256_file(path: Path) -> str:
    stat = path.stat()
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=1024)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
