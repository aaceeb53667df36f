"""Codes that a standard defines are checked against pycountry's maintained lists."""

from __future__ import annotations

import string
from pathlib import Path

import pandas as pd
import pycountry
import pytest
from fixture_cases import FIXTURES, assemble
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metadata import changed

from flows.check.validation import validate_raw
from flows.describe.metadata import parse_metadata
from schemas import dataset
from schemas.standards import country_codes, country_names, language_alpha_3

COUNTRY_CHECK = next(
    c for c in dataset("partnerships").column("country_code").checks if c.name == "isin"
)
ISO = {country.alpha_2 for country in pycountry.countries}


def accepted(code: str) -> bool:
    return bool(COUNTRY_CHECK(pd.Series([code], dtype="string")).check_passed)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2))
def test_two_capital_letters_pass_only_when_iso_assigns_them(code: str) -> None:
    assert accepted(code) == (code in ISO)


@pytest.mark.parametrize("code", ["XX", "ZZ", "UK", "EU", "gb", "GBR", "D"])
def test_codes_that_are_no_iso_country_are_refused(code: str) -> None:
    assert not accepted(code)


def test_the_list_is_pycountrys_and_names_come_in_german_and_english() -> None:
    assert country_codes() == tuple(sorted(ISO))
    assert country_names("RU") == ("Russische Föderation", "Russian Federation")
    assert country_names("GB") == ("Vereinigtes Königreich", "United Kingdom")
    with pytest.raises(KeyError):
        country_names("XX")


@pytest.mark.parametrize(
    ("case", "value", "meant"),
    [("country-code-not-iso", "XX", None), ("lower-case-country-code", "gb", "GB")],
)
def test_refusal_names_line_value_and_the_code_meant(
    case: str, value: str, meant: str | None, tmp_path: Path
) -> None:
    raw = assemble(FIXTURES / "invalid" / case, tmp_path / "raw")
    (problem,) = validate_raw(raw).report.problems
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "partnerships.csv",
        2,
        "country_code",
        value,
    )
    assert "ISO 3166-1 alpha-2" in problem.message_de
    assert "RU (Russische Föderation)" in problem.message_de
    assert "RU (Russian Federation)" in problem.message_en
    if meant:
        assert "gemeint ist wohl GB (Vereinigtes Königreich)" in problem.message_de
        assert "probably GB (United Kingdom) is meant" in problem.message_en
    else:
        assert "gemeint" not in problem.message_de


def test_codelists_carry_the_names_of_the_countries_used() -> None:
    frames = validate_raw(FIXTURES / "base").frames
    used = set(frames["partnerships"]["country_code"])
    codelists = frames["codelists"]
    countries = codelists[codelists["codelist"] == "country"]
    assert set(countries["code"]) == used
    for row in countries.itertuples():
        assert (row.label_de, row.label_en) == country_names(row.code)


@pytest.mark.parametrize(("code", "eu"), [("de", "DEU"), ("en", "ENG"), ("fr", "FRA")])
def test_iso_639_1_languages_map_to_the_eu_language_vocabulary(code: str, eu: str) -> None:
    assert language_alpha_3(code) == eu.lower()
    metadata = parse_metadata(changed("catalog.languages", [code]))
    assert metadata.language_uris == [
        f"http://publications.europa.eu/resource/authority/language/{eu}"
    ]


def test_a_new_pycountry_is_an_input_of_the_release(tmp_path: Path) -> None:
    """Country names come from pycountry: a new version must rebuild, not count as no-op."""
    from importlib.metadata import version

    from flows.release.manifest import input_hashes

    assert input_hashes(FIXTURES / "base")["packages/pycountry"] == version("pycountry")
