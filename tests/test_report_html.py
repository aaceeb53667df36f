"""report.html in headless Chromium: self-contained, escaped, accessible, small.

The page is loaded with the network cut; every problem of report.json must be on it
once, a `<script>` typed into a cell must show as text, and axe-core must find no
serious or critical violation. Screenshots at 1280 and 390 px are kept as artifacts.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from fixture_cases import BASE, assemble, cases
from openpyxl import load_workbook
from servers.browser import artifacts, chromium  # noqa: F401 - fixtures

from flows import cli, pipeline
from flows.common.report import Problem, Report
from flows.common.report_html import MAX_PER_RULE, where, write_html
from flows.workbook.commands import export_command, import_command

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def workbook_report(base_raw: Path, tmp_path: Path) -> Path:
    """report.html of a workbook with a script, a formula and bad codes in three sheets."""
    path = tmp_path / "daten.xlsx"
    assert export_command(path, base_raw) == 0
    workbook = load_workbook(path)
    workbook["Ereignisse"]["C3"] = SCRIPT
    workbook["Ereignisse"]["F4"] = "=1+1"
    workbook["Partnerschaften"]["D2"] = "de"
    workbook["Hilfslieferungen"]["H2"] = "toys"
    workbook.create_sheet("Notizen")
    workbook.save(path)
    assert import_command(path, base_raw, html=tmp_path / "report.html") == 1
    return tmp_path / "report.html"


def on_page_once(page: Path, text: str) -> None:
    problems = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["problems"]
    assert problems
    places = Counter(where(Problem(**p)) for p in problems)
    for place, n in places.items():
        assert len(re.findall(re.escape(place) + r"(?!\d)", text)) == n, place
    html = page.read_text(encoding="utf-8")
    assert html.count("data-rule=") == len(problems)


def test_workbook_report_in_chromium(workbook_report, chromium, artifacts) -> None:  # noqa: F811
    visit = chromium.visit(workbook_report, name="report-workbook", screenshots=artifacts)
    assert visit.clean, visit.problems()
    assert visit.lang == "de"
    assert SCRIPT in visit.text
    assert "Ereignisse!C3" in visit.text and "Ereignisse!F4" in visit.text
    on_page_once(workbook_report, visit.text)
    assert [shot.name for shot in visit.screenshots] == [
        "report-workbook-1280.png",
        "report-workbook-390.png",
    ]


def test_run_writes_report_html_beside_report_json(tmp_path, chromium, artifacts) -> None:  # noqa: F811
    case = next(c for c in cases("invalid") if c.name == "several-files-at-once")
    result = pipeline.run(assemble(case, tmp_path / "raw"), tmp_path / "output")
    page = result.report_folder / "report.html"
    assert page.exists() and (result.report_folder / "report.json").exists()
    visit = chromium.visit(page, name="report-run", screenshots=artifacts)
    assert visit.clean, visit.problems()
    on_page_once(page, visit.text)


def test_a_valid_report_says_so(tmp_path, chromium) -> None:  # noqa: F811
    result = pipeline.run(BASE, tmp_path / "output")
    page = result.report_folder / "report.html"
    visit = chromium.visit(page)
    assert visit.clean, visit.problems()
    assert "Gültig / valid" in visit.text


def many_problems(n: int) -> Report:
    rules = ["isin", "not_integer", "str_matches", "real_calendar_date"]
    problems = [
        Problem.of(
            rules[i % 4],
            dataset="events",
            file="events.csv",
            line=i + 2,
            column="day",
            value=f"{SCRIPT}{i}",
            codelist="event_type",
            allowed_de="visit",
            allowed_en="visit",
            hint_de="x",
            hint_en="x",
        )
        for i in range(n)
    ]
    return Report(problems, rows={"events.csv": n})


def test_eleven_thousand_problems_fast_and_small(tmp_path, chromium) -> None:  # noqa: F811
    report = many_problems(11_000)
    write_html(many_problems(1), tmp_path / "warm.html")  # the schemas load once per process
    started = time.perf_counter()
    page = write_html(report, tmp_path / "report.html")
    seconds = time.perf_counter() - started
    assert seconds < 1.0
    assert page.stat().st_size < 5_000_000
    html = page.read_text(encoding="utf-8")
    assert html.count("data-rule=") == 4 * MAX_PER_RULE
    assert 'href="report.json"' in html and "11000" not in html.split("<main>")[0]
    visit = chromium.visit(page, accessibility=False)
    assert not visit.failed_requests and not visit.console_errors
    assert f"{4 * MAX_PER_RULE} von 11000 gezeigt" in visit.text


def test_validate_html_writes_the_page_and_its_json(tmp_path: Path, capsys) -> None:
    case = next(c for c in cases("invalid") if c.name == "several-files-at-once")
    raw = assemble(case, tmp_path / "raw")
    page = tmp_path / "bericht.html"
    assert cli.main(["validate", "--raw", str(raw), "--html", str(page)]) == 1
    problems = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["problems"]
    assert page.read_text(encoding="utf-8").count("data-rule=") == len(problems) == 3
    assert str(page) in capsys.readouterr().err
