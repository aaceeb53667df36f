"""Publishing to a real S3-compatible server (s3rver on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
import s3fs
from servers.release import release  # noqa: F401 - fixture
from servers.s3rver import S3Server, s3_server  # noqa: F401 - fixture

from flows.publish import targets
from flows.publish.base import MANIFEST_NAME, release_files

pytestmark = pytest.mark.slow

PREFIX = "dortmund/partnerships"


@pytest.fixture
def s3_env(s3_server: S3Server, monkeypatch) -> S3Server:  # noqa: F811
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint)
    return s3_server


def client(server: S3Server) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(
        key=server.key,
        secret=server.secret,
        endpoint_url=server.endpoint,
        skip_instance_cache=True,
        use_listings_cache=False,
    )


def modified_times(fs: s3fs.S3FileSystem, path: str) -> dict[str, object]:
    return {e["name"]: (e["LastModified"], e["ETag"]) for e in fs.ls(path, detail=True)}


def test_publish_reads_back_and_second_publish_transfers_nothing(
    release: Path,  # noqa: F811
    s3_env: S3Server,
) -> None:
    started = time.perf_counter()
    url = f"s3://{s3_env.bucket}/{PREFIX}"
    names = [p.name for p in release_files(release)]

    first = targets.publish(release, url)
    assert first.uploaded == names
    assert first.transferred

    fs = client(s3_env)
    stored = {p.rsplit("/", 1)[-1] for p in fs.ls(f"{s3_env.bucket}/{PREFIX}", detail=False)}
    assert stored == {*names, MANIFEST_NAME}
    for name in names:
        remote = fs.cat_file(f"{s3_env.bucket}/{PREFIX}/{name}")
        local = (release / name).read_bytes()
        assert hashlib.sha256(remote).hexdigest() == hashlib.sha256(local).hexdigest(), name
    modified = modified_times(fs, f"{s3_env.bucket}/{PREFIX}")

    second = targets.publish(release, url)
    assert second.uploaded == [] and second.deleted == []
    assert second.unchanged == names
    assert "nothing transferred" in second.summary()
    fs = client(s3_env)
    assert modified_times(fs, f"{s3_env.bucket}/{PREFIX}") == modified
    print(f"s3 publish round trip: {time.perf_counter() - started:.2f} s")


def test_changed_file_is_the_only_one_sent(
    release: Path,  # noqa: F811
    s3_env: S3Server,
    tmp_path: Path,
) -> None:
    copy = tmp_path / "release"
    copy.mkdir()
    for path in release_files(release):
        (copy / path.name).write_bytes(path.read_bytes())
    url = f"s3://{s3_env.bucket}/changed"
    targets.publish(copy, url)
    (copy / "events.csv").write_bytes(b"changed\r\n")
    (copy / "events.json").unlink()

    result = targets.publish(copy, url)

    assert result.uploaded == ["events.csv"]
    assert result.deleted == ["events.json"]
    fs = client(s3_env)
    assert fs.cat_file(f"{s3_env.bucket}/changed/events.csv") == b"changed\r\n"
    assert not fs.exists(f"{s3_env.bucket}/changed/events.json")


def test_missing_credentials_stop_before_any_upload(
    release: Path,  # noqa: F811
    s3_env: S3Server,
    monkeypatch,
) -> None:
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(targets.CredentialsMissing, match="AWS_SECRET_ACCESS_KEY"):
        targets.publish(release, f"s3://{s3_env.bucket}/nocreds")
    assert not client(s3_env).exists(f"{s3_env.bucket}/nocreds")


def test_wrong_credentials_are_an_authentication_error(
    release: Path,  # noqa: F811
    s3_env: S3Server,
    monkeypatch,
) -> None:
    # s3rver checks the key id (its signature check accepts any secret)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "NOT-THE-KEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(targets.AuthenticationFailed) as raised:
        targets.publish(release, f"s3://{s3_env.bucket}/wrong")
    assert "not-the-secret" not in str(raised.value)
    assert not client(s3_env).exists(f"{s3_env.bucket}/wrong")


def test_missing_bucket_is_rejected_not_retried(
    release: Path,  # noqa: F811
    s3_env: S3Server,
) -> None:
    with pytest.raises(targets.PublishRejected, match="no-such-bucket"):
        targets.publish(release, "s3://no-such-bucket/x")
