"""A folder on this machine (or a mounted share): `file:///srv/opendata` or a path."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from flows.publish.base import PublishResult, publish_files, release_files


class LocalStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.display = str(folder)

    def names(self) -> set[str]:
        if not self.folder.is_dir():
            return set()
        return {p.name for p in self.folder.iterdir() if p.is_file()}

    def read(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, local: Path, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{name}.part"
        shutil.copyfile(local, partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, self.folder / name)

    def put_bytes(self, data: bytes, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, self.folder / name)

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / name).unlink()


def publish_local(release_folder: Path, folder: Path) -> PublishResult:
    if folder.resolve() == release_folder.resolve():
        # the published folder itself (the default output/): the release is already there
        names = [p.name for p in release_files(release_folder)]
        return PublishResult(target=str(folder), unchanged=names)
    return publish_files(LocalStore(folder), release_folder)
