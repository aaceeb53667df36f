"""Every fact traceable to a page a reader can open, or to a named document."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.check.validation import validate_raw
from schemas import DATASETS
from schemas.fields import HTTPS_URL
from schemas.provenance import HOME_PAGE, SourceNoteRules, is_home_page, names_a_document
from schemas.rules import RULES

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("https://www.dortmund.de/", True),
        ("https://www.dortmund.de", True),
        ("https://www.ruhrnachrichten.de/#top", True),
        ("http://www.zwickau.de/", True),
        ("https://www.zwickau.de/de/aktuelles/pressemitteilungen/2013/10/396.php", False),
        ("https://www.dortmund.de/themen/internationales/", False),
        ("https://www.nordstadtblogger.de/?p=265997", False),
        (None, False),
    ],
)
def test_a_home_page_is_a_root_address_without_path_or_query(url, home) -> None:
    urls = pd.Series([url], dtype=pd.StringDtype())
    assert is_home_page(urls).tolist() == [home]


@pytest.mark.parametrize(
    ("note", "names"),
    [
        ("Pressemitteilung der Stadt Zwickau 2013/10/396 vom 01.10.2013", True),
        ("Meldung nicht mehr online; Drucksache Nr. 12345-23", True),
        ("Ruhr Nachrichten, Artikel vom 30.03.2015", True),
        ("Newsroom der Stadt Dortmund", False),
        ("Regionalpresse (Ruhr Nachrichten)", False),
        ("12.09.2017", False),
        ("", False),
        (None, False),
    ],
)
def test_a_note_names_a_document_with_a_number_or_date_and_a_word(note, names) -> None:
    notes = pd.Series([note], dtype=pd.StringDtype())
    assert names_a_document(notes).tolist() == [names]


SOURCE_COLUMNS = [
    pytest.param(ds, c, id=f"{ds.name}.{c.name}")
    for ds in DATASETS
    for c in ds.columns
    if c.name.endswith("source_url")
]


def test_the_source_columns_are_found() -> None:
    names = {p.id for p in SOURCE_COLUMNS}
    assert {"partnerships.coordinates_source_url", "events.source_url"} <= names
    assert "aid_shipments.source_url" in names


@pytest.mark.parametrize(("ds", "column"), SOURCE_COLUMNS)
def test_every_source_address_must_be_https(ds, column) -> None:
    assert column.pattern == HTTPS_URL
    matches = [c.statistics for c in column.checks if c.name == "str_matches"]
    assert matches == [{"pattern": HTTPS_URL.regex}]


@pytest.mark.parametrize("ds", [d for d in DATASETS if d.raw_file], ids=lambda d: d.name)
def test_every_curated_dataset_checks_home_pages(ds) -> None:
    frame_checks = {c.name for c in ds.schema.checks}
    column_checks = {c.name for c in ds.schema.columns["source_url"].checks}
    if "source_note" in ds.schema.columns:
        assert "home_page_needs_document" in frame_checks
        assert ds.meta["blame"]["home_page_needs_document"] == "source_url"
    else:
        assert "home_page_is_no_source" in column_checks


@pytest.mark.parametrize("rule", ["home_page_needs_document", "home_page_is_no_source"])
def test_the_rules_have_german_and_english_messages(rule) -> None:
    assert "Startseite" in RULES[rule].de and "home page" in RULES[rule].en


def test_the_curated_data_cites_no_bare_home_page() -> None:
    report = validate_raw(REPO / "raw").report
    assert not [p for p in report.problems if p.rule.startswith("home_page")]
    assert not report.errors


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "https://www.dortmund.de/",
                    "https://a.de/x",
                    None,
                    "https://b.de/?p=1",
                    "https://c.de",
                    "https://c.de#top",
                ]
            ),
            st.sampled_from(["Pressemitteilung Nr. 12", "nur Text", None, "12.09.2017"]),
        ),
        max_size=40,
    )
)
def test_the_rule_per_distinct_address_equals_the_rule_row_by_row(rows) -> None:
    urls = pd.array([u for u, _ in rows], dtype="string")
    notes = pd.array([n for _, n in rows], dtype="string")
    frame = pd.DataFrame(
        {"source_url": urls, "source_note": notes}, index=[3 * i for i in range(len(rows))]
    )
    checked = SourceNoteRules.home_page_needs_document.__func__(None, frame)
    row_by_row = [
        not (u is not None and re.match(HOME_PAGE, u))
        or bool(n and re.search(r"[0-9]", n) and re.search(r"[A-Za-zÄÖÜäöüß]{3,}", n))
        for u, n in rows
    ]
    assert checked.tolist() == row_by_row
    assert list(checked.index) == list(frame.index)
