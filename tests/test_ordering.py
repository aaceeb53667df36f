"""The key order computed beside validation is the order the writers would compute."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from flows.check.ordering import sort_keys
from flows.check.validation import validate_raw
from flows.common.settings import PROJECT_ROOT
from flows.write import datasets as writing
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


def test_validation_alone_keeps_no_order(tmp_path: Path) -> None:
    assert validate_raw(PROJECT_ROOT / "raw").orders == {}


keys = st.lists(st.sampled_from(["a", "b", "c", None]), min_size=0, max_size=12)


@given(first=keys, second=keys)
def test_duplicated_rows_are_those_pandas_calls_duplicated(first, second) -> None:
    rows = min(len(first), len(second))
    frame = pd.DataFrame({"k1": first[:rows], "k2": second[:rows]}, dtype="string")
    table = pa.table({c: pa.array(frame[c], type=pa.large_string()) for c in frame})

    found = sort_keys(table)

    complete = frame.notna().all(axis=1)  # an empty key part is reported as missing instead
    expected = frame[complete].duplicated(keep=False)
    assert list(found.duplicated) == list(expected[expected].index)
    assert list(found.order) == list(frame.sort_values(["k1", "k2"], na_position="last").index)
