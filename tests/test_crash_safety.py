"""A run killed (SIGKILL) at any step of writing or swapping loses nothing.

Release A is published once by a real `partnerships run`; every test starts from a copy
of that store, changes the raw data, starts a second run that pauses at a named step
(flows.common.faults), kills it there and checks that output/ holds exactly release A or
exactly the complete release B, byte for byte, and that the next run publishes B.

Most steps lie in plain code, so the killed run there is the plain pipeline in a
subprocess (about 2 s); two steps are killed inside a real `partnerships run` under
Prefect (about 10 s each).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, tree_digest
from fixture_cases import BASE

from flows import pipeline
from flows.release import rollback as release_rollback
from flows.release.store import KEEP_ENV, ReleaseStore

pytestmark = pytest.mark.slow

EPOCH = "1764000000"  # 2025-11-24: the same release date for every run
PARTNERSHIPS = REPO / ".venv" / "bin" / "partnerships"
#: the plain pipeline as a process of its own, so that it can be killed
PLAIN_RUN = (
    "import sys\n"
    "from pathlib import Path\n"
    "from flows.pipeline import run\n"
    "from flows.release.store import LockBusy\n"
    "try:\n"
    "    result = run(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    "except LockBusy as busy:\n"
    "    sys.exit(f'error: {busy}')\n"
    "sys.exit(0 if result.ok else 1)\n"
)

FIRST, *_, LAST = [ds.name for ds in pipeline.DATASETS]
#: every pause point of a run, in the order a run reaches them, and which release
#: output/ must show when the run is killed there
STEPS = [
    (f"write-{FIRST}", "A"),
    ("wrote-events.parquet", "A"),  # between the files of one dataset
    ("wrote-events.csv", "A"),
    ("wrote-events.json", "A"),
    (f"write-{LAST}", "A"),
    ("write-metadata", "A"),
    ("write-datapackage", "A"),
    ("write-release-notes", "A"),
    ("before-rename-release", "A"),
    ("before-swap", "A"),  # renamed into releases/, not yet shown
    ("swap-link-created", "A"),
    ("after-swap", "B"),
    ("prune", "B"),
    ("write-report", "B"),
]
PREFECT_STEPS = [("wrote-events.csv", "A"), ("after-swap", "B")]


def prefect_settings(base: Path) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(base / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }


def run_env(base: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **prefect_settings(base), "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("PARTNERSHIPS_PAUSE_AT", None)
    env.pop(KEEP_ENV, None)
    return {**env, **extra}


def plain_command(raw: Path, output: Path) -> list[str]:
    return [sys.executable, "-c", PLAIN_RUN, str(raw), str(output)]


def cli_command(raw: Path, output: Path) -> list[str]:
    return [str(PARTNERSHIPS), "run", "--raw", str(raw), "--output", str(output)]


def change_raw(raw: Path) -> None:
    """The edit that turns release A into release B."""
    path = raw / "events.csv"
    text = path.read_text(encoding="utf-8")
    assert "Ratsbeschluss zur Städtepartnerschaft" in text
    path.write_text(text.replace("Ratsbeschluss zur", "Beschluss des Rates zur"), "utf-8")


def copy_store(source: Path, output: Path) -> None:
    """A copy of a store (output link and output.d); the link is relative."""
    shutil.copytree(source.with_name(source.name + ".d"), output.with_name(output.name + ".d"))
    os.symlink(os.readlink(source), output)


def start_paused(command: list[str], env: dict[str, str], step: str, signal_file: Path):
    env = {**env, "PARTNERSHIPS_PAUSE_AT": step, "PARTNERSHIPS_PAUSE_SIGNAL": str(signal_file)}
    process = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Prefect's server dies with it
    )
    wait_for_pause(process, step, signal_file)
    return process


def wait_for_pause(process: subprocess.Popen, step: str, signal_file: Path) -> None:
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        if signal_file.exists() and signal_file.read_text() == step:
            return
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the run ended (exit {process.returncode}) before {step}:\n{out}{err}")
        time.sleep(0.05)
    kill(process)
    pytest.fail(f"the run did not reach {step} in time")


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def data_digest(digest: dict[str, str], release: Path) -> dict:
    """A release's files, with the manifest's record of the code left out: others may
    edit flows/ while the suite runs, which changes that hash but not one data byte."""
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    manifest["inputs"].pop("code/flows")
    return {**{k: v for k, v in digest.items() if k != "manifest.json"}, "manifest": manifest}


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    """Release A, published by a real `partnerships run`, and the reference release B."""
    base = tmp_path_factory.getbasetemp()
    root = tmp_path_factory.mktemp("crash-stores")
    raw_a, raw_b = root / "raw-a", root / "raw-b"
    shutil.copytree(BASE, raw_a)
    shutil.copytree(BASE, raw_b)
    change_raw(raw_b)
    store_a = root / "a" / "output"
    store_a.parent.mkdir()
    done = subprocess.run(
        cli_command(raw_a, store_a),
        env=run_env(base),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reference_b = root / "b" / "output"
    reference_b.parent.mkdir()
    copy_store(store_a, reference_b)
    done = subprocess.run(
        plain_command(raw_b, reference_b), env=run_env(base), cwd=REPO, timeout=300
    )
    assert done.returncode == 0
    return {"raw_b": raw_b, "a": store_a, "b": reference_b}


def kill_and_recover(
    stores: dict[str, Path], tmp_path: Path, step: str, shows: str, command
) -> None:
    base = tmp_path.parent
    output = tmp_path / "output"
    copy_store(stores["a"], output)
    before = tree_digest(output)
    assert before == tree_digest(stores["a"])
    # keep only the newest release, so that B's publication has A to prune
    env = run_env(base, **{KEEP_ENV: "1"})

    process = start_paused(command(stores["raw_b"], output), env, step, tmp_path / "paused")
    kill(process)

    at_kill = tree_digest(output)
    if shows == "A":
        assert at_kill == before, f"killed at {step}, output/ is not release A"

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = pipeline.run(stores["raw_b"], output, keep=1)
    assert result.ok, result.report.to_text()
    after = tree_digest(output)
    if shows == "B":
        assert at_kill == after, f"killed at {step}, output/ is not the complete release B"
    reference = stores["b"].resolve()
    assert after["(points at)"] == reference.name
    assert data_digest(after, output.resolve()) == data_digest(tree_digest(stores["b"]), reference)

    store = ReleaseStore(output)
    assert reference.name in store.release_ids()
    for kept in store.release_ids():  # no half-written or half-pruned release
        release_rollback.check_complete(store.releases / kept)
    assert not store.staging_root.exists() or not any(store.staging_root.iterdir())
    assert not list(tmp_path.glob(".output.swap-*"))


@pytest.mark.parametrize(("step", "shows"), STEPS, ids=[s for s, _ in STEPS])
def test_kill_of_the_plain_run_leaves_a_or_b(stores, tmp_path: Path, step, shows) -> None:
    kill_and_recover(stores, tmp_path, step, shows, plain_command)


@pytest.mark.prefect
@pytest.mark.parametrize(("step", "shows"), PREFECT_STEPS, ids=[s for s, _ in PREFECT_STEPS])
def test_kill_of_partnerships_run_leaves_a_or_b(stores, tmp_path: Path, step, shows) -> None:
    kill_and_recover(stores, tmp_path, step, shows, cli_command)


def test_every_pause_point_in_the_code_is_tested() -> None:
    """A pause point added later must be added to STEPS as well."""
    named = set()
    for path in (REPO / "flows").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        named |= {part.split('"')[1] for part in text.split("faults.pause(")[1:]}
    literal = {n for n in named if "{" not in n}
    assert literal <= {s for s, _ in STEPS}
