"""The models are the single source of truth: they must be complete."""

from __future__ import annotations

import pytest

from schemas import DATASETS
from schemas.codelists import all_codes, codelist_names

COLUMNS = [pytest.param(ds, c, id=f"{ds.name}.{c.name}") for ds in DATASETS for c in ds.columns]


@pytest.mark.parametrize(("ds", "column"), COLUMNS)
def test_every_column_has_a_german_and_an_english_description(ds, column) -> None:
    assert column.description_de.strip(), f"{ds.name}.{column.name} lacks description_de"
    assert column.description_en.strip(), f"{ds.name}.{column.name} lacks description_en"
    assert column.description_de != column.description_en


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
