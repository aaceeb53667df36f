"""The order of a dataset's rows by primary key, and the rows whose key repeats.

Every output file lists the rows in key order. Sorting a million keys takes about 0.2 s
on one core, with the GIL released, so the pipeline sorts in a thread while pandera
checks the same frame (flows.check.validation). Once sorted, equal keys are neighbours: the
key's uniqueness is checked here, in a few milliseconds, instead of by pandera's
`unique`, which hashes every key on pandera's core (0.2 s at a million rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas import Dataset
from schemas.types import ARROW_TYPES


@dataclass(frozen=True)
class SortedKeys:
    #: the positions of the rows in key order
    order: np.ndarray
    #: the positions of every row whose key another row has too, ascending
    duplicated: np.ndarray


def key_table(ds: Dataset, frame: pd.DataFrame) -> pa.Table:
    """The frame's primary key columns as Arrow arrays (text is shared, not copied)."""
    types = {c.name: ARROW_TYPES[c.type] for c in ds.columns}
    return pa.table({k: pa.array(frame[k], type=types[k]) for k in ds.primary_key})


def key_order(keys: pa.Table) -> np.ndarray:
    """The positions of the rows sorted by every column of keys, ascending, nulls last."""
    return pc.sort_indices(keys, [(k, "ascending") for k in keys.column_names]).to_numpy()


def sort_keys(keys: pa.Table) -> SortedKeys:
    """The key order, and the rows whose key is not unique.

    A key with an empty part is never a duplicate: the missing value is reported as such.
    """
    order = key_order(keys)
    rows = len(order)
    if rows < 2:
        return SortedKeys(order, np.zeros(0, np.int64))
    same_as_next = np.ones(rows - 1, dtype=bool)
    for column in keys.take(order).columns:
        equal = pc.equal(column.slice(1), column.slice(0, rows - 1)).fill_null(False)
        same_as_next &= equal.to_numpy(zero_copy_only=False)
    repeated = np.zeros(rows, dtype=bool)
    repeated[1:] |= same_as_next
    repeated[:-1] |= same_as_next
    return SortedKeys(order, np.sort(order[repeated]))
