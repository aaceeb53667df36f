"""The nightly schedule on a real Prefect server: `partnerships serve` and prefect.yaml.

One `prefect server start` on 127.0.0.1 (SQLite in a private PREFECT_HOME) serves the
module. Each test registers the deployment, reads its schedule back through the REST
API, triggers a run, lets `serve` or a process worker execute it and waits until it is
Completed and the release exists. Poll intervals are lowered to 1 s to keep this fast.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from prefect.server.schemas.schedules import CronSchedule
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import cli
from flows.deploy import (
    DEPLOYMENT_NAME,
    SCHEDULE_CRON,
    SCHEDULE_TIMEZONE,
    NoServer,
    require_server,
)
from flows.nightly import FLOW_NAME
from flows.release.manifest import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT = 120
RUN_TIMEOUT = 180
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


#: answers 503 in a row before a test gives up on the server
SERVER_BUSY_RETRIES = 10


@dataclass
class Server:
    api_url: str
    env: dict[str, str]
    log: Path

    def get(self, path: str) -> httpx.Response:
        return self._retried(lambda: httpx.get(f"{self.api_url}{path}", timeout=10))

    def post(self, path: str, body: dict) -> httpx.Response:
        return self._retried(lambda: httpx.post(f"{self.api_url}{path}", json=body, timeout=10))

    @staticmethod
    def _retried(call) -> httpx.Response:
        """Prefect's server answers 503 with Retry-After while its SQLite database is locked
        (the serving process writes at the same time; PrefectHQ/prefect#8950), and Prefect's
        own client retries those: so do we."""
        for _ in range(SERVER_BUSY_RETRIES):
            response = call()
            if response.status_code != 503:
                return response
            time.sleep(min(float(response.headers.get("Retry-After", 1)), 5.0))
        return response


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prefect_env(home: Path, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        # the runner, the worker and the server's scheduler poll every 10 s by default
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_WORKER_PREFETCH_SECONDS="1",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    return env


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start(command: list, env: dict, log: Path, cwd: Path) -> subprocess.Popen:
    with open(log, "ab") as sink:
        return subprocess.Popen(
            [str(c) for c in command],
            env=env,
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that stop() ends its children too
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = prefect_env(home, api_url)
    log = home / "server.log"
    command = [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", port]
    process = start(command, env, log, home)
    started = time.monotonic()
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"prefect server exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() - started > SERVER_START_TIMEOUT:
                pytest.fail(f"prefect server not ready:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        print(f"prefect server ready after {time.monotonic() - started:.1f} s")
        yield Server(api_url, env, log)
    finally:
        stop(process)


def wait_for_deployment(server: Server, name: str, process: subprocess.Popen, log: Path) -> dict:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() not in (None, 0):
            pytest.fail(f"{process.args} exited {process.returncode}:\n{log.read_text()[-3000:]}")
        response = server.get(f"/deployments/name/{FLOW_NAME}/{name}")
        if response.status_code == 200:
            return response.json()
        time.sleep(0.3)
    pytest.fail(f"deployment {name} never appeared:\n{log.read_text()[-3000:]}")


def assert_nightly_schedule(deployment: dict) -> None:
    schedules = [s["schedule"] for s in deployment["schedules"]]
    assert schedules == [{"cron": SCHEDULE_CRON, "timezone": SCHEDULE_TIMEZONE, "day_or": True}], (
        schedules
    )


def run_to_completion(server: Server, deployment: dict, log: Path) -> dict:
    """Trigger a flow run of the deployment now and wait for its final state."""
    created = server.post(f"/deployments/{deployment['id']}/create_flow_run", {})
    created.raise_for_status()
    run_id = created.json()["id"]
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        run = server.get(f"/flow_runs/{run_id}").json()
        if run["state"]["type"] in FINAL_STATES:
            return run
        time.sleep(0.3)
    pytest.fail(f"flow run {run_id} did not finish:\n{log.read_text()[-3000:]}")


def summary_artifact(server: Server, run_id: str) -> str:
    query = {"artifacts": {"flow_run_id": {"any_": [run_id]}, "key": {"any_": ["run-summary"]}}}
    response = server.post("/artifacts/filter", query)
    response.raise_for_status()
    [artifact] = response.json()
    assert artifact["type"] == "markdown"
    return artifact["data"]


def assert_published(output: Path) -> None:
    assert output.is_symlink(), "output/ must point at a release"
    manifest = json.loads((output / MANIFEST).read_text())
    assert manifest["rows"]["partnerships"] > 0
    assert (output / "partnerships.csv").is_file()


def local_run_times(first_day: dt.datetime, days: int) -> list[dt.datetime]:
    schedule = CronSchedule(cron=SCHEDULE_CRON, timezone=SCHEDULE_TIMEZONE)
    start = first_day.replace(tzinfo=ZoneInfo("UTC"))
    dates = asyncio.run(schedule.get_dates(n=days, start=start))
    return [d.astimezone(ZoneInfo(SCHEDULE_TIMEZONE)) for d in dates]


def test_schedule_stays_at_two_in_the_night_across_daylight_saving_changes() -> None:
    # the server's own schedule arithmetic, for the spring and autumn changes of 2027
    spring = local_run_times(dt.datetime(2027, 3, 26), 4)
    assert [(d.day, d.hour) for d in spring] == [(26, 2), (27, 2), (28, 3), (29, 2)]
    autumn = local_run_times(dt.datetime(2027, 10, 30), 3)
    # the hour 02:00-03:00 happens twice on 31 October; the run happens once
    assert [(d.day, d.hour, d.utcoffset().seconds // 3600) for d in autumn] == [
        (30, 2, 2),
        (31, 2, 2),
        (1, 2, 1),
    ]


def test_serve_needs_a_real_server(capsys: pytest.CaptureFixture) -> None:
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with pytest.raises(NoServer, match="no Prefect server is configured"):
            require_server()
        # the CLI turns it into a usage error before anything is registered
        assert cli.main(["serve", "--raw", str(ROOT / "raw")]) == cli.EXIT_USAGE
    assert "start one with `prefect server start`" in capsys.readouterr().err
    with (
        temporary_settings(updates={PREFECT_API_URL: f"http://127.0.0.1:{free_port()}/api"}),
        pytest.raises(NoServer, match="does not answer"),
    ):
        require_server()


@pytest.mark.slow
def test_serve_registers_the_berlin_schedule_and_runs_the_flow(
    server: Server, tmp_path: Path
) -> None:
    output, log = tmp_path / "output", tmp_path / "serve.log"
    started = time.monotonic()
    command = [BIN / "partnerships", "serve", "--raw", ROOT / "raw", "--output", output]
    serving = start(command, server.env, log, tmp_path)
    try:
        deployment = wait_for_deployment(server, DEPLOYMENT_NAME, serving, log)
        assert_nightly_schedule(deployment)
        assert deployment["parameters"]["output_dir"] == str(output)
        run = run_to_completion(server, deployment, log)
        assert run["state"]["type"] == "COMPLETED", log.read_text()[-3000:]
        assert_published(output)
        assert "published release" in summary_artifact(server, run["id"])
        print(f"serve: registered, ran and published in {time.monotonic() - started:.1f} s")

        release, manifest_written = output.resolve(), (output / MANIFEST).stat().st_mtime_ns
        again = run_to_completion(server, deployment, log)
    finally:
        stop(serving)
    assert again["state"]["type"] == "COMPLETED", log.read_text()[-3000:]
    assert "nothing changed" in summary_artifact(server, again["id"])
    assert output.resolve() == release
    assert (output / MANIFEST).stat().st_mtime_ns == manifest_written


@pytest.mark.slow
def test_prefect_yaml_deploys_to_a_process_worker(server: Server, tmp_path: Path) -> None:
    output, log = tmp_path / "output", tmp_path / "worker.log"
    pool = "partnerships-test"
    started = time.monotonic()
    prefect = BIN / "prefect"
    subprocess.run(
        [prefect, "work-pool", "create", pool, "--type", "process"],
        env=server.env,
        check=True,
        capture_output=True,
    )
    params = json.dumps({"raw_dir": str(ROOT / "raw"), "output_dir": str(output)})
    deploy = [prefect, "--no-prompt", "deploy", "--name", "nightly", "--pool", pool]
    deploy += ["--params", params, "--prefect-file", ROOT / "prefect.yaml"]
    deployed = subprocess.run(
        deploy,
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    deployment = server.get(f"/deployments/name/{FLOW_NAME}/nightly").json()
    assert_nightly_schedule(deployment)
    assert deployment["work_pool_name"] == pool

    worker = start([prefect, "worker", "start", "--pool", pool], server.env, log, tmp_path)
    try:
        run = run_to_completion(server, deployment, log)
    finally:
        stop(worker)
    assert run["state"]["type"] == "COMPLETED", log.read_text()[-3000:]
    assert_published(output)
    print(f"deploy + worker: registered, ran and published in {time.monotonic() - started:.1f} s")
