"""The DCAT-AP.de catalogue read by the harvester's own code: ckanext-dcat's RDFParser
with the DCAT-AP 3 profile (GovData's ckanext-dcatde builds on it), run in the test
CKAN's virtualenv. Every dataset, distribution, licence, publisher, contact point and
temporal and spatial coverage must come out of the parse as the catalogue meant it."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from servers import not_installed
from servers.ckan import CKAN_VENV
from servers.release import release  # noqa: F401 - fixture

from flows.describe.catalog import FILE_TYPES, IANA, temporal_coverage
from flows.describe.datapackage import GEOJSON_MEDIA_TYPE, MEDIA_TYPES, spreadsheet_name
from flows.describe.metadata import EU_AUTHORITY, LICENSES, load_metadata
from flows.write.geojson import GEOJSON_NAME
from schemas import DATASETS

pytestmark = pytest.mark.slow

PARSER = Path(__file__).parent / "servers" / "ckanext_dcat_parse.py"
PROFILES = "euro_dcat_ap_3"


def parse(catalog: Path, rdf_format: str, folder: Path, locale: str = "de") -> list[dict]:
    python = CKAN_VENV / "bin" / "python"
    if not python.exists():
        not_installed("CKAN (ckan-venv)")
    # the licence list a portal configures (licenses_group_url); GovData's uses the
    # DCAT-AP.de licence URIs, and so does flows.publish.ckan
    licenses = folder / "licenses.json"
    register = [{"id": lic.uri, "title": lic.title, "url": lic.uri} for lic in LICENSES.values()]
    licenses.write_text(json.dumps(register), encoding="utf-8")
    # -I: the script's folder holds servers/ckan.py, which must not shadow the ckan package
    args = [str(python), "-I", str(PARSER), str(catalog), rdf_format, PROFILES, str(licenses)]
    done = subprocess.run([*args, locale], capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "No module named 'ckanext.dcat'" in done.stderr:
        not_installed("ckanext-dcat (in ckan-venv)")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=[("catalog.ttl", "turtle"), ("catalog.rdf", "xml")])
def parsed(request, release: Path, tmp_path_factory) -> dict[str, dict]:  # noqa: F811
    name, rdf_format = request.param
    datasets = parse(release / name, rdf_format, tmp_path_factory.mktemp("dcat"))
    return {extras(d)["uri"]: d for d in datasets}


def extras(dataset: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset["extras"]}


def test_every_dataset_survives_with_its_texts_keywords_and_themes(
    parsed: dict[str, dict],
) -> None:
    metadata = load_metadata()
    assert sorted(parsed) == sorted(f"{metadata.base_url}catalog#{ds.name}" for ds in DATASETS)
    for ds in DATASETS:
        described = metadata.datasets[ds.name]
        dataset = parsed[f"{metadata.base_url}catalog#{ds.name}"]
        facts = extras(dataset)
        assert dataset["title"] == described.title_de  # a German portal's locale
        assert dataset["notes"] == described.description_de
        assert {t["name"] for t in dataset["tags"]} == {
            *described.keywords_de,
            *described.keywords_en,
        }
        assert sorted(json.loads(facts["theme"])) == sorted(described.theme_uris())
        assert sorted(json.loads(facts["language"])) == sorted(metadata.language_uris)
        assert facts["identifier"] == facts["uri"]
        assert facts["frequency"] == metadata.frequency_uri
        assert facts["access_rights"] == f"{EU_AUTHORITY}/access-right/PUBLIC"
        assert facts["issued"] == facts["modified"] == "2026-01-01"


def test_licence_publisher_and_contact_point_survive(parsed: dict[str, dict]) -> None:
    metadata = load_metadata()
    for dataset in parsed.values():
        facts = extras(dataset)
        # matched against the portal's licence list through the distributions' licence
        assert dataset["license_id"] == metadata.license.uri
        assert facts["publisher_name"] == metadata.publisher.name
        assert facts["publisher_url"] == metadata.publisher.url
        assert facts["publisher_uri"] == f"{metadata.base_url}catalog#publisher"
        assert facts["contact_name"] == metadata.contact_point.name
        assert facts["contact_url"] == metadata.contact_point.url
        assert facts.get("contact_email") == metadata.contact_point.email
        assert facts["contact_uri"] == f"{metadata.base_url}catalog#contact-point"


def test_temporal_and_spatial_coverage_survive(
    parsed: dict[str, dict],
    release: Path,  # noqa: F811
) -> None:
    metadata = load_metadata()
    for ds in DATASETS:
        facts = extras(parsed[f"{metadata.base_url}catalog#{ds.name}"])
        assert facts["spatial_uri"] == metadata.spatial_uri
        period = temporal_coverage(ds, release)
        if period is None:
            assert "temporal_start" not in facts and "temporal_end" not in facts
        else:
            assert (facts["temporal_start"], facts["temporal_end"]) == (
                period.start.isoformat(),
                period.end.isoformat(),
            )
    covered = [ds for ds in DATASETS if temporal_coverage(ds, release) is not None]
    assert len(covered) == 3  # every dataset but the code lists


def test_every_distribution_survives_with_its_file_facts(
    parsed: dict[str, dict],
    release: Path,  # noqa: F811
) -> None:
    metadata = load_metadata()
    for ds in DATASETS:
        described = metadata.datasets[ds.name]
        resources = parsed[f"{metadata.base_url}catalog#{ds.name}"]["resources"]
        files = [f"{ds.name}.{fmt}" for fmt in MEDIA_TYPES] + [spreadsheet_name(ds)]
        if ds.name == "partnerships":
            files.append(GEOJSON_NAME)  # the map data: one more distribution
        assert sorted(r["url"] for r in resources) == sorted(
            metadata.download_url(name) for name in files
        )
        for resource in resources:
            name = resource["url"].removeprefix(metadata.base_url)
            path = release / name
            fmt = path.suffix.removeprefix(".")
            assert resource["download_url"] == resource["access_url"] == resource["url"]
            assert resource["name"].startswith(described.title_de + " (")
            assert resource["format"] == f"{EU_AUTHORITY}/file-type/{FILE_TYPES[fmt]}"
            assert (
                resource["mimetype"] == IANA + {**MEDIA_TYPES, "geojson": GEOJSON_MEDIA_TYPE}[fmt]
            )
            assert resource["license"] == metadata.license.uri
            assert resource["size"] == path.stat().st_size
            assert resource["hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
            assert resource["hash_algorithm"].endswith("checksumAlgorithm_sha256")
            assert resource["modified"] == "2026-01-01"
