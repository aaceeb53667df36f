"""A run allocates Arrow memory with jemalloc, unless the operator chose another pool."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from flows.settings import PROJECT_ROOT

SHOW_POOL = (
    "import pyarrow as pa; from flows.memory import use_jemalloc; "
    "use_jemalloc(); print(pa.default_memory_pool().backend_name)"
)


@pytest.mark.parametrize(("chosen", "expected"), [(None, "jemalloc"), ("system", "system")])
def test_the_pool_of_a_run(chosen: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_POOL],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == expected
