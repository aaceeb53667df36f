"""What every target shares: errors, the upload order, checksums and the manifest.

A file target (local folder, S3, FTP) keeps a `.manifest.json` beside the files it
published: the sha256 of each file. It is written last, so it only ever describes
files that are completely in place, and the next publish compares against it to send
only what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from flows.common.digests import sha256_file
from flows.describe.opendatasoft import is_schema_file
from flows.write.datasets import dataset_files
from flows.write.geojson import GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from schemas import DATASETS

MANIFEST_NAME = ".manifest.json"
#: the data files; everything else in a release (index.csv, datapackage.json, catalog.*,
#: changelogs, the website's pages) describes them, and a reader who sees it expects the
#: data to be there
DATA_FILES = frozenset(name for ds in DATASETS for name in dataset_files(ds)) | {
    GEOJSON_NAME,
    OPENDATASOFT_CSV_NAME,
}


class TargetError(Exception):
    """Publishing failed for a reason that retrying will not fix."""


class CredentialsMissing(TargetError):
    pass


class AuthenticationFailed(TargetError):
    pass


class PublishRejected(TargetError):
    """The target refused the content or the request (validation, missing bucket...)."""


class TransientTargetError(Exception):
    """A network hiccup or a server error: worth another try after a pause."""


@dataclass
class PublishResult:
    target: str
    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    #: changed descriptions without a new upload (CKAN datasets and resources)
    updated: list[str] = field(default_factory=list)
    #: files whose rows were loaded into a typed table (CKAN's DataStore)
    loaded: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0

    @property
    def transferred(self) -> bool:
        return bool(self.uploaded or self.deleted or self.updated or self.loaded)

    def merge(self, other: PublishResult) -> None:
        self.uploaded += other.uploaded
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.updated += other.updated
        self.loaded += other.loaded
        self.bytes_uploaded += other.bytes_uploaded

    def summary(self) -> str:
        if not self.transferred:
            return f"{self.target}: nothing transferred, all {len(self.unchanged)} files unchanged"
        parts = []
        if self.uploaded:
            parts.append(f"uploaded {len(self.uploaded)} files ({self.bytes_uploaded} bytes)")
        if self.updated:
            parts.append(f"updated the description of {len(self.updated)}")
        if self.loaded:
            parts.append(f"loaded {len(self.loaded)} into typed DataStore tables")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged")
        if self.deleted:
            parts.append(f"removed {len(self.deleted)} no longer in the release")
        return f"{self.target}: " + ", ".join(parts)


def is_metadata(name: str) -> bool:
    """Index and metadata files, which go up after the data they describe."""
    return name not in DATA_FILES


def upload_stage(name: str) -> int:
    """0 data, 1 the field schemas index.csv names, 2 index.csv and the other metadata:
    a harvester that reads index.csv finds every file it names."""
    if not is_metadata(name):
        return 0
    return 1 if is_schema_file(name) else 2


def release_files(folder: Path) -> list[Path]:
    """The release's files in upload order: data first, index and metadata last."""
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (upload_stage(p.name), p.name))


def manifest_bytes(hashes: dict[str, str]) -> bytes:
    return (json.dumps({"sha256": dict(sorted(hashes.items()))}, indent=2) + "\n").encode()


def parse_manifest(data: bytes) -> dict[str, str]:
    try:
        return dict(json.loads(data)["sha256"])
    except (ValueError, KeyError, TypeError):
        return {}  # unreadable: treat every file as changed


class FileStore(Protocol):
    """A flat folder somewhere; each method is one step of a publish."""

    display: str

    def names(self) -> set[str]:
        """The names of the files in the folder now."""
        ...

    def read(self, name: str) -> bytes | None:
        """The file's content, or None when there is no such file."""
        ...

    def put(self, local: Path, name: str) -> None:
        """Place local under name so that a reader never sees a partial file."""
        ...

    def put_bytes(self, data: bytes, name: str) -> None: ...

    def delete(self, name: str) -> None: ...


def publish_files(store: FileStore, folder: Path) -> PublishResult:
    """Send the files of folder that the store lacks or holds in another version."""
    result = PublishResult(target=store.display)
    present = store.names()
    manifest = store.read(MANIFEST_NAME)
    published = parse_manifest(manifest) if manifest is not None else {}
    hashes: dict[str, str] = {}
    for path in release_files(folder):
        hashes[path.name] = sha256_file(path)
        if published.get(path.name) == hashes[path.name] and path.name in present:
            result.unchanged.append(path.name)
            continue
        store.put(path, path.name)
        result.uploaded.append(path.name)
        result.bytes_uploaded += path.stat().st_size
    # only files this pipeline published before are removed: the folder may be shared
    for name in sorted(set(published) - set(hashes)):
        if name in present:
            store.delete(name)
            result.deleted.append(name)
    if result.transferred or published != hashes:
        store.put_bytes(manifest_bytes(hashes), MANIFEST_NAME)
    return result
