"""The comparison's plain functions: kinds of difference, dates at their precision, the
QuickStatements syntax, Retry-After, hostile answers, and where raw/'s ids come from.

What these cases build by hand the server tests (test_wikidata_server.py) meet through
a real SPARQL server; here each rule is pinned down on its own.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.describe.metadata import load_metadata
from flows.wikidata.compare import city_list_source, compare, one_start
from flows.wikidata.model import DAY, MONTH, YEAR, Answer, Item, Partnership, Statement
from flows.wikidata.model import WikidataDate as D
from flows.wikidata.queries import read_answer, twin_query
from flows.wikidata.quickstatements import command, string_value, time_value
from flows.wikidata.sparql import DEFAULT_RETRY_AFTER, retry_after

REPO = Path(__file__).resolve().parents[1]
HOME, PARTNER = "Q1295", "Q908"
PAGE = "https://www.dortmund.de/themen/internationales/staedtepartnerschaften/rostow-am-don/"


def row(**changes) -> Partnership:
    values = dict(
        partnership_id="rostow-am-don", partner_city="Rostow am Don",
        partnership_type="city_partnership", status="active", established_year=1977,
        established_on=date(1977, 7, 4), wikidata_id=PARTNER, source_url=PAGE,
    )  # fmt: skip
    values.update(changes)
    return Partnership(**values)


def both_ways(**changes) -> tuple[Statement, Statement]:
    agree = dict(starts=(D(1977, 7, 4, DAY),), references=(PAGE,))
    agree.update(changes)
    return (
        Statement("urn:home", HOME, PARTNER, **agree),
        Statement("urn:back", PARTNER, HOME, **agree),
    )


def kinds(rows, statements, items=None) -> set[tuple[str, str, str]]:
    answer = Answer(tuple(statements), items or {})
    return {(d.kind, d.subject, d.value) for d in compare(HOME, rows, answer).differences}


def test_agreement_both_ways_leaves_nothing() -> None:
    result = compare(HOME, [row()], Answer(both_ways()))
    assert result.differences == () and result.edits == ()


@pytest.mark.parametrize(
    ("city", "wikidata", "verdict"),
    [
        (D(1977, 7, 4, DAY), D(1977, 7, 4, DAY), "agrees"),
        (D(1977, 7, 4, DAY), D(1977, 7, 5, DAY), "start_differs"),
        (D(1977, 7, 4, DAY), D(1977, 1, 1, YEAR), "start_less_precise"),
        (D(1977, 7, 4, DAY), D(1977, 7, 1, MONTH), "start_less_precise"),
        (D(1977, 7, 4, DAY), D(1977, 8, 1, MONTH), "start_differs"),
        (D(1977, 7, 4, DAY), D(1973, 1, 1, YEAR), "start_differs"),
        (D(1977, 0, 0, YEAR), D(1977, 7, 4, DAY), "agrees"),  # Wikidata knows more
        (D(1977, 0, 0, YEAR), D(1978, 1, 1, YEAR), "start_differs"),
        (D(1977, 0, 0, YEAR), D(1970, 1, 1, 8), "start_less_precise"),  # the 1970s
        (D(1981, 0, 0, YEAR), D(1970, 1, 1, 8), "start_differs"),
    ],
)
def test_dates_compare_at_their_precision(city: D, wikidata: D, verdict: str) -> None:
    assert one_start(city, wikidata) == verdict


def test_every_addition_and_its_command() -> None:
    ended = row(status="ended", established_on=None)
    found = compare(HOME, [ended], Answer())
    assert {(d.kind, d.subject) for d in found.differences} == {
        ("missing_statement", HOME),
        ("missing_reverse", PARTNER),
    }
    retrieved = date(2026, 12, 3)
    assert [command(e, retrieved) for e in found.edits] == [
        f'Q1295\tP190\tQ908\tP580\t+1977-00-00T00:00:00Z/9\tP582\tsomevalue\tS854\t"{PAGE}"'
        "\tS813\t+2026-12-03T00:00:00Z/11",
        f'Q908\tP190\tQ1295\tP580\t+1977-00-00T00:00:00Z/9\tP582\tsomevalue\tS854\t"{PAGE}"'
        "\tS813\t+2026-12-03T00:00:00Z/11",
    ]
    # an existing statement is completed; the city's page is not cited twice
    found = compare(HOME, [ended], Answer(both_ways(starts=())))
    assert {d.kind for d in found.differences} == {"missing_start", "missing_end"}
    assert all(e.reference_url is None for e in found.edits)
    assert next(e.qualifiers for e in found.edits) == (
        ("P580", "+1977-00-00T00:00:00Z/9"),
        ("P582", "somevalue"),
    )


@pytest.mark.parametrize(
    ("city", "statements", "expected"),
    [
        (row(status="suspended"), both_ways(), {"suspended"}),
        (row(), both_ways(has_end=True, ends=(D(2022, 3, 31, DAY),)), {"end_in_wikidata"}),
        (row(status="ended"), both_ways(has_end=True), set()),  # an end of unknown date
        (row(), both_ways(rank="deprecated"), {"deprecated_statement"}),
        (row(), both_ways(rank="preferred"), set()),
        (row(partnership_type="project_partnership"), both_ways(), {"not_twinned"}),
        (row(status="in_preparation"), both_ways(), {"not_twinned"}),
        (row(partnership_type="project_partnership"), (), set()),  # nothing expected
        (row(wikidata_id=None), (), {"no_wikidata_id"}),
    ],
    ids=[
        "suspended", "ended-only-in-wikidata", "ended-unknown-day", "deprecated", "preferred",
        "project-partnership", "in-preparation", "project-not-expected", "no-id",
    ],
)  # fmt: skip
def test_each_kind(city: Partnership, statements, expected: set[str]) -> None:
    assert {k for k, _, _ in kinds([city], statements)} == expected


def test_strangers_and_unknown_items() -> None:
    stranger = Statement("urn:s", "Q90000001", HOME)
    assert kinds([row()], (*both_ways(), stranger)) == {("unknown_partner", "Q90000001", HOME)}
    unknown = {PARTNER: Item(PARTNER, exists=False)}
    assert kinds([row()], (), unknown) == {("item_not_found", HOME, PARTNER)}


def test_the_citys_list_is_the_page_most_partnerships_cite() -> None:
    rows = [
        row(source_url="https://b.example/"),
        row(),
        row(),
        row(source_url="https://a.example/"),
    ]
    assert city_list_source(rows) == PAGE
    assert city_list_source([row(partnership_type="project_partnership")]) is None


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (D(1960, 0, 0, YEAR), "+1960-00-00T00:00:00Z/9"),
        (D(1960, 5, 0, MONTH), "+1960-05-00T00:00:00Z/10"),
        (D(1977, 7, 4, DAY), "+1977-07-04T00:00:00Z/11"),
        (D(1977, 7, 4, 14), "+1977-07-04T00:00:00Z/11"),
    ],
)
def test_quickstatements_times(when: D, text: str) -> None:
    assert time_value(when) == text


def test_quickstatements_strings_cannot_break_out() -> None:
    assert string_value('https://example.org/a"b') == '"https://example.org/a%22b"'


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert retry_after("7") == 7.0
    assert (
        retry_after(format_datetime(datetime(2026, 12, 3, 12, 1, tzinfo=UTC), usegmt=True), now)
        == 60
    )
    assert retry_after("Wed, 02 Dec 2026 12:00:00 GMT", now) == 0.0  # already past
    assert retry_after(None) == retry_after("soon") == DEFAULT_RETRY_AFTER


def test_the_query_only_takes_item_ids() -> None:
    query = twin_query(HOME, ["Q908", "Q41604"])
    assert (
        "wd:Q1295 p:P190 ?statement" in query and "VALUES ?partner { wd:Q908 wd:Q41604 }" in query
    )
    for bad in ("Q1 } ; DROP ALL ; {", "P31", "Q0", "q908"):
        with pytest.raises(ValueError, match="not a Wikidata item id"):
            twin_query(HOME, [bad])


def uri(q: str) -> dict:
    return {"type": "uri", "value": f"http://www.wikidata.org/entity/{q}"}


def lit(text: str) -> dict:
    return {"type": "literal", "value": text}


def test_answers_are_read_defensively() -> None:
    rows = [
        {"part": lit("home"), "partner": uri("Q908"), "statement": uri("S1"),
         "startTime": lit("1977-07-04T00:00:00Z"), "startPrecision": lit("11"),
         "labelDe": lit("Rostow\nam\tDon " + "x" * 500), "sitelinks": lit("100")},
        {"part": lit("home"), "partner": uri("L1"), "statement": uri("S2")},  # a lexeme
        {"part": lit("home"), "partner": uri("Q01"), "statement": uri("S3")},
        {"part": lit("home"), "partner": lit("Q5"), "statement": uri("S4")},
        {"part": lit("home"), "partner": uri("Q908"), "statement": uri("S1"),
         "startTime": lit("yesterday"), "startPrecision": lit("11")},
        {"part": lit("elsewhere"), "partner": uri("Q9"), "statement": uri("S5")},
        "not a row", {"partner": None},
    ]  # fmt: skip
    answer = read_answer(rows, HOME)
    assert [(s.subject, s.value, s.starts) for s in answer.statements] == [
        (HOME, "Q908", (D(1977, 7, 4, DAY),))
    ]
    label = answer.items["Q908"].label_de
    assert label.startswith("Rostow am Don x") and len(label) == 200 and "\n" not in label
    assert answer.items["Q9"].exists is False


#: terms that fit the model and terms that do not, mixed
TERM = st.one_of(
    st.sampled_from([uri("Q908"), uri("Q1295"), lit("home"), lit("reverse"), lit("11"),
                     lit("1977-07-04T00:00:00Z"), {"type": "bnode", "value": "b0"}]),
    st.builds(lambda t, v: {"type": t, "value": v},
              st.sampled_from(["uri", "literal", "bnode", 7]), st.text(max_size=6)),
    st.none(),
    st.integers(),
)  # fmt: skip
KEYS = st.sampled_from(
    ["part", "partner", "statement", "rank", "startTime", "startPrecision", "end",
     "reference", "labelDe", "sitelinks"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(KEYS, TERM, max_size=6), max_size=5))
def test_no_answer_makes_the_reader_fail(rows: list[dict]) -> None:
    answer = read_answer(rows, HOME)
    compare(HOME, [row()], answer)


def test_the_home_item_is_in_metadata_toml() -> None:
    assert load_metadata().municipality.wikidata_id == "Q1295"


def test_every_wikidata_id_in_raw_has_its_source_in_docs_sources() -> None:
    """The provenance of an id is logged in docs/sources.md, section Wikidata."""
    with (REPO / "raw" / "partnerships.csv").open(encoding="utf-8", newline="") as handle:
        ids = {r["partnership_id"]: r["wikidata_id"] for r in csv.DictReader(handle)}
    text = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
    section = text.split("\n## Wikidata", 1)[1].split("\n## ", 1)[0]
    for partnership_id, item in ids.items():
        if item:
            line = re.search(rf"^\| `{partnership_id}` \| `{item}` \|.*$", section, re.M)
            assert line, f"{partnership_id} ({item}): no row in docs/sources.md ## Wikidata"
