"""A small QuickStatements (version 1) interpreter for the tests: it does to a graph in
Wikidata's RDF model what QuickStatements does to Wikidata, for the commands
flows.wikidata writes, and refuses anything else (so a wrong command fails the test).

    Q1295  P190  Q908  P580  +1977-07-04T00:00:00Z/11  P582  somevalue  S854  "url"  S813  ...

adds the statement Q1295 P190 Q908 unless it exists, then its qualifiers (a time with
its precision; `somevalue` as a blank node, as Wikidata's RDF has it) and one reference
holding the S-values. As QuickStatements does, a command whose statement exists adds to
that statement instead of making a second one.
"""

from __future__ import annotations

import itertools
import re

from servers.sparql import Oxigraph

PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wds: <http://www.wikidata.org/entity/statement/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX pr: <http://www.wikidata.org/prop/reference/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ITEM = re.compile(r"^Q[1-9][0-9]*$")
TIME = re.compile(r"^\+(\d{4})-(\d\d)-(\d\d)T00:00:00Z/(9|10|11)$")
STRING = re.compile(r'^"([^"\t\n]*)"$')
QUALIFIERS = {"P580", "P582"}
SOURCES = {"S854", "S813"}
_serial = itertools.count(1)


def time_literal(value: str) -> tuple[str, int]:
    match = TIME.match(value)
    assert match, f"not a QuickStatements time: {value!r}"
    year, month, day, precision = match.groups()
    # Wikidata's RDF writes the parts a precision leaves out as 01
    text = f"{year}-{max(int(month), 1):02d}-{max(int(day), 1):02d}T00:00:00Z"
    return f'"{text}"^^xsd:dateTime', int(precision)


def statement_of(graph: Oxigraph, subject: str, value: str) -> str | None:
    rows = graph.select(
        PREFIXES + f"SELECT ?s WHERE {{ wd:{subject} p:P190 ?s . ?s ps:P190 wd:{value} }}"
    )
    return f"<{rows[0]['s']['value']}>" if rows else None


def apply_command(graph: Oxigraph, line: str) -> None:
    fields = line.split("\t")
    assert len(fields) >= 3 and len(fields) % 2 == 1, f"odd fields: {line!r}"
    subject, prop, value, *pairs = fields
    assert ITEM.match(subject) and prop == "P190" and ITEM.match(value), line
    n = next(_serial)
    statement = statement_of(graph, subject, value)
    triples = []
    if statement is None:
        statement = f"wds:{subject}-qs-{n}"
        triples += [
            f"wd:{subject} p:P190 {statement} ; wdt:P190 wd:{value} .",
            f"{statement} ps:P190 wd:{value} ; wikibase:rank wikibase:NormalRank .",
        ]
    reference = []
    for key, raw in zip(pairs[::2], pairs[1::2], strict=True):
        if key in QUALIFIERS:
            if raw == "somevalue":
                triples.append(f"{statement} pq:{key} _:unknown{n}{key} .")
                continue
            literal, precision = time_literal(raw)
            node = f"<urn:test:value:{n}:{key}>"
            triples += [
                f"{statement} pq:{key} {literal} ; pqv:{key} {node} .",
                f"{node} wikibase:timeValue {literal} ; wikibase:timePrecision {precision} .",
            ]
        elif key == "S854":
            match = STRING.match(raw)
            assert match, f"not a QuickStatements string: {raw!r}"
            reference.append(f"pr:P854 <{match.group(1)}>")
        elif key == "S813":
            literal, precision = time_literal(raw)
            assert precision == 11, raw
            reference.append(f"pr:P813 {literal}")
        else:
            raise AssertionError(f"the tool never writes {key}: {line!r}")
    if reference:
        node = f"<urn:test:reference:{n}>"
        triples.append(f"{statement} prov:wasDerivedFrom {node} .")
        triples.append(f"{node} {' ; '.join(reference)} .")
    graph.update(PREFIXES + "INSERT DATA {\n" + "\n".join(triples) + "\n}")


def apply_quickstatements(graph: Oxigraph, commands: str) -> int:
    """Apply every command; the number applied."""
    lines = [line for line in commands.splitlines() if line]
    for line in lines:
        apply_command(graph, line)
    return len(lines)
