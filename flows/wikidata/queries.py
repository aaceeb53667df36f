"""The SPARQL query and the reading of its answer.

One query asks for every P190 statement of the home item (`home`), every P190
statement of any item that points back at it (`reverse`), and, for the partners raw/
names, whether the endpoint knows them (`item`); with each statement its rank, start and
end time (value and precision), reference URLs, and German and English labels.
It uses only Wikidata's RDF model (wd:, p:, ps:, pq:, pqv:, pr:, prov:, wikibase:), so
any endpoint holding that model answers it: Wikidata's query service, or Oxigraph in the
tests. The answer is hostile input like any file: ids, dates and ranks are checked, and
whatever does not fit the model is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flows.wikidata.model import ITEM, Answer, Item, Statement, WikidataDate

ENTITY = "http://www.wikidata.org/entity/"
RANKS = {
    "http://wikiba.se/ontology#NormalRank": "normal",
    "http://wikiba.se/ontology#PreferredRank": "preferred",
    "http://wikiba.se/ontology#DeprecatedRank": "deprecated",
}
TIME = re.compile(r"^([+-]?[0-9]{1,16})-([0-9]{2})-([0-9]{2})T")
#: labels longer than this are cut: a page shows a name, not a novel
MAX_LABEL = 200

QUERY = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX pr: <http://www.wikidata.org/prop/reference/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?part ?partner ?statement ?rank ?startTime ?startPrecision ?end ?endTime
       ?endPrecision ?reference ?labelDe ?labelEn ?sitelinks WHERE {
  {
    wd:HOME p:P190 ?statement .
    ?statement ps:P190 ?partner .
    BIND("home" AS ?part)
  } UNION {
    ?partner p:P190 ?statement .
    ?statement ps:P190 wd:HOME .
    BIND("reverse" AS ?part)
  } UNION {
    VALUES ?partner { PARTNERS }
    BIND("item" AS ?part)
  }
  OPTIONAL { ?statement wikibase:rank ?rank }
  OPTIONAL {
    ?statement pqv:P580 ?startNode .
    ?startNode wikibase:timeValue ?startTime ; wikibase:timePrecision ?startPrecision .
  }
  OPTIONAL { ?statement pq:P582 ?end }
  OPTIONAL {
    ?statement pqv:P582 ?endNode .
    ?endNode wikibase:timeValue ?endTime ; wikibase:timePrecision ?endPrecision .
  }
  OPTIONAL { ?statement prov:wasDerivedFrom ?ref . ?ref pr:P854 ?reference }
  OPTIONAL { ?partner rdfs:label ?labelDe . FILTER(LANG(?labelDe) = "de") }
  OPTIONAL { ?partner rdfs:label ?labelEn . FILTER(LANG(?labelEn) = "en") }
  OPTIONAL { ?partner wikibase:sitelinks ?sitelinks }
}
"""


def twin_query(home: str, partners: Iterable[str]) -> str:
    """The query for the home item and the partners raw/ names (all item ids, checked)."""
    ids = sorted({home, *partners}, key=lambda q: (len(q), q))
    for item in ids:
        if not ITEM.match(item):
            raise ValueError(f"not a Wikidata item id: {item!r}")
    values = " ".join(f"wd:{q}" for q in ids if q != home)
    return QUERY.replace("wd:HOME", f"wd:{home}").replace("PARTNERS", values)


def read_answer(bindings: list[dict], home: str) -> Answer:
    """The statements and items of a SPARQL JSON result's bindings."""
    statements: dict[str, dict] = {}
    items: dict[str, dict] = {}
    for row in bindings:
        if not isinstance(row, dict):
            continue
        partner = item_id(row.get("partner"))
        if partner is None:
            continue
        item = items.setdefault(partner, {"de": None, "en": None, "exists": False})
        item["de"] = item["de"] or label(row.get("labelDe"))
        item["en"] = item["en"] or label(row.get("labelEn"))
        item["exists"] = item["exists"] or literal(row.get("sitelinks")) is not None
        part = literal(row.get("part"))
        uri = value_of(row.get("statement"))
        if part not in ("home", "reverse") or uri is None:
            continue
        subject, value = (home, partner) if part == "home" else (partner, home)
        found = statements.setdefault(
            uri,
            {"subject": subject, "value": value, "rank": "normal", "starts": set(),
             "ends": set(), "has_end": False, "references": set()},
        )  # fmt: skip
        found["rank"] = RANKS.get(value_of(row.get("rank")) or "", found["rank"])
        start = wikidata_date(row.get("startTime"), row.get("startPrecision"))
        if start is not None:
            found["starts"].add(start)
        end = wikidata_date(row.get("endTime"), row.get("endPrecision"))
        if end is not None:
            found["ends"].add(end)
        found["has_end"] = found["has_end"] or "end" in row or end is not None
        reference = literal(row.get("reference")) or value_of(row.get("reference"))
        if reference:
            found["references"].add(reference)
    return Answer(
        statements=tuple(
            Statement(
                uri=uri,
                subject=s["subject"],
                value=s["value"],
                rank=s["rank"],
                starts=tuple(sorted(s["starts"])),
                has_end=s["has_end"],
                ends=tuple(sorted(s["ends"])),
                references=tuple(sorted(s["references"])),
            )
            for uri, s in sorted(statements.items())
        ),
        items={
            q: Item(q, label_de=i["de"], label_en=i["en"], exists=i["exists"])
            for q, i in sorted(items.items())
        },
    )


def value_of(term: object) -> str | None:
    if not isinstance(term, dict) or not isinstance(term.get("value"), str):
        return None
    return term["value"]


def literal(term: object) -> str | None:
    return value_of(term) if isinstance(term, dict) and term.get("type") == "literal" else None


def item_id(term: object) -> str | None:
    if not isinstance(term, dict) or term.get("type") != "uri":
        return None
    uri = value_of(term) or ""
    q = uri.removeprefix(ENTITY)
    return q if uri.startswith(ENTITY) and ITEM.match(q) else None


def label(term: object) -> str | None:
    text = literal(term)
    if not text:
        return None
    text = " ".join(text.split())  # no line breaks or tabs from outside into a line of text
    return text[:MAX_LABEL] or None


def wikidata_date(time: object, precision: object) -> WikidataDate | None:
    text, digits = literal(time), literal(precision)
    if text is None or digits is None or not digits.isdigit():
        return None
    match = TIME.match(text)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    level = int(digits)
    if not 0 <= level <= 14 or not (0 <= month <= 12 and 0 <= day <= 31):
        return None
    return WikidataDate(year, month, day, level)
