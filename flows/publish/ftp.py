"""An FTP folder in the layout of Opendatasoft's "FTP with meta CSV" harvester.

`ftp://user@host[:port]/path` or `ftps://...` (explicit TLS, data channel protected).
The folder is flat: the data files, their field schemas (`index.<dataset>.schema.csv`) and the
release's index.csv (the meta CSV the harvester reads) beside them. Each file is stored
as `.<name>.part` and renamed, so the harvester never reads a half-written file, and
index.csv goes up after the data and the schemas it names.

Environment: PARTNERSHIPS_FTP_PASSWORD (required), PARTNERSHIPS_FTP_USER (when the URL
names no user), PARTNERSHIPS_FTP_CA_FILE (a CA bundle for a server whose certificate is
not signed by a public authority).
"""

from __future__ import annotations

import ftplib
import io
import os
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flows.publish import credentials
from flows.publish.base import (
    AuthenticationFailed,
    CredentialsMissing,
    PublishRejected,
    PublishResult,
    TargetError,
    TransientTargetError,
    publish_files,
)

PASSWORD_VAR = "PARTNERSHIPS_FTP_PASSWORD"
USER_VAR = "PARTNERSHIPS_FTP_USER"
CA_FILE_VAR = "PARTNERSHIPS_FTP_CA_FILE"
TIMEOUT_SECONDS = 60


class TolerantSSLSocket(ssl.SSLSocket):
    """Ends a TLS data connection that carried nothing without failing.

    When a listing is empty the server closes the data connection right after the TLS
    1.3 handshake, and the closing `unwrap()` fails with SHUTDOWN_WHILE_IN_INIT although
    the transfer is complete; ftplib then reads the server's 226 as usual.
    """

    def unwrap(self):
        try:
            return super().unwrap()
        except ssl.SSLError as error:
            if error.reason != "SHUTDOWN_WHILE_IN_INIT":
                raise
            return None


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control connection's TLS session.

    Servers such as vsftpd (require_ssl_reuse, on by default) refuse data connections
    that start a new session; the standard library's FTP_TLS does not resume one.
    """

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(
                conn, server_hostname=self.host, session=self.sock.session
            )
        return conn, size


class FtpStore:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.tls = parts.scheme == "ftps"
        if parts.password is not None:
            raise PublishRejected(
                f"{parts.scheme}://{parts.hostname}: do not put the password into the URL "
                f"(it ends up in logs and process lists); set {PASSWORD_VAR}"
            )
        if not parts.hostname:
            raise PublishRejected(f"{url}: no host given (expected ftp://user@host/path)")
        self.host = parts.hostname
        self.port = parts.port or 21
        # RFC 1738: the path is relative to the login folder; a leading %2F makes it absolute
        self.folder_parts = [unquote(p) for p in parts.path.split("/")[1:] if p]
        self.folder = "/" + "/".join(self.folder_parts)
        self.user = unquote(parts.username) if parts.username else os.environ.get(USER_VAR)
        self.display = f"{parts.scheme}://{self.user or ''}{'@' if self.user else ''}"
        self.display += f"{self.host}:{self.port}{self.folder}"
        if not self.user:
            raise CredentialsMissing(
                f"{self.display}: no user: name it in the URL or set {USER_VAR}"
            )
        (self.password,) = credentials.require(self.display, PASSWORD_VAR)
        self._ftp: ftplib.FTP | None = None

    # --- connection -------------------------------------------------------------

    def connect(self) -> ftplib.FTP:
        if self._ftp is not None:
            return self._ftp
        if self.tls:
            context = ssl.create_default_context(cafile=os.environ.get(CA_FILE_VAR) or None)
            context.sslsocket_class = TolerantSSLSocket
            ftp: ftplib.FTP = ReusingFTP_TLS(context=context, timeout=TIMEOUT_SECONDS)
        else:
            ftp = ftplib.FTP(timeout=TIMEOUT_SECONDS)
        ftp.connect(self.host, self.port)
        ftp.login(self.user or "", self.password)
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.prot_p()
        self._enter_folder(ftp)
        self._ftp = ftp
        return ftp

    def _enter_folder(self, ftp: ftplib.FTP) -> None:
        for part in self.folder_parts:
            if part.startswith("/"):
                ftp.cwd("/")
                part = part.lstrip("/")
                if not part:
                    continue
            try:
                ftp.cwd(part)
            except ftplib.error_perm:
                ftp.mkd(part)
                ftp.cwd(part)

    def close(self) -> None:
        if self._ftp is not None:
            try:
                self._ftp.quit()
            except (OSError, EOFError, ftplib.Error):
                self._ftp.close()
            self._ftp = None

    # --- the FileStore steps ----------------------------------------------------

    def names(self) -> set[str]:
        ftp = self.connect()
        try:
            return {name.rsplit("/", 1)[-1] for name in ftp.nlst()}
        except ftplib.error_perm as error:
            if str(error).startswith("550"):  # some servers answer an empty folder so
                return set()
            raise

    def read(self, name: str) -> bytes | None:
        ftp = self.connect()
        buffer = io.BytesIO()
        try:
            ftp.retrbinary(f"RETR {name}", buffer.write)
        except ftplib.error_perm as error:
            if str(error).startswith("550"):
                return None
            raise
        return buffer.getvalue()

    def put(self, local: Path, name: str) -> None:
        with open(local, "rb") as handle:
            self._store(handle, name)

    def put_bytes(self, data: bytes, name: str) -> None:
        self._store(io.BytesIO(data), name)

    def _store(self, handle: io.BufferedIOBase | io.BytesIO, name: str) -> None:
        ftp = self.connect()
        partial = f".{name}.part"
        ftp.storbinary(f"STOR {partial}", handle)
        try:
            ftp.rename(partial, name)
        except ftplib.error_perm:
            # servers that refuse to rename onto an existing file
            ftp.delete(name)
            ftp.rename(partial, name)

    def delete(self, name: str) -> None:
        self.connect().delete(name)


def publish_ftp(release_folder: Path, url: str) -> PublishResult:
    store = FtpStore(url)
    try:
        return publish_files(store, release_folder)
    except TargetError:
        raise
    except ftplib.error_perm as error:
        if str(error).startswith("530"):
            raise AuthenticationFailed(f"{store.display}: login refused: {error}") from None
        raise PublishRejected(f"{store.display}: the server refused: {error}") from None
    except ssl.SSLCertVerificationError as error:
        raise AuthenticationFailed(
            f"{store.display}: the server's certificate is not trusted ({error.verify_message}); "
            f"set {CA_FILE_VAR} to its CA bundle"
        ) from None
    except (ftplib.error_temp, ftplib.error_reply, OSError, EOFError) as error:
        raise TransientTargetError(f"{store.display}: {type(error).__name__}: {error}") from error
    finally:
        store.close()
