"""Publishing to a local folder, the upload order, and the Prefect and CLI wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prefect import flow
from prefect.blocks.system import Secret
from prefect.states import Completed, Failed
from servers import not_installed
from servers.release import release  # noqa: F401 - fixture

from flows import cli
from flows import publishing as tasks
from flows.publish import targets
from flows.publish.base import DATA_FILES, MANIFEST_NAME, is_metadata, release_files
from flows.publish.ftp import FtpStore
from flows.release.store import ReleaseStore


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_data_files_go_first_and_metadata_last(release: Path) -> None:  # noqa: F811
    names = [p.name for p in release_files(release)]
    kinds = [is_metadata(name) for name in names]
    assert kinds == sorted(kinds), names  # every data file before every metadata file
    assert set(names) >= DATA_FILES
    assert "datapackage.json" in names and is_metadata("datapackage.json")
    for name in ("index.csv", "catalog.ttl", "catalog.rdf", "CHANGELOG.md"):
        assert is_metadata(name)
    assert not is_metadata("partnerships.csv")


def test_local_folder_round_trip(release: Path, tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "portal"

    first = targets.publish(release, f"file://{target}")

    names = [p.name for p in release_files(release)]
    assert first.uploaded == names
    assert first.bytes_uploaded == sum((release / n).stat().st_size for n in names)
    copied = snapshot(target)
    manifest = json.loads(copied.pop(MANIFEST_NAME))
    assert copied == snapshot(release)
    assert sorted(manifest["sha256"]) == sorted(names)

    second = targets.publish(release, str(target))

    assert not second.transferred
    assert second.summary() == f"{target}: nothing transferred, all {len(names)} files unchanged"
    assert snapshot(target) == {**copied, MANIFEST_NAME: (target / MANIFEST_NAME).read_bytes()}


def test_changed_and_removed_files(release: Path, tmp_path: Path) -> None:  # noqa: F811
    source = tmp_path / "release"
    source.mkdir()
    for path in release_files(release):
        (source / path.name).write_bytes(path.read_bytes())
    target = tmp_path / "portal"
    targets.publish(source, str(target))
    (target / "readme-of-the-portal.txt").write_text("not ours")
    (source / "events.parquet").unlink()
    (source / "partnerships.csv").write_bytes(b"id\r\n1\r\n")

    result = targets.publish(source, str(target))

    assert result.uploaded == ["partnerships.csv"]
    assert result.deleted == ["events.parquet"]
    assert "removed 1 no longer in the release" in result.summary()
    assert (target / "partnerships.csv").read_bytes() == b"id\r\n1\r\n"
    assert not (target / "events.parquet").exists()
    assert (target / "readme-of-the-portal.txt").read_text() == "not ours"
    assert not [p for p in target.iterdir() if p.name.endswith(".part")]


def test_a_file_missing_at_the_target_is_sent_again(release: Path, tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "portal"
    targets.publish(release, str(target))
    (target / "events.csv").unlink()
    (target / MANIFEST_NAME).write_text("{not json")

    result = targets.publish(release, str(target))

    assert "events.csv" in result.uploaded
    assert (target / "events.csv").read_bytes() == (release / "events.csv").read_bytes()


def test_the_published_folder_itself_is_left_alone(release: Path) -> None:  # noqa: F811
    before = snapshot(release)
    result = targets.publish(release, str(release))
    assert not result.transferred
    assert snapshot(release) == before


@pytest.mark.parametrize(
    "url",
    ["gopher://host/x", "ftp://user:secret@host/x", "s3:///prefix", "ckan+https://u:secret@h"],
)
def test_unusable_urls_are_refused_before_anything_happens(url: str, monkeypatch) -> None:
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", "x")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("PARTNERSHIPS_CKAN_API_TOKEN", "x")
    with pytest.raises(targets.TargetError) as raised:
        targets.check(url)
    assert "secret" not in str(raised.value)


def test_missing_credentials_name_every_variable(monkeypatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(targets.CredentialsMissing) as raised:
        targets.check("s3://bucket/prefix")
    message = str(raised.value)
    assert "AWS_ACCESS_KEY_ID" in message and "AWS_SECRET_ACCESS_KEY" in message
    assert "aws-secret-access-key" in message  # the Prefect Secret block to create


def test_only_transient_errors_are_retried() -> None:
    retry = tasks.retry_only_transient
    assert retry(None, None, Failed(data=targets.TransientTargetError("reset")))
    assert not retry(None, None, Failed(data=targets.AuthenticationFailed("530")))
    assert not retry(None, None, Failed(data=targets.PublishRejected("409")))
    assert not retry(None, None, Completed(data=None))


@pytest.mark.slow
@pytest.mark.prefect
def test_prefect_retries_and_the_cli(
    release: Path,  # noqa: F811
    tmp_path: Path,
    base_raw: Path,
    prefect_env,
    monkeypatch,
    capsys,
) -> None:
    calls: list[str] = []
    real_publish = targets.publish

    def flaky(folder: Path, url: str) -> targets.PublishResult:
        calls.append(url)
        if "flaky" in url and calls.count(url) < 3:
            raise targets.TransientTargetError("connection reset")
        if url.endswith("denied"):
            raise targets.AuthenticationFailed("login refused")
        return real_publish(folder, url)

    monkeypatch.setattr(tasks.targets, "publish", flaky)
    monkeypatch.setattr(tasks.publish_target_task, "retry_delay_seconds", [0, 0, 0])

    @flow
    def two_targets(urls: list[str]) -> list[targets.PublishResult]:
        return tasks.publish_to_all(release, urls)

    flaky_url, denied_url = str(tmp_path / "flaky"), str(tmp_path / "denied")
    assert [r.uploaded != [] for r in two_targets([flaky_url])] == [True]
    assert calls == [flaky_url] * 3  # two transient failures, then success
    calls.clear()
    flaky_url = str(tmp_path / "flaky-again")
    with pytest.raises(tasks.PublishFailed, match="login refused"):
        two_targets([denied_url, flaky_url])
    # no retry after a refused login; the other target was still published, with retries
    assert calls == [denied_url, flaky_url, flaky_url, flaky_url]
    monkeypatch.setattr(tasks.targets, "publish", real_publish)

    output = release.parents[2] / "output"
    assert ReleaseStore(output).current() == release
    portal = tmp_path / "portal"
    assert cli.main(["publish", "--output", str(output), "--target", str(portal)]) == 0
    assert snapshot(portal).keys() >= {p.name for p in release.iterdir()}
    assert cli.main(["publish", "--output", str(output), "--target", str(portal)]) == 0
    assert "nothing transferred" in capsys.readouterr().out

    monkeypatch.delenv("PARTNERSHIPS_FTP_PASSWORD", raising=False)
    url = "ftp://user@127.0.0.1:9/x"
    assert cli.main(["publish", "--output", str(output), "--target", url]) == cli.EXIT_PUBLISH
    assert "PARTNERSHIPS_FTP_PASSWORD" in capsys.readouterr().err

    # a Prefect Secret block stands in for the variable inside a flow run
    Secret(value="from-a-block").save("partnerships-ftp-password", overwrite=True)

    @flow
    def password_of(url: str) -> str:
        return FtpStore(url).password

    assert password_of(url) == "from-a-block"

    # missing credentials stop a run before it builds anything
    monkeypatch.delenv("PARTNERSHIPS_FTP_PASSWORD", raising=False)
    Secret(value="").save("partnerships-ftp-password", overwrite=True)
    never = tmp_path / "never-built"
    argv = ["run", "--raw", str(base_raw), "--output", str(never), "--target", url]
    assert cli.main(argv) == cli.EXIT_PUBLISH
    assert "PARTNERSHIPS_FTP_PASSWORD" in capsys.readouterr().err
    assert not never.exists()
    empty = tmp_path / "no-release"
    assert cli.main(["publish", "--output", str(empty), "--target", str(portal)]) == 5
    assert "no release yet" in capsys.readouterr().err

    # `run --target` builds a release and publishes it in the same flow run
    built, published = tmp_path / "built", tmp_path / "published"
    argv = ["run", "--raw", str(base_raw), "--output", str(built), "--target", str(published)]
    assert cli.main(argv) == 0
    assert "uploaded" in capsys.readouterr().out
    assert snapshot(published).keys() >= {p.name for p in built.resolve().iterdir()}


def test_a_missing_server_fails_under_ci_and_skips_elsewhere(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install-test-servers"):
        not_installed("s3rver")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        not_installed("s3rver")
