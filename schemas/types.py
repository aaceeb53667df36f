"""The four column types the datasets use, and how each appears in every format.

A model annotates a column with one of these aliases; `logical_type` maps the
column's pandera dtype back to a name the rest of the pipeline switches on.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pyarrow as pa
from pandera.typing import Series

Text = Series[pd.StringDtype]
Integer = Series[pd.Int64Dtype]
Decimal = Series[pd.Float64Dtype]
Date = Series[Annotated[pd.ArrowDtype, pa.date32()]]

#: logical type -> arrow type in Parquet
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
}


def logical_type(pandera_dtype: object) -> str:
    """The logical type of a pandera column dtype, e.g. 'integer' for Int64."""
    pandas_dtype = getattr(pandera_dtype, "type", pandera_dtype)
    if isinstance(pandas_dtype, pd.ArrowDtype) and pandas_dtype.pyarrow_dtype == pa.date32():
        return "date"
    if pd.api.types.is_string_dtype(pandas_dtype):
        return "string"
    if pd.api.types.is_integer_dtype(pandas_dtype):
        return "integer"
    if pd.api.types.is_float_dtype(pandas_dtype):
        return "number"
    raise TypeError(f"column type {pandera_dtype!r} is not one of {sorted(ARROW_TYPES)}")
