"""`partnerships wikidata compare` against a real SPARQL server (Oxigraph) on loopback.

The server holds tests/fixtures/wikidata/dortmund-p190.ttl: the snapshot's facts about
Dortmund's partners in Wikidata's RDF model, plus deliberate differences (the file says
which). The tests check every kind of difference with the city's source, apply the
QuickStatements with a small interpreter (quickstatements_apply.py) and show that a
second comparison leaves only what a person must decide, and none once the person has;
and that a silent endpoint, HTTP 429 with Retry-After and broken answers are handled as
Wikimedia asks, with a message and an exit code. Nothing reaches the internet.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from quickstatements_apply import PREFIXES, apply_quickstatements
from servers.sparql import Oxigraph, oxigraph  # noqa: F401 - fixture

from flows import cli
from flows.check.validation import validate_raw
from flows.describe.metadata import load_metadata
from flows.wikidata import quickstatements
from flows.wikidata.command import partnerships, user_agent
from flows.wikidata.compare import compare
from flows.wikidata.queries import read_answer, twin_query
from flows.wikidata.sparql import Endpoint, EndpointError

REPO = Path(__file__).resolve().parents[1]
GRAPH = REPO / "tests" / "fixtures" / "wikidata" / "dortmund-p190.ttl"
HOME = "Q1295"
OVERVIEW = "https://www.dortmund.de/themen/internationales/staedtepartnerschaften/"
RETRIEVED = date(2026, 12, 3)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """raw/ with its Wikidata ids; Leeds marked as ended for the missing-end case."""
    copy = tmp_path / "raw"
    shutil.copytree(REPO / "raw", copy)
    path = copy / "partnerships.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [
        line.replace(",city_partnership,active,", ",city_partnership,ended,", 1)
        if line.startswith("leeds,")
        else line
        for line in lines
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return copy


@pytest.fixture
def graph(oxigraph: Oxigraph) -> Oxigraph:  # noqa: F811
    oxigraph.load(GRAPH)
    return oxigraph


def comparison(graph: Oxigraph, raw: Path):
    rows = partnerships(validate_raw(raw).frames["partnerships"])
    query = twin_query(HOME, [p.wikidata_id for p in rows if p.wikidata_id])
    client = Endpoint(graph.query_url, "municipal-partnerships/test")
    answer = read_answer(client.select(query), HOME)
    return rows, compare(HOME, rows, answer)


def found(result) -> set[tuple[str, str, str]]:
    return {(d.kind, d.subject, d.value) for d in result.differences}


def test_every_kind_of_difference_with_the_citys_source(graph, raw) -> None:
    rows, result = comparison(graph, raw)
    kinds = found(result)
    assert {
        ("missing_statement", HOME, "Q182059"),  # Kumasi: in the snapshot, not linked
        ("missing_statement", HOME, "Q156713"),  # Zhytomyr
        ("missing_reverse", "Q45301", HOME),  # Trabzon's item does not name Dortmund
        ("missing_reverse", "Q182059", HOME),
        ("missing_start", HOME, "Q39121"),
        ("missing_start", "Q908", HOME),
        ("missing_end", HOME, "Q39121"),  # Leeds, ended in this copy of raw/
        ("missing_end", "Q39121", HOME),
        ("start_differs", HOME, "Q908"),  # 1973 against 1977-07-04
        ("start_less_precise", HOME, "Q55630"),  # 1982 against 1982-10-05
        ("end_in_wikidata", HOME, "Q5826"),  # Xi'an ended 2020 in Wikidata only
        ("unknown_partner", HOME, "Q90000001"),
        ("suspended", HOME, "Q908"),
        ("suspended", "Q908", HOME),
        ("no_wikidata_id", HOME, ""),
    } <= kinds
    # agreement leaves no trace: Amiens (1960) and Zwickau (to the day) on Dortmund's item
    assert not {k for k in kinds if k[1:] in {(HOME, "Q41604"), (HOME, "Q3778")}}
    source = {p.partnership_id: p.source_url for p in rows}
    for d in result.differences:
        if d.kind == "no_wikidata_id":
            assert d.partnership_id in {"dura", "dabola"}
        if d.kind == "unknown_partner":
            assert d.source_url == OVERVIEW  # the page most city partnerships cite
        else:
            assert d.source_url == source[d.partnership_id], d
    rostow = next(d for d in result.differences if d.kind == "start_differs")
    assert (rostow.city_value, rostow.wikidata_value) == ("1977-07-04", "1973")
    assert rostow.statement.endswith("/Q1295-rostov")


def test_quickstatements_close_every_addition_and_touch_nothing_else(graph, raw) -> None:
    _, first = comparison(graph, raw)
    commands = quickstatements.render(first.edits, RETRIEVED)
    assert "Q1295\tP190\tQ182059\tP580\t+2024-05-14T00:00:00Z/11\tS854\t" in commands
    assert "Q1295\tP190\tQ39121\tP580\t+1969-00-00T00:00:00Z/9\tP582\tsomevalue\tS854\t" in commands
    amiens_back = next(line for line in commands.splitlines() if line.startswith("Q41604\t"))
    assert amiens_back == "Q41604\tP190\tQ1295\tP580\t+1960-00-00T00:00:00Z/9"  # cited already
    assert "Q90000001" not in commands and "1973" not in commands  # removals: a person's
    assert apply_quickstatements(graph, commands) == len(first.edits) > 0

    _, second = comparison(graph, raw)
    assert not second.edits
    decide = {(d.kind, d.subject, d.value) for d in first.findings if d.action == "decide"}
    assert found(second) - {(d.kind, d.subject, d.value) for d in second.notes} == decide

    # the person decides as the report asks: the city's dates, no end, no stranger
    graph.update(
        PREFIXES
        + """
        DELETE { ?s pq:P580 ?old ; pqv:P580 ?node } INSERT { ?s pq:P580 ?new ; pqv:P580 ?v }
        WHERE { VALUES (?s ?new ?v ?old ?node) {
          (wds:Q1295-rostov "1977-07-04T00:00:00Z"^^xsd:dateTime <urn:person:rostow>
           "1973-01-01T00:00:00Z"^^xsd:dateTime <http://www.wikidata.org/value/y1973>)
          (wds:Q1295-novisad "1982-10-05T00:00:00Z"^^xsd:dateTime <urn:person:novisad>
           "1982-01-01T00:00:00Z"^^xsd:dateTime <http://www.wikidata.org/value/y1982>) } } ;
        INSERT DATA {
          <urn:person:rostow> wikibase:timeValue "1977-07-04T00:00:00Z"^^xsd:dateTime ;
            wikibase:timePrecision 11 .
          <urn:person:novisad> wikibase:timeValue "1982-10-05T00:00:00Z"^^xsd:dateTime ;
            wikibase:timePrecision 11 . } ;
        DELETE WHERE { wds:Q1295-xian pq:P582 ?end ; pqv:P582 ?endNode } ;
        DELETE WHERE { wd:Q1295 p:P190 wds:Q1295-nowhere ; wdt:P190 wd:Q90000001 .
                       wds:Q1295-nowhere ?p ?o }
        """
    )
    _, third = comparison(graph, raw)
    assert third.findings == ()
    assert {(d.kind, d.partnership_id) for d in third.notes} == {
        ("suspended", "rostow-am-don"),
        ("no_wikidata_id", "dura"),
        ("no_wikidata_id", "dabola"),
    }


def run_command(raw: Path, out: Path, endpoint: str, *extra: str) -> int:
    return cli.main(
        ["wikidata", "compare", "--raw", str(raw), "--out", str(out), "--endpoint", endpoint,
         "--retrieved", "2026-12-03", *extra]
    )  # fmt: skip


def test_the_command_writes_page_json_and_quickstatements(graph, raw, tmp_path, capsys) -> None:
    out = tmp_path / "wikidata"
    assert run_command(raw, out, graph.query_url) == 1
    printed = capsys.readouterr().out
    assert "Ergänzungen / additions" in printed and "Zu entscheiden / to decide" in printed
    assert f"Quelle der Stadt / city's source: {OVERVIEW}" in printed
    report = json.loads((out / "wikidata.json").read_text(encoding="utf-8"))
    commands = (out / "quickstatements.txt").read_text(encoding="utf-8")
    assert report["quickstatements"] == commands.splitlines()
    assert report["home"] == {"item": HOME, "name": "Dortmund"}
    edits = [d for d in report["differences"] if d["action"] == "edit"]
    assert report["counts"]["edit"] == len(edits)
    first_bytes = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run_command(raw, out, graph.query_url) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first_bytes  # deterministic
    apply_quickstatements(graph, commands)
    assert run_command(raw, out, graph.query_url) == 1  # a person still has to decide
    assert (out / "quickstatements.txt").read_text(encoding="utf-8") == ""


@contextmanager
def endpoint(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


class Recorder(BaseHTTPRequestHandler):
    """Answers 429 first (Retry-After as the test sets it), then passes the query on."""

    retry_after = "1"
    upstream = ""
    seen: ClassVar[list[tuple[float, str, str]]] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((time.monotonic(), self.headers["User-Agent"], self.path))
        if len(type(self).seen) == 1:
            self.send_response(429)
            self.send_header("Retry-After", type(self).retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        request = urllib.request.Request(
            type(self).upstream,
            data=body,
            headers={"Content-Type": self.headers["Content-Type"], "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            payload = answer.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def test_http_429_is_waited_out_as_retry_after_says(graph, raw, tmp_path, capsys) -> None:
    Recorder.seen, Recorder.retry_after, Recorder.upstream = [], "1", graph.query_url
    with endpoint(Recorder) as url:
        assert run_command(raw, tmp_path / "out", url) == 1
    (first, agent, _), (second, again, _) = Recorder.seen
    assert second - first >= 1.0
    assert agent == again == user_agent(load_metadata())
    assert agent.startswith("municipal-partnerships/") and "https://www.dortmund.de/" in agent
    assert (tmp_path / "out" / "wikidata.html").exists()


def test_a_retry_after_beyond_the_bound_stops_at_once(graph, raw, tmp_path, capsys) -> None:
    Recorder.seen, Recorder.retry_after, Recorder.upstream = [], "3600", graph.query_url
    with endpoint(Recorder) as url:
        assert run_command(raw, tmp_path / "out", url, "--max-wait", "30") == 6
        waits: list[float] = []
        Recorder.seen = []
        with pytest.raises(EndpointError, match="3600 s"):
            Endpoint(url, "test/0", max_wait=30, sleep=waits.append).select("ASK {}")
    assert waits == [] and len(Recorder.seen) == 1  # no wait, no second request
    error = capsys.readouterr().err
    assert "asks (HTTP 429) to wait 3600 s" in error and "--max-wait" in error
    assert "bittet (HTTP 429), 3600 s" in error
    assert not (tmp_path / "out").exists()


class Silent(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        time.sleep(5)  # longer than the client waits


class Garbage(Silent):
    def do_POST(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>maintenance</html>")


def test_a_silent_endpoint_times_out_with_a_message(raw, tmp_path, capsys) -> None:
    with endpoint(Silent) as url:
        started = time.monotonic()
        with pytest.raises(EndpointError, match="did not answer within 1 s"):
            Endpoint(url, "test/0", timeout=1).select("ASK {}")
        assert time.monotonic() - started < 3
        assert run_command(raw, tmp_path / "out", url, "--timeout", "1") == 6
    assert "did not answer within 1 s (--timeout)" in capsys.readouterr().err


def test_broken_or_missing_endpoints_give_a_message(raw, tmp_path, capsys) -> None:
    with endpoint(Garbage) as url:
        assert run_command(raw, tmp_path / "out", url) == 6
    assert "did not answer in the SPARQL JSON results format" in capsys.readouterr().err
    with endpoint(Garbage) as url:
        closed = url  # nothing listens here once the block has ended
    assert run_command(raw, tmp_path / "out", closed) == 6
    assert "cannot reach" in capsys.readouterr().err
    assert run_command(raw, tmp_path / "out", "ftp://example.org/sparql") == 6
    assert "is not the http(s) address" in capsys.readouterr().err
