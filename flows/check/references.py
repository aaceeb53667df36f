"""References between files, and each row's key as a report names it.

A column declared with `references="dataset.column"` may only hold values that the
referenced column holds; the target file's own problems are reported where it is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flows.check.ordering import key_table
from flows.common.report import Problem
from flows.read.raw_csv import RawTable
from schemas import DATASETS, Dataset, dataset


class RowKeys:
    """Each row's primary key as a report names it ("a/b"), None where a part is empty.

    Read from Arrow arrays: a pandas lookup of one cell takes about 10 µs, an Arrow one
    0.4 µs, which matters when thousands of rows are refused.
    """

    def __init__(self, ds: Dataset, frame: pd.DataFrame) -> None:
        self.parts = key_table(ds, frame).columns

    def __call__(self, row: int) -> str | None:
        values = [part[row].as_py() for part in self.parts]
        if any(v is None for v in values):
            return None
        return "/".join(str(v) for v in values)


def check_references(frames: dict[str, pd.DataFrame], tables: dict[str, RawTable]) -> list[Problem]:
    problems = []
    for ds in DATASETS:
        if ds.name not in frames or ds.name not in tables:
            continue
        frame, raw = frames[ds.name], tables[ds.name]
        keys = RowKeys(ds, frame)
        for spec in ds.columns:
            if spec.references is None:
                continue
            target_name, target_column = spec.references
            if target_name not in frames:
                continue  # the target file itself was refused; its problems say why
            known = frames[target_name][target_column].dropna().unique()
            values = frame[spec.name]
            unknown = values.notna() & ~values.isin(known)
            problems += [
                reference_problem("unknown_reference", raw, keys, int(row), spec.name)
                for row in np.flatnonzero(unknown.to_numpy())
            ]
    return problems


def reference_problem(rule: str, raw: RawTable, keys: RowKeys, row: int, column: str):
    """A problem with the reference in one row's column, naming the referenced file."""
    ds = raw.dataset
    target_name, target_column = ds.column(column).references
    return Problem.of(
        rule,
        dataset=ds.name,
        file=raw.file,
        line=int(raw.lines[row]),
        column=column,
        value=raw.text.column(column)[row].as_py(),  # as the curator wrote it
        key=keys(row),
        target=f"{dataset(target_name).raw_file or target_name}:{target_column}",
    )
