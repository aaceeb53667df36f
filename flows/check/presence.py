"""Which curated files may be empty: a rule across files, checked after all are read.

aid_shipments.csv and events.csv may always be header-only (a municipality without aid
shipments or events publishes them empty, with their schema). partnerships.csv, whose
model says `empty_only_with_all`, may be header-only only while every curated file is:
that is a new instance's first release (`partnerships init`). Emptied beside rows, it
is refused as before (no_rows) and set aside like an unreadable file, so that the rows
referring to it are not reported once more each.
"""

from __future__ import annotations

import pandas as pd

from flows.common.report import Problem
from flows.read.raw_csv import RawTable
from schemas import DATASETS


def empty_beside_rows(
    tables: dict[str, RawTable], frames: dict[str, pd.DataFrame], rows: dict[str, int]
) -> list[Problem]:
    """no_rows for each such dataset that is empty while another file has rows; it is
    taken out of tables, frames and the rows read."""
    if not any(table.num_rows for table in tables.values()):
        return []
    problems = []
    for ds in DATASETS:
        table = tables.get(ds.name)
        if table is None or table.num_rows or not ds.meta.get("empty_only_with_all"):
            continue
        del tables[ds.name], frames[ds.name]
        rows.pop(table.file, None)
        problems.append(Problem.of("no_rows", dataset=ds.name, file=table.file, line=2))
    return problems
