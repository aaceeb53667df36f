"""Name a staged release and write its notes: manifest.json, CHANGELOG.md, changelog.json."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flows.common.files import replace_file
from flows.release.changelog import CHANGELOG_JSON, CHANGELOG_MD, Changelog, DatasetChanges
from flows.release.diff import changelog_between, identical_datasets
from flows.release.manifest import (
    MANIFEST,
    build_manifest,
    file_digests,
    read_manifest,
    release_id_of,
)


@dataclass
class ReleaseNotes:
    release_id: str
    previous_id: str | None
    changelog: Changelog
    manifest: dict
    #: data files whose content differs from the previous release (or are new)
    files_written: list[str]
    #: data files identical to the previous release's
    files_skipped: list[str]


def _manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def write_release_notes(
    staging: Path,
    date: dt.date,
    inputs: dict[str, str],
    previous: Path | None,
    releases_dir: Path,
    pages: Callable[[Path, str, dict], object] | None = None,
) -> ReleaseNotes:
    """Name the staged release and write its changelog and manifest.

    When a release with the same content already exists, only that folder's manifest is
    refreshed (its inputs may differ, e.g. after a code change that changes no data) and
    its changelog is replaced unless it is the very release being compared against.

    `pages(folder, release_id, digests)` writes the release's website (flows.site) after
    the changelog and before the manifest, which then lists the pages too; an existing
    release's pages are rebuilt with it, since the code that draws them may be new.
    """
    from schemas import DATASETS

    digests = file_digests(staging)
    release = release_id_of(digests, date)
    previous_id = previous.name if previous else None
    before = (read_manifest(previous) or {}).get("files", {})
    if previous_id == release:
        changelog = Changelog(previous_id, release, [DatasetChanges(ds.name) for ds in DATASETS])
    else:
        same = identical_datasets(before, digests)
        changelog = changelog_between(previous, staging, release, same)
    existing = Path(releases_dir) / release
    target = existing if existing.is_dir() else Path(staging)
    if target == staging or previous_id != release:
        replace_file(target / CHANGELOG_JSON, changelog.to_json())
        replace_file(target / CHANGELOG_MD, changelog.to_markdown())
    if pages is not None:
        pages(target, release, digests)
    manifest = build_manifest(target, release, digests, inputs)
    replace_file(target / MANIFEST, _manifest_text(manifest))

    written = [n for n, d in digests.items() if before.get(n, {}).get("sha256") != d["sha256"]]
    skipped = [n for n in digests if n not in written]
    return ReleaseNotes(release, previous_id, changelog, manifest, written, skipped)
