"""Kept releases: find one, compare two, make an older one current again."""

from __future__ import annotations

import os
from pathlib import Path

from flows.release.changelog import Changelog
from flows.release.diff import changelog_between
from flows.release.manifest import MANIFEST, read_manifest
from flows.release.store import ReleaseStore, StoreError


def kept_release(store: ReleaseStore, release: str) -> Path:
    """The folder of a kept release; a clear error naming the kept ones otherwise."""
    folder = store.releases / release
    if not release or "/" in release or not folder.is_dir():
        kept = ", ".join(store.release_ids()) or "none"
        raise StoreError(f"no release {release!r} in {store.releases}; kept releases: {kept}")
    return folder


def diff_releases(store: ReleaseStore, old: str, new: str) -> Changelog:
    """The changelog from kept release `old` to kept release `new`."""
    return changelog_between(kept_release(store, old), kept_release(store, new))


def check_complete(folder: Path) -> None:
    """Refuse a release whose files do not match its manifest (sizes only: cheap)."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise StoreError(f"{folder} has no readable {MANIFEST}; it is not a complete release")
    for name, facts in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != facts["bytes"]:
            raise StoreError(f"{folder} is incomplete: {name} is missing or has the wrong size")


def rollback(store: ReleaseStore, release: str, wait_seconds: float = 0.0) -> str | None:
    """Make a kept release current again, atomically; return the id it replaced."""
    with store.locked(wait_seconds):
        folder = kept_release(store, release)
        check_complete(folder)
        previous = store.current_id()
        store.point_output_at(folder)
        # a rolled-back release must survive pruning like any fresh one
        os.utime(folder)
        return previous
