"""No change, no work: a run whose inputs equal the current release's does nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import tree_digest

from flows import cli, pipeline
from flows.release import changelog as release_changelog
from flows.release import manifest as release_manifest
from flows.release.summary import NOTHING_CHANGED

REAL_CODE_VERSION = release_manifest.code_version


pytestmark = pytest.mark.usefixtures("steady_release_inputs")


def store_digest(output: Path) -> dict[str, str]:
    """Every file of the published folder and of its store (releases, reports, staging)."""
    home = output.with_name(output.name + ".d")
    files = {
        str(p.relative_to(home)): str(p.stat().st_mtime_ns) + p.read_bytes().hex()
        for p in sorted(home.rglob("*"))
        if p.is_file() and p.name != "lock"
    }
    return {**tree_digest(output), **files}


def test_second_run_writes_nothing_and_says_nothing_changed(base_raw: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    started = time.perf_counter()
    first = pipeline.run(base_raw, output)
    full_seconds = time.perf_counter() - started
    assert first.ok and not first.unchanged
    before = store_digest(output)

    started = time.perf_counter()
    second = pipeline.run(base_raw, output)
    noop_seconds = time.perf_counter() - started

    assert second.unchanged
    assert second.release_id == first.release_id
    assert store_digest(output) == before
    assert second.summary is not None
    assert second.summary.to_text().startswith(f"{NOTHING_CHANGED}: release {first.release_id}")
    assert noop_seconds < full_seconds
    print(f"full run {full_seconds:.3f} s, unchanged run {noop_seconds:.4f} s")


def test_unchanged_inputs_are_recognised_before_anything_is_staged(
    base_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    pipeline.run(base_raw, output)

    def must_not_run(*args: object) -> None:
        raise AssertionError("an unchanged run must not validate or stage anything")

    monkeypatch.setattr(pipeline, "stage_datasets", must_not_run)
    monkeypatch.setattr(pipeline.ReleaseStore, "new_staging", must_not_run)
    assert pipeline.run(base_raw, output).unchanged


def test_a_changed_raw_file_makes_a_new_release(base_raw: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    first = pipeline.run(base_raw, output)
    events = base_raw / "events.csv"
    events.write_text(events.read_text().replace("Frühsommer", "Spätsommer"))
    second = pipeline.run(base_raw, output)
    assert not second.unchanged
    assert second.release_id != first.release_id
    assert second.notes is not None
    assert second.notes.changelog.dataset("events").changed == 1
    assert pipeline.run(base_raw, output).unchanged


def test_every_kind_of_input_is_hashed(
    base_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metadata = tmp_path / "metadata.toml"
    baseline = release_manifest.input_hashes(base_raw, metadata)
    assert set(baseline) == {
        *(f"raw/{p.name}" for p in base_raw.iterdir()),
        *(f"schemas/{p.name}" for p in release_manifest.SCHEMAS_DIR.glob("*.py")),
        "schemas/codelists.csv",
        "code/flows",
        "packages/pycountry",
    }

    (base_raw / "notes.txt").write_text("any file in raw/ is an input\n")
    assert release_manifest.input_hashes(base_raw, metadata) != baseline
    (base_raw / "notes.txt").unlink()

    metadata.write_text('publisher = "Stadt Dortmund"\n')
    with_metadata = release_manifest.input_hashes(base_raw, metadata)
    assert with_metadata["metadata/metadata.toml"] == release_manifest.sha256_file(metadata)
    metadata.unlink()

    monkeypatch.setattr(release_manifest, "code_version", lambda: "another version of the code")
    assert release_manifest.input_hashes(base_raw, metadata)["code/flows"] != baseline["code/flows"]


def test_a_schema_change_is_an_input_change(
    base_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas_copy = tmp_path / "schemas"
    schema_dir = release_manifest.SCHEMAS_DIR
    schemas_copy.mkdir()
    for path in [*schema_dir.glob("*.py"), schema_dir / "codelists.csv"]:
        (schemas_copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(release_manifest, "SCHEMAS_DIR", schemas_copy)
    baseline = release_manifest.input_hashes(base_raw)
    with open(schemas_copy / "codelists.csv", "a", encoding="utf-8") as codelists:
        codelists.write("status,new_code,Neu,New\n")
    changed = release_manifest.input_hashes(base_raw)
    assert [k for k in baseline if baseline[k] != changed[k]] == ["schemas/codelists.csv"]


def test_cli_run_without_changes_does_not_start_prefect(
    base_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    pipeline.run(base_raw, output)
    monkeypatch.setattr(cli, "configure_prefect", lambda: pytest.fail("Prefect was started"))
    assert cli.main(["run", "--raw", str(base_raw), "--output", str(output)]) == cli.EXIT_OK
    assert NOTHING_CHANGED in capsys.readouterr().out


def test_code_version_follows_the_pipeline_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "flows"
    code.mkdir()
    (code / "pipeline.py").write_text("STEP = 1\n")
    (code / "notes.txt").write_text("not code\n")
    (code / "check").mkdir()
    (code / "check" / "rules.py").write_text("RULE = 1\n")
    monkeypatch.setattr(release_manifest, "FLOWS_DIR", code)
    first = REAL_CODE_VERSION()
    (code / "notes.txt").write_text("still not code\n")
    assert REAL_CODE_VERSION() == first
    (code / "pipeline.py").write_text("STEP = 2\n")
    second = REAL_CODE_VERSION()
    assert second != first
    # the stage packages' code counts as much as the top level's
    (code / "check" / "rules.py").write_text("RULE = 2\n")
    assert REAL_CODE_VERSION() != second


def test_a_run_with_other_settings_is_not_taken_for_an_unchanged_one(
    base_raw: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    pipeline.run(base_raw, output)
    assert not pipeline.run(base_raw, output, quarantine=True).unchanged
    assert pipeline.run(base_raw, output, quarantine=True).unchanged
    plain = release_manifest.input_hashes(base_raw)
    assert release_manifest.input_hashes(base_raw, options={"quarantine": False}) == plain


def test_new_code_with_the_same_output_refreshes_the_manifest_only(
    base_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    first = pipeline.run(base_raw, output)
    changelog = (output / release_changelog.CHANGELOG_JSON).read_bytes()
    monkeypatch.setattr(release_manifest, "code_version", lambda: "a refactoring")
    second = pipeline.run(base_raw, output)
    assert not second.unchanged
    assert second.release_id == first.release_id
    assert second.notes.changelog.empty
    # the release keeps the changelog from its predecessor, not an empty one
    assert (output / release_changelog.CHANGELOG_JSON).read_bytes() == changelog
    manifest = release_manifest.read_manifest(output)
    assert manifest["inputs"]["code/flows"] == "a refactoring"
    assert pipeline.run(base_raw, output).unchanged
