"""The data dictionary: generated from the schemas, complete, and committed up to date."""

from __future__ import annotations

from pathlib import Path

from flows import pipeline
from flows.describe.dictionary import DICTIONARY_NAME, dictionary_markdown
from flows.describe.metadata import load_metadata
from flows.describe.sources import ROWS_SHOWN, cited_rows, read_curated
from schemas import DATASETS
from schemas.codelists import labelled

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "docs" / "data-dictionary.md"
REGENERATE = "python -m flows.describe.dictionary > docs/data-dictionary.md"


def curated_dictionary(raw: Path) -> str:
    return dictionary_markdown(cited_rows(read_curated(raw), limit=ROWS_SHOWN))


def test_committed_dictionary_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == curated_dictionary(REPO / "raw"), (
        f"docs/data-dictionary.md is stale: run `{REGENERATE}` and commit it"
    )


def test_every_dataset_and_column_is_described() -> None:
    page = dictionary_markdown()
    described = load_metadata().datasets
    for ds in DATASETS:
        titles = described[ds.name]
        heading = f"## `{ds.name}`: {titles.title_de} / {titles.title_en}"
        section = page[page.index(heading) :].split("\n## ")[0]
        for c in ds.columns:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{c.name}` |"))
            assert c.description_de in row and c.description_en in row
            assert ("ja / yes" if c.required else "nein / no") in row
            if c.unit:
                assert f"| {c.unit} |" in row
            if c.codelist:
                assert f"[`{c.codelist}`]" in row
            if c.references:
                assert f"`{c.references[0]}.{c.references[1]}`" in row


def test_required_flag_and_type_are_per_column() -> None:
    page = dictionary_markdown().splitlines()
    latitude = next(line for line in page if line.startswith("| `latitude` |"))
    assert "Dezimalzahl / decimal number" in latitude
    assert "| degree |" in latitude and "nein / no" in latitude
    assert "≥ -90; ≤ 90" in latitude


def test_every_code_of_every_used_code_list_is_listed_with_labels() -> None:
    page = dictionary_markdown()
    used = {c.codelist for ds in DATASETS for c in ds.columns if c.codelist}
    assert used
    for name in used:
        assert f"### `{name}`" in page
        for entry in labelled(name):
            assert f"| `{entry.code}` | {entry.label_de} | {entry.label_en} |" in page


def test_dictionary_is_published_with_the_data(base_raw: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    # the published page reads its sources from the published Parquet files, the
    # committed one from the curated CSVs: for the same rows both agree
    published = (output / DICTIONARY_NAME).read_text(encoding="utf-8")
    assert published == curated_dictionary(base_raw)
    assert "## Quellen / Sources" in published
