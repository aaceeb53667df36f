from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

from fixture_cases import BASE

# Prefect reads its settings once, when first imported (after this file): set later, in
# a fixture, they would reach subprocesses only, and an in-process run
# (`cli.main(["run", ...])`) would wait the default 20 s for its embedded server, which a
# loaded CI machine exceeded. Each test process, one per pytest-xdist worker, gets a
# home of its own: two workers' servers sharing one SQLite database lock each other out.
TEST_PREFECT_HOME = tempfile.mkdtemp(prefix="partnerships-test-prefect-")
PREFECT_TEST_SETTINGS = {
    "PREFECT_HOME": TEST_PREFECT_HOME,
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
os.environ.update(PREFECT_TEST_SETTINGS)
# registered before Prefect's own exit handler, so it runs after the server has stopped
atexit.register(shutil.rmtree, TEST_PREFECT_HOME, ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]

# Speed is measured by the benchmarks, not by tests: hypothesis' 200 ms deadline per
# example failed on a loaded 2-core machine (269 ms for a date that took 39 ms again).
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture
def base_raw(tmp_path: Path) -> Path:
    """A writable copy of the small valid fixture data."""
    raw = tmp_path / "raw"
    shutil.copytree(BASE, raw)
    return raw


@pytest.fixture
def prefect_env(monkeypatch) -> dict[str, str]:
    """Settings for a private embedded Prefect server (others may run one at the same time).

    The home is this process's (see TEST_PREFECT_HOME): the server a test starts in its
    own process and those its `partnerships` subprocesses start share one database, so
    a test can read in-process what a subprocess's flow run recorded."""
    env = dict(PREFECT_TEST_SETTINGS)
    # again, in case an earlier test changed them for its own processes
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def steady_release_inputs(monkeypatch, tmp_path: Path) -> None:
    """A fixed release date, code version and metadata file, so release ids are stable
    even while flows/ or metadata.toml are being edited in the same checkout."""
    from flows.common.settings import DEFAULT_METADATA
    from flows.release import manifest as release_manifest

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    monkeypatch.setattr(release_manifest, "code_version", lambda: "code under test")
    steady = tmp_path / "steady-metadata.toml"
    shutil.copyfile(DEFAULT_METADATA, steady)
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(steady))


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder (following the output symlink)."""
    if not folder.exists():
        return {}
    root = folder.resolve()
    digest = {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    return {"(points at)": root.name, **digest}


def pytest_sessionfinish(session, exitstatus) -> None:
    """Prefect stops a temporary server started in-process at interpreter exit and logs
    that to the stream pytest captured, which is closed by then: keep logging quiet."""
    import logging

    logging.raiseExceptions = False
