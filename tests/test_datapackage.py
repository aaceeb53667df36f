"""datapackage.json of a real release: complete, and valid for frictionless with zero errors."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from frictionless import Package, Resource, validate

from flows import pipeline
from flows.describe.datapackage import spreadsheet_name
from flows.describe.metadata import load_metadata
from flows.write.datasets import FORMATS
from flows.write.geojson import GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from schemas import DATASETS

REPO = Path(__file__).resolve().parents[1]
DATASET_NAMES = {ds.name for ds in DATASETS}
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release built from the real curated files in raw/."""
    output = tmp_path_factory.mktemp("dp") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        assert pipeline.run(REPO / "raw", output).ok
    return output.resolve()


MAP_FILES = {GEOJSON_NAME, OPENDATASOFT_CSV_NAME}


def package_of(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def errors_of(report) -> list[tuple[str, str, str]]:
    return [(task.name, e.type, e.note) for task in report.tasks for e in task.errors]


def test_every_file_of_every_dataset_is_described(release: Path) -> None:
    package = package_of(release)
    by_path = {r["path"]: r for r in package["resources"]}
    tables = {f"{ds.name}.{fmt}" for ds in DATASETS for fmt in FORMATS}
    spreadsheets = {spreadsheet_name(ds) for ds in DATASETS}
    assert set(by_path) == tables | spreadsheets | MAP_FILES
    # a file added to the release later without a description fails here; the website's
    # pages (flows.site) describe the data and are not data themselves
    data_files = {
        p.name
        for p in release.iterdir()
        if p.name.split(".")[0] in DATASET_NAMES and not p.name.endswith(".html")
    }
    assert data_files == set(by_path)
    for path, resource in by_path.items():
        data = (release / path).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["title"] and resource["description"]
        if path in tables:
            assert resource["schema"]["primaryKey"]
            assert resource["schema"]["missingValues"] == [""]
    events = by_path["events.csv"]["schema"]
    assert {
        "fields": "partnership_id",
        "reference": {"resource": "partnerships", "fields": ("partnership_id")},
    } in events["foreignKeys"]
    event_type = next(f for f in events["fields"] if f["name"] == "event_type")
    assert "visit" in event_type["constraints"]["enum"]


def test_package_carries_licence_title_and_description(release: Path) -> None:
    package = package_of(release)
    metadata = load_metadata()
    assert package["licenses"] == [
        {
            "name": "DL-DE-BY-2.0",
            "path": "https://www.govdata.de/dl-de/by-2-0",
            "title": (metadata.license.title),
        }
    ]
    assert package["title"] == metadata.title_de
    assert package["description"] == metadata.description_de


def test_frictionless_finds_no_error_in_the_release(release: Path) -> None:
    report = validate(release / "datapackage.json")
    assert errors_of(report) == []
    assert report.valid
    kinds = {task.name: task.type for task in report.tasks}
    # + spreadsheet copy, + the GeoJSON and the CSV for Opendatasoft
    assert len(kinds) == len(DATASETS) * (len(FORMATS) + 1) + len(MAP_FILES)
    # CSV rows are checked against the schema; Parquet and JSON as files (size, sha256)
    assert {name for name, kind in kinds.items() if kind == "table"} == {ds.name for ds in DATASETS}


@pytest.mark.slow
def test_frictionless_command_line_reports_zero_errors(release: Path) -> None:
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=release,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] is True
    assert sum(task["stats"]["errors"] for task in report["tasks"]) == 0
    assert len(report["tasks"]) == len(DATASETS) * (len(FORMATS) + 1) + len(MAP_FILES)


@pytest.mark.parametrize(
    "name", ["events.parquet", "partnerships.json", "codelists.csv", "events.excel.csv"]
)
def test_a_changed_file_is_caught(release: Path, tmp_path: Path, name: str) -> None:
    copy_ = tmp_path / "release"
    shutil.copytree(release, copy_)
    target = copy_ / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit, same size
    target.write_bytes(bytes(data))
    report = validate(copy_ / "datapackage.json")
    assert not report.valid
    assert "hash-count" in {kind for _, kind, _ in errors_of(report)}


def test_a_value_outside_the_schema_is_caught_in_csv(release: Path, tmp_path: Path) -> None:
    copy_ = tmp_path / "release"
    shutil.copytree(release, copy_)
    events = copy_ / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",council_decision,", ",vote,", 1),
        encoding="utf-8",
    )
    descriptor = package_of(copy_)
    for resource in descriptor["resources"]:
        resource.pop("hash"), resource.pop("bytes")
    (copy_ / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate(copy_ / "datapackage.json")
    assert [(name, kind) for name, kind, _ in errors_of(report)] == [("events", "constraint-error")]


def rows_as_table(resource: dict) -> dict:
    """A non-CSV resource as a table, for checking its rows against the schema.

    Size and hash are left out: frictionless cannot measure them for tabular Parquet or
    JSON (the release check above verifies them on the file resources). Foreign keys are
    checked on the CSV resources, which hold the same rows.
    """
    table = copy.deepcopy(resource)
    for key in ("type", "bytes", "hash"):
        table.pop(key)
    table["profile"] = "tabular-data-resource"
    table["schema"].pop("foreignKeys", None)
    if table["format"] == "parquet":
        # frictionless reads Parquet through pandas, which turns a null in an integer
        # column into the float NaN; declared missing, NaN is read as the null it was
        table["schema"]["missingValues"] = ["", "nan"]
    return table


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "csv"])
def test_parquet_and_json_rows_match_the_same_schema(release: Path, fmt: str) -> None:
    package = package_of(release)
    checked = 0
    for described in package["resources"]:
        if described["format"] != fmt or described["name"].endswith("-spreadsheet"):
            continue
        resource = Resource.from_descriptor(rows_as_table(described), basepath=str(release))
        report = resource.validate()
        assert errors_of(report) == [], described["name"]
        checked += report.tasks[0].stats["rows"] or 0
    rows = {ds.name: len(json.loads((release / f"{ds.name}.json").read_bytes())) for ds in DATASETS}
    assert checked == sum(rows.values())


def test_a_bad_json_row_is_caught(release: Path, tmp_path: Path) -> None:
    folder = tmp_path / "release"
    shutil.copytree(release, folder)
    rows = json.loads((folder / "events.json").read_bytes())
    rows[0]["event_type"] = "vote"
    (folder / "events.json").write_text(json.dumps(rows), encoding="utf-8")
    described = next(r for r in package_of(folder)["resources"] if r["name"] == "events-json")
    report = Resource.from_descriptor(rows_as_table(described), basepath=str(folder)).validate()
    assert [kind for _, kind, _ in errors_of(report)] == ["constraint-error"]


def test_package_opens_as_a_frictionless_package(release: Path) -> None:
    package = Package(release / "datapackage.json")
    assert package.get_resource("partnerships").read_rows()[0]["partnership_id"]
