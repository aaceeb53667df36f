"""What a release is besides its data: input hashes, manifest and changelog.

A release id is the date plus a short hash over the release's *data* files (datasets
and metadata). The release notes (`manifest.json`, `CHANGELOG.md`, `changelog.json`)
describe the data and are written after the id is computed, so they never change it:
the same data published again gets the same id, whatever its predecessor was.

The manifest also records the hashes of every input (raw/ files, the schemas package,
the metadata file, the code). A run whose inputs equal the current release's does
nothing at all; comparing them costs one read of each input file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows import digests
from flows.release_store import ReleaseStore, StoreError
from flows.settings import metadata_path

if TYPE_CHECKING:
    import pyarrow as pa

    from schemas import Dataset

# pyarrow and the schemas (pandas, pandera) are imported where they are needed: the check
# for unchanged inputs, which is the whole run on most nights, needs neither.

MANIFEST = "manifest.json"
CHANGELOG_MD = "CHANGELOG.md"
CHANGELOG_JSON = "changelog.json"
#: files that describe a release instead of being part of its content
RELEASE_NOTES = frozenset({MANIFEST, CHANGELOG_MD, CHANGELOG_JSON})
MANIFEST_FORMAT_VERSION = 1
CHANGELOG_FORMAT_VERSION = 1
#: rows listed one by one per dataset and kind of change in changelog.json; beyond it
#: only the counts are exact (a million changed rows would make a useless document)
DETAIL_LIMIT = 1000
#: rows listed one by one per dataset and kind of change in CHANGELOG.md
MARKDOWN_LIMIT = 20
SCHEMA_SUFFIXES = (".py", ".csv", ".toml", ".json")
#: the schemas package's folder, found without importing it
SCHEMAS_DIR = Path(find_spec("schemas").origin).resolve().parent
_OLD = "\x00old"  # suffix of the previous release's columns in a join; no column has a NUL
_IN_OLD, _IN_NEW = "\x00in_old", "\x00in_new"
_DIFF = "\x00diff:"


# --- hashing -----------------------------------------------------------------------


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


def code_version() -> str:
    """One hash over the pipeline's own code (flows/*.py)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + sha256_file(path).encode() + b"\n")
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
    for name, value in sorted((options or {}).items()):
        if value:
            hashes[f"options/{name}"] = json.dumps(value)
    return hashes


def file_digests(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every data file of a release folder (release notes excluded)."""
    return {
        path.name: {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
        for path in sorted(Path(folder).iterdir())
        if path.is_file() and path.name not in RELEASE_NOTES
    }


def release_id_of(digests: dict[str, dict[str, Any]], date: dt.date) -> str:
    """The date plus a short hash over the data files' names and contents."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode() + b"\0" + digests[name]["sha256"].encode() + b"\n")
    return f"{date.isoformat()}-{digest.hexdigest()[:10]}"


# --- manifest ----------------------------------------------------------------------


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
    for name in sorted(RELEASE_NOTES - {MANIFEST}):
        path = Path(folder) / name
        if path.is_file():
            files[name] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
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


# --- changelog ---------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


@dataclass
class RowChange:
    key: dict[str, Any]
    #: column -> (old value, new value)
    columns: dict[str, tuple[Any, Any]]


@dataclass
class DatasetChanges:
    dataset: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    added_keys: list[dict[str, Any]] = field(default_factory=list)
    removed_keys: list[dict[str, Any]] = field(default_factory=list)
    changed_rows: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def rows_changed(self) -> int:
        """Rows added, removed or changed."""
        return self.added + self.removed + self.changed

    @property
    def empty(self) -> bool:
        return not (self.rows_changed or self.columns_added or self.columns_removed)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "columns_added": self.columns_added,
            "columns_removed": self.columns_removed,
            "added_keys": self.added_keys,
            "removed_keys": self.removed_keys,
            "changed_rows": [
                {
                    "key": r.key,
                    "columns": {c: {"old": o, "new": n} for c, (o, n) in r.columns.items()},
                }
                for r in self.changed_rows
            ],
            "listed_up_to": DETAIL_LIMIT,
        }


@dataclass
class Changelog:
    from_release: str | None
    to_release: str | None
    datasets: list[DatasetChanges]

    def dataset(self, name: str) -> DatasetChanges | None:
        return next((d for d in self.datasets if d.dataset == name), None)

    @property
    def empty(self) -> bool:
        return all(d.empty for d in self.datasets)

    def to_dict(self) -> dict:
        return {
            "format_version": CHANGELOG_FORMAT_VERSION,
            "from_release": self.from_release,
            "to_release": self.to_release,
            "datasets": {d.dataset: d.to_dict() for d in self.datasets},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_markdown(self) -> str:
        before = self.from_release or "—"
        out = [
            "# Änderungen / Changes",
            "",
            f"Von / from: `{before}` → nach / to: `{self.to_release}`",
            "",
            "| Datensatz / dataset | hinzugefügt / added | entfernt / removed "
            "| geändert / changed |",
            "|---|---:|---:|---:|",
        ]
        for d in self.datasets:
            out.append(f"| {d.dataset} | {d.added} | {d.removed} | {d.changed} |")
        out.append("")
        if self.from_release is None:
            out += ["Erste Veröffentlichung / first release.", ""]
        for d in self.datasets:
            if d.empty:
                continue
            out += [f"## {d.dataset}", ""]
            if d.columns_added or d.columns_removed:
                out += [
                    "### Spalten / columns",
                    "",
                    f"- hinzugefügt / added: {', '.join(d.columns_added) or '—'}",
                    f"- entfernt / removed: {', '.join(d.columns_removed) or '—'}",
                    "",
                ]
            for heading, count, keys in (
                ("Hinzugefügte Zeilen / rows added", d.added, d.added_keys),
                ("Entfernte Zeilen / rows removed", d.removed, d.removed_keys),
            ):
                if not count:
                    continue
                out += [f"### {heading} ({count})", ""]
                out += [f"- {_key_text(k)}" for k in keys[:MARKDOWN_LIMIT]]
                out += _more_line(count, MARKDOWN_LIMIT)
            if d.changed:
                out += [
                    f"### Geänderte Zeilen / rows changed ({d.changed})",
                    "",
                    "| Schlüssel / key | Spalte / column | alt / old | neu / new |",
                    "|---|---|---|---|",
                ]
                for row in d.changed_rows[:MARKDOWN_LIMIT]:
                    for column, (old, new) in row.columns.items():
                        cells = [_key_text(row.key), column, old, new]
                        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
                out += ["", *_more_line(d.changed, MARKDOWN_LIMIT)]
        return "\n".join(out).rstrip("\n") + "\n"

    def to_text(self, limit: int = MARKDOWN_LIMIT) -> str:
        """A plain-text rendering for the terminal, listing up to `limit` rows per kind."""
        lines = [f"changes {self.from_release or '(none)'} -> {self.to_release}:"]
        for d in self.datasets:
            lines.append(
                f"  {d.dataset}: {d.added} added, {d.removed} removed, {d.changed} changed"
            )
            for row in d.changed_rows[:limit]:
                cols = "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in row.columns.items())
                lines.append(f"    ~ {_key_text(row.key)}: {cols}")
            lines += [f"    + {_key_text(key)}" for key in d.added_keys[:limit]]
            lines += [f"    - {_key_text(key)}" for key in d.removed_keys[:limit]]
            listed = min(d.changed, limit) + min(d.added, limit) + min(d.removed, limit)
            if limit and d.rows_changed > listed:
                lines.append(f"    … {d.rows_changed - listed} more")
        return "\n".join(lines) + "\n"


def _key_text(key: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def _more_line(count: int, limit: int) -> list[str]:
    if count <= limit:
        return [""]
    return [f"… und {count - limit} weitere / and {count - limit} more", ""]


def _md_cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _differs(new: pa.ChunkedArray, old: pa.ChunkedArray) -> pa.ChunkedArray:
    """True where two aligned columns differ; two nulls are equal, one null is not."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if new.type != old.type:
        new, old = pc.cast(new, pa.string()), pc.cast(old, pa.string())
    both_null = pc.and_(pc.is_null(new), pc.is_null(old))
    not_equal = pc.fill_null(pc.not_equal(new, old), True)
    return pc.and_not(not_equal, both_null)


def _keys(table: pa.Table, key: list[str]) -> list[dict[str, Any]]:
    return [{k: _jsonable(v) for k, v in row.items()} for row in table.select(key).to_pylist()]


def diff_tables(
    name: str, old: pa.Table | None, new: pa.Table | None, key: list[str]
) -> DatasetChanges:
    """Rows added, removed and changed between two versions of a dataset, by primary key.

    Vectorised throughout: when both versions hold the same keys in the same order (the
    usual night: values edited, no rows added or removed) columns are compared position
    by position, otherwise after one hash join. Only the first DETAIL_LIMIT rows of each
    kind are turned into Python objects.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    result = DatasetChanges(name)
    if old is not None and new is not None:
        result.columns_added = [c for c in new.column_names if c not in old.column_names]
        result.columns_removed = [c for c in old.column_names if c not in new.column_names]
    empty = pa.table({k: pa.array([], pa.string()) for k in key})
    old = empty if old is None or not set(key) <= set(old.column_names) else old
    new = empty if new is None or not set(key) <= set(new.column_names) else new
    common = [c for c in new.column_names if c in old.column_names and c not in key]

    if old.num_rows == 0 or new.num_rows == 0:
        # a first release, or a dataset emptied: every row is new, or gone; no join
        result.added, result.removed = new.num_rows, old.num_rows
        result.added_keys = _keys(_first_by_key(new.select(key), key), key)
        result.removed_keys = _keys(_first_by_key(old.select(key), key), key)
        return result

    if old.num_rows == new.num_rows and all(old[k].equals(new[k]) for k in key):
        both = new.select(key + common)
        for column in common:
            both = both.append_column(column + _OLD, old[column])
        _compare_values(result, both, key, common)
        return result

    # join the keys and row numbers only; the values follow by position afterwards
    old_side = old.select(key).append_column(_IN_OLD, pa.array(range(old.num_rows), pa.int64()))
    new_side = new.select(key).append_column(_IN_NEW, pa.array(range(new.num_rows), pa.int64()))
    if old_side.schema.field(key[0]).type != new_side.schema.field(key[0]).type:
        old_side = old_side.cast(
            pa.schema([*(new_side.schema.field(k) for k in key), old_side.schema.field(_IN_OLD)])
        )
    joined = new_side.join(old_side, keys=key, join_type="full outer", coalesce_keys=True)
    in_old, in_new = pc.is_valid(joined[_IN_OLD]), pc.is_valid(joined[_IN_NEW])
    added = joined.filter(pc.invert(in_old))
    removed = joined.filter(pc.invert(in_new))
    result.added, result.removed = added.num_rows, removed.num_rows
    result.added_keys = _keys(_first_by_key(added, key), key)
    result.removed_keys = _keys(_first_by_key(removed, key), key)
    matched = joined.filter(pc.and_(in_old, in_new))
    both = new.select(key + common).take(matched[_IN_NEW])
    for column in common:
        both = both.append_column(column + _OLD, old[column].take(matched[_IN_OLD]))
    _compare_values(result, both, key, common)
    return result


def _first_by_key(table: pa.Table, key: list[str]) -> pa.Table:
    """The first DETAIL_LIMIT rows in key order, without sorting the whole table."""
    import pyarrow.compute as pc

    order = [(k, "ascending") for k in key]
    if table.num_rows > DETAIL_LIMIT:
        table = table.take(pc.select_k_unstable(table, k=DETAIL_LIMIT, sort_keys=order))
    return table.sort_by(order)


def _compare_values(
    result: DatasetChanges, both: pa.Table, key: list[str], common: list[str]
) -> None:
    """Count and list the rows of `both` (new columns beside `<column>_OLD`) that differ."""
    import pyarrow.compute as pc

    if not common or both.num_rows == 0:
        return
    masks = [_differs(both[c], both[c + _OLD]) for c in common]
    any_change = masks[0]
    for mask in masks[1:]:
        any_change = pc.or_(any_change, mask)
    for column, mask in zip(common, masks, strict=True):
        both = both.append_column(_DIFF + column, mask)
    changed = both.filter(any_change)
    result.changed = changed.num_rows
    for row in _first_by_key(changed, key).to_pylist():
        columns = {
            c: (_jsonable(row[c + _OLD]), _jsonable(row[c])) for c in common if row[_DIFF + c]
        }
        result.changed_rows.append(RowChange({k: _jsonable(row[k]) for k in key}, columns))


def read_dataset(
    release: Path | None, ds: Dataset, columns: list[str] | None = None
) -> pa.Table | None:
    path = None if release is None else Path(release) / f"{ds.name}.parquet"
    if path is None or not path.is_file():
        return None
    import pyarrow.parquet as pq

    # metadata off: field descriptions may differ between releases without changing data
    return pq.read_table(path, columns=columns).replace_schema_metadata(None)


def _diff_releases(old: Path | None, new: Path, ds: Dataset) -> DatasetChanges:
    before = read_dataset(old, ds)
    # with nothing to compare values against, every row is new: its key is all it takes
    after = read_dataset(new, ds, columns=None if before is not None else ds.primary_key)
    return diff_tables(ds.name, before, after, ds.primary_key)


def changelog_between(
    old: Path | None,
    new: Path,
    to_release: str | None = None,
    identical: frozenset[str] = frozenset(),
) -> Changelog:
    """The changes of every dataset from release folder `old` to release folder `new`.

    Datasets named in `identical` (same Parquet bytes in both) are not read at all.
    """
    from schemas import DATASETS

    datasets = [
        DatasetChanges(ds.name) if ds.name in identical else _diff_releases(old, new, ds)
        for ds in DATASETS
    ]
    return Changelog(old.name if old else None, to_release or Path(new).name, datasets)


def identical_datasets(before: dict[str, dict], after: dict[str, dict]) -> frozenset[str]:
    """Datasets whose Parquet file has the same sha256 in two sets of file digests."""
    from schemas import DATASETS

    return frozenset(
        ds.name
        for ds in DATASETS
        if (sha := after.get(f"{ds.name}.parquet", {}).get("sha256"))
        and before.get(f"{ds.name}.parquet", {}).get("sha256") == sha
    )


# --- writing the notes -------------------------------------------------------------


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


def _replace_file(path: Path, text: str) -> None:
    """Write text into path so that readers see the old or the new content, never a mix."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def write_release_notes(
    staging: Path,
    date: dt.date,
    inputs: dict[str, str],
    previous: Path | None,
    releases_dir: Path,
) -> ReleaseNotes:
    """Name the staged release and write its changelog and manifest.

    When a release with the same content already exists, only that folder's manifest is
    refreshed (its inputs may differ, e.g. after a code change that changes no data) and
    its changelog is replaced unless it is the very release being compared against.
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
        _replace_file(target / CHANGELOG_JSON, changelog.to_json())
        _replace_file(target / CHANGELOG_MD, changelog.to_markdown())
    manifest = build_manifest(target, release, digests, inputs)
    _replace_file(target / MANIFEST, _manifest_text(manifest))

    written = [n for n, d in digests.items() if before.get(n, {}).get("sha256") != d["sha256"]]
    skipped = [n for n in digests if n not in written]
    return ReleaseNotes(release, previous_id, changelog, manifest, written, skipped)


# --- kept releases -----------------------------------------------------------------


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
