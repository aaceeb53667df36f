"""A real SPARQL server on loopback: Oxigraph (`pip install oxigraph`, the test extra).

`oxigraph serve` keeps an in-memory store; a test loads its graph with the Graph Store
Protocol, changes it with SPARQL Update and asks it the queries the code under test
sends, over HTTP like any endpoint. One server per test: they start in well under a
second, and each test's edits stay its own.

    def test_x(oxigraph):
        oxigraph.load(Path("graph.ttl"))
        rows = oxigraph.select("SELECT ...")
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import free_port, not_installed, stop, wait_for_port


def oxigraph_command() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        not_installed("oxigraph (PyPI, the test extra)")
    return found


class Oxigraph:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    def _post(self, path: str, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=body,
            headers={"Content-Type": content_type, "Accept": accept},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def load(self, turtle: Path | str) -> None:
        text = turtle.read_text(encoding="utf-8") if isinstance(turtle, Path) else turtle
        self._post("/store?default", text.encode("utf-8"), "text/turtle")

    def update(self, sparql: str) -> None:
        self._post("/update", sparql.encode("utf-8"), "application/sparql-update")

    def select(self, sparql: str) -> list[dict]:
        body = urllib.parse.urlencode({"query": sparql}).encode("ascii")
        answer = self._post(
            "/query", body, "application/x-www-form-urlencoded", "application/sparql-results+json"
        )
        return json.loads(answer)["results"]["bindings"]


@pytest.fixture
def oxigraph() -> Iterator[Oxigraph]:
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_command(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, 30, process)
        yield Oxigraph(port)
    finally:
        stop(process)
