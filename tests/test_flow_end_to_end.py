"""The real flow under Prefect, as a user starts it: the `partnerships run` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import REPO, tree_digest
from fixture_cases import BASE

PARTNERSHIPS = Path(sys.executable).with_name("partnerships")


def run_command(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PARTNERSHIPS), *args],
        env={**os.environ, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.prefect
def test_run_publishes_the_shipped_data_then_refuses_bad_data(prefect_env, tmp_path: Path) -> None:
    output = tmp_path / "output"
    done = run_command(["run", "--raw", str(REPO / "raw"), "--output", str(output)], prefect_env)
    assert done.returncode == 0, done.stderr
    assert "Finished in state Completed" in done.stdout + done.stderr
    assert "database is locked" not in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    package = json.loads((output / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} >= {
        f"{n}.{f}"
        for n in ("partnerships", "aid_shipments", "events", "codelists")
        for f in ("csv", "parquet", "json")
    }
    published = tree_digest(output)

    raw = tmp_path / "raw"
    shutil.copytree(BASE, raw)
    events = raw / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",7,4,", ",2,30,"), encoding="utf-8"
    )
    refused = run_command(["run", "--raw", str(raw), "--output", str(output)], prefect_env)
    assert refused.returncode == 1
    assert "events.csv" in refused.stderr and "line 3" in refused.stderr
    assert "real_calendar_date" in refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert tree_digest(output) == published
    assert_report_html_linked_to_the_flow_run(tmp_path)


def assert_report_html_linked_to_the_flow_run(folder: Path) -> None:
    """The refused run's report.html exists and the flow run links it as an artifact.

    Other tests of the same worker share the Prefect server: only the links into this
    test's folder count."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["validation-report-html"])),
            sort=ArtifactSort.CREATED_DESC,
        )
    found = [artifact for artifact in found if str(folder) in (artifact.data or "")]
    assert len(found) == 2, "one artifact validation-report-html per run"
    link = found[0].data  # the refused run's
    uri = link.split("](", 1)[1].rstrip(")")  # Prefect keeps a link as Markdown
    path = Path(urlparse(uri).path)
    assert path.name == "report.html" and path.exists(), link
    assert "real_calendar_date" in path.read_text(encoding="utf-8")
