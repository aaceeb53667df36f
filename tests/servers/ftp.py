"""A real FTP server (pyftpdlib) on 127.0.0.1, plain and with explicit TLS.

It runs in a thread of the test process and records every command it receives, so a
test can check the upload order and that a second publish sends nothing.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer

USER = "dortmund"
PASSWORD = "test-only-password"


@dataclass
class FtpServer:
    port: int
    home: Path
    commands: list[tuple[str, str]] = field(default_factory=list)
    certfile: Path | None = None

    def url(self, folder: str) -> str:
        scheme = "ftps" if self.certfile else "ftp"
        return f"{scheme}://{USER}@127.0.0.1:{self.port}/{folder}"

    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.commands if c[0] in {"STOR", "APPE", "RNFR", "RNTO", "DELE"}]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made now: no key material lives in the repository."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


def serve(folder: Path, tls: bool) -> Iterator[FtpServer]:
    home = folder / "home"
    home.mkdir()
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(home), perm="elradfmwMT")
    commands: list[tuple[str, str]] = []

    class Recording(TLS_FTPHandler if tls else FTPHandler):  # type: ignore[misc]
        def pre_process_command(self, line, cmd, arg):
            commands.append((cmd, arg or ""))
            return super().pre_process_command(line, cmd, arg)

    Recording.authorizer = authorizer
    Recording.auth_failed_timeout = 0.1  # the default 3 s pause only slows the tests
    certfile = None
    if tls:
        certfile, keyfile = self_signed_certificate(folder)
        Recording.certfile = str(certfile)
        Recording.keyfile = str(keyfile)
        Recording.tls_control_required = True
        Recording.tls_data_required = True
    server = FTPServer(("127.0.0.1", 0), Recording)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"timeout": 0.05, "handle_exit": False}, daemon=True
    )
    thread.start()
    try:
        yield FtpServer(server.address[1], home, commands, certfile)
    finally:
        server.close_all()
        thread.join(5)


@pytest.fixture
def ftp_server(tmp_path: Path) -> Iterator[FtpServer]:
    yield from serve(tmp_path, tls=False)


@pytest.fixture
def ftps_server(tmp_path: Path) -> Iterator[FtpServer]:
    yield from serve(tmp_path, tls=True)
