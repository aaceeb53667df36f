"""Validate every curated file in one pass and collect every problem.

`validate_raw` reads, converts, derives and checks each dataset with its pandera model,
then checks the references between files. It never stops at the first problem: the
report lists everything a curator has to fix.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from flows.check.convert import convert
from flows.check.model_checks import builtin_failures, custom_failures, failure_cases
from flows.check.ordering import SortedKeys, key_table, sort_keys
from flows.check.presence import empty_beside_rows
from flows.check.references import RowKeys, check_references
from flows.common.memory import use_jemalloc
from flows.common.report import Problem, Report
from flows.read.raw_csv import RawTable, line_feeds_per_row, read_raw
from schemas import DATASETS, Dataset
from schemas.choices import allowed, code_suggestion
from schemas.codelists import all_codes
from schemas.dates import derive_date_columns
from schemas.standards import Standard, standard_codes, standard_names


@dataclass
class Validated:
    """The typed frames of every dataset and the report about them."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    #: the text of every file that could be read, with its rows' lines
    tables: dict[str, RawTable] = field(default_factory=dict)
    #: with key_orders: each frame's row positions in primary key order (flows.check.ordering)
    orders: dict[str, np.ndarray] = field(default_factory=dict)


def validate_raw(raw_dir: Path, key_orders: bool = False) -> Validated:
    """Read, convert and check every dataset in raw_dir; with key_orders, also keep each
    frame's key order for the writers."""
    use_jemalloc()  # everything after allocates in Arrow: see flows/common/memory.py
    result = Validated()
    # the models' custom checks run on one core (they hold the GIL): the derived
    # columns, the key order and the built-in checks use the other (Arrow releases it)
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="beside-pandera") as beside:
        for ds in DATASETS:
            if ds.raw_file is None:
                frame = codelist_frame(result.frames)
                result.report.extend(check_frame(ds, frame, lines=None, file="codelists.csv"))
                result.frames[ds.name] = frame
                continue
            raw, problems = read_raw(ds, raw_dir / ds.raw_file)
            result.report.extend(problems)
            if raw is None:
                continue
            result.tables[ds.name] = raw
            result.report.rows[raw.file] = raw.num_rows
            frame, keys = typed_and_checked(raw, result.report, beside)
            result.frames[ds.name] = frame
            if key_orders:
                result.orders[ds.name] = keys.order
    result.report.extend(empty_beside_rows(result.tables, result.frames, result.report.rows))
    result.report.extend(check_references(result.frames, result.tables))
    result.report.problems = with_spreadsheet_rows(result.report.problems, result.tables)
    return result


def with_spreadsheet_rows(problems: list[Problem], tables: dict[str, RawTable]) -> list[Problem]:
    """Add the row a spreadsheet shows where it differs from the line: after a cell
    holding line breaks (a blank line is a row in a spreadsheet too). Only files with
    such cells are looked at."""
    rows_of = {}
    files_with_problems = {p.file for p in problems if p.line is not None and p.line > 1}
    for t in tables.values():
        if t.file not in files_with_problems:
            continue
        if not t.num_rows or int(t.lines[-1]) == t.num_rows + 1:
            continue  # no line break inside a cell and no blank line
        feeds = sum(line_feeds_per_row(column) for column in t.text.columns)
        if feeds.any():
            rows_of[t.file] = (t.lines, t.lines - np.concatenate(([0], np.cumsum(feeds)[:-1])))
    if not rows_of:
        return problems
    result = []
    for p in problems:
        if p.file not in rows_of or p.line is None or p.line < 2:
            result.append(p)
            continue
        lines, rows = rows_of[p.file]
        record = max(int(np.searchsorted(lines, p.line, side="right")) - 1, 0)
        row = int(rows[record]) + (p.line - int(lines[record]))
        result.append(p.located(row=row) if row != p.line else p)
    return result


def typed_and_checked(
    raw: RawTable, report: Report, beside: ThreadPoolExecutor
) -> tuple[pd.DataFrame, SortedKeys]:
    """The typed frame of one file, derived columns included, and its sorted keys; its
    problems are added to report. While pandera checks the frame, the derived columns
    are computed, the keys sorted and the built-in checks run in threads of `beside`."""
    ds = raw.dataset
    frame, conversion_problems, refused = convert(raw)
    derived = beside.submit(with_derived_columns, ds, frame)
    keys = beside.submit(sort_keys, key_table(ds, frame))
    builtin = beside.submit(builtin_failures, ds, frame)
    report.extend(conversion_problems)
    found = failure_cases(custom_failures(ds, frame), builtin.result())
    translate = _FailureTranslator(ds, frame, raw.lines, raw.file, refused, raw)
    report.extend(translate(found, keys.result().duplicated))
    return derived.result(), keys.result()


def codelist_frame(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """schemas/codelists.csv, plus the names of the standard codes the data uses (the
    countries of the partnerships, in German and English, from pycountry)."""
    rows = [(c.codelist, c.code, c.label_de, c.label_en) for c in all_codes()]
    for standard, code in used_standard_codes(frames or {}):
        rows.append((standard.codelist, code, *standard_names(standard, code)))
    frame = pd.DataFrame(rows, columns=["codelist", "code", "label_de", "label_en"])
    return frame.astype(pd.StringDtype())


def used_standard_codes(frames: dict[str, pd.DataFrame]) -> list[tuple[Standard, str]]:
    """Every valid code of a standard that some dataset's column holds, sorted."""
    used: set[tuple[Standard, str]] = set()
    for ds in DATASETS:
        frame = frames.get(ds.name)
        for spec in ds.columns:
            if spec.standard is None or frame is None:
                continue
            known = set(standard_codes(spec.standard))
            found = set(frame[spec.name].dropna().unique()) & known
            used |= {(spec.standard, code) for code in found}
    return sorted(used, key=lambda pair: (pair[0].codelist, pair[1]))


def with_derived_columns(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    derived = [c.name for c in ds.columns if c.derived]
    if not derived:
        return frame
    frame = derive_date_columns(frame)
    return frame[[c.name for c in ds.columns]]


# --- pandera ---------------------------------------------------------------------


def check_frame(
    ds: Dataset,
    frame: pd.DataFrame,
    *,
    lines: np.ndarray | None,
    file: str,
    skip: set[tuple[int, str]] = frozenset(),
    raw: RawTable | None = None,
) -> list[Problem]:
    """Check a frame with the dataset's pandera model and its key's uniqueness; translate
    every failure into a problem."""
    duplicated = sort_keys(key_table(ds, frame)).duplicated
    translate = _FailureTranslator(ds, frame, lines, file, skip, raw)
    found = failure_cases(custom_failures(ds, frame), builtin_failures(ds, frame))
    return translate(found, duplicated)


class _FailureTranslator:
    def __init__(self, ds, frame, lines, file, skip, raw):
        self.ds, self.frame, self.lines, self.file, self.skip = ds, frame, lines, file, skip
        self.raw = raw
        self.key = RowKeys(ds, frame)
        self.blame: dict[str, str] = ds.meta.get("blame", {})
        self.rows_with_refused_cells = {row for row, _ in skip}

    def line(self, row: int) -> int | None:
        return int(self.lines[row]) if self.lines is not None else None

    def value(self, row: int, column: str | None) -> object:
        """The value as the curator wrote it where there is a raw file, else as typed."""
        if column is None:
            return None
        if self.raw is not None and column in self.raw.text.column_names:
            return self.raw.text.column(column)[row].as_py()
        value = self.frame[column].iloc[row]
        return None if pd.isna(value) else value

    def problem(self, rule: str, row: int, column: str | None, **details) -> Problem:
        value = self.value(row, column)
        return Problem.of(
            rule,
            dataset=self.ds.name,
            file=self.file,
            line=self.line(row),
            column=column,
            value=value,
            key=self.key(row),
            **details,
        )

    def __call__(self, cases: pd.DataFrame | None, duplicated: np.ndarray) -> list[Problem]:
        problems = self.failures(cases) if cases is not None else []
        return problems + self.duplicates([int(row) for row in duplicated])

    def failures(self, cases: pd.DataFrame) -> list[Problem]:
        problems: list[Problem] = []
        cases = cases[cases["index"].notna()]
        seen_dataframe_checks: set[tuple[str, int]] = set()
        for case in cases.itertuples(index=False):
            row, column, check = int(case.index), case.column, str(case.check)
            if case.schema_context == "DataFrameSchema":
                # a dataframe-level check reports each column of a failing row: keep one
                if (check, row) in seen_dataframe_checks or row in self.rows_with_refused_cells:
                    # the refused cell is reported; a rule across columns would only echo it
                    continue
                seen_dataframe_checks.add((check, row))
                column = self.blame.get(check)
                problems.append(self.problem(check, row, column, **self.details(check, column)))
                continue
            if (row, column) in self.skip or self.ds.column(column).derived:
                # a derived column only fails when its inputs did, which are reported
                continue
            rule, details = self.column_rule(column, check, case.check_number)
            spec = self.ds.column(column)
            if spec.standard is not None and rule == spec.standard.rule:
                details = standard_details(spec.standard, self.value(row, column))
            if rule == "isin" and spec.codelist:
                # computed for the wrong values only: a valid file never gets here
                details |= code_suggestion(spec.codelist, self.value(row, column))
            problems.append(self.problem(rule, row, column, **details))
        return problems

    def column_rule(self, column: str, check: str, number) -> tuple[str, dict]:
        if check == "not_nullable":
            return check, {}
        spec = self.ds.column(column)
        found = spec.checks[int(number)] if number is not None and not pd.isna(number) else None
        name = found.name if found is not None else check
        details = dict(found.statistics or {}) if found is not None else {}
        if name == "isin" and spec.codelist:
            details = {"codelist": spec.codelist, **allowed(spec.codelist)}
        if name == "isin" and spec.standard is not None:
            return spec.standard.rule, {}
        if name == "str_matches" and spec.pattern is not None:
            details = {"hint_de": spec.pattern.hint_de, "hint_en": spec.pattern.hint_en}
        return name, details

    def details(self, check: str, column: str | None) -> dict:
        if check == "date_agrees_with_year":
            return {"year_column": "established_year"}
        return {}

    def duplicates(self, rows: list[int]) -> list[Problem]:
        if not rows:
            return []
        pk = self.ds.primary_key
        subset = self.frame.iloc[rows][pk]
        problems = []
        for _, group in subset.groupby(pk, sort=True, dropna=False):
            group_rows = list(group.index)
            lines = ", ".join(str(self.line(r)) for r in group_rows)
            problems += [self.problem("duplicate_key", r, pk[0], lines=lines) for r in group_rows]
        return problems


def standard_details(standard: Standard, value: object) -> dict[str, str]:
    """The example and, where the value only differs in case or spaces, the code meant."""
    example_de, example_en = standard_names(standard, standard.example)
    details = {"example": standard.example, "example_de": example_de, "example_en": example_en}
    details |= {"suggestion_de": "", "suggestion_en": ""}
    meant = str(value or "").strip().upper()
    if meant != value and meant in standard_codes(standard):
        meant_de, meant_en = standard_names(standard, meant)
        details["suggestion_de"] = f"; gemeint ist wohl {meant} ({meant_de})"
        details["suggestion_en"] = f"; probably {meant} ({meant_en}) is meant"
    return details
