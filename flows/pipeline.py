"""The nightly job as plain functions: validate, stage, describe, publish.

The Prefect flow in `flows.nightly` wraps each step in a task; tests and benchmarks
call these functions directly.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from flows.check.quarantine import Quarantined
from flows.check.quarantine import quarantine as set_aside
from flows.check.validation import validate_raw
from flows.common import faults
from flows.common.files import replace_file
from flows.common.guard import refuse_output_over_input
from flows.common.memory import return_freed_memory
from flows.common.report import Report
from flows.common.report_html import write_html
from flows.describe.datapackage import write_datapackage
from flows.describe.municipality import configured_website
from flows.release import summary
from flows.release.manifest import file_digests, input_hashes, release_id_of, unchanged_release
from flows.release.notes import ReleaseNotes, write_release_notes
from flows.release.store import ReleaseStore, run_paths
from flows.write.datasets import to_arrow, write_dataset
from flows.write.geojson import write_map_data
from flows.write.staged import held
from schemas import DATASETS

DEFAULT_RAW = Path("raw")
DEFAULT_OUTPUT = Path("output")


@dataclass
class StageResult:
    report: Report
    staging: Path
    rows: dict[str, int] = field(default_factory=dict)
    #: set when run with quarantine: what was refused, and why
    quarantined: Quarantined | None = None
    #: each dataset's typed table as written: describing reads these, not the files
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Everything valid, or (with quarantine) every problem set aside with its row."""
        if self.quarantined is not None:
            return not self.quarantined.fatal
        return self.report.ok

    @property
    def rejects(self) -> dict[str, pd.DataFrame]:
        return self.quarantined.rejects if self.quarantined else {}


@dataclass
class RunResult:
    report: Report
    release_id: str | None
    rows: dict[str, int]
    report_folder: Path | None
    #: the inputs equal the current release's: nothing was written
    unchanged: bool = False
    notes: ReleaseNotes | None = None
    summary: summary.RunSummary | None = None
    #: per dataset rows published, refused and cascaded, when run with quarantine
    quarantine_counts: dict[str, dict[str, int]] | None = None

    @property
    def ok(self) -> bool:
        return self.release_id is not None


def release_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds and tests."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def stage_datasets(raw_dir: Path, staging: Path, quarantine: bool = False) -> StageResult:
    """Validate raw/ and, when everything is valid, write every dataset into staging.

    With quarantine, rows with problems are set aside and the rest is written, unless a
    problem concerns a file as a whole.
    """
    validated = validate_raw(raw_dir, key_orders=True)
    return_freed_memory()
    result = StageResult(report=validated.report, staging=staging)
    kept: dict[str, np.ndarray | None] = {}
    if not validated.report.ok:
        if not quarantine:
            return result
        result.quarantined = set_aside(validated)
        result.report.extend(result.quarantined.cascaded)
        if result.quarantined.fatal:
            return result
        kept = result.quarantined.kept
    for ds in DATASETS:
        # pop: the text and the frame of a dataset are freed once it is sorted, before
        # its files are written, which lowers the run's peak memory
        validated.tables.pop(ds.name, None)
        frame, order = validated.frames.pop(ds.name), validated.orders.pop(ds.name, None)
        table = to_arrow(ds, frame, keep=kept.get(ds.name), order=order)
        del frame
        return_freed_memory()  # the frame's, before the writers allocate
        faults.pause(f"write-{ds.name}")
        write_dataset(ds, table, staging)
        if ds.name == "partnerships":
            write_map_data(table, staging)
        result.rows[ds.name] = table.num_rows
        result.tables[ds.name] = table
    return result


def write_metadata(staging: Path) -> Path:
    """Describe the staged files: index.csv, catalog.ttl/.rdf, data-dictionary.md and
    datapackage.json (returned).

    A bad metadata.toml raises flows.describe.metadata.MetadataError.
    """
    from flows.describe.catalog import write_catalog
    from flows.describe.dictionary import write_dictionary
    from flows.describe.metadata import load_metadata
    from flows.describe.opendatasoft import write_index
    from flows.site.build import prefetch_data_facts

    faults.pause("write-metadata")
    metadata = load_metadata()
    issued = release_date()
    # the dictionary's sources section and the website's data facts compute on the
    # staged tables with Arrow, mostly without the GIL: they run beside the index and
    # the catalogue, which are Python and rdflib
    with ThreadPoolExecutor(max_workers=2) as pool:
        dictionary = pool.submit(write_dictionary, staging, metadata)
        site_facts = pool.submit(prefetch_data_facts, staging, metadata)
        write_index(staging, issued, metadata)
        write_catalog(staging, issued, metadata)
        dictionary.result()
        site_facts.result()
    faults.pause("write-datapackage")
    return write_datapackage(staging, metadata)


def release_id(staging: Path, date: dt.date) -> str:
    """The date plus a short hash of every data file's content (release notes excluded)."""
    return release_id_of(file_digests(staging), date)


def publish_release(store: ReleaseStore, staging: Path) -> str:
    """Name the staged release by its content, swap it in and prune old releases."""
    return publish_described(store, staging).release_id


def publish_described(
    store: ReleaseStore, staging: Path, inputs: dict[str, str] | None = None
) -> ReleaseNotes:
    """Like publish_release, writing the changelog and manifest into the release first."""
    from flows.site.build import build_site

    faults.pause("write-release-notes")
    notes = write_release_notes(
        staging, release_date(), inputs or {}, store.current(), store.releases, build_site
    )
    store.publish(staging, notes.release_id)
    store.prune()
    return notes


def save_report(
    store: ReleaseStore,
    report: Report,
    status: str,
    rejects: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """Write the report's renderings (text, JSON, Markdown, HTML), and any rejected rows,
    under reports/."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    folder = store.reports / f"{stamp}-{status}"
    folder.mkdir(parents=True, exist_ok=True)
    write_report(folder, report)
    for name, rows in (rejects or {}).items():
        pl.from_pandas(rows).write_csv(folder / f"rejects-{name}.csv", line_terminator="\r\n")
    kept = sorted(p for p in store.reports.iterdir() if p.is_dir())
    for old in kept[: -store.keep]:
        shutil.rmtree(old)
    return folder


def write_report(folder: Path, report: Report) -> None:
    """The report's renderings: text, JSON, Markdown and the HTML page."""
    (folder / "report.txt").write_text(report.to_text(), encoding="utf-8")
    faults.pause("write-report")
    (folder / "report.json").write_text(report.to_json(), encoding="utf-8")
    (folder / "report.md").write_text(report.to_markdown(), encoding="utf-8")
    write_html(report, folder / "report.html", with_json=False, example_url=configured_website())


def add_report_notes(folder: Path | None, report: Report, notes: list[tuple[str, str]]) -> None:
    """Say in a saved report what the run learned after saving it (an alert nobody got:
    the report itself went out with the alert, so it is written before it)."""
    if folder is None or not notes or not folder.is_dir():
        return
    report = replace(report, notes=[*report.notes, *notes])
    renderings = {
        "report.txt": report.to_text(),
        "report.json": report.to_json(),
        "report.md": report.to_markdown(),
    }
    for name, text in renderings.items():
        replace_file(folder / name, text)
    write_html(report, folder / "report.html", with_json=False, example_url=configured_website())


@dataclass(frozen=True)
class Steps:
    """The three steps of a run that do real work; the Prefect flow wraps each in a task."""

    stage: Callable[[Path, Path, bool], StageResult] = stage_datasets
    describe: Callable[[Path], Path] = write_metadata
    publish: Callable[[ReleaseStore, Path, dict[str, str]], ReleaseNotes] = publish_described


def build(
    steps: Steps,
    raw_dir: Path,
    staging: Path,
    quarantine: bool,
    store: ReleaseStore,
    inputs: dict[str, str],
) -> tuple[StageResult, ReleaseNotes | None]:
    """Stage, describe and publish; the notes are None when the input was refused."""
    with summary.progress("validating and writing datasets"):
        staged = steps.stage(raw_dir, staging, quarantine)
    if not staged.ok:
        return staged, None
    # the metadata, the website and the changelog read the tables just written from
    # memory; they are let go once the release is published
    tables, staged.tables = staged.tables, {}
    with held(staging, tables):
        steps.describe(staging)
        with summary.progress("comparing with the previous release and publishing"):
            return staged, steps.publish(store, staging, inputs)


def run(
    raw_dir: Path = DEFAULT_RAW,
    output_dir: Path = DEFAULT_OUTPUT,
    keep: int | None = None,
    quarantine: bool = False,
    wait_seconds: float = 0.0,
    steps: Steps = Steps(),
) -> RunResult:
    """The whole job: stage, and publish only when all is valid.

    Nothing at all happens when the inputs equal those of the current release.
    """
    started = time.monotonic()
    refuse_output_over_input(run_paths(raw_dir, output_dir))
    store = ReleaseStore(output_dir, keep=keep)
    inputs = input_hashes(raw_dir, options={"quarantine": quarantine})

    def unchanged() -> RunResult | None:
        if not unchanged_release(store.current(), inputs):
            return None
        done = summary.unchanged(store.current(), time.monotonic() - started)
        rows = {d.name: d.rows_published for d in done.datasets}
        return RunResult(Report(), store.current_id(), rows, None, unchanged=True, summary=done)

    # asked before the lock too: a run with nothing to do writes no file at all, unless
    # a killed run left debris that only the lock holder may clear
    nothing_to_do = unchanged()
    if nothing_to_do and not store.has_leftovers():
        return nothing_to_do
    with store.locked(wait_seconds):
        nothing_to_do = unchanged()  # another run may have published meanwhile
        if nothing_to_do:
            return nothing_to_do
        staging = store.new_staging()
        try:
            staged, notes = build(steps, raw_dir, staging, quarantine, store, inputs)
        finally:
            # whatever failed (invalid input, metadata, a full disk, a bug), no build is
            # left behind; a published one was renamed away from staging already
            shutil.rmtree(staging, ignore_errors=True)
        if notes is None:
            folder = save_report(store, staged.report, "invalid")
            failed = summary.failed(
                "validation of raw/",
                store.current_id(),
                time.monotonic() - started,
                staged.report,
                folder,
            )
            return RunResult(staged.report, None, {}, folder, summary=failed)
        status = "published" if staged.report.ok else "published-with-rejects"
        folder = save_report(store, staged.report, status, staged.rejects)
        done = summary.published(
            notes, staged.rows, staged.report, time.monotonic() - started, folder
        )
        counts = staged.quarantined.counts if staged.quarantined else None
        return RunResult(
            staged.report, notes.release_id, staged.rows, folder, False, notes, done, counts
        )
