"""Releases: manifest, content-derived ids, keeping the last N, diff, rollback, summary."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from flows import cli, pipeline
from flows.release import changelog as release_changelog
from flows.release import manifest as release_manifest
from flows.release import rollback as release_rollback
from flows.release import summary
from flows.release.store import KEEP_ENV, LockBusy, ReleaseStore, StoreError
from schemas import DATASETS

pytestmark = pytest.mark.usefixtures("steady_release_inputs")


@pytest.fixture(autouse=True)
def default_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEEP_ENV, raising=False)


def edit(raw: Path, old: str, new: str, file: str = "events.csv") -> None:
    path = raw / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_manifest_lists_every_file_with_size_hash_rows_and_inputs(
    base_raw: Path, tmp_path: Path
) -> None:
    result = pipeline.run(base_raw, tmp_path / "output")
    folder = tmp_path / "output"
    manifest = json.loads((folder / release_manifest.MANIFEST).read_text())
    assert manifest["release_id"] == result.release_id == folder.resolve().name
    on_disk = {p.name for p in folder.iterdir()} - {release_manifest.MANIFEST}
    assert set(manifest["files"]) == on_disk
    for name, facts in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert facts["bytes"] == len(data)
        assert facts["sha256"] == release_manifest.hashlib.sha256(data).hexdigest()
    assert manifest["rows"] == result.rows
    assert manifest["inputs"] == release_manifest.input_hashes(base_raw)


def test_release_id_covers_the_data_and_not_the_release_notes(
    base_raw: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "output"
    release = pipeline.run(base_raw, folder).release_id
    assert release.startswith("2026-01-01-")
    assert pipeline.release_id(folder.resolve(), pipeline.release_date()) == release
    (folder / release_changelog.CHANGELOG_MD).write_text("rewritten notes\n")
    assert pipeline.release_id(folder.resolve(), pipeline.release_date()) == release


def test_same_input_gives_byte_identical_releases(base_raw: Path, tmp_path: Path) -> None:
    a = pipeline.run(base_raw, tmp_path / "a")
    b = pipeline.run(base_raw, tmp_path / "b")
    assert a.release_id == b.release_id
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_changelog_is_published_in_the_release(base_raw: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    first = pipeline.run(base_raw, output).release_id
    edit(base_raw, "Frühsommer", "Spätsommer")
    second = pipeline.run(base_raw, output)
    log = json.loads((output / release_changelog.CHANGELOG_JSON).read_text())
    assert (log["from_release"], log["to_release"]) == (first, second.release_id)
    events = log["datasets"]["events"]
    assert (events["added"], events["removed"], events["changed"]) == (0, 0, 1)
    [row] = events["changed_rows"]
    assert row["columns"] == {"date_note_de": {"old": "Frühsommer", "new": "Spätsommer"}}
    markdown = (output / release_changelog.CHANGELOG_MD).read_text()
    assert "| date_note_de | Frühsommer | Spätsommer |" in markdown
    assert "Frühsommer" in second.summary.to_text()
    assert "Frühsommer" in second.summary.to_markdown()


def test_only_the_last_n_releases_are_kept(
    base_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    monkeypatch.setenv(KEEP_ENV, "2")
    made, previous = [], "Frühsommer"
    for season in ("Frühling", "Sommer", "Herbst"):
        edit(base_raw, previous, season)
        made.append(pipeline.run(base_raw, output).release_id)
        previous = season
    store = ReleaseStore(output)
    assert store.keep == 2
    assert sorted(store.release_ids()) == sorted(made[1:])
    assert store.current_id() == made[-1]
    assert ReleaseStore(output, keep=5).keep == 5  # the CLI's --keep wins over the env


def test_a_bad_keep_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEEP_ENV, "many")
    with pytest.raises(StoreError, match=KEEP_ENV):
        ReleaseStore(Path("output"))
    with pytest.raises(StoreError, match="at least 1"):
        ReleaseStore(Path("output"), keep=0)


def two_releases(raw: Path, output: Path) -> tuple[str, str]:
    first = pipeline.run(raw, output).release_id
    edit(raw, "Frühsommer", "Spätsommer")
    return first, pipeline.run(raw, output).release_id


def test_rollback_points_output_at_the_older_release_atomically(
    base_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "output"
    first, second = two_releases(base_raw, output)
    code = cli.main(["rollback", first, "--output", str(output)])
    assert code == cli.EXIT_OK, capsys.readouterr().err
    assert output.is_symlink() and output.resolve().name == first
    assert f"now shows release {first} (was {second})" in capsys.readouterr().out
    # the old release is complete: its own manifest describes it
    assert release_manifest.read_manifest(output)["release_id"] == first
    # the next run rebuilds from raw/ (inputs differ from the rolled-back release's)
    assert pipeline.run(base_raw, output).release_id == second


def test_rollback_refuses_unknown_incomplete_and_locked_releases(
    base_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "output"
    first, second = two_releases(base_raw, output)
    store = ReleaseStore(output)
    assert cli.main(["rollback", "2020-01-01-0000000000", "--output", str(output)]) == 2
    assert f"kept releases: {', '.join(sorted([first, second]))}" in capsys.readouterr().err

    (store.releases / first / "events.csv").write_text("truncated")
    with pytest.raises(StoreError, match=r"incomplete: events\.csv"):
        release_rollback.rollback(store, first)

    with store.locked(), pytest.raises(LockBusy):
        release_rollback.rollback(ReleaseStore(output), second)
    assert store.current_id() == second


def test_diff_command_prints_the_changelog_of_two_kept_releases(
    base_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "output"
    first, second = two_releases(base_raw, output)
    assert cli.main(["diff", first, second, "--output", str(output)]) == cli.EXIT_OK
    text = capsys.readouterr().out
    assert f"changes {first} -> {second}:" in text
    assert "events: 0 added, 0 removed, 1 changed" in text
    assert "date_note_de: 'Frühsommer' -> 'Spätsommer'" in text
    assert cli.main(["diff", second, first, "--markdown", "--output", str(output)]) == 0
    assert "| date_note_de | Spätsommer | Frühsommer |" in capsys.readouterr().out


def test_published_summary_counts_rows_changes_and_files(base_raw: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    two_releases(base_raw, output)
    edit(base_raw, "Spätsommer", "Herbst")
    result = pipeline.run(base_raw, output)
    run = result.summary
    assert run.status == summary.PUBLISHED
    events = next(d for d in run.datasets if d.name == "events")
    assert (events.rows_published, events.rows_changed, events.errors) == (
        result.rows["events"],
        1,
        0,
    )

    def files_of(name: str) -> int:
        # the website's pages describe the data and are counted with the release notes
        return sum(
            1 for p in output.iterdir() if p.name.split(".")[0] == name and p.suffix != ".html"
        )

    assert (events.files_written, events.files_skipped) == (files_of("events"), 0)
    partnerships = next(d for d in run.datasets if d.name == "partnerships")
    assert (partnerships.rows_changed, partnerships.files_written) == (0, 0)
    assert partnerships.files_skipped == files_of("partnerships") >= 3
    text = run.to_text()
    assert text.startswith(f"published release {result.release_id}")
    assert "duration:" in text
    headings = [line for line in run.to_markdown().splitlines() if line.startswith("#")]
    assert headings[:2] == ["# Laufbericht / Run summary", "## Ziele / Targets"]
    # the changelog is a section of the summary, its headings one level down
    assert headings[2:] == [
        "## Änderungen / Changes",
        "### events",
        "#### Geänderte Zeilen / rows changed (1)",
    ]


def test_failed_summary_says_what_failed_where_the_report_is_and_what_is_current(
    base_raw: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    good = pipeline.run(base_raw, output).release_id
    edit(base_raw, "rostow-1974-offer,rostow-am-don", "rostow-1974-offer,nowhere")
    result = pipeline.run(base_raw, output)
    assert not result.ok
    run = result.summary
    text = run.to_text()
    assert "FAILED: validation of raw/" in text
    assert f"the previous release {good} is still current" in text
    assert f"report: {result.report_folder}" in text
    assert (result.report_folder / "report.md").is_file()
    events = next(d for d in run.datasets if d.name == "events")
    assert events.errors >= 1
    assert f"previous release {good} is still current" in run.to_markdown()


def test_target_results_have_their_place_in_the_summary() -> None:
    run = summary.RunSummary(summary.PUBLISHED, "2026-01-01-abc", datasets=[])
    run.target_results.append(summary.TargetResult("s3://bucket/x", True, 3, 12))
    run.target_results.append(summary.TargetResult("ftp://host/x", False, message="login refused"))
    assert "target s3://bucket/x: ok, 3 transferred, 12 skipped" in run.to_text()
    assert "| ftp\\://host/x | NEIN / NO | 0 | 0 | login refused |" in run.to_markdown()


def test_progress_is_quiet_without_a_terminal() -> None:
    stream = io.StringIO()
    with summary.progress("writing", stream):
        pass
    assert stream.getvalue() == ""


def test_progress_shows_the_step_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    with summary.progress("writing datasets", stream):
        pass
    assert "writing datasets" in stream.getvalue()


def test_every_dataset_appears_in_the_manifest_rows(base_raw: Path, tmp_path: Path) -> None:
    pipeline.run(base_raw, tmp_path / "output")
    rows = release_manifest.row_counts((tmp_path / "output").resolve())
    assert set(rows) == {ds.name for ds in DATASETS}
    assert os.path.islink(tmp_path / "output")


def test_publish_results_and_failures_become_target_results() -> None:
    from flows.publish.base import PublishResult

    done = PublishResult("s3://bucket/open", uploaded=["events.csv"], unchanged=["a", "b"])
    results = summary.target_results([done], {"ftp://host/x": ConnectionError("refused")})
    assert [(r.target, r.ok, r.files_transferred, r.files_skipped) for r in results] == [
        ("s3://bucket/open", True, 1, 2),
        ("ftp://host/x", False, 0, 0),
    ]
    assert results[1].message == "ConnectionError: refused"
    run = summary.targets_failed("publishing failed for ftp://host/x", "2026-01-01-abc", results)
    assert run.to_text().startswith(
        "FAILED: publishing failed for ftp://host/x; release 2026-01-01-abc is current"
    )
    assert "target ftp://host/x: FAILED" in run.to_text()
