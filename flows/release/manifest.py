"""A release's identity and manifest: input hashes, file digests, release id.

A release id is the date plus a short hash over the release's *data* files (datasets
and metadata). The release notes (`manifest.json`, `CHANGELOG.md`, `changelog.json`)
and the website's pages (`*.html`, flows.site) describe the data and are written after
the id is computed, so they never change it: the same data published again gets the
same id, whatever its predecessor was. The manifest lists them all with their sizes and
hashes, the pages included (they are written before it).

The manifest also records the hashes of every input (raw/ files, the schemas package,
the metadata file, the code). A run whose inputs equal the current release's does
nothing at all; comparing them costs one read of each input file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from flows.common import digests
from flows.common.settings import metadata_path
from flows.release.changelog import CHANGELOG_JSON, CHANGELOG_MD

# pyarrow and the schemas (pandas, pandera) are imported where they are needed: the check
# for unchanged inputs, which is the whole run on most nights, needs neither.

MANIFEST = "manifest.json"
#: files that describe a release instead of being part of its content
RELEASE_NOTES = frozenset({MANIFEST, CHANGELOG_MD, CHANGELOG_JSON})
#: the website's pages show the release id, the changelog and every file's sha256, so
#: they cannot be inputs of the id's hash
PAGE_SUFFIX = ".html"
MANIFEST_FORMAT_VERSION = 1
SCHEMA_SUFFIXES = (".py", ".csv", ".toml", ".json")
#: the schemas package's folder, found without importing it
SCHEMAS_DIR = Path(find_spec("schemas").origin).resolve().parent
#: the flows package's folder: its code is an input of every release
FLOWS_DIR = Path(__file__).resolve().parent.parent


sha256_file = digests.sha256_file


def _tree_files(folder: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (suffixes is None or p.suffix in suffixes)
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


#: the pipeline's code: Python, and the website's templates and map outlines (flows/site)
CODE_SUFFIXES = (".py", ".j2", ".json")


def code_version() -> str:
    """One hash over the pipeline's own code (flows/**/*.py, *.j2, *.json)."""
    digest = hashlib.sha256()
    for path in _tree_files(FLOWS_DIR, CODE_SUFFIXES):
        name = path.relative_to(FLOWS_DIR).as_posix()
        digest.update(name.encode() + b"\0" + sha256_file(path).encode() + b"\n")
    return digest.hexdigest()


def input_hashes(
    raw_dir: Path, metadata_file: Path | None = None, options: dict[str, Any] | None = None
) -> dict[str, str]:
    """sha256 of everything a release is built from, by a stable name.

    `options` are the run's settings that change what is published (e.g. quarantine);
    those set to a true value are recorded as `options/<name>`, so a run with other
    settings is not mistaken for one with nothing to do.
    """
    hashes: dict[str, str] = {}
    raw_dir = Path(raw_dir)
    for path in _tree_files(raw_dir):
        hashes[f"raw/{path.relative_to(raw_dir).as_posix()}"] = sha256_file(path)
    schema_dir = SCHEMAS_DIR
    for path in _tree_files(schema_dir, SCHEMA_SUFFIXES):
        hashes[f"schemas/{path.relative_to(schema_dir).as_posix()}"] = sha256_file(path)
    # the catalogue-level metadata file is an input when it exists
    metadata_file = metadata_path() if metadata_file is None else Path(metadata_file)
    if metadata_file.is_file():
        hashes[f"metadata/{metadata_file.name}"] = sha256_file(metadata_file)
    hashes["code/flows"] = code_version()
    # the ISO code lists and the country names in the codelists dataset come from it
    hashes["packages/pycountry"] = importlib.metadata.version("pycountry")
    for name, value in sorted((options or {}).items()):
        if value:
            hashes[f"options/{name}"] = json.dumps(value)
    return hashes


def describes_release(name: str) -> bool:
    """Release notes and pages: written after the release id, not part of its hash."""
    return name in RELEASE_NOTES or name.endswith(PAGE_SUFFIX)


def file_digests(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every data file of a release folder (notes and pages excluded)."""
    return {
        path.name: {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
        for path in sorted(Path(folder).iterdir())
        if path.is_file() and not describes_release(path.name) and not path.name.startswith(".")
    }


def release_id_of(digests: dict[str, dict[str, Any]], date: dt.date) -> str:
    """The date plus a short hash over the data files' names and contents."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode() + b"\0" + digests[name]["sha256"].encode() + b"\n")
    return f"{date.isoformat()}-{digest.hexdigest()[:10]}"


def read_manifest(release: Path | None) -> dict | None:
    if release is None:
        return None
    try:
        return json.loads((Path(release) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None


def row_counts(folder: Path) -> dict[str, int]:
    """Rows per dataset, read from the Parquet footers (no data is read)."""
    import pyarrow.parquet as pq

    from schemas import DATASETS

    counts = {}
    for ds in DATASETS:
        path = Path(folder) / f"{ds.name}.parquet"
        if path.is_file():
            counts[ds.name] = pq.ParquetFile(path).metadata.num_rows
    return counts


def build_manifest(
    folder: Path, release_id: str, digests: dict[str, dict[str, Any]], inputs: dict[str, str]
) -> dict:
    files = dict(digests)
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and path.name != MANIFEST and describes_release(path.name):
            files[path.name] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
    return {
        "format_version": MANIFEST_FORMAT_VERSION,
        "release_id": release_id,
        "files": dict(sorted(files.items())),
        "rows": row_counts(folder),
        "inputs": dict(sorted(inputs.items())),
    }


def unchanged_release(current: Path | None, inputs: dict[str, str]) -> str | None:
    """The current release's id when it was built from exactly these inputs."""
    manifest = read_manifest(current)
    if manifest and manifest.get("inputs") == inputs:
        return current.name if current else None
    return None
