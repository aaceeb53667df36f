"""The order of a dataset's rows by primary key, in which every output file lists them.

Sorting a million keys takes about 0.2 s on one core, with the GIL released. The
pipeline computes the order in a thread while pandera checks the same frame, which
keeps the other core busy in a step that uses only one (flows.validation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas import Dataset
from schemas.types import ARROW_TYPES


def key_table(ds: Dataset, frame: pd.DataFrame) -> pa.Table:
    """The frame's primary key columns as Arrow arrays (text is shared, not copied)."""
    types = {c.name: ARROW_TYPES[c.type] for c in ds.columns}
    return pa.table({k: pa.array(frame[k], type=types[k]) for k in ds.primary_key})


def key_order(keys: pa.Table) -> np.ndarray:
    """The positions of the rows sorted by every column of keys, ascending, nulls last."""
    return pc.sort_indices(keys, [(k, "ascending") for k in keys.column_names]).to_numpy()
