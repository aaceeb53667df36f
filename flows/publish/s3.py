"""Any S3-compatible object store through fsspec/s3fs: `s3://bucket/prefix`.

Environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (required), AWS_ENDPOINT_URL
for a store other than Amazon's, AWS_DEFAULT_REGION (optional). An S3 PUT replaces an
object atomically, so there is no temporary name: a reader sees the old object or the
new one.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from flows.publish import credentials
from flows.publish.base import (
    AuthenticationFailed,
    PublishRejected,
    PublishResult,
    TargetError,
    TransientTargetError,
    publish_files,
)

KEY_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


class S3Store:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.netloc:
            raise PublishRejected(f"{url}: no bucket given (expected s3://bucket/prefix)")
        self.root = f"{parts.netloc}/{parts.path.strip('/')}".rstrip("/")
        self.display = f"s3://{self.root}"
        self.key, self.secret = credentials.require(self.display, *KEY_VARS)
        self._fs = None

    @property
    def fs(self):
        if self._fs is None:
            import s3fs

            endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
            self._fs = s3fs.S3FileSystem(
                key=self.key,
                secret=self.secret,
                endpoint_url=endpoint or None,
                client_kwargs={"region_name": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")},
                skip_instance_cache=True,
                use_listings_cache=False,
            )
        return self._fs

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def names(self) -> set[str]:
        try:
            listing = self.fs.ls(self.root, detail=True, refresh=True)
        except FileNotFoundError:
            bucket = self.root.split("/", 1)[0]
            if not self.fs.exists(bucket):
                raise PublishRejected(f"{self.display}: bucket {bucket} does not exist") from None
            return set()
        return {entry["name"].rsplit("/", 1)[-1] for entry in listing if entry["type"] == "file"}

    def read(self, name: str) -> bytes | None:
        try:
            return self.fs.cat_file(self._path(name))
        except FileNotFoundError:
            return None

    def put(self, local: Path, name: str) -> None:
        self.fs.put_file(str(local), self._path(name))

    def put_bytes(self, data: bytes, name: str) -> None:
        self.fs.pipe_file(self._path(name), data)

    def delete(self, name: str) -> None:
        self.fs.rm_file(self._path(name))


def publish_s3(release_folder: Path, url: str) -> PublishResult:
    store = S3Store(url)
    try:
        return publish_files(store, release_folder)
    except TargetError:
        raise
    except PermissionError as error:
        raise AuthenticationFailed(f"{store.display}: access denied: {error}") from None
    except FileNotFoundError as error:
        raise PublishRejected(f"{store.display}: {error}") from None
    except Exception as error:
        if is_network_error(error):
            raise TransientTargetError(
                f"{store.display}: {type(error).__name__}: {error}"
            ) from error
        raise


def is_network_error(error: Exception) -> bool:
    """Connection resets, timeouts and server errors left after s3fs' own retries."""
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, OSError | TimeoutError | BotoCoreError | ClientError)
