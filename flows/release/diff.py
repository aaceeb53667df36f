"""The difference between two releases, computed on Arrow tables by primary key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.release import changelog
from flows.release.changelog import Changelog, DatasetChanges, RowChange, jsonable

if TYPE_CHECKING:
    import pyarrow as pa

    from schemas import Dataset

# pyarrow and the schemas (pandas, pandera) are imported where they are needed: the check
# for unchanged inputs, which is the whole run on most nights, needs neither.

_OLD = "\x00old"  # suffix of the previous release's columns in a join; no column has a NUL
_IN_OLD, _IN_NEW = "\x00in_old", "\x00in_new"
_DIFF = "\x00diff:"


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
    return [{k: jsonable(v) for k, v in row.items()} for row in table.select(key).to_pylist()]


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
    limit = changelog.DETAIL_LIMIT  # read at call time: tests lower it
    if table.num_rows > limit:
        table = table.take(pc.select_k_unstable(table, k=limit, sort_keys=order))
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
        columns = {c: (jsonable(row[c + _OLD]), jsonable(row[c])) for c in common if row[_DIFF + c]}
        result.changed_rows.append(RowChange({k: jsonable(row[k]) for k in key}, columns))


def read_dataset(
    release: Path | None, ds: Dataset, columns: list[str] | None = None
) -> pa.Table | None:
    from flows.write.staged import read_staged

    # the new release's tables come from memory (flows.write.staged), an old one's from
    # its files; without metadata, as field descriptions may change between releases
    return None if release is None else read_staged(release, ds.name, columns)


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
