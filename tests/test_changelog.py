"""The changelog between two releases: rows added, removed and changed, by primary key."""

from __future__ import annotations

import datetime as dt
import json
import time

import numpy as np
import pyarrow as pa
import pytest

from flows.release import changelog as release_changelog
from flows.release.changelog import Changelog
from flows.release.diff import diff_tables


def table(rows: list[dict]) -> pa.Table:
    schema = pa.schema(
        [("id", pa.string()), ("n", pa.int64()), ("on", pa.date32()), ("note", pa.string())]
    )
    return pa.Table.from_pylist(rows, schema=schema)


OLD = table(
    [
        {"id": "a", "n": 1, "on": dt.date(2020, 1, 1), "note": "x"},
        {"id": "b", "n": 2, "on": None, "note": None},
        {"id": "c", "n": 3, "on": dt.date(2020, 1, 3), "note": "same"},
        {"id": "d", "n": 4, "on": None, "note": "gone"},
    ]
)
NEW = table(
    [
        {"id": "e", "n": 5, "on": None, "note": "new"},
        {"id": "c", "n": 3, "on": dt.date(2020, 1, 3), "note": "same"},
        {"id": "b", "n": 2, "on": dt.date(2021, 5, 6), "note": None},
        {"id": "a", "n": 10, "on": dt.date(2020, 1, 1), "note": None},
    ]
)


def test_added_removed_and_changed_rows_with_old_and_new_values() -> None:
    changes = diff_tables("t", OLD, NEW, ["id"])
    assert (changes.added, changes.removed, changes.changed) == (1, 1, 2)
    assert changes.added_keys == [{"id": "e"}]
    assert changes.removed_keys == [{"id": "d"}]
    by_key = {r.key["id"]: r.columns for r in changes.changed_rows}
    # a value that became empty is a change; two empty values are not
    assert by_key == {
        "a": {"n": (1, 10), "note": ("x", None)},
        "b": {"on": (None, "2021-05-06")},
    }
    assert changes.rows_changed == 4


def test_identical_tables_have_no_changes_whatever_the_row_order() -> None:
    changes = diff_tables("t", OLD, OLD.take([3, 1, 0, 2]), ["id"])
    assert changes.empty
    assert changes.changed_rows == []


def test_first_release_adds_every_row_and_no_columns() -> None:
    changes = diff_tables("t", None, NEW, ["id"])
    assert (changes.added, changes.removed, changes.changed) == (4, 0, 0)
    assert [k["id"] for k in changes.added_keys] == ["a", "b", "c", "e"]
    assert changes.columns_added == []


def test_an_emptied_dataset_removes_every_row() -> None:
    changes = diff_tables("t", OLD, NEW.slice(0, 0), ["id"])
    assert (changes.added, changes.removed, changes.changed) == (0, 4, 0)
    assert [k["id"] for k in changes.removed_keys] == ["a", "b", "c", "d"]


def test_a_first_release_lists_its_first_keys_in_key_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(release_changelog, "DETAIL_LIMIT", 2)
    changes = diff_tables("t", None, NEW.select(["id"]), ["id"])
    assert changes.added == 4
    assert changes.added_keys == [{"id": "a"}, {"id": "b"}]


def test_a_composite_key_matches_on_all_its_columns() -> None:
    old = pa.table({"list": ["x", "x", "y"], "code": ["1", "2", "1"], "label": ["a", "b", "c"]})
    new = pa.table({"list": ["x", "y", "y"], "code": ["1", "1", "2"], "label": ["A", "c", "d"]})
    changes = diff_tables("codes", old, new, ["list", "code"])
    assert changes.added_keys == [{"list": "y", "code": "2"}]
    assert changes.removed_keys == [{"list": "x", "code": "2"}]
    assert [(r.key, r.columns) for r in changes.changed_rows] == [
        ({"list": "x", "code": "1"}, {"label": ("a", "A")})
    ]


def test_added_and_removed_columns_are_named_and_not_counted_as_row_changes() -> None:
    old = pa.table({"id": ["a"], "gone": [1], "kept": ["k"]})
    new = pa.table({"id": ["a"], "kept": ["k"], "fresh": [2.5]})
    changes = diff_tables("t", old, new, ["id"])
    assert (changes.columns_added, changes.columns_removed) == (["fresh"], ["gone"])
    assert changes.changed == 0
    assert not changes.empty


def test_details_are_capped_but_counts_are_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(release_changelog, "DETAIL_LIMIT", 3)
    old = pa.table({"id": [f"k{i:02d}" for i in range(20)], "v": list(range(20))})
    new = pa.table({"id": [f"k{i:02d}" for i in range(20)], "v": [i + 1 for i in range(20)]})
    changes = diff_tables("t", old, new, ["id"])
    assert changes.changed == 20
    assert [r.key["id"] for r in changes.changed_rows] == ["k00", "k01", "k02"]


def test_changelog_renders_german_and_english_headings_and_valid_json() -> None:
    log = Changelog("2026-01-01-aaaaaaaaaa", "2026-01-02-bbbbbbbbbb", [])
    log.datasets.append(diff_tables("partnerships", OLD, NEW, ["id"]))
    markdown = log.to_markdown()
    for heading in (
        "# Änderungen / Changes",
        "## partnerships",
        "### Hinzugefügte Zeilen / rows added (1)",
        "### Entfernte Zeilen / rows removed (1)",
        "### Geänderte Zeilen / rows changed (2)",
    ):
        assert heading in markdown.splitlines(), heading
    assert "| id=a | n | 1 | 10 |" in markdown
    document = json.loads(log.to_json())
    assert document["from_release"] == "2026-01-01-aaaaaaaaaa"
    changed = document["datasets"]["partnerships"]["changed_rows"]
    assert changed[0] == {
        "key": {"id": "a"},
        "columns": {"n": {"old": 1, "new": 10}, "note": {"old": "x", "new": None}},
    }


def test_a_million_rows_compare_in_a_few_seconds() -> None:
    n = 1_000_000
    rng = np.random.default_rng(7)
    ids = pa.array([f"event-{i:07d}" for i in range(n)])
    old = pa.table({"id": ids, "year": rng.integers(1900, 2030, n), "x": rng.random(n)})
    years = old["year"].to_numpy().copy()
    years[::1000] += 1  # 1000 changed rows
    new = old.set_column(1, "year", pa.array(years)).slice(10)  # 10 removed
    started = time.perf_counter()
    changes = diff_tables("events", old, new, ["id"])
    seconds = time.perf_counter() - started
    assert (changes.added, changes.removed, changes.changed) == (0, 10, 999)
    assert changes.changed_rows[0].columns == {"year": (int(years[1000]) - 1, int(years[1000]))}
    assert seconds < 10, f"{seconds:.1f} s"
