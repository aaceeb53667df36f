"""A stand-in for the Solr calls CKAN makes while it writes datasets; not a search engine.

CKAN 2.12 indexes a dataset before it commits it and refuses to start without a Solr
whose schema it knows, and no registry here ships Solr. This server answers just
enough: `/schema` hands out CKAN's own schema.xml, `/update` keeps the documents in
memory (JSON adds; XML deletes and commits are acknowledged), `/select` answers with an
empty result. Tests assert nothing about search.

    python solr_standin.py --port 8983 --schema .../ckan/config/solr/schema.xml
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DOCUMENTS: dict[str, dict] = {}
LOCK = threading.Lock()


def solr_answer(extra: dict | None = None) -> bytes:
    body = {"responseHeader": {"status": 0, "QTime": 0}, **(extra or {})}
    return json.dumps(body).encode()


class SolrStandIn(BaseHTTPRequestHandler):
    schema_xml: bytes = b""

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: CKAN calls it for every write

    def reply(self, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path.endswith("/schema") or path.endswith("/admin/file"):
            self.reply(self.schema_xml, "application/xml")
        elif path.endswith("/select"):
            self.reply(select())
        elif path.endswith("/admin/ping"):
            self.reply(solr_answer({"status": "OK"}))
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path.endswith("/update"):
            update(body)
            self.reply(solr_answer())
        elif path.endswith("/select"):
            self.reply(select())
        else:
            self.send_error(404)


def update(body: bytes) -> None:
    text = body.strip()
    if not text.startswith((b"[", b"{")):
        return  # XML: <commit/>, <delete><query>..</query></delete>; nothing to search anyway
    payload = json.loads(text)
    docs = payload if isinstance(payload, list) else payload.get("add", [])
    with LOCK:
        for doc in docs if isinstance(docs, list) else [docs]:
            doc = doc.get("doc", doc)
            DOCUMENTS[str(doc.get("id") or doc.get("index_id") or len(DOCUMENTS))] = doc


def select() -> bytes:
    return solr_answer({"response": {"numFound": 0, "start": 0, "docs": []}})


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--port", type=int, required=True)
    arguments.add_argument("--schema", type=Path, required=True, help="CKAN's schema.xml")
    options = arguments.parse_args()
    SolrStandIn.schema_xml = options.schema.read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), SolrStandIn)
    server.serve_forever()


if __name__ == "__main__":
    main()
