"""Prefect wrappers: one retried task per target, and the flow behind `partnerships publish`.

Only `TransientTargetError` is retried; a refused login or a rejected request fails the
task at once. Task parameters are the release folder and the target URL, which holds no
secret (flows.publish.targets refuses passwords in URLs), so nothing secret reaches Prefect's
database or logs.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task

from flows.describe.municipality import configured_municipality
from flows.publish import targets
from flows.publish.base import PublishResult, TargetError, TransientTargetError
from flows.release.store import ReleaseStore

RETRIES = 3
RETRY_DELAYS_SECONDS = [5, 30, 120]


def flow_name(purpose: str | None = None) -> str:
    """ "moers-partnerships-nightly": the flows, their deployment and its tag carry the
    municipality's slug from metadata.toml, read when a flow is defined (also by
    `prefect deploy`); without a readable [municipality], "partnerships-nightly"."""
    municipality = configured_municipality()
    slug = [municipality.slug] if municipality else []
    return "-".join([*slug, "partnerships", *([purpose] if purpose else [])])


PUBLISH_FLOW_NAME = flow_name("publish")


class PublishFailed(Exception):
    """At least one target could not be published; the others were."""

    def __init__(self, failures: dict[str, BaseException], results: list[PublishResult]) -> None:
        lines = [f"{url}: {type(error).__name__}: {error}" for url, error in failures.items()]
        super().__init__("publishing failed for " + "; ".join(lines))
        self.failures = failures
        self.results = results


def retry_only_transient(task, task_run, state) -> bool:
    try:
        state.result()
    except TransientTargetError:
        return True
    except BaseException:
        return False
    return False


@task(
    name="publish to target",
    retries=RETRIES,
    retry_delay_seconds=RETRY_DELAYS_SECONDS,
    retry_condition_fn=retry_only_transient,
)
def publish_target_task(release_folder: Path, target_url: str) -> PublishResult:
    result = targets.publish(release_folder, target_url)
    get_run_logger().info(result.summary())
    return result


def check_all(target_urls: list[str]) -> None:
    """Fail on the first unusable target or missing credentials, before any upload."""
    for url in target_urls:
        targets.check(url)


def publish_to_all(release_folder: Path, target_urls: list[str]) -> list[PublishResult]:
    """Publish to every target in turn; one target's failure does not stop the others."""
    results: list[PublishResult] = []
    failures: dict[str, BaseException] = {}
    for url in target_urls:
        try:
            results.append(publish_target_task(release_folder, url))
        except (TargetError, TransientTargetError) as error:
            failures[url] = error
    if failures:
        raise PublishFailed(failures, results)
    return results


@flow(name=PUBLISH_FLOW_NAME, log_prints=True)
def publish_current(output_dir: str, target_urls: list[str]) -> list[str]:
    """Publish the release output_dir points at again, without rebuilding it."""
    check_all(target_urls)
    folder = ReleaseStore(Path(output_dir)).current()
    if folder is None:
        raise TargetError(f"{output_dir} holds no release yet: run `partnerships run` first")
    return [r.summary() for r in publish_to_all(folder, target_urls)]
