"""The Prefect flow: thin tasks over the plain functions in `flows.pipeline`."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from flows import pipeline
from flows.release_store import ReleaseStore
from flows.report import Report

FLOW_NAME = "dortmund-partnerships-nightly"


class InvalidInput(Exception):
    """The curated files were refused; nothing new was published."""

    def __init__(self, report: Report, report_folder: Path) -> None:
        super().__init__(f"{report.summary_line()}; report: {report_folder}")
        self.report = report
        self.report_folder = report_folder


@task(name="validate and stage datasets")
def stage_task(raw_dir: Path, staging: Path) -> pipeline.StageResult:
    return pipeline.stage_datasets(raw_dir, staging)


@task(name="write metadata")
def metadata_task(staging: Path) -> Path:
    return pipeline.write_metadata(staging)


@task(name="publish release")
def publish_task(store: ReleaseStore, staging: Path) -> str:
    return pipeline.publish_release(store, staging)


@flow(name=FLOW_NAME, log_prints=True)
def nightly(raw_dir: str = "raw", output_dir: str = "output") -> dict:
    """Validate raw/ and publish CSV, Parquet, JSON and metadata into output/."""
    store = ReleaseStore(Path(output_dir))
    with store.locked():
        staging = store.new_staging()
        staged = stage_task(Path(raw_dir), staging)
        create_markdown_artifact(
            staged.report.to_markdown(),
            key="validation-report",
            description="Validation report of the curated CSVs",
        )
        if not staged.ok:
            folder = pipeline.save_report(store, staged.report, "invalid")
            raise InvalidInput(staged.report, folder)
        metadata_task(staging)
        release = publish_task(store, staging)
        folder = pipeline.save_report(store, staged.report, "published")
    print(f"published release {release} into {output_dir}: {staged.rows}")
    return {"release_id": release, "rows": staged.rows, "report_folder": str(folder)}
