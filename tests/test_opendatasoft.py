"""index.csv for Opendatasoft's "FTP with meta CSV" harvester, read back as the harvester would."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from flows import pipeline
from flows.describe.metadata import load_metadata
from flows.describe.opendatasoft import COLUMNS, INDEX_NAME, source_file
from schemas import DATASETS

REPO = Path(__file__).resolve().parents[1]
#: the columns Opendatasoft's documentation names for this harvester
DOCUMENTED = {
    "name", "source_dataset", "schema_file", "title", "description", "theme", "keyword",
    "license", "language", "timezone", "modified",
}  # fmt: skip


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("ods") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        assert pipeline.run(REPO / "raw", output).ok
    return output.resolve()


@pytest.fixture(scope="module")
def rows(release: Path) -> list[dict[str, str]]:
    text = (release / INDEX_NAME).read_bytes().decode("utf-8")  # strict: must be UTF-8
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    assert reader.fieldnames == list(COLUMNS)
    return list(reader)


def test_header_uses_only_documented_column_names() -> None:
    assert set(COLUMNS) <= DOCUMENTED
    assert {"name", "title", "description", "theme", "keyword", "license", "language"} <= set(
        COLUMNS
    )
    assert "source_dataset" in COLUMNS


def test_one_row_per_dataset_pointing_at_files_that_exist(
    rows: list[dict[str, str]], release: Path
) -> None:
    assert len(rows) == len(DATASETS) + 1  # + partnerships.geojson, the map
    for row in rows:
        assert (release / row["source_dataset"]).is_file(), row["source_dataset"]
        assert None not in row.values() and None not in row  # no stray or missing cells
    names = [row["name"] for row in rows]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", n) for n in names)


def test_rows_carry_the_metadata(rows: list[dict[str, str]]) -> None:
    metadata = load_metadata()
    by_file = {row["source_dataset"]: row for row in rows}
    for ds in DATASETS:
        row = by_file[source_file(ds.name)]
        meta = metadata.datasets[ds.name]
        assert row["title"] == meta.title_de
        assert row["description"] == meta.description_de
        # lists inside a cell: keywords by semicolons, themes by commas
        assert row["keyword"].split(";") == list(meta.keywords_de)
        assert row["theme"].split(", ") == meta.theme_labels_de()
        assert row["license"] == metadata.license.title
        assert row["language"] == "de"
        assert row["modified"] == "2025-11-24"


def test_keyword_cells_are_quoted_so_semicolons_stay_inside(release: Path) -> None:
    line = (release / INDEX_NAME).read_text(encoding="utf-8").splitlines()[1]
    assert '"Städtepartnerschaft;Partnerstadt;Internationales;Dortmund"' in line
