"""Publish a release folder to where the portals read it; chosen by the target URL.

    /srv/opendata, file:///srv/opendata   a local folder (the default is output/ itself)
    s3://bucket/prefix                    an S3-compatible store (flows.publish.s3)
    ftp://user@host/path, ftps://...      Opendatasoft's "FTP with meta CSV" (flows.publish.ftp)
    ckan+https://host, ckan+http://host   a CKAN portal's Action API (flows.publish.ckan)

Every target sends data files first and index and metadata files last, skips files whose
sha256 it already holds, and raises `TransientTargetError` only for failures worth a
retry. Credentials come from environment variables or Prefect Secret blocks; see
docs/publishing.md.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flows.publish.base import (
    AuthenticationFailed,
    CredentialsMissing,
    PublishRejected,
    PublishResult,
    TargetError,
    TransientTargetError,
)

SCHEMES = ("file", "s3", "ftp", "ftps", "ckan+http", "ckan+https")


def scheme(target_url: str) -> str:
    """The target's scheme; a plain path is a local folder."""
    parts = urlsplit(target_url)
    if len(parts.scheme) <= 1:  # no scheme, or a Windows drive letter
        return "file"
    if parts.scheme not in SCHEMES:
        raise PublishRejected(
            f"unknown target {parts.scheme}://...; use a folder, " + ", ".join(SCHEMES[1:])
        )
    return parts.scheme


def local_folder(target_url: str) -> Path:
    parts = urlsplit(target_url)
    return Path(parts.path) if parts.scheme == "file" else Path(target_url)


def check(target_url: str) -> None:
    """Raise TargetError when the URL is unusable or its credentials are missing.

    Touches no network, so every target of a run can be checked before any upload.
    """
    kind = scheme(target_url)
    if kind == "s3":
        from flows.publish.s3 import S3Store

        S3Store(target_url)
    elif kind in ("ftp", "ftps"):
        from flows.publish.ftp import FtpStore

        FtpStore(target_url)
    elif kind.startswith("ckan+"):
        from flows.publish.ckan import CkanTarget

        CkanTarget(target_url)


def publish(release_folder: Path, target_url: str) -> PublishResult:
    """Publish the files of release_folder to the target; see the module docstring."""
    kind = scheme(target_url)
    if kind == "file":
        from flows.publish.local import publish_local

        return publish_local(Path(release_folder), local_folder(target_url))
    if kind == "s3":
        from flows.publish.s3 import publish_s3

        return publish_s3(Path(release_folder), target_url)
    if kind in ("ftp", "ftps"):
        from flows.publish.ftp import publish_ftp

        return publish_ftp(Path(release_folder), target_url)
    from flows.publish.ckan import publish_ckan

    return publish_ckan(Path(release_folder), target_url)


__all__ = [
    "AuthenticationFailed",
    "CredentialsMissing",
    "PublishRejected",
    "PublishResult",
    "TargetError",
    "TransientTargetError",
    "check",
    "publish",
    "scheme",
]
