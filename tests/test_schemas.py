"""The models are the single source of truth: they must be complete."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from schemas import DATASETS
from schemas.codelists import all_codes, codelist_names
from schemas.fields import COUNTRY_CODE, HTTPS_URL, SLUG, WIKIDATA_ID

COLUMNS = [pytest.param(ds, c, id=f"{ds.name}.{c.name}") for ds in DATASETS for c in ds.columns]


@pytest.mark.parametrize(("ds", "column"), COLUMNS)
def test_every_column_has_a_german_and_an_english_description(ds, column) -> None:
    assert column.description_de.strip(), f"{ds.name}.{column.name} lacks description_de"
    assert column.description_en.strip(), f"{ds.name}.{column.name} lacks description_en"
    assert column.description_de != column.description_en


@pytest.mark.parametrize(("ds", "column"), COLUMNS)
def test_every_column_has_a_short_german_and_english_label(ds, column) -> None:
    """Portals show the labels as column headings (Opendatasoft's schema files)."""
    assert column.label_de.strip(), f"{ds.name}.{column.name} lacks label_de"
    assert column.label_en.strip(), f"{ds.name}.{column.name} lacks label_en"
    assert len(column.label_de) <= 40 and len(column.label_en) <= 40


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.name)
def test_every_dataset_has_titles_descriptions_and_a_primary_key(ds) -> None:
    for key in ("title_de", "title_en", "description_de", "description_en"):
        assert ds.meta.get(key, "").strip(), f"{ds.name} lacks {key}"
    assert ds.primary_key
    assert all(c in [col.name for col in ds.columns] for c in ds.primary_key)


REFERENCES = [p for p in COLUMNS if p.values[1].references is not None]


@pytest.mark.parametrize(("ds", "column"), REFERENCES)
def test_references_point_at_a_primary_key(ds, column) -> None:
    target, target_column = column.references
    assert [d.primary_key for d in DATASETS if d.name == target] == [[target_column]]


def test_every_code_has_both_labels_and_codes_are_unique() -> None:
    codes = all_codes()
    assert all(c.label_de.strip() and c.label_en.strip() for c in codes)
    assert len({(c.codelist, c.code) for c in codes}) == len(codes)


def test_every_code_list_is_used_by_a_column() -> None:
    used = {c.codelist for ds in DATASETS for c in ds.columns if c.codelist}
    assert used == set(codelist_names())


PATTERNS = [SLUG, COUNTRY_CODE, WIKIDATA_ID, HTTPS_URL]
#: every character Python's re calls whitespace, and a few that are not
PYTHON_WHITESPACE = [chr(c) for c in range(0x110000) if re.match(r"\s", chr(c))]
PATTERN_SAMPLES = [
    *(f"https://dortmund.de/a{ch}b" for ch in PYTHON_WHITESPACE),
    "https://www.dortmund.de/partnerstädte?x=1#rostow",
    "https://dortmund.de",
    "rostow-am-don",
    "rostow--am-don",
    "RU",
    "Q908",
    "Q0",
    "https://dortmund.de/\x00",
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.regex[:24])
def test_patterns_match_alike_in_python_and_pyarrow(pattern) -> None:
    """Validation runs the patterns in pyarrow (RE2), the Data Package declares them for
    readers using other engines: both must accept exactly the same text."""
    in_python = [re.match(pattern.regex, s) is not None for s in PATTERN_SAMPLES]
    in_pyarrow = pc.match_substring_regex(pa.array(PATTERN_SAMPLES), pattern.regex).to_pylist()
    assert in_python == in_pyarrow


def test_urls_with_whitespace_inside_are_refused() -> None:
    urls = [f"https://dortmund.de/a{ch}b" for ch in PYTHON_WHITESPACE]
    accepted = [u for u in urls if re.match(HTTPS_URL.regex, u)]
    assert accepted == []
    assert re.match(HTTPS_URL.regex, "https://www.dortmund.de/partnerstädte?x=1#rostow")


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.name)
def test_validation_checks_every_column_curators_write_and_every_rule(ds) -> None:
    checked = ds.checked_schema
    assert list(checked.columns) == [c.name for c in ds.columns if not c.derived]
    assert checked.checks == ds.schema.checks  # rules across columns all stay
    # the key's uniqueness is checked on the sorted keys (flows.check.ordering), which covers
    # what the model declares only while the model's unique columns are its key
    assert checked.unique is None
    assert ds.schema.unique == ds.primary_key
    assert checked.strict == ds.schema.strict
