"""A full disk or an unwritable output folder: a clear error, the previous release intact.

Tests run as root on CI, where chmod stops nobody; so the honest test mounts a small
tmpfs of its own, publishes a release into it and then shrinks it (full disk) or
remounts it read-only (unwritable). Without root or mount those tests are skipped;
the plain-function tests below simulate ENOSPC in the writer and run everywhere.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from conftest import tree_digest
from test_crash_safety import EPOCH, change_raw, cli_command, run_env

from flows import cli, pipeline
from flows.release.store import ReleaseStore, is_disk_full
from flows.write import datasets as writing


@pytest.fixture(autouse=True)
def release_date(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MB tmpfs of this test's own, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = mount("-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(disk))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True, timeout=30)


def used_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


def fill_up(disk: Path) -> None:
    """Shrink the filesystem to what it holds plus 64 KB: far less than a release."""
    size_kb = used_bytes(disk) // 1024 + 64
    done = mount("-o", f"remount,size={size_kb}k", str(disk))
    assert done.returncode == 0, done.stderr


def published_into(disk: Path, raw: Path) -> Path:
    output = disk / "output"
    assert pipeline.run(raw, output).ok
    return output


@pytest.mark.slow
def test_full_disk_leaves_the_release_and_the_next_run_recovers(
    small_disk: Path, base_raw: Path
) -> None:
    output = published_into(small_disk, base_raw)
    before = tree_digest(output)
    change_raw(base_raw)
    fill_up(small_disk)

    with pytest.raises(OSError) as raised:
        pipeline.run(base_raw, output)
    assert is_disk_full(raised.value), raised.value
    assert tree_digest(output) == before

    assert mount("-o", "remount,size=4m", str(small_disk)).returncode == 0
    result = pipeline.run(base_raw, output)
    assert result.ok
    store = ReleaseStore(output)
    assert store.current_id() == result.release_id != before["(points at)"]
    assert not any(store.staging_root.iterdir())  # the half-written build is gone


@pytest.mark.slow
@pytest.mark.prefect
def test_partnerships_run_on_a_full_disk_exits_4(
    small_disk: Path, base_raw: Path, tmp_path: Path
) -> None:
    output = published_into(small_disk, base_raw)
    before = tree_digest(output)
    change_raw(base_raw)
    fill_up(small_disk)
    done = subprocess.run(
        cli_command(base_raw, output),
        env=run_env(tmp_path.parent),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == cli.EXIT_OUTPUT, done.stdout + done.stderr
    assert f"error: cannot write {output}" in done.stderr
    assert "No space left on device" in done.stderr
    assert "the previous release stays current" in done.stderr
    # (Prefect itself also logs the failed task with its traceback: see docs/faults.md)
    assert tree_digest(output) == before


@pytest.mark.slow
def test_read_only_output_folder_gives_a_clear_error(
    small_disk: Path, base_raw: Path, tmp_path: Path
) -> None:
    output = published_into(small_disk, base_raw)
    before = tree_digest(output)
    change_raw(base_raw)
    assert mount("-o", "remount,ro", str(small_disk)).returncode == 0

    with pytest.raises(OSError) as raised:
        pipeline.run(base_raw, output)
    assert raised.value.errno == errno.EROFS
    done = subprocess.run(
        cli_command(base_raw, output),
        env=run_env(tmp_path.parent),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == cli.EXIT_OUTPUT, done.stdout + done.stderr
    assert f"error: cannot write {output}: [Errno 30] Read-only file system" in done.stderr
    assert "the previous release stays current" in done.stderr
    assert tree_digest(output) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_folder_without_write_permission_gives_a_clear_error(
    base_raw: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    before = tree_digest(output)
    change_raw(base_raw)
    home = ReleaseStore(output).home
    home.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            pipeline.run(base_raw, output)
    finally:
        home.chmod(0o755)
    assert tree_digest(output) == before


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("writer", ["write_spreadsheet_frame", "write_dataset"])
def test_disk_full_while_writing_a_dataset_keeps_the_release(
    base_raw: Path, tmp_path: Path, monkeypatch, writer: str
) -> None:
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    before = tree_digest(output)
    change_raw(base_raw)
    target = pipeline if writer == "write_dataset" else writing
    with monkeypatch.context() as patch:
        patch.setattr(target, writer, no_space)
        with pytest.raises(OSError) as raised:
            pipeline.run(base_raw, output)
    assert is_disk_full(raised.value)
    assert tree_digest(output) == before
    assert pipeline.run(base_raw, output).ok
    assert tree_digest(output) != before


def test_disk_full_while_swapping_keeps_the_release(
    base_raw: Path, tmp_path: Path, monkeypatch
) -> None:
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    before = tree_digest(output)
    change_raw(base_raw)
    monkeypatch.setattr(os, "symlink", no_space)
    with pytest.raises(OSError):
        pipeline.run(base_raw, output)
    assert tree_digest(output) == before
