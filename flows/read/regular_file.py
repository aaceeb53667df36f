"""Read a supplied file only when it is a regular file of a bounded size.

A curated file may be a symbolic link; what it leads to must be a file. A link to
/dev/zero, a disk, a pipe or a socket is refused before it is opened, so that it can
neither fill the memory nor block the run, and a file larger than MAX_FILE_BYTES is
refused before a byte of it is read.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import ClassVar

#: the largest curated file read (1 GiB, about three million rows of events; a million
#: rows are 354 MB): a bigger file would need several times its size in memory
MAX_FILE_BYTES = 1 << 30


class NotRegularFile(OSError):
    """The path leads to a folder, a device, a pipe or a socket, not to a file."""

    KINDS: ClassVar[dict[int, tuple[str, str]]] = {
        stat.S_IFDIR: ("ein Ordner", "a folder"),
        stat.S_IFCHR: ("ein Gerät (z. B. /dev/zero)", "a device (such as /dev/zero)"),
        stat.S_IFBLK: ("ein Blockgerät (ein Datenträger)", "a block device (a disk)"),
        stat.S_IFIFO: ("eine benannte Pipe (FIFO)", "a named pipe (FIFO)"),
        stat.S_IFSOCK: ("ein Socket", "a socket"),
    }

    def __init__(self, mode: int) -> None:
        self.german, self.english = self.KINDS.get(
            stat.S_IFMT(mode), ("keine gewöhnliche Datei", "no regular file")
        )
        super().__init__(self.english)


class FileTooLarge(OSError):
    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__(f"{size} bytes, more than {MAX_FILE_BYTES}")


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; symbolic links are followed.

    Anything else is refused before it is opened, so that a link to /dev/zero, a
    device or a pipe can neither fill the memory nor block the run; the file is checked
    again once open, in case it was swapped meanwhile.
    """
    if not stat.S_ISREG(mode := os.stat(path).st_mode):
        raise NotRegularFile(mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        found = os.fstat(handle.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise NotRegularFile(found.st_mode)
        if found.st_size > limit:
            raise FileTooLarge(found.st_size)
        data = handle.read(found.st_size)
        if handle.read(1):  # it grew while it was read: a file still being written
            raise OSError(0, f"changed while it was read (announced {found.st_size} bytes)")
    return data


def read_or_refuse(path: Path) -> tuple[bytes | None, str, dict[str, object]]:
    """The file's bytes, or None with the reader's rule (schemas/rules.py) and details."""
    try:
        return read_regular_file(path), "", {}
    except FileNotFoundError:
        return None, "file_missing", {}
    except NotRegularFile as kind:
        return None, "not_a_file", {"kind_de": kind.german, "kind_en": kind.english}
    except FileTooLarge as large:
        return None, "file_too_large", {"size": large.size, "limit": MAX_FILE_BYTES}
    except OSError as error:
        return None, "file_unreadable", {"reason": error.strerror or str(error)}


def copy_or_link(source: str, target: str) -> str:
    """Copy a regular file within the size limit; link anything else, so that it is
    refused by read_regular_file, with its own message, where the copy is read.

    A copy function for shutil.copytree: copying a link to /dev/zero would never end.
    """
    found = os.stat(source)
    if stat.S_ISREG(found.st_mode) and found.st_size <= MAX_FILE_BYTES:
        return shutil.copy2(source, target)
    os.symlink(os.path.realpath(source), target)
    return target
