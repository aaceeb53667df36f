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
from flows.common.guard import OutputOverInput, Paths, refuse_output_over_input
from flows.common.report import UNREADABLE_RULES, Problem, Report
from flows.common.report_html import write_html
from flows.read.regular_file import NotRegularFile
from flows.workbook import office
from flows.workbook.annotate import annotate, annotated_path
from flows.workbook.canonical import Changes, canonical_csv, changes_in_file, csv_text
from flows.workbook.export import export_workbook
from flows.workbook.labels import in_workbook_words
from flows.workbook.layout import GENERIC_HEADING, curated_sheets
from flows.workbook.limits import Unreadable
from flows.workbook.locate import Placed, locate
from flows.workbook.package import check_file_size, check_package
from flows.workbook.sheets import read_workbook
from flows.workbook.spreadsheet_csv import prepare_csv

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def export_paths(path: Path, raw_dir: Path) -> Paths:
    """Export reads raw/ and writes the workbook, never into raw/ (flows.common.guard)."""
    return Paths().read_folder("--raw", raw_dir).write("FILE", path)


def import_paths(path: Path, raw_dir: Path, html: Path | None = None) -> Paths:
    """Import reads the file and raw/; it writes the report, the annotated copy of a
    workbook, and raw/ only by its own atomic rewrite (apply), which is not declared."""
    paths = Paths().read("FILE", path).read_folder("--raw", raw_dir)
    if path.suffix.lower() in (".xlsx", ".ods"):
        paths.write("annotated copy", annotated_path(path))
    return paths.write_report("--html", html)


def refused(paths: Paths) -> bool:
    """Whether an output would replace or land in an input; said on stderr."""
    try:
        refuse_output_over_input(paths)
    except OutputOverInput as clash:
        sys.stderr.write(f"error: {clash}\n")
        return True
    return False


def export_command(
    path: Path,
    raw_dir: Path,
    out: TextIO | None = None,
    heading: tuple[str, str] = GENERIC_HEADING,
) -> int:
    out = out or sys.stdout
    if refused(export_paths(path, raw_dir)):
        return EXIT_UNREADABLE
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
    #: why no annotated copy is written although the input is a workbook
    no_copy: str | None = None


def import_command(
    path: Path,
    raw_dir: Path,
    html: Path | None = None,
    out: TextIO | None = None,
    example_url: str | None = None,
) -> int:
    out = out or sys.stdout
    if refused(import_paths(path, raw_dir, html)):
        return EXIT_UNREADABLE
    with tempfile.TemporaryDirectory(prefix="workbook-import-") as scratch:
        try:
            checked = check_input(path, raw_dir, Path(scratch))
        except (Unreadable, office.OfficeError, OSError) as error:
            sys.stderr.write(f"Fehler / error: {error}\n")
            return EXIT_UNREADABLE
        report = checked.report
        if html is not None:
            write_html(report, html, source=str(path), example_url=example_url)
        if not report.ok:
            sys.stderr.write(report.to_text())
            sys.stderr.write(f"{raw_dir} unchanged.\n")
            if checked.xlsx is not None:
                write_annotated_copy(checked, path)
            elif checked.no_copy:
                sys.stderr.write(checked.no_copy + "\n")
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
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return check_csv(path, raw_dir, scratch)
    if suffix not in (".xlsx", ".ods"):
        raise Unreadable(
            f"{path.name}: eine Arbeitsmappe endet auf .xlsx oder .ods, eine CSV-Datei auf .csv",
            f"{path.name}: a workbook ends in .xlsx or .ods, a CSV in .csv",
        )
    if not path.is_file():
        raise Unreadable(f"{path}: keine solche Datei", f"{path}: no such file")
    # checked and read as one copy: what was checked is what is read
    check_file_size(path, suffix)
    own = scratch / "input" / path.name
    own.parent.mkdir()
    shutil.copyfile(path, own)
    if suffix == ".ods":
        check_package(own, suffix)  # LibreOffice opens only what passed the limits
        own = office.convert(own, ".xlsx", scratch / "converted")
    found = read_workbook(own, name=path.name)
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
    # worded as the sheets show the data: German labels, the label before the code
    problems = [
        in_workbook_words(p, placed[p.file].rows.header if p.file in placed else [])
        for p in problems
    ]
    report = Report(problems, rows=validated.report.rows)
    if not found.can_annotate:
        return Checked(validated, report, None, problems, no_copy=TOO_BIG_TO_MARK)
    return Checked(validated, report, own, problems)


TOO_BIG_TO_MARK = (
    "keine markierte Kopie: die Arbeitsmappe hat zu viele (auch leere, formatierte oder "
    "verbundene) Zellen, um sie sicher zu markieren; die Fehler stehen oben / no annotated "
    "copy: the workbook has too many (also empty, formatted or merged) cells to mark it "
    "safely; the problems are listed above"
)


def check_csv(path: Path, raw_dir: Path, scratch: Path) -> Checked:
    """A CSV as a spreadsheet saves it, validated with the other files of raw/: it is
    decoded into UTF-8 beside a copy of them and read as `validate` reads raw/."""
    candidate = scratch / "raw"
    candidate.mkdir()
    for layout in curated_sheets():
        beside(raw_dir / layout.dataset.raw_file, candidate)
    found = prepare_csv(path, candidate)
    validated = validate_raw(candidate)
    own = found.layout.dataset.raw_file
    problems = [
        p.located(file=path.name) if p.file == own else p for p in validated.report.problems
    ]
    if found.labels:  # a sheet saved as CSV: worded as the sheet shows the data
        problems = [
            in_workbook_words(p, found.header, always=True) if p.file == path.name else p
            for p in problems
        ]
    report = Report([*found.problems, *problems], rows=validated.report.rows)
    return Checked(validated, report)


def beside(source: Path, folder: Path) -> None:
    """Copy raw/'s file into the import's folder; one that is there but no regular file
    (a device, a pipe, a link to /dev/zero) is refused, never read without end."""
    if source.is_file():
        shutil.copyfile(source, folder / source.name)
    elif source.exists() or source.is_symlink():
        kind = NotRegularFile(source.stat().st_mode) if source.exists() else None
        german, english = (
            (kind.german, kind.english) if kind else ("ein Link ins Leere", "a dangling link")
        )
        raise Unreadable(
            f"{source}: keine gewöhnliche Datei, sondern {german}; raw/ hält nur Dateien",
            f"{source}: not a regular file but {english}; raw/ holds files only",
        )


def apply(validated: Validated, raw_dir: Path) -> list[str]:
    """Write every changed dataset into raw/ in its canonical form; say what changed."""
    said = []
    # raw/ is written from the text tables; the typed frames are freed first, so that
    # an import costs about what validating the same files costs (issue 22)
    validated.frames.clear()
    for layout in curated_sheets():
        ds = layout.dataset
        new = validated.tables.get(ds.name)
        if new is None:
            continue
        change: Changes | None = changes_in_file(raw_dir / ds.raw_file, new)
        if change is None:
            said.append(f"{ds.raw_file}: unchanged")
            continue
        replace_file(raw_dir / ds.raw_file, canonical_csv(new), durable=True)
        said.append(change.to_text())
    return said
