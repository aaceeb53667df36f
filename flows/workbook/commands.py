"""What `partnerships workbook export` and `partnerships workbook import` do.

Each returns the command's exit code: 0 done, 1 invalid (raw/ untouched, the annotated
copy written beside the input), 2 the input or raw/ cannot be read at all.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from flows.check.validation import Validated, validate_raw
from flows.common.files import replace_file
from flows.common.report import Problem, Report
from flows.common.report_html import write_html
from flows.read.raw_csv import read_raw
from flows.workbook import office
from flows.workbook.annotate import annotate, annotated_path
from flows.workbook.canonical import Changes, canonical_csv, changes, csv_text
from flows.workbook.export import export_workbook
from flows.workbook.layout import GENERIC_HEADING, curated_sheets
from flows.workbook.locate import Placed, locate
from flows.workbook.sheets import Unreadable, read_workbook
from flows.workbook.spreadsheet_csv import read_spreadsheet_csv

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
#: rules that mean the input could not be read at all (as flows.cli counts them)
UNREADABLE_RULES = {"file_missing", "file_unreadable", "binary_file", "not_utf8"}


def export_command(
    path: Path,
    raw_dir: Path,
    out: TextIO | None = None,
    heading: tuple[str, str] = GENERIC_HEADING,
) -> int:
    out = out or sys.stdout
    try:
        problems = export_workbook(raw_dir, path, heading)
    except (ValueError, office.OfficeError, OSError) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_UNREADABLE
    if problems:
        sys.stderr.write(Report(problems).to_text())
        sys.stderr.write(f"nothing written: raw/ cannot be exported as it is ({path})\n")
        return EXIT_UNREADABLE
    sheets = ", ".join(s.name for s in curated_sheets())
    out.write(f"wrote {path} (sheets {sheets}); edit it, then: partnerships workbook import\n")
    return EXIT_OK


@dataclass
class Checked:
    """An input validated as the nightly run validates raw/."""

    validated: Validated
    report: Report
    #: the input as xlsx, for the annotated copy (None: there is none to write)
    xlsx: Path | None = None
    #: problems located in the xlsx, for its annotation
    marks: list[Problem] = field(default_factory=list)


def import_command(
    path: Path,
    raw_dir: Path,
    html: Path | None = None,
    out: TextIO | None = None,
    example_url: str | None = None,
) -> int:
    out = out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="workbook-import-") as scratch:
        try:
            checked = check_input(path, raw_dir, Path(scratch))
        except (Unreadable, office.OfficeError, OSError) as error:
            sys.stderr.write(f"error: {error}\n")
            return EXIT_UNREADABLE
        report = checked.report
        if html is not None:
            write_html(report, html, source=str(path), example_url=example_url)
        if not report.ok:
            sys.stderr.write(report.to_text())
            sys.stderr.write(f"{raw_dir} unchanged.\n")
            if checked.xlsx is not None:
                write_annotated_copy(checked, path)
            unreadable = any(p.rule in UNREADABLE_RULES for p in report.errors)
            return EXIT_UNREADABLE if unreadable else EXIT_INVALID
    if report.warnings:
        sys.stderr.write(report.to_text())
    for line in apply(checked.validated, raw_dir):
        out.write(line + "\n")
    return EXIT_OK


def write_annotated_copy(checked: Checked, source: Path) -> None:
    target = annotated_path(source)
    try:
        annotate(checked.xlsx, checked.marks, target)
    except (OSError, office.OfficeError) as error:  # open in a spreadsheet, no permission
        sys.stderr.write(f"error: cannot write the annotated copy {target}: {error}\n")
        return
    sys.stderr.write(f"every bad cell is marked in {target}\n")


def check_input(path: Path, raw_dir: Path, scratch: Path) -> Checked:
    if path.suffix.lower() == ".csv":
        return check_csv(path, raw_dir, scratch)
    if path.suffix.lower() not in (".xlsx", ".ods"):
        raise Unreadable(f"{path.name}: a workbook ends in .xlsx or .ods, a CSV in .csv")
    if not path.is_file():
        raise Unreadable(f"{path}: no such file")
    xlsx = path if path.suffix.lower() == ".xlsx" else office.convert(path, ".xlsx", scratch)
    found = read_workbook(xlsx)
    candidate = scratch / "raw"
    candidate.mkdir()
    placed = {}
    for rows in found.sheets.values():
        file = rows.layout.dataset.raw_file
        text, lines = csv_text(rows.header, rows.records)
        (candidate / file).write_bytes(text.encode("utf-8"))
        placed[file] = Placed(rows, lines)
    validated = validate_raw(candidate)
    # a missing sheet is reported as such, not as the missing file it leaves behind
    missing = {p.file for p in found.problems if p.rule == "sheet_missing"}
    checks = [p for p in validated.report.problems if p.file not in missing]
    problems = locate(checks, placed, found.problems) + found.problems
    report = Report(problems, rows=validated.report.rows)
    return Checked(validated, report, xlsx, problems)


def check_csv(path: Path, raw_dir: Path, scratch: Path) -> Checked:
    """A CSV as a spreadsheet saves it, validated with the other files of raw/."""
    found = read_spreadsheet_csv(path)
    candidate = scratch / "raw"
    shutil.copytree(raw_dir, candidate)
    target = candidate / found.layout.dataset.raw_file
    target.write_bytes(found.text.encode("utf-8"))
    validated = validate_raw(candidate)
    own = found.layout.dataset.raw_file
    problems = [
        p.located(file=path.name) if p.file == own else p for p in validated.report.problems
    ]
    report = Report([*found.problems, *problems], rows=validated.report.rows)
    return Checked(validated, report)


def apply(validated: Validated, raw_dir: Path) -> list[str]:
    """Write every changed dataset into raw/ in its canonical form; say what changed."""
    said = []
    for layout in curated_sheets():
        ds = layout.dataset
        new = validated.tables.get(ds.name)
        if new is None:
            continue
        old, _ = read_raw(ds, raw_dir / ds.raw_file)
        change: Changes | None = changes(old, new)
        if change is None:
            said.append(f"{ds.raw_file}: unchanged")
            continue
        replace_file(raw_dir / ds.raw_file, canonical_csv(new), durable=True)
        said.append(change.to_text())
    return said
