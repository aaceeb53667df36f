"""The DCAT-AP.de catalogue of a real release: mandatory properties, values from the data,
determinism, and (where the official shapes are available) zero SHACL violations."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from flows import pipeline
from flows.common.settings import DEFAULT_METADATA as DEFAULT_PATH
from flows.describe.catalog import (
    DCATAP,
    DCATDE,
    SPDX,
    catalog_graph,
    temporal_coverage,
    write_catalog,
)
from flows.describe.metadata import load_metadata, parse_metadata
from flows.write.datasets import FORMATS, arrow_schema, write_dataset
from schemas import DATASETS

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO.parent / "shared" / "dcat-ap-de"
RELEASE_DAY = dt.date(2025, 11, 24)  # SOURCE_DATE_EPOCH 1764000000


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("catalog") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        assert pipeline.run(REPO / "raw", output).ok
    return output.resolve()


@pytest.fixture(scope="module")
def graph(release: Path) -> Graph:
    return Graph().parse(release / "catalog.ttl")


def one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def languages(graph: Graph, subject, predicate) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def dataset_node(graph: Graph, name: str) -> URIRef:
    nodes = [d for d in graph.subjects(RDF.type, ns.DCAT.Dataset) if str(d).endswith(f"#{name}")]
    assert len(nodes) == 1
    return nodes[0]


def test_catalog_has_its_mandatory_properties(graph: Graph) -> None:
    (catalog,) = graph.subjects(RDF.type, ns.DCAT.Catalog)
    assert languages(graph, catalog, ns.DCTERMS.title) == {"de", "en"}
    assert languages(graph, catalog, ns.DCTERMS.description) == {"de", "en"}
    publisher = one(graph, catalog, ns.DCTERMS.publisher)
    assert str(one(graph, publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Stadt Dortmund"
    assert len(list(graph.objects(catalog, ns.DCAT.dataset))) == len(DATASETS)


@pytest.mark.parametrize("name", [ds.name for ds in DATASETS])
def test_each_dataset_has_what_dcat_ap_de_asks_for(graph: Graph, name: str) -> None:
    metadata = load_metadata()
    node = dataset_node(graph, name)
    assert languages(graph, node, ns.DCTERMS.title) == {"de", "en"}
    assert languages(graph, node, ns.DCTERMS.description) == {"de", "en"}
    assert one(graph, node, ns.DCTERMS.publisher)
    contact = one(graph, node, ns.DCAT.contactPoint)
    assert list(graph.objects(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasURL")))
    keywords = {str(k) for k in graph.objects(node, ns.DCAT.keyword)}
    assert set(metadata.datasets[name].keywords_de) <= keywords
    themes = {str(t) for t in graph.objects(node, ns.DCAT.theme)}
    assert themes == set(metadata.datasets[name].theme_uris())
    assert one(graph, node, ns.DCTERMS.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/regionalKey/059130000000"
    )
    assert one(graph, node, DCATDE.politicalGeocodingLevelURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    )
    assert one(graph, node, ns.DCTERMS.issued).toPython() == RELEASE_DAY
    assert one(graph, node, ns.DCTERMS.modified).toPython() == RELEASE_DAY
    assert str(one(graph, node, ns.DCTERMS.accrualPeriodicity)).endswith("/frequency/DAILY")
    assert str(one(graph, node, ns.DCTERMS.identifier))
    # one per format plus the spreadsheet copy, plus the GeoJSON map for partnerships
    map_files = 1 if name == "partnerships" else 0
    assert len(list(graph.objects(node, ns.DCAT.distribution))) == len(FORMATS) + 1 + map_files
    # the landing page is the dataset's page on the release's website (flows.site)
    assert one(graph, node, ns.DCAT.landingPage) == URIRef(metadata.base_url + f"{name}.html")


def test_each_distribution_describes_its_file(graph: Graph, release: Path) -> None:
    metadata = load_metadata()
    distributions = list(graph.subjects(RDF.type, ns.DCAT.Distribution))
    assert len(distributions) == len(DATASETS) * (len(FORMATS) + 1) + 1  # + the GeoJSON
    for node in distributions:
        url = str(one(graph, node, ns.DCAT.downloadURL))
        assert url == str(one(graph, node, ns.DCAT.accessURL))
        assert url.startswith(metadata.base_url)
        data = (release / url.removeprefix(metadata.base_url)).read_bytes()
        assert one(graph, node, ns.DCAT.byteSize).toPython() == len(data)
        checksum = one(graph, node, SPDX.checksum)
        assert one(graph, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(one(graph, checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert one(graph, node, ns.DCTERMS.license) == URIRef(metadata.license.uri)
        file_type = str(one(graph, node, ns.DCTERMS.format)).rsplit("/", 1)[1]
        assert url.endswith("." + file_type.lower())
        assert "/media-types/" in str(one(graph, node, ns.DCAT.mediaType))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def period(graph: Graph, name: str) -> tuple[dt.date, dt.date] | None:
    temporal = list(graph.objects(dataset_node(graph, name), ns.DCTERMS.temporal))
    if not temporal:
        return None
    start = one(graph, temporal[0], ns.DCAT.startDate).toPython()
    return start, one(graph, temporal[0], ns.DCAT.endDate).toPython()


def test_temporal_coverage_is_computed_from_the_data(graph: Graph, release: Path) -> None:
    for name in ("events", "aid_shipments"):
        rows = read_csv(release / f"{name}.csv")
        expected = (
            dt.date.fromisoformat(min(r["date_start"] for r in rows)),
            dt.date.fromisoformat(max(r["date_end"] for r in rows)),
        )
        assert period(graph, name) == expected
    partnerships = read_csv(release / "partnerships.csv")
    starts = [r["established_on"] or f"{r['established_year']}-01-01" for r in partnerships]
    ends = [r["established_on"] or f"{r['established_year']}-12-31" for r in partnerships]
    assert period(graph, "partnerships") == (
        dt.date.fromisoformat(min(starts)),
        dt.date.fromisoformat(max(ends)),
    )
    assert period(graph, "codelists") is None


def test_turtle_and_rdf_xml_say_the_same(graph: Graph, release: Path) -> None:
    assert isomorphic(graph, Graph().parse(release / "catalog.rdf", format="xml"))


def test_chosen_licence_reaches_every_distribution(release: Path) -> None:
    raw = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["license"] = {"id": "dl-zero-de/2.0"}  # no attribution needed
    graph = catalog_graph(release, parse_metadata(raw), RELEASE_DAY)
    licences = set(graph.objects(None, ns.DCTERMS.license))
    assert licences == {URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")}
    assert not list(graph.objects(None, DCATDE.licenseAttributionByText))


@pytest.mark.slow
def test_catalog_is_byte_identical_whatever_the_hash_seed(release: Path, tmp_path: Path) -> None:
    script = (
        "import datetime, sys, pathlib\n"
        "from flows.describe.catalog import write_catalog\n"
        "write_catalog(pathlib.Path(sys.argv[1]), datetime.date(2025, 11, 24))\n"
    )
    produced = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        folder.mkdir()
        for path in release.iterdir():
            (folder / path.name).write_bytes(path.read_bytes())
        subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=REPO,
            check=True,
            timeout=120,
        )
        produced.append({n: (folder / n).read_bytes() for n in ("catalog.ttl", "catalog.rdf")})
    assert produced[0] == produced[1]
    assert produced[0]["catalog.ttl"] == (release / "catalog.ttl").read_bytes()


def run_official_check(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SHAPES / "check.py"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.skipif(not (SHAPES / "check.py").exists(), reason="../shared/dcat-ap-de not here")
def test_official_dcat_ap_de_shapes_find_no_violation(release: Path) -> None:
    done = run_official_check(release / "catalog.ttl", release / "catalog.rdf")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DOES NOT CONFORM" not in done.stdout
    assert done.stdout.count("conforms") == 2
    assert "sh:Violation" not in done.stdout
    # the only warnings: dcatde:politicalGeocodingURI, deprecated in 3.0, kept for GovData
    warnings = done.stdout.count("Severity: sh:Warning")
    deprecated = "Message: Deprecated: dcatde:politicalGeocodingURI"
    assert warnings == done.stdout.count(deprecated) == 2 * len(DATASETS)
    assert done.stdout.count("Severity:") == warnings


@pytest.mark.slow
@pytest.mark.skipif(not (SHAPES / "check.py").exists(), reason="../shared/dcat-ap-de not here")
def test_official_shapes_refuse_a_distribution_without_access_url(
    release: Path, tmp_path: Path
) -> None:
    graph = Graph().parse(release / "catalog.ttl")
    graph.remove((None, ns.DCAT.accessURL, None))
    broken = tmp_path / "catalog.ttl"
    graph.serialize(broken, format="turtle")
    done = run_official_check(broken)
    assert done.returncode == 1
    assert "DOES NOT CONFORM" in done.stdout


def test_write_catalog_writes_both_serialisations(release: Path, tmp_path: Path) -> None:
    for path in release.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    written = write_catalog(tmp_path, RELEASE_DAY)
    assert [p.name for p in written] == ["catalog.ttl", "catalog.rdf"]
    assert (tmp_path / "catalog.ttl").read_bytes() == (release / "catalog.ttl").read_bytes()
    assert (tmp_path / "catalog.rdf").read_bytes() == (release / "catalog.rdf").read_bytes()


def test_a_dataset_without_rows_has_no_temporal_coverage(tmp_path: Path) -> None:
    events = next(ds for ds in DATASETS if ds.name == "events")
    write_dataset(events, arrow_schema(events).empty_table(), tmp_path)
    assert temporal_coverage(events, tmp_path) is None


def test_spatial_coverage_is_given_twice_for_govdatas_harvester(graph: Graph) -> None:
    metadata = load_metadata()
    for ds in DATASETS:
        node = dataset_node(graph, ds.name)
        region = URIRef(metadata.spatial_uri)
        assert one(graph, node, ns.DCTERMS.spatial) == region
        assert one(graph, node, DCATDE.politicalGeocodingURI) == region
        assert one(graph, node, DCATDE.politicalGeocodingLevelURI) == URIRef(
            metadata.geocoding_level_uri
        )


def test_dcat_ap_namespace_ends_with_a_slash(release: Path) -> None:
    assert str(DCATAP) == "http://data.europa.eu/r5r/"
    for name in ("catalog.ttl", "catalog.rdf"):
        assert "r5r#" not in (release / name).read_text(encoding="utf-8")
