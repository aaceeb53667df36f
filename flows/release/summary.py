"""The summary every run ends with: in the terminal and as a Prefect Markdown artifact.

Built from plain values so that the CLI, the flow and tests share one rendering. A run is
"published" (a new release is current), "unchanged" (inputs equal the current
release's; nothing was done) or "failed" (nothing was published; the previous release,
if any, is still current).
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from flows.common import markdown
from flows.release.changelog import CHANGELOG_JSON, CHANGELOG_MD
from flows.release.manifest import read_manifest

if TYPE_CHECKING:
    from flows.common.report import Report
    from flows.release.changelog import Changelog
    from flows.release.notes import ReleaseNotes

PUBLISHED, UNCHANGED, FAILED = "published", "unchanged", "failed"
#: the release is current in the output folder, but at least one target refused it
TARGETS_FAILED = "targets failed"
NOTHING_CHANGED = "nothing changed"
#: files that belong to no single dataset (metadata, catalogues, indexes)
RELEASE_WIDE = "(release)"
#: changed rows listed per dataset and kind in the terminal
TERMINAL_LIMIT = 5


@dataclass
class TargetResult:
    """What one publish target (`--target`) did with the release."""

    target: str
    ok: bool
    files_transferred: int = 0
    files_skipped: int = 0
    message: str = ""


@dataclass
class DatasetSummary:
    name: str
    rows_published: int | None = None
    rows_changed: int | None = None
    errors: int = 0
    files_written: int = 0
    files_skipped: int = 0


@dataclass
class RunSummary:
    status: str
    #: the release that is current after the run
    current_release: str | None
    previous_release: str | None = None
    duration_seconds: float = 0.0
    datasets: list[DatasetSummary] = field(default_factory=list)
    #: one entry per publish target; filled by the publish step, empty without targets
    target_results: list[TargetResult] = field(default_factory=list)
    changelog: Changelog | None = None
    #: what failed, for a failed run
    failure: str | None = None
    report_folder: Path | None = None
    #: alerts that should have gone out and that no channel took (flows.alerts)
    alerts_unsent: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        if self.status == PUBLISHED:
            return f"published release {self.current_release}"
        if self.status == UNCHANGED:
            return f"{NOTHING_CHANGED}: release {self.current_release} is still current"
        if self.status == TARGETS_FAILED:
            return (
                f"FAILED: {self.failure}; release {self.current_release} is current in the "
                "output folder, the failed targets keep what they had"
            )
        still = (
            f"the previous release {self.current_release} is still current"
            if self.current_release
            else "no release has been published yet"
        )
        return f"FAILED: {self.failure}; nothing was published, {still}"

    def _dataset_rows(self) -> list[list[str]]:
        rows = []
        for d in self.datasets:
            rows.append(
                [
                    d.name,
                    _number(d.rows_published),
                    _number(d.rows_changed),
                    str(d.errors),
                    str(d.files_written),
                    str(d.files_skipped),
                ]
            )
        return rows

    def to_text(self) -> str:
        out = [self.headline]
        if self.report_folder:
            out.append(f"report: {self.report_folder}")
        header = ["dataset", "rows", "changed", "errors", "written", "skipped"]
        table = [header, *self._dataset_rows()]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        for row in table:
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            out.append("  " + "  ".join(cells))
        out += _target_lines(self.target_results)
        if self.changelog and not self.changelog.empty:
            first = self.changelog.from_release is None
            out.append(self.changelog.to_text(0 if first else TERMINAL_LIMIT).rstrip("\n"))
        out.append(f"duration: {self.duration_seconds:.1f} s")
        return "\n".join(out) + "\n"

    def to_markdown(self) -> str:
        # the headline, paths and target messages may quote the data or a server:
        # escaped (flows.common.markdown), they show as text and make no element
        out = ["# Laufbericht / Run summary", "", f"**{markdown.text(self.headline)}**", ""]
        if self.previous_release and self.status == PUBLISHED:
            previous = markdown.code(self.previous_release)
            out += [f"Vorherige Version / previous release: {previous}", ""]
        if self.report_folder:
            out += [f"Bericht / report: {markdown.code(self.report_folder)}", ""]
        out += [
            "| Datensatz / dataset | Zeilen / rows | geändert / changed | Fehler / errors "
            "| geschrieben / written | übersprungen / skipped |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        out += ["| " + " | ".join(row) + " |" for row in self._dataset_rows()]
        out += ["", "## Ziele / Targets", ""]
        if self.target_results:
            out += [
                "| Ziel / target | ok | übertragen / transferred | übersprungen / skipped "
                "| Meldung / message |",
                "|---|---|---:|---:|---|",
            ]
            for t in self.target_results:
                cells = [markdown.text(t.target), "ja / yes" if t.ok else "NEIN / NO"]
                cells += [str(t.files_transferred), str(t.files_skipped), markdown.text(t.message)]
                out.append("| " + " | ".join(cells) + " |")
        else:
            out.append("keine / none")
        if self.alerts_unsent:
            out += ["", "## Meldungen / Alerts", ""]
            out += [f"- **{_md_escape(line)}**" for line in self.alerts_unsent]
        out += ["", f"Dauer / duration: {self.duration_seconds:.1f} s", ""]
        if self.changelog and self.status == PUBLISHED:
            # the changelog becomes a section: every heading one level down
            changelog = self.changelog.to_markdown().splitlines()
            out += ["#" + line if line.startswith("#") else line for line in changelog]
        return "\n".join(out).rstrip("\n") + "\n"


def _md_escape(text: str) -> str:
    """Markdown that shows the text as it is (it may quote a URL or a file name)."""
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text)


def _number(value: int | None) -> str:
    return "–" if value is None else str(value)


def _target_lines(results: list[TargetResult]) -> list[str]:
    lines = []
    for t in results:
        verdict = "ok" if t.ok else "FAILED"
        lines.append(
            f"target {t.target}: {verdict}, {t.files_transferred} transferred, "
            f"{t.files_skipped} skipped{': ' + t.message if t.message else ''}"
        )
    return lines


def _dataset_names() -> list[str]:
    from schemas import DATASETS

    return [ds.name for ds in DATASETS]


def _owner(file_name: str, datasets: list[str]) -> str:
    stem = file_name.split(".", 1)[0]
    return stem if stem in datasets else RELEASE_WIDE


def _errors_by_dataset(report: Report | None) -> Counter:
    return Counter(p.dataset for p in report.errors) if report else Counter()


def published(
    notes: ReleaseNotes,
    rows: dict[str, int],
    report: Report,
    duration_seconds: float,
    report_folder: Path | None = None,
) -> RunSummary:
    names = _dataset_names()
    written = Counter(_owner(n, names) for n in notes.files_written)
    skipped = Counter(_owner(n, names) for n in notes.files_skipped)
    errors = _errors_by_dataset(report)
    datasets = []
    for name in names:
        changes = notes.changelog.dataset(name)
        datasets.append(
            DatasetSummary(
                name,
                rows.get(name, notes.manifest.get("rows", {}).get(name)),
                changes.rows_changed if changes else None,
                errors[name],
                written[name],
                skipped[name],
            )
        )
    if written[RELEASE_WIDE] or skipped[RELEASE_WIDE]:
        datasets.append(
            DatasetSummary(
                RELEASE_WIDE,
                files_written=written[RELEASE_WIDE],
                files_skipped=skipped[RELEASE_WIDE],
            )
        )
    return RunSummary(
        PUBLISHED,
        notes.release_id,
        notes.previous_id,
        duration_seconds,
        datasets,
        changelog=notes.changelog,
        report_folder=report_folder,
    )


def unchanged(current: Path, duration_seconds: float) -> RunSummary:
    """Read from the current release's manifest alone: nothing else is loaded."""
    manifest = read_manifest(current) or {}
    rows = manifest.get("rows", {})
    names = list(rows)  # the manifest lists the datasets in publishing order
    files = [n for n in manifest.get("files", {}) if n not in (CHANGELOG_MD, CHANGELOG_JSON)]
    skipped = Counter(_owner(n, names) for n in files)
    datasets = [DatasetSummary(name, rows[name], 0, 0, 0, skipped[name]) for name in names]
    if skipped[RELEASE_WIDE]:
        datasets.append(DatasetSummary(RELEASE_WIDE, files_skipped=skipped[RELEASE_WIDE]))
    return RunSummary(UNCHANGED, current.name, current.name, duration_seconds, datasets)


def failed(
    what: str,
    current_release: str | None,
    duration_seconds: float,
    report: Report | None = None,
    report_folder: Path | None = None,
) -> RunSummary:
    errors = _errors_by_dataset(report)
    datasets = [DatasetSummary(name, errors=errors[name]) for name in _dataset_names()]
    return RunSummary(
        FAILED,
        current_release,
        current_release,
        duration_seconds,
        datasets,
        failure=what,
        report_folder=report_folder,
    )


def target_results(published: list, failures: dict | None = None) -> list[TargetResult]:
    """The publish step's results (flows.publish.base.PublishResult) and failures, by target."""
    results = [
        TargetResult(
            r.target,
            True,
            len(r.uploaded),
            len(r.unchanged),
            r.summary().removeprefix(f"{r.target}: "),
        )
        for r in published
    ]
    for target, error in (failures or {}).items():
        results.append(TargetResult(str(target), False, message=f"{type(error).__name__}: {error}"))
    return results


def targets_failed(
    what: str, current_release: str | None, results: list[TargetResult]
) -> RunSummary:
    return RunSummary(
        TARGETS_FAILED,
        current_release,
        datasets=[DatasetSummary(name) for name in _dataset_names()],
        target_results=results,
        failure=what,
    )


@contextlib.contextmanager
def progress(step: str, stream: TextIO | None = None) -> Iterator[None]:
    """A spinner naming the running step, only when a person watches a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    from rich.console import Console

    console = Console(file=stream)
    with console.status(f"{step} …"):
        yield
    console.print(f"[green]✓[/green] {step}")
