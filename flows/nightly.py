"""The Prefect flow: thin tasks over the plain functions in `flows.pipeline`."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.states import Failed, State

from flows import pipeline
from flows import publishing as publish_targets
from flows.alerts.messages import RunInfo
from flows.alerts.notify import AlertsResult, after_run
from flows.alerts.outcome import Outcome
from flows.common.guard import OutputOverInput
from flows.common.report import Report
from flows.describe.metadata import MetadataError
from flows.publish.base import TargetError
from flows.release import summary
from flows.release.notes import ReleaseNotes
from flows.release.store import ReleaseStore, StoreError

FLOW_NAME = publish_targets.flow_name("nightly")
#: failures the command line explains itself (LockBusy is a StoreError)
EXPECTED_FAILURES = (
    StoreError,
    OSError,
    MetadataError,
    OutputOverInput,
    publish_targets.PublishFailed,
    TargetError,
)


class InvalidInput(Exception):
    """The curated files were refused; nothing new was published."""

    def __init__(self, report: Report, report_folder: Path, summary_text: str = "") -> None:
        super().__init__(f"{report.summary_line()}; report: {report_folder}")
        self.report = report
        self.report_folder = report_folder
        self.summary_text = summary_text


@task(name="validate and stage datasets")
def stage_task(raw_dir: Path, staging: Path, quarantine: bool = False) -> pipeline.StageResult:
    return pipeline.stage_datasets(raw_dir, staging, quarantine)


@task(name="write metadata")
def metadata_task(staging: Path) -> Path:
    return pipeline.write_metadata(staging)


@task(name="publish release")
def publish_task(store: ReleaseStore, staging: Path, inputs: dict[str, str]) -> ReleaseNotes:
    return pipeline.publish_described(store, staging, inputs)


#: the pipeline's steps as Prefect tasks, so each shows as a task run with its state
TASK_STEPS = pipeline.Steps(stage=stage_task, describe=metadata_task, publish=publish_task)


def summary_artifact(run_summary: summary.RunSummary) -> None:
    create_markdown_artifact(
        run_summary.to_markdown(), key="run-summary", description="Summary of the nightly run"
    )


def html_report_artifact(report_folder: Path | None) -> None:
    """A link to report.html (the page mail alerts attach) beside the Markdown report."""
    if report_folder is not None and (report_folder / "report.html").exists():
        create_link_artifact(
            (report_folder / "report.html").resolve().as_uri(),
            link_text="report.html",
            key="validation-report-html",
            description="Prüfbericht / validation report as one HTML page",
        )


def summarize_failure(flow, flow_run, state) -> None:
    """Failures other than invalid input (which writes its own summary): lock, disk, bugs."""
    error = state.result(raise_on_failure=False)
    if isinstance(error, InvalidInput):
        return
    output = ReleaseStore(Path(flow_run.parameters.get("output_dir", "output")), keep=1)
    what = f"{type(error).__name__}: {error}"
    if isinstance(error, publish_targets.PublishFailed):
        results = summary.target_results(error.results, error.failures)
        run_summary = summary.targets_failed(what, output.current_id(), results)
    else:
        run_summary = summary.failed(what, output.current_id(), 0.0)
    run_summary.alerts_unsent = list(getattr(error, "__notes__", []))
    summary_artifact(run_summary)


@flow(name=FLOW_NAME, log_prints=True, on_failure=[summarize_failure])
def nightly(
    raw_dir: str = "raw",
    output_dir: str = "output",
    keep: int | None = None,
    targets: list[str] | None = None,
    quarantine: bool = False,
    wait_seconds: float = 0.0,
) -> dict:
    """Validate raw/ and publish CSV, Parquet, JSON and metadata into output/."""
    try:
        return run_nightly(raw_dir, output_dir, keep, targets, quarantine, wait_seconds)
    except EXPECTED_FAILURES as error:
        if isinstance(error, publish_targets.PublishFailed):
            outcome = Outcome.targets_failed(error.failures)
        else:
            outcome = Outcome.failed(error)
        for line in alert(output_dir, outcome).lines():
            error.add_note(line)  # for the failure's summary (summarize_failure)
        # expected failures are explained by the command line, not by a traceback
        return Failed(message=f"{type(error).__name__}: {error}", data=error)
    except Exception as error:
        for line in alert(output_dir, Outcome.failed(error)).lines():
            error.add_note(line)
        raise


def alert(output_dir: str, outcome: Outcome) -> AlertsResult:
    """Tell curators and operators what the run means for them; never raises.

    The alerts' warnings (an alert nobody received) go into the flow run's log too, so
    that Prefect's UI shows them beside the run.
    """
    from prefect.logging.handlers import APILogHandler
    from prefect.runtime import flow_run

    to_prefect = APILogHandler()
    alerts_log = logging.getLogger("flows.alerts")
    alerts_log.addHandler(to_prefect)
    try:
        return after_run(Path(output_dir), outcome, RunInfo(run_id=flow_run.id))
    finally:
        alerts_log.removeHandler(to_prefect)


def note_unsent(
    alerts: AlertsResult,
    run_summary: summary.RunSummary,
    report: Report | None,
    folder: Path | None,
) -> None:
    """An alert nobody received is said in the run's summary and in its saved report."""
    run_summary.alerts_unsent = alerts.lines()
    if report is not None:
        pipeline.add_report_notes(folder, report, alerts.notes())


def run_nightly(
    raw_dir: str,
    output_dir: str,
    keep: int | None,
    targets: list[str] | None,
    quarantine: bool = False,
    wait_seconds: float = 0.0,
) -> dict | State:
    """The flow's body, run inside the flow context by `nightly`."""
    started = time.monotonic()
    targets = targets or []
    publish_targets.check_all(targets)  # missing credentials: stop before building
    result = pipeline.run(
        Path(raw_dir), Path(output_dir), keep, quarantine, wait_seconds, steps=TASK_STEPS
    )
    run_summary = result.summary
    if not result.unchanged:
        create_markdown_artifact(
            result.report.to_markdown(),
            key="validation-report",
            description="Validation report of the curated CSVs",
        )
        html_report_artifact(result.report_folder)
    if not result.ok:
        alerts = alert(output_dir, Outcome.invalid(result.report, result.report_folder))
        note_unsent(alerts, run_summary, result.report, result.report_folder)
        summary_artifact(run_summary)
        invalid = InvalidInput(result.report, result.report_folder, run_summary.to_text())
        # a returned Failed state, unlike a raised exception, logs no traceback
        return Failed(message=str(invalid), data=invalid)
    if result.unchanged:
        print(run_summary.headline)
    else:
        print(f"published release {result.release_id} into {output_dir}: {result.rows}")
    release_folder = ReleaseStore(Path(output_dir), keep=keep).releases / result.release_id
    published = publish_targets.publish_to_all(release_folder, targets)
    run_summary.target_results = summary.target_results(published)
    run_summary.duration_seconds = time.monotonic() - started  # targets included
    alerts = alert(output_dir, Outcome.succeeded(result.report, result.report_folder))
    note_unsent(alerts, run_summary, result.report, result.report_folder)
    summary_artifact(run_summary)
    return {
        "release_id": result.release_id,
        "rows": result.rows,
        "report_folder": str(result.report_folder) if result.report_folder else None,
        "unchanged": result.unchanged,
        "summary": run_summary.to_text(),
        "targets": [r.summary() for r in published],
        "quarantine": result.quarantine_counts,
    }
