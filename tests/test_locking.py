"""Two runs at once: the second refuses naming the first's PID, or waits with --wait;
a lock file left by a dead process blocks nobody."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, tree_digest
from test_crash_safety import (
    EPOCH,
    change_raw,
    cli_command,
    kill,
    plain_command,
    run_env,
    start_paused,
)

from flows import cli, pipeline
from flows.release.store import LockBusy, ReleaseStore

pytestmark = pytest.mark.slow  # every test starts a run or a lock holder as a process

#: holds the store's lock for argv[2] seconds, like a run busy writing
HOLDER = (
    "import fcntl, os, sys, time\n"
    "with open(sys.argv[1], 'a+') as lock:\n"
    "    fcntl.flock(lock, fcntl.LOCK_EX)\n"
    "    lock.truncate(0); lock.write(f'{os.getpid()}\\n'); lock.flush()\n"
    "    print('locked', flush=True)\n"
    "    time.sleep(float(sys.argv[2]))\n"
)


@pytest.fixture
def published(base_raw: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    return output


def hold_lock(output: Path, seconds: float) -> subprocess.Popen:
    store = ReleaseStore(output)
    store.home.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.lock_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_second_run_refuses_naming_the_first_runs_pid(
    base_raw: Path, published: Path, tmp_path: Path
) -> None:
    before = tree_digest(published)
    change_raw(base_raw)
    env = run_env(tmp_path.parent)
    first = start_paused(
        plain_command(base_raw, published), env, "before-swap", tmp_path / "paused"
    )
    # the second run gets a Prefect home of its own: a server started would fill it
    second_home = tmp_path / "second-prefect-home"
    try:
        second = subprocess.run(
            cli_command(base_raw, published),
            env={**env, "PREFECT_HOME": str(second_home)},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        kill(first)
    assert second.returncode == cli.EXIT_BUSY, second.stdout + second.stderr
    assert f"another run (PID {first.pid}) is writing" in second.stderr
    assert "Traceback" not in second.stderr
    # refused before Prefect's server starts (a time limit failed on loaded machines)
    assert not second_home.exists() or not any(second_home.iterdir())
    assert tree_digest(published) == before


def test_the_run_itself_refuses_while_the_lock_is_held(published: Path, base_raw: Path) -> None:
    """The flow takes the lock itself, so a run slipping past the CLI's check is refused."""
    change_raw(base_raw)
    before = tree_digest(published)
    holder = hold_lock(published, 60)
    try:
        with pytest.raises(LockBusy, match=rf"another run \(PID {holder.pid}\)"):
            pipeline.run(base_raw, published)
    finally:
        holder.kill()
        holder.wait()
    assert tree_digest(published) == before


def test_wait_returns_once_the_other_run_has_finished(published: Path) -> None:
    holder = hold_lock(published, 1.5)
    started = time.monotonic()
    assert cli.wait_for_lock(published, wait_seconds=30) is None
    assert time.monotonic() - started >= 1.0
    assert holder.wait(timeout=10) == 0


def test_wait_gives_up_after_the_given_seconds(published: Path, capsys) -> None:
    holder = hold_lock(published, 60)
    try:
        started = time.monotonic()
        assert cli.wait_for_lock(published, wait_seconds=1.0) == cli.EXIT_BUSY
        assert time.monotonic() - started >= 1.0
    finally:
        holder.kill()
        holder.wait()
    assert f"PID {holder.pid}" in capsys.readouterr().err


def test_run_with_wait_option_refuses_after_waiting(
    published: Path, base_raw: Path, tmp_path: Path
) -> None:
    change_raw(base_raw)
    holder = hold_lock(published, 60)
    try:
        started = time.monotonic()
        done = subprocess.run(
            [*cli_command(base_raw, published), "--wait", "1.5"],
            env=run_env(tmp_path.parent),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == cli.EXIT_BUSY, done.stderr
    assert waited >= 1.5
    assert f"PID {holder.pid}" in done.stderr


def dead_pid() -> int:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    return int(gone.stdout)


def test_stale_lock_of_a_dead_process_is_recovered(published: Path, base_raw: Path) -> None:
    store = ReleaseStore(published)
    store.lock_path.write_text(f"{dead_pid()}\n")  # a PID, but nobody holds the flock
    (store.staging_root / "build-killed").mkdir(parents=True)
    (store.staging_root / "build-killed" / "events.csv").write_text("half")
    change_raw(base_raw)
    assert cli.wait_for_lock(published, wait_seconds=0) is None
    result = pipeline.run(base_raw, published)
    assert result.ok
    assert store.current_id() == result.release_id
    assert store.lock_path.read_text() == f"{os.getpid()}\n"
    assert not any(store.staging_root.iterdir())


def test_lock_is_released_when_its_holder_is_killed(published: Path) -> None:
    holder = hold_lock(published, 60)
    holder.kill()
    holder.wait()
    with open(ReleaseStore(published).lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise if still held


def test_paused_run_holds_the_lock_and_writes_its_pid(
    published: Path, base_raw: Path, tmp_path: Path
) -> None:
    change_raw(base_raw)
    first = start_paused(
        plain_command(base_raw, published),
        run_env(tmp_path.parent),
        "write-metadata",
        tmp_path / "paused",
    )
    try:
        assert ReleaseStore(published).lock_path.read_text() == f"{first.pid}\n"
        assert cli.wait_for_lock(published, wait_seconds=0) == cli.EXIT_BUSY
    finally:
        kill(first)


def test_a_lock_file_holding_any_bytes_still_names_its_holder(tmp_path: Path) -> None:
    """The holder may write anything: the refusal is a message, never a decoding error."""
    output = tmp_path / "output"
    store = ReleaseStore(output, keep=1)
    store.home.mkdir(parents=True)
    store.lock_path.write_bytes(b"\xff\xfe 4711\n")
    with open(store.lock_path, "ab") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        busy = pytest.raises(LockBusy, match=r"another run \(PID \ufffd\ufffd\)")
        with busy, store.locked():
            pass
