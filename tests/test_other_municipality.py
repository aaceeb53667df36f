"""Any municipality can run it: Moers (examples/moers/) and a new instance from
`partnerships init`, each published by the real command under Prefect."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import REPO

from flows import cli
from flows.describe.metadata import load_metadata
from schemas import DATASETS

PARTNERSHIPS = Path(sys.executable).with_name("partnerships")
MOERS = REPO / "examples" / "moers"
MOERS_KEY = "051700024024"


def command(args: list[str], env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(PARTNERSHIPS), *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def mentions_of(word: bytes, release: Path) -> list[str]:
    """Every file of the release whose bytes, or whose Parquet texts and metadata
    (compressed on disk), hold word in any case."""
    found = []
    for path in sorted(release.iterdir()):
        texts = [path.read_bytes()]
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            rows = json.dumps(table.to_pylist(), ensure_ascii=False, default=str)
            texts += [str(table.schema).encode(), rows.encode()]
        if any(word in text.lower() for text in texts):
            found.append(path.name)
    return found


@pytest.fixture(scope="module")
def moers_release(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """examples/moers published as its curators would: `partnerships run` under Prefect."""
    home = tmp_path_factory.mktemp("prefect-home")
    env = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PARTNERSHIPS_METADATA": "",  # --metadata names the file, not the environment
    }
    output = tmp_path_factory.mktemp("moers") / "output"
    args = ["run", "--raw", str(MOERS / "raw"), "--metadata", str(MOERS / "metadata.toml")]
    done = command([*args, "--output", str(output)], env)
    assert done.returncode == 0, done.stderr
    return output.resolve(), done


@pytest.mark.prefect
def test_the_moers_release_says_nothing_of_dortmund(moers_release) -> None:
    release, done = moers_release
    assert mentions_of(b"dortmund", release) == []
    assert "dortmund" not in (done.stdout + done.stderr).lower()
    # the check can fail: the city's own name is found everywhere it should be
    assert {"index.html", "partnerships.html", "catalog.ttl", "datapackage.json"} <= set(
        mentions_of(b"moers", release)
    )


@pytest.mark.prefect
def test_the_moers_release_is_named_for_moers(moers_release) -> None:
    release, done = moers_release
    assert "moers-partnerships-nightly" in done.stdout + done.stderr  # the flow's name
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "moers-partnerships"
    assert package["title"] == "Internationale Beziehungen der Stadt Moers"
    index = (release / "index.csv").read_text(encoding="utf-8")
    assert "partnerships;Partnerschaften der Stadt Moers;" in index
    catalog = (release / "catalog.ttl").read_text(encoding="utf-8")
    assert '"Partnerships of the City of Moers"@en' in catalog
    assert f"regionalKey/{MOERS_KEY}" in catalog
    page = (release / "index.html").read_text(encoding="utf-8")
    assert 'id="map-home"' in page and 'data-latitude="51.4592"' in page
    rows = {r["partnership_id"] for r in json.loads((release / "partnerships.json").read_text())}
    assert rows == {
        "maisons-alfort", "bapaume", "knowsley", "ramla", "la-trinidad", "seelow",
        "stazzema", "beitunia",
    }  # fmt: skip
    # Moers' partnerships have no documented aid shipment: published empty, with schema
    shipments = pq.read_table(release / "aid_shipments.parquet")
    assert shipments.num_rows == 0 and "shipment_id" in shipments.column_names
    assert (release / "aid_shipments.csv").read_text(encoding="utf-8").startswith("shipment_id,")
    assert "Noch keine Zeilen" in (release / "aid_shipments.html").read_text(encoding="utf-8")
    assert "Noch keine Zeilen" not in (release / "events.html").read_text(encoding="utf-8")


def test_moers_metadata_cites_its_regional_key_and_coordinates() -> None:
    text = (MOERS / "metadata.toml").read_text(encoding="utf-8")
    municipality = load_metadata(MOERS / "metadata.toml").municipality
    assert municipality.regional_key == MOERS_KEY and "github.com/OpenRuhr" in text
    assert municipality.coordinates_source_url.startswith("https://")
    assert tomllib.loads(text)["municipality"]["name"] == "Stadt Moers"


def init(folder: Path, *args: str) -> int:
    return cli.main(["init", str(folder), *args])


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--name", "Stadt Moers", "--regional-key", "05170024024"], "is not a 12-digit"),
        (["--name", "Stadt Moers", "--regional-key", "991700024024"], "99, which is no Land"),
        (["--name", "Moers", "--regional-key", MOERS_KEY], "--kind: is missing"),
        (["--name", "Markt Musterberg", "--regional-key", "091990001001"], "--genitive-de:"),
        (["--name", "Stadt Moers", "--regional-key", MOERS_KEY, "--slug", "Moers"], "--slug:"),
        (
            ["--name", "Stadt Moers", "--regional-key", MOERS_KEY, "--base-url", "x.org"],
            "catalog.base_url",
        ),
    ],
)
def test_init_refuses_clearly_and_writes_nothing(args, said, tmp_path: Path, capsys) -> None:
    assert init(tmp_path / "new", *args) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert said in err and "nothing written" in err
    assert list(tmp_path.iterdir()) == []


def test_init_never_writes_into_a_folder_that_holds_anything(tmp_path: Path, capsys) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "partnerships.csv").write_text("curated\n", encoding="utf-8")
    assert init(tmp_path, "--name", "Stadt Moers", "--regional-key", MOERS_KEY) == 2
    assert "is not empty" in capsys.readouterr().err
    assert (tmp_path / "raw" / "partnerships.csv").read_text(encoding="utf-8") == "curated\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_init_writes_headers_metadata_and_a_german_readme(tmp_path: Path) -> None:
    folder = tmp_path / "musterhausen"  # a made-up municipality: no data is published
    args = ["--name", "Gemeinde Musterhausen", "--regional-key", "057990001001"]
    assert init(folder, *args, "--website", "https://www.musterhausen.example/") == 0
    for ds in DATASETS:
        if ds.raw_file:
            header = (folder / "raw" / ds.raw_file).read_text(encoding="utf-8")
            assert header == ",".join(ds.raw_columns) + "\n"
    metadata = load_metadata(folder / "metadata.toml")
    assert metadata.municipality.name_en == "Municipality of Musterhausen"
    assert metadata.publisher.url == "https://www.musterhausen.example/"
    title = metadata.datasets["partnerships"].title_de
    assert title == "Partnerschaften der Gemeinde Musterhausen"
    assert metadata.base_url == "https://opendata.example.org/musterhausen-partnerships/"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Partnerschaften der Gemeinde Musterhausen als offene Daten")
    assert "partnerships run --raw raw --metadata metadata.toml --output output" in readme
    # what the arguments did not set is there, commented, with the value it has
    text = (folder / "metadata.toml").read_text(encoding="utf-8")
    assert '# name_en = "Municipality of Musterhausen"' in text
    assert '# slug = "musterhausen"' in text


@pytest.mark.prefect
def test_init_then_run_publishes_a_first_empty_valid_release(prefect_env, tmp_path: Path) -> None:
    folder = tmp_path / "moers"
    made = command(["init", str(folder), "--name", "Stadt Moers", "--regional-key", MOERS_KEY], {})
    assert made.returncode == 0, made.stderr
    env = prefect_env | {"PARTNERSHIPS_METADATA": ""}
    raw, metadata, output = folder / "raw", folder / "metadata.toml", folder / "output"
    done = command(
        ["run", "--raw", str(raw), "--metadata", str(metadata), "--output", str(output)], env
    )
    assert done.returncode == 0, done.stderr
    release = output.resolve()
    for ds in DATASETS:
        table = pq.read_table(release / f"{ds.name}.parquet")
        assert (table.num_rows > 0) == (ds.name == "codelists"), ds.name
    assert mentions_of(b"dortmund", release) == []
    from frictionless import validate

    assert validate(release / "datapackage.json").valid
    # run from the instance's folder, its own metadata.toml is read: nothing changed
    again = command(["run"], env, cwd=folder)
    assert again.returncode == 0 and "nothing changed" in again.stdout.lower(), again.stdout


def test_metadata_option_names_the_file_for_the_command_only(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere.toml"
    args = ["validate", "--raw", str(MOERS / "raw"), "--html", str(tmp_path / "r.html")]
    assert cli.main([*args, "--metadata", str(missing)]) == cli.EXIT_USAGE
    assert "is not a metadata.toml file" in capsys.readouterr().err
    before = os.environ.get("PARTNERSHIPS_METADATA")
    assert cli.main([*args, "--metadata", str(MOERS / "metadata.toml")]) == cli.EXIT_OK
    assert os.environ.get("PARTNERSHIPS_METADATA") == before


def test_a_report_shows_the_municipalitys_website_as_an_example(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(MOERS / "raw", raw)
    events = raw / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("https://", "http://", 1))
    page = tmp_path / "report.html"
    args = ["validate", "--raw", str(raw), "--html", str(page)]
    assert cli.main([*args, "--metadata", str(MOERS / "metadata.toml")]) == cli.EXIT_INVALID
    assert ">https://www.moers.de/<" in page.read_text(encoding="utf-8")


def test_the_workbook_is_headed_with_the_municipality(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "daten.xlsx"
    metadata = ["--metadata", str(MOERS / "metadata.toml")]
    assert cli.main(["workbook", "export", str(path), "--raw", str(MOERS / "raw"), *metadata]) == 0
    notes = load_workbook(path).worksheets[0]
    assert (notes["A1"].value, notes["B1"].value) == (
        "Partnerschaftsdaten der Stadt Moers",
        "Partnership data of the City of Moers",
    )
