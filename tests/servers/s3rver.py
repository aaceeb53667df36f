"""s3rver from the npm registry, started with a private folder and one bucket."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from servers import SERVERS_DIR, free_port, not_installed, stop, wait_for_port

BUCKET = "opendata"
KEY = SECRET = "S3RVER"


@dataclass
class S3Server:
    endpoint: str
    bucket: str = BUCKET
    key: str = KEY
    secret: str = SECRET


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    script = SERVERS_DIR / "node_modules" / "s3rver" / "bin" / "s3rver.js"
    node = shutil.which("node")
    if node is None or not script.exists():
        not_installed("s3rver (npm)")
    port = free_port()
    folder = tmp_path_factory.mktemp("s3rver")
    args = [node, str(script), "-d", str(folder), "-a", "127.0.0.1", "-p", str(port)]
    args += ["--configure-bucket", BUCKET, "--silent"]
    log = open(folder.with_name("s3rver.log"), "wb")  # noqa: SIM115 - closed with the server
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, timeout=30, process=process)
        yield S3Server(endpoint=f"http://127.0.0.1:{port}")
    finally:
        stop(process)
        log.close()
