"""index.csv and the field schema files for Opendatasoft's "FTP with meta CSV" harvester,
read back as the harvester would."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pyarrow.csv as pv
import pytest
from test_metadata import changed

from flows import pipeline
from flows.describe.metadata import MetadataError, load_metadata, parse_metadata
from flows.describe.opendatasoft import INDEX_NAME, index_csv, source_file
from flows.publish.base import is_metadata, release_files
from schemas import DATASETS

REPO = Path(__file__).resolve().parents[1]
#: the columns Opendatasoft's documentation accepts for this harvester (standard
#: template), written out here from the documentation, not imported from the code
DOCUMENTED = {
    "title", "description", "theme", "keyword", "license", "language", "timezone",
    "modified", "geographic_area_mode", "geographic_area", "publisher", "references",
    "attributions", "oauth_scope",
}  # fmt: skip
#: the row id, the resource column (its default name) and the schema column we configure
HARVESTER_COLUMNS = {"name", "source_dataset", "schema_file"}


def read_semicolon_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")  # strict: the harvester reads UTF-8 only
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    rows = list(reader)
    for row in rows:
        assert None not in row and None not in row.values()  # no stray or missing cells
    return rows


def values(cell: str) -> list[str]:
    """A list cell as the harvester splits it: semicolons inside the quoted cell."""
    return cell.split(";") if cell else []


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("ods") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        assert pipeline.run(REPO / "raw", output).ok
    return output.resolve()


@pytest.fixture(scope="module")
def rows(release: Path) -> list[dict[str, str]]:
    return read_semicolon_csv((release / INDEX_NAME).read_bytes())


def test_every_column_is_one_the_harvester_documents(release: Path) -> None:
    header = (release / INDEX_NAME).read_text(encoding="utf-8").splitlines()[0].split(";")
    unknown = [name for name in header if name not in DOCUMENTED | HARVESTER_COLUMNS]
    assert not unknown, f"index.csv has columns the harvester does not know: {unknown}"
    assert {"name", "source_dataset", "schema_file", "title", "publisher"} <= set(header)
    assert {"attributions", "references", "license", "theme", "keyword"} <= set(header)


def test_one_row_per_dataset_pointing_at_files_that_exist(
    rows: list[dict[str, str]], release: Path
) -> None:
    assert len(rows) == len(DATASETS) + 1  # + partnerships.geojson, the map
    for row in rows:
        assert (release / row["source_dataset"]).is_file(), row["source_dataset"]
        assert (release / row["schema_file"]).is_file(), row["schema_file"]
    names = [row["name"] for row in rows]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", n) for n in names)


def test_rows_carry_the_metadata_with_the_portals_labels(rows: list[dict[str, str]]) -> None:
    metadata = load_metadata()
    by_file = {row["source_dataset"]: row for row in rows}
    for ds in DATASETS:
        row = by_file[source_file(ds.name)]
        meta = metadata.datasets[ds.name]
        assert row["title"] == meta.title_de
        assert row["description"] == meta.description_de
        assert values(row["keyword"]) == list(meta.keywords_de)
        assert values(row["theme"]) == [metadata.opendatasoft.themes[t] for t in meta.themes]
        assert row["license"] == metadata.opendatasoft.license
        assert row["language"] == "de"
        assert row["modified"] == "2025-11-24"
        assert row["publisher"] == "Stadt Dortmund"
        # Datenlizenz Deutschland – Namensnennung: users must name the provider
        assert metadata.license.needs_attribution
        assert values(row["attributions"]) == [metadata.attribution]
        assert row["references"] == metadata.download_url("data-dictionary.md")


def test_list_cells_are_quoted_so_semicolons_stay_inside(release: Path) -> None:
    line = (release / INDEX_NAME).read_text(encoding="utf-8").splitlines()[1]
    assert '"Städtepartnerschaft;Partnerstadt;Internationales;Dortmund"' in line


@pytest.mark.parametrize(
    "themes",
    [
        {"INTR": "Internationales, Partnerschaften"},
        {"INTR": "Internationales, Partnerschaften", "GOVE": "Verwaltung, Politik, Recht"},
        {"AGRI": "Landwirtschaft, Fischerei", "INTR": "Welt"},
    ],
)
def test_a_theme_label_with_a_comma_stays_one_theme(themes: dict[str, str]) -> None:
    raw = changed("opendatasoft.themes", themes)
    raw["datasets"] = {"events": {"themes": list(themes)}}
    metadata = parse_metadata(raw)
    rows = read_semicolon_csv(index_csv(metadata, dt.date(2025, 1, 1)).encode("utf-8"))
    events = next(row for row in rows if row["name"] == "events")
    assert values(events["theme"]) == list(themes.values())


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("opendatasoft.themes", {"XXXX": "Fantasie"}, "opendatasoft.themes.XXXX: is not one of"),
        ("opendatasoft.themes", {"INTR": "Welt; Europa"}, "opendatasoft.themes.INTR: contains"),
        ("opendatasoft.themes", {"INTR": " "}, "opendatasoft.themes.INTR: must be a non-empty"),
        ("opendatasoft.themes", "INTR", "opendatasoft.themes: must be a table"),
        ("opendatasoft.license", "DL;DE", "opendatasoft.license: contains ';'"),
    ],
)
def test_bad_portal_labels_are_refused_naming_the_key(key, value, named) -> None:
    with pytest.raises(MetadataError, match=re.escape(f"metadata.toml: {named}")):
        parse_metadata(changed(key, value))


def test_unset_portal_labels_are_the_official_names() -> None:
    raw = changed("opendatasoft", None)
    metadata = parse_metadata(raw)
    assert metadata.opendatasoft.license == metadata.license.title
    assert metadata.opendatasoft.themes["AGRI"] == (
        "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel"
    )


def test_schema_files_label_every_field_in_german(
    rows: list[dict[str, str]], release: Path
) -> None:
    for ds in DATASETS:
        row = next(r for r in rows if r["source_dataset"] == source_file(ds.name))
        fields = read_semicolon_csv((release / row["schema_file"]).read_bytes())
        header = pv.read_csv(release / row["source_dataset"]).column_names
        # the harvester matches a field by its name in lower case
        assert [f["name"] for f in fields] == [name.lower() for name in header]
        for field, spec in zip(fields, ds.columns, strict=False):
            assert field["label"] == spec.label_de and field["label"]
            assert field["description"] == spec.description_de
        # partnerships.opendatasoft.csv adds the portal's geo point, labelled too
        extra = fields[len(ds.columns) :]
        assert [f["name"] for f in extra] == (["geo_point"] if ds.name == "partnerships" else [])
        assert all(f["label"] and f["description"] for f in extra)


def test_index_goes_up_after_the_data_and_the_schemas_it_names(
    rows: list[dict[str, str]], release: Path
) -> None:
    order = [p.name for p in release_files(release)]
    for row in rows:
        assert order.index(row["source_dataset"]) < order.index(row["schema_file"])
        assert order.index(row["schema_file"]) < order.index(INDEX_NAME)
        assert is_metadata(row["schema_file"])


def test_schema_files_are_in_the_manifest(rows: list[dict[str, str]], release: Path) -> None:
    import json

    listed = json.loads((release / "manifest.json").read_text(encoding="utf-8"))["files"]
    for row in rows:
        assert row["schema_file"] in listed
