"""Publishing to a real FTP server (pyftpdlib on 127.0.0.1), plain and over TLS."""

from __future__ import annotations

import ftplib
import hashlib
import io
import ssl
import time
from pathlib import Path

import pytest
from servers import free_port
from servers.ftp import PASSWORD, USER, FtpServer, ftp_server, ftps_server  # noqa: F401
from servers.release import release  # noqa: F401 - fixture

from flows.publish import targets
from flows.publish.base import MANIFEST_NAME, is_metadata, release_files

pytestmark = pytest.mark.slow

FOLDER = "opendata/partnerships"


def read_back(server: FtpServer, names: list[str]) -> dict[str, str]:
    """sha256 of each file as the server hands it out."""
    if server.certfile:
        ftp: ftplib.FTP = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=server.certfile))
    else:
        ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", server.port, timeout=10)
    ftp.login(USER, PASSWORD)
    if isinstance(ftp, ftplib.FTP_TLS):
        ftp.prot_p()
    ftp.cwd(FOLDER)
    digests = {}
    for name in names:
        buffer = io.BytesIO()
        ftp.retrbinary(f"RETR {name}", buffer.write)
        digests[name] = hashlib.sha256(buffer.getvalue()).hexdigest()
    ftp.quit()
    return digests


def round_trip(folder: Path, server: FtpServer) -> None:
    names = [p.name for p in release_files(folder)]
    url = server.url(FOLDER)

    first = targets.publish(folder, url)

    assert first.uploaded == names
    local = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}
    assert read_back(server, names) == local
    stored = sorted(p.name for p in (server.home / FOLDER).iterdir())
    assert stored == sorted([*names, MANIFEST_NAME])  # no .part file left behind
    writes = server.writes()
    stores = [arg for cmd, arg in writes if cmd == "STOR"]
    assert all(arg.startswith(".") and arg.endswith(".part") for arg in stores)
    renamed = [arg for cmd, arg in writes if cmd == "RNTO"]
    assert renamed == [*names, MANIFEST_NAME]
    last_data = max(i for i, n in enumerate(renamed) if not is_metadata(n))
    first_metadata = min(i for i, n in enumerate(renamed) if is_metadata(n))
    assert last_data < first_metadata

    server.commands.clear()
    second = targets.publish(folder, url)

    assert second.uploaded == [] and second.unchanged == names
    assert "nothing transferred" in second.summary()
    assert server.writes() == []
    assert any(cmd == "RETR" for cmd, _ in server.commands)  # it did look


def test_ftp_publish_reads_back_and_second_publish_transfers_nothing(
    release: Path,  # noqa: F811
    ftp_server: FtpServer,  # noqa: F811
    monkeypatch,
) -> None:
    started = time.perf_counter()
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", PASSWORD)
    round_trip(release, ftp_server)
    print(f"ftp round trip: {time.perf_counter() - started:.2f} s")


def test_ftps_publish_reads_back_and_second_publish_transfers_nothing(
    release: Path,  # noqa: F811
    ftps_server: FtpServer,  # noqa: F811
    monkeypatch,
) -> None:
    started = time.perf_counter()
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("PARTNERSHIPS_FTP_CA_FILE", str(ftps_server.certfile))
    round_trip(release, ftps_server)
    print(f"ftps round trip: {time.perf_counter() - started:.2f} s")


def test_ftps_refuses_an_untrusted_certificate(
    release: Path,  # noqa: F811
    ftps_server: FtpServer,  # noqa: F811
    monkeypatch,
) -> None:
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", PASSWORD)
    monkeypatch.delenv("PARTNERSHIPS_FTP_CA_FILE", raising=False)
    with pytest.raises(targets.AuthenticationFailed, match="not trusted"):
        targets.publish(release, ftps_server.url(FOLDER))
    assert not any(cmd == "PASS" for cmd, _ in ftps_server.commands)


def test_wrong_password_is_an_authentication_error_and_never_shown(
    release: Path,  # noqa: F811
    ftp_server: FtpServer,  # noqa: F811
    monkeypatch,
) -> None:
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", "wrong-password-xyz")
    with pytest.raises(targets.AuthenticationFailed, match="login refused") as raised:
        targets.publish(release, ftp_server.url(FOLDER))
    assert "wrong-password-xyz" not in str(raised.value)
    assert ftp_server.writes() == []


def test_missing_password_stops_before_connecting(
    release: Path,  # noqa: F811
    ftp_server: FtpServer,  # noqa: F811
    monkeypatch,
) -> None:
    monkeypatch.delenv("PARTNERSHIPS_FTP_PASSWORD", raising=False)
    with pytest.raises(targets.CredentialsMissing, match="PARTNERSHIPS_FTP_PASSWORD"):
        targets.check(ftp_server.url(FOLDER))
    with pytest.raises(targets.CredentialsMissing):
        targets.publish(release, ftp_server.url(FOLDER))
    assert ftp_server.commands == []


def test_an_unreachable_server_is_a_transient_error(
    release: Path,  # noqa: F811
    monkeypatch,
) -> None:
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", PASSWORD)
    url = f"ftp://{USER}@127.0.0.1:{free_port()}/x"  # nothing listens there
    with pytest.raises(targets.TransientTargetError, match="ConnectionRefusedError"):
        targets.publish(release, url)


def test_password_in_the_url_is_refused(release: Path) -> None:  # noqa: F811
    with pytest.raises(targets.PublishRejected, match="PARTNERSHIPS_FTP_PASSWORD") as raised:
        targets.check("ftp://user:hunter2@127.0.0.1/x")
    assert "hunter2" not in str(raised.value)
