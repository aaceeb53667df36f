"""The JSON rendering of a report: the same document as to_dict, a problem per line."""

from __future__ import annotations

import json

import pytest

from flows.common.report import Problem, Report

MISSING = Problem.of("not_nullable", dataset="events", file="events.csv", line=3, column="title")
UNKNOWN = Problem.of(
    "isin",
    dataset="events",
    file="events.csv",
    line=2,
    column="event_type",
    value='sonstiges "neu"',
    codelist="event_type",
    allowed_de="besuch (Besuch)",
    allowed_en="besuch (visit)",
)
DELIMITER = Problem.of(
    "wrong_delimiter",
    dataset="events",
    file="events.csv",
    line=1,
    delimiter=";",
    severity="warning",
)


@pytest.mark.parametrize(
    "problems", [[], [MISSING], [MISSING, UNKNOWN, DELIMITER]], ids=["none", "one", "three"]
)
def test_json_is_the_report_as_a_dict(problems) -> None:
    report = Report(rows={"events.csv": 5})
    report.extend(problems)

    text = report.to_json()

    assert json.loads(text) == report.to_dict()
    listed = [line for line in text.splitlines() if line.startswith('    {"dataset"')]
    assert [json.loads(line.rstrip(",")) for line in listed] == report.to_dict()["problems"]
    assert text.endswith("}\n")
