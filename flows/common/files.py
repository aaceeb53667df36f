"""Files written whole: readers see the old content or the new, and durable when asked.

The writers (flows.write), the metadata and the pages, the release store, the alert
state and the workbook import all need it; it lives here so that none of them depends
on another stage for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path
from typing import IO


def fsync_file(path: Path) -> None:
    """Wait until the file's bytes are on disk; cheap when they already are."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_folder(path: Path) -> None:
    """Wait until the folder's entries (a rename into it) are on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: str | bytes, *, durable: bool = False) -> None:
    """Write data (text as UTF-8) into path so that readers see the old or the new
    content, never a mix. A file that exists keeps its permissions; a new one gets the
    usual ones (0666 less the umask). `durable`: the bytes and the rename are on disk
    before this returns, for files nothing else can rebuild (raw/, the alert state).
    """
    path = Path(path)
    # a dot file: the targets and the manifest pass over dot files while it exists
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    if durable:
        fsync_folder(path.parent)


def flock_within(handle: IO, wait_seconds: float, poll_seconds: float = 0.2) -> bool:
    """Take an exclusive flock on the open file, waiting up to wait_seconds; whether it
    was taken. flock locks die with their process: a crashed holder blocks nobody."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll_seconds)
