"""The key order computed beside validation is the order the writers would compute."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from flows import writing
from flows.settings import PROJECT_ROOT
from flows.validation import validate_raw
from schemas import dataset


def shuffled_raw(folder: Path) -> Path:
    """The shipped raw/ with the rows of events.csv in reverse order (header first)."""
    raw = folder / "raw"
    shutil.copytree(PROJECT_ROOT / "raw", raw)
    path = raw / "events.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header + "".join(reversed(rows)), encoding="utf-8")
    return raw


def test_orders_sort_every_read_dataset_by_its_key(tmp_path: Path) -> None:
    validated = validate_raw(shuffled_raw(tmp_path), key_orders=True)
    assert validated.report.ok, validated.report.to_text()
    assert set(validated.orders) == set(validated.tables)
    events = validated.frames["events"]
    order = validated.orders["events"]
    assert not np.array_equal(order, np.arange(len(events)))  # the rows were reversed
    assert list(events["event_id"].iloc[order]) == sorted(events["event_id"])


def test_to_arrow_with_the_computed_order_equals_sorting_itself(tmp_path: Path) -> None:
    validated = validate_raw(shuffled_raw(tmp_path), key_orders=True)
    ds = dataset("events")
    frame = validated.frames["events"]
    given = writing.to_arrow(ds, frame.copy(), order=validated.orders["events"])
    computed = writing.to_arrow(ds, frame.copy())
    assert given.equals(computed)


def test_validation_alone_sorts_nothing(tmp_path: Path) -> None:
    assert validate_raw(PROJECT_ROOT / "raw").orders == {}
