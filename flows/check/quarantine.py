"""Quarantine: publish the valid rows, set every refused row aside with its reasons.

Only problems tied to a row can be quarantined. A file that cannot be read, or a
header that is wrong, still stops the run: without the file there is nothing to split.
Rows that refer to a refused row are refused too, so the published datasets never hold
a dangling reference. Nothing is dropped silently: every refused row lands in the
rejects with its line, its reasons and its values exactly as the curator wrote them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from flows.check.references import RowKeys, reference_problem
from flows.check.validation import Validated
from flows.common.report import Problem
from schemas import DATASETS


@dataclass
class Quarantined:
    #: per dataset: which rows to publish, or None when all are; the rows are left out
    #: when the frame is sorted for writing, so the data is never copied just to filter it
    kept: dict[str, np.ndarray | None] = field(default_factory=dict)
    #: per dataset: the refused rows as written, with `line` and `reasons` first
    rejects: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: per dataset: published, refused (own problems) and cascaded row counts
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: problems that no row can carry (unreadable file, wrong header): the run stops
    fatal: list[Problem] = field(default_factory=list)
    #: the problems added for rows refused because they refer to a refused row
    cascaded: list[Problem] = field(default_factory=list)


def quarantine(validated: Validated) -> Quarantined:
    result = Quarantined()
    reasons: dict[str, dict[int, list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for problem in validated.report.errors:
        row = _row_of(validated, problem)
        if row is None:
            result.fatal.append(problem)
        else:
            reasons[problem.dataset][row].append(problem)
    if result.fatal:
        return result

    referenced = {c.references for ds in DATASETS for c in ds.columns if c.references}
    #: (dataset, column) -> the values of the rows kept, for the columns others refer to
    kept_keys: dict[tuple[str, str], np.ndarray] = {}
    for ds in DATASETS:
        frame = validated.frames[ds.name]
        own = set(reasons[ds.name])
        cascaded = _cascade(validated, ds, frame, own, kept_keys, reasons[ds.name])
        result.cascaded += [p for row in cascaded for p in reasons[ds.name][row]]
        refused = sorted(own | cascaded)
        keep = np.ones(len(frame), dtype=bool)
        keep[refused] = False
        result.kept[ds.name] = keep if refused else None
        for target in referenced:
            if target[0] == ds.name:
                kept_keys[target] = frame.loc[keep, target[1]].dropna().unique()
        result.counts[ds.name] = {
            "published": int(keep.sum()),
            "refused": len(own),
            "cascaded": len(cascaded),
        }
        if refused:
            result.rejects[ds.name] = _rejects(validated, ds.name, refused, reasons[ds.name])
    return result


def _row_of(validated: Validated, problem: Problem) -> int | None:
    table = validated.tables.get(problem.dataset)
    if table is None or problem.line is None or problem.line < 2:
        return None
    row = int(np.searchsorted(table.lines, problem.line))
    if row < len(table.lines) and table.lines[row] == problem.line:
        return row
    return None


def _cascade(validated, ds, frame, own, kept_keys, reasons) -> set[int]:
    """Rows whose reference points at a row that was refused."""
    cascaded: set[int] = set()
    table = validated.tables.get(ds.name)
    keys = RowKeys(ds, frame)
    for spec in ds.columns:
        if spec.references is None or table is None:
            continue
        target, target_column = spec.references
        kept = kept_keys.get((target, target_column), [])
        values = frame[spec.name]
        # unknown values are already refused by the reference check itself
        known = values.isin(validated.frames[target][target_column].dropna().unique())
        orphaned = np.flatnonzero((known & ~values.isin(kept)).to_numpy(dtype=bool))
        for row in orphaned:
            if row in own:
                continue
            cascaded.add(int(row))
            reasons[int(row)].append(
                reference_problem("references_refused_row", table, keys, int(row), spec.name)
            )
    return cascaded


def _rejects(validated, name: str, rows: list[int], reasons) -> pd.DataFrame:
    table = validated.tables[name]
    text = table.text.take(rows).to_pandas(types_mapper=lambda _: pd.StringDtype())
    explained = [
        "; ".join(f"{p.column or '-'}: {p.rule}: {p.message_en}" for p in reasons[row])
        for row in rows
    ]
    text.insert(0, "reasons", pd.array(explained, dtype=pd.StringDtype()))
    text.insert(0, "line", pd.array(table.lines[rows], dtype=pd.Int64Dtype()))
    return text
