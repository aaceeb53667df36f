"""Every fixture case validates to exactly the problems its expected.txt lists.

Each case is also run through the whole pipeline on top of a published release: a
refused case must leave that release byte-identical, a valid one must publish.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import tree_digest
from fixture_cases import BASE, assemble, cases, expected, flatten

from flows import cli, pipeline
from flows.check.references import RowKeys
from flows.check.validation import validate_raw
from schemas import dataset

ALL_CASES = [
    pytest.param(c, id=f"{c.parent.name}/{c.name}") for c in cases("valid") + cases("invalid")
]


@pytest.mark.parametrize("case", ALL_CASES)
def test_case_reports_exactly_the_expected_problems(case: Path, tmp_path: Path) -> None:
    raw = assemble(case, tmp_path / "raw")
    report = validate_raw(raw).report
    exit_code, problems = expected(case)
    assert flatten(report.problems) == problems
    assert cli.exit_code(report) == exit_code


@pytest.mark.parametrize("case", ALL_CASES)
def test_validate_command_exit_code_and_message(case: Path, tmp_path: Path, capsys) -> None:
    raw = assemble(case, tmp_path / "raw")
    exit_code, problems = expected(case)
    assert cli.main(["validate", "--raw", str(raw)]) == exit_code
    stderr = capsys.readouterr().err
    for line in problems:
        file, line_number, column, rule = line.removeprefix("warning ").split(":")
        assert file in stderr
        assert rule in stderr
        if line_number:
            assert f"line {line_number}" in stderr
        if column:
            assert f"column {column}" in stderr


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A release of the base fixture that every refused case must leave untouched."""
    output = tmp_path_factory.mktemp("published") / "output"
    assert pipeline.run(BASE, output).ok
    return output


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in cases("invalid")])
def test_refused_case_leaves_the_release_byte_identical(case, published, tmp_path) -> None:
    before = tree_digest(published)
    result = pipeline.run(assemble(case, tmp_path / "raw"), published)
    assert not result.ok
    assert result.report_folder is not None and (result.report_folder / "report.json").exists()
    assert tree_digest(published) == before


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in cases("valid")])
def test_valid_case_publishes(case, tmp_path) -> None:
    output = tmp_path / "output"
    result = pipeline.run(assemble(case, tmp_path / "raw"), output)
    assert result.ok
    assert (output / "events.parquet").exists()


def test_fifty_megabyte_field_is_refused_with_its_line(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(BASE, raw)
    lines = (raw / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    huge = '"' + "x" * 50_000_000 + '"'
    lines[3] = lines[3].replace("Deutsch-Russischer KMU-Finanzierungstag", huge, 1)
    (raw / "events.csv").write_text("".join(lines), encoding="utf-8")
    report = validate_raw(raw).report
    assert [(p.file, p.line, p.rule) for p in report.errors] == [
        ("events.csv", 4, "field_too_large")
    ]
    assert cli.exit_code(report) == 1


@pytest.mark.parametrize(
    ("name", "named"),
    [
        (
            "duplicate-key",
            {
                (2, "rostow-1974-offer", "rostow-1974-offer"),
                (6, "rostow-1974-offer", "rostow-1974-offer"),
            },
        ),
        ("unknown-code", {(5, "rostow-2022-resolution", "concert")}),
        ("unknown-partnership-reference", {(4, "rostow-2005-smes-financing-day", "rostow-am-dom")}),
    ],
)
def test_problems_name_the_rows_key_and_the_value_as_written(name, named, tmp_path) -> None:
    case = next(c for c in cases("invalid") if c.name == name)
    report = validate_raw(assemble(case, tmp_path / "raw")).report
    assert {(p.line, p.key, p.value) for p in report.errors} == named


def test_a_key_of_two_columns_is_joined_and_an_empty_part_gives_none() -> None:
    frame = pd.DataFrame(
        {"codelist": ["event_type", "event_type"], "code": ["visit", None]}, dtype="string"
    )
    keys = RowKeys(dataset("codelists"), frame)
    assert [keys(0), keys(1)] == ["event_type/visit", None]
