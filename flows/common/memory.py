"""Which allocator Arrow uses in a run.

pyarrow's default allocator (mimalloc) hands freed memory back to the kernel quickly,
and on the virtual machines this runs on every page touched again costs a page fault:
at a million rows a run spent more time in the kernel than in Python. jemalloc keeps
recently freed memory for reuse; with it the full run took about 20 % less time and
8 % less peak memory (bench/README.md). An operator's ARROW_DEFAULT_MEMORY_POOL wins.
"""

from __future__ import annotations

import ctypes
import functools
import os

import pyarrow as pa


def use_jemalloc() -> None:
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    if "jemalloc" in pa.supported_memory_backends():
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def return_freed_memory() -> None:
    """Give memory that C code freed back to the kernel, in every thread's malloc arena.

    glibc keeps a freed block in the arena of the thread that allocated it, resident,
    for reuse: the numpy and pandas temporaries of validation and of the threads beside
    pandera stayed resident through the writes (0.15-0.2 GB of peak at a million rows).
    malloc_trim is glibc's; elsewhere this does nothing.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
