"""wikidata.html in headless Chromium: self-contained, escaped, accessible, on a phone too.

The page of a real comparison (against Oxigraph, tests/test_wikidata_server.py's graph)
is loaded with the network cut. A Wikidata label carrying markup must show as text, axe
must find no serious or critical violation, and every difference must be on the page
once. Screenshots at 1280 and 390 px are kept as artifacts for a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path

from servers.browser import artifacts, chromium  # noqa: F401 - fixtures
from servers.sparql import oxigraph  # noqa: F401 - fixture
from test_wikidata_server import GRAPH, raw, run_command  # noqa: F401 - fixture

LABEL = "Nirgendwo <script>alert('p190')</script> & <b>Co</b>"


def test_the_report_page_in_chromium(oxigraph, raw, tmp_path, chromium, artifacts) -> None:  # noqa: F811
    oxigraph.load(GRAPH)
    out = tmp_path / "wikidata"
    assert run_command(raw, out, oxigraph.query_url) == 1
    page = out / "wikidata.html"
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "<b>Co" not in html
    assert "&lt;script&gt;alert(&#x27;p190&#x27;)&lt;/script&gt; &amp; &lt;b&gt;Co" in html

    visit = chromium.visit(page, name="wikidata-report", screenshots=artifacts)
    assert visit.clean, visit.problems()
    assert visit.lang == "de"
    assert LABEL in visit.text
    report = json.loads((out / "wikidata.json").read_text(encoding="utf-8"))
    assert html.count("<tr data-kind=") == len(report["differences"])
    commands = (out / "quickstatements.txt").read_text(encoding="utf-8")
    assert commands.splitlines()[0] in visit.text.replace("\u00a0", " ")
    assert "https://www.wikidata.org/wiki/Q908" in visit.links
    assert [shot.name for shot in visit.screenshots] == [
        "wikidata-report-1280.png",
        "wikidata-report-390.png",
    ]


def test_a_page_without_differences_says_so(oxigraph, tmp_path, chromium) -> None:  # noqa: F811
    """A partner list Wikidata fully agrees with: Zwickau alone, stated both ways."""
    only_zwickau = tmp_path / "raw"
    source = Path(__file__).resolve().parents[1] / "raw"
    only_zwickau.mkdir()
    lines = (source / "partnerships.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0], next(line for line in lines if line.startswith("zwickau,"))]
    (only_zwickau / "partnerships.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name in ("aid_shipments.csv", "events.csv"):  # their headers only
        header = (source / name).read_text(encoding="utf-8").splitlines()[0]
        (only_zwickau / name).write_text(header + "\n", encoding="utf-8")
    oxigraph.load(
        """@prefix wd: <http://www.wikidata.org/entity/> .
        @prefix p: <http://www.wikidata.org/prop/> .
        @prefix ps: <http://www.wikidata.org/prop/statement/> .
        @prefix pq: <http://www.wikidata.org/prop/qualifier/> .
        @prefix pqv: <http://www.wikidata.org/prop/qualifier/value/> .
        @prefix wikibase: <http://wikiba.se/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        wd:Q3778 wikibase:sitelinks 1 .
        wd:Q1295 p:P190 <urn:s1> . <urn:s1> ps:P190 wd:Q3778 ; pqv:P580 <urn:d> .
        wd:Q3778 p:P190 <urn:s2> . <urn:s2> ps:P190 wd:Q1295 ; pqv:P580 <urn:d> .
        <urn:d> wikibase:timeValue "1988-12-05T00:00:00Z"^^xsd:dateTime ;
          wikibase:timePrecision 11 .
        """
    )
    out = tmp_path / "wikidata"
    assert run_command(only_zwickau, out, oxigraph.query_url) == 0
    assert (out / "quickstatements.txt").read_text(encoding="utf-8") == ""
    visit = chromium.visit(out / "wikidata.html")
    assert visit.clean, visit.problems()
    assert "Wikidata stimmt überein / Wikidata agrees" in visit.text
