"""The nightly schedule: every night at 02:00 Europe/Berlin, on a real Prefect server.

`partnerships serve` registers the deployment and runs its flow runs in this process
(one machine). `prefect deploy` with the repository's prefect.yaml registers the same
schedule for a work pool instead, served by `prefect worker start` (many machines).

The cron expression is read in Europe/Berlin, so the run stays at 02:00 local time
across daylight-saving changes; on the spring-forward night, when 02:00-03:00 does not
exist, it starts at 03:00.
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect.schedules import Cron, Schedule

DEPLOYMENT_NAME = "nightly"
SCHEDULE_CRON = "0 2 * * *"
SCHEDULE_TIMEZONE = "Europe/Berlin"
HEALTH_TIMEOUT_SECONDS = 5.0


class NoServer(Exception):
    """No Prefect server is configured or reachable; the message says what to do."""


def nightly_schedule() -> Schedule:
    return Cron(SCHEDULE_CRON, timezone=SCHEDULE_TIMEZONE)


def require_server() -> str:
    """The configured API URL of a running Prefect server.

    Without PREFECT_API_URL a flow starts a temporary server that ends with the process:
    a schedule registered there would never fire.
    """
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise NoServer(
            "no Prefect server is configured: start one with `prefect server start` "
            "and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api); "
            "a schedule on the temporary local server would never run"
        )
    import httpx

    try:
        response = httpx.get(f"{url.rstrip('/')}/health", timeout=HEALTH_TIMEOUT_SECONDS)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise NoServer(
            f"the Prefect server at PREFECT_API_URL={url} does not answer ({error}); "
            "is `prefect server start` running?"
        ) from None
    return url


def deployment_parameters(raw_dir: Path, output_dir: Path, keep: int | None) -> dict:
    """Absolute paths: flow runs may start in another working directory."""
    return {
        "raw_dir": os.path.abspath(raw_dir),
        "output_dir": os.path.abspath(output_dir),
        "keep": keep,
    }


def serve(
    raw_dir: Path, output_dir: Path, keep: int | None = None, name: str = DEPLOYMENT_NAME
) -> None:
    """Register the nightly deployment and run its flow runs until interrupted."""
    require_server()
    from flows.nightly import nightly
    from flows.publishing import flow_name

    # named for the municipality of the metadata.toml in use, as `--metadata` sets it
    nightly.with_options(name=flow_name("nightly")).serve(
        name=name,
        schedule=nightly_schedule(),
        parameters=deployment_parameters(raw_dir, output_dir, keep),
        description="Validate raw/ and publish a new release, every night at 02:00 Europe/Berlin",
        tags=[flow_name()],
    )
