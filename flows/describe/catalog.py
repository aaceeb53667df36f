"""The DCAT-AP.de 3.0 catalogue of a release, as Turtle (catalog.ttl) and RDF/XML (catalog.rdf).

Titles, descriptions and column facts come from the pandera models, catalogue facts
from metadata.toml, the temporal coverage from the staged tables (flows.write.staged), sizes and
checksums from the files themselves. Every node has an IRI (no blank nodes), so the
same release always serialises to the same bytes: rdflib's Turtle writer sorts, its
RDF/XML writers follow the store's hash order, hence the small sorted writer below.

Spatial coverage follows DCAT-AP.de 3.0: the Regionalschlüssel URI is the value of
dct:spatial and dcatde:politicalGeocodingLevelURI names its level. The same URI is also
given as dcatde:politicalGeocodingURI: 3.0 deprecates it (the official shapes warn), but
GovData's harvester still reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyarrow.compute as pc
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from flows.common.digests import sha256_file
from flows.describe.datapackage import GEOJSON_MEDIA_TYPE, MEDIA_TYPES, spreadsheet_name
from flows.describe.metadata import EU_AUTHORITY, Metadata, load_metadata
from flows.write.geojson import GEOJSON_NAME
from flows.write.staged import read_staged
from schemas import DATASETS, Dataset

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
#: DCAT-AP's namespace ends with a slash; `r5r#` was a typo no reader recognises
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

FILE_TYPES = {"csv": "CSV", "parquet": "PARQUET", "json": "JSON", "geojson": "GEOJSON"}
DISTRIBUTION_MEDIA_TYPES = {**MEDIA_TYPES, "geojson": GEOJSON_MEDIA_TYPE}
MAP_LABELS = ("Karte, GeoJSON", "map, GeoJSON")
IANA = "https://www.iana.org/assignments/media-types/"
CATALOG_FILES = ("catalog.ttl", "catalog.rdf")
SPREADSHEET_LABELS = ("CSV für Tabellenkalkulation", "CSV for spreadsheets")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def temporal_coverage(ds: Dataset, folder: Path) -> Period | None:
    """First and last date the dataset's rows cover, from its staged table.

    Dated datasets span min(date_start)..max(date_end); partnerships span their
    establishment dates (the year's first and last day where only the year is known).
    Datasets without dates, or without rows, have no temporal coverage.
    """
    names = {c.name for c in ds.columns}
    if {"date_start", "date_end"} <= names:
        table = read_staged(folder, ds.name, ["date_start", "date_end"])
        if table is None:
            return None
        start, end = pc.min(table["date_start"]).as_py(), pc.max(table["date_end"]).as_py()
    elif {"established_on", "established_year"} <= names:
        table = read_staged(folder, ds.name, ["established_on", "established_year"])
        if table is None:
            return None
        days = [
            (on, on) if on else (dt.date(year, 1, 1), dt.date(year, 12, 31))
            for on, year in zip(
                table["established_on"].to_pylist(),
                table["established_year"].to_pylist(),
                strict=True,
            )
            if on or year
        ]
        start = min((d[0] for d in days), default=None)
        end = max((d[1] for d in days), default=None)
    else:
        return None
    if start is None or end is None:
        return None
    return Period(start, end)


def catalog_graph(folder: Path, metadata: Metadata, issued: dt.date) -> Graph:
    """The whole catalogue for the files in folder."""
    base = metadata.base_url
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in {
        "dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "dcatde": DCATDE, "dcatap": DCATAP,
        "spdx": SPDX, "vcard": VCARD, "xsd": XSD, "rdf": RDF,
    }.items():  # fmt: skip
        graph.bind(prefix, namespace)

    catalog = URIRef(f"{base}catalog")
    publisher = URIRef(f"{base}catalog#publisher")
    license_uri = URIRef(metadata.license.uri)

    add = graph.add
    add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, metadata.title_de, metadata.title_en)
    _texts(graph, catalog, DCTERMS.description, metadata.description_de, metadata.description_en)
    add((catalog, DCTERMS.publisher, publisher))
    add((catalog, DCTERMS.license, license_uri))
    add((catalog, FOAF.homepage, URIRef(base)))
    add((catalog, DCTERMS.modified, Literal(issued, datatype=XSD.date)))
    for language in metadata.language_uris:
        add((catalog, DCTERMS.language, URIRef(language)))

    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal(metadata.publisher.name)))
    if metadata.publisher.url:
        add((publisher, FOAF.homepage, URIRef(metadata.publisher.url)))

    point = metadata.contact_point
    # DCAT-AP.de: a vcard:Kind needs an e-mail, URL or phone number; without, none at all
    contact = URIRef(f"{base}catalog#contact-point") if point.email or point.url else None
    if contact is not None:
        add((contact, RDF.type, VCARD.Organization))
        add((contact, VCARD.fn, Literal(point.name)))
        if point.email:
            add((contact, VCARD.hasEmail, URIRef(f"mailto:{point.email}")))
        if point.url:
            add((contact, VCARD.hasURL, URIRef(point.url)))

    for ds in DATASETS:
        dataset = URIRef(f"{base}catalog#{ds.name}")
        add((catalog, DCAT.dataset, dataset))
        _add_dataset(graph, dataset, ds, folder, metadata, issued, publisher, contact)
    return graph


def _add_dataset(
    graph: Graph,
    dataset: URIRef,
    ds: Dataset,
    folder: Path,
    metadata: Metadata,
    issued: dt.date,
    publisher: URIRef,
    contact: URIRef | None,
) -> None:
    meta = metadata.datasets[ds.name]
    add = graph.add
    add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, meta.title_de, meta.title_en)
    _texts(graph, dataset, DCTERMS.description, meta.description_de, meta.description_en)
    add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    add((dataset, DCTERMS.publisher, publisher))
    if contact is not None:
        add((dataset, DCAT.contactPoint, contact))
    for keyword in meta.keywords_de:
        add((dataset, DCAT.keyword, Literal(keyword, lang="de")))
    for keyword in meta.keywords_en:
        add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    for theme in meta.theme_uris():
        add((dataset, DCAT.theme, URIRef(theme)))
    add((dataset, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    add((dataset, DCTERMS.modified, Literal(issued, datatype=XSD.date)))
    add((dataset, DCTERMS.accrualPeriodicity, URIRef(metadata.frequency_uri)))
    _add_spatial(graph, dataset, metadata)
    for language in metadata.language_uris:
        add((dataset, DCTERMS.language, URIRef(language)))
    add((dataset, DCTERMS.accessRights, URIRef(f"{EU_AUTHORITY}/access-right/PUBLIC")))

    period = temporal_coverage(ds, folder)
    if period is not None:
        temporal = URIRef(f"{dataset}-temporal")
        add((dataset, DCTERMS.temporal, temporal))
        add((temporal, RDF.type, DCTERMS.PeriodOfTime))
        add((temporal, DCAT.startDate, Literal(period.start, datatype=XSD.date)))
        add((temporal, DCAT.endDate, Literal(period.end, datatype=XSD.date)))

    files = [(fmt, f"{ds.name}.{fmt}", FILE_TYPES[fmt], FILE_TYPES[fmt]) for fmt in MEDIA_TYPES]
    files.append(("spreadsheet", spreadsheet_name(ds), *SPREADSHEET_LABELS))
    for key, file_name, label_de, label_en in files:
        distribution = URIRef(f"{dataset}-{key}")
        add((dataset, DCAT.distribution, distribution))
        texts = (f"{meta.title_de} ({label_de})", f"{meta.title_en} ({label_en})")
        _add_distribution(graph, distribution, folder / file_name, texts, metadata, issued)
    _add_landing_page(graph, dataset, ds, metadata)
    if ds.name == "partnerships":
        _add_map_distribution(graph, dataset, folder, metadata, issued)


def _add_landing_page(graph: Graph, dataset: URIRef, ds: Dataset, metadata: Metadata) -> None:
    """The dataset's page on the release's website (flows.site) under base_url."""
    page = URIRef(metadata.landing_page(ds.name))
    graph.add((dataset, DCAT.landingPage, page))
    graph.add((page, RDF.type, FOAF.Document))


def _add_map_distribution(
    graph: Graph, dataset: URIRef, folder: Path, metadata: Metadata, issued: dt.date
) -> None:
    """partnerships.geojson (flows.write.geojson) as one more distribution."""
    meta = metadata.datasets["partnerships"]
    distribution = URIRef(f"{dataset}-geojson")
    graph.add((dataset, DCAT.distribution, distribution))
    texts = (f"{meta.title_de} ({MAP_LABELS[0]})", f"{meta.title_en} ({MAP_LABELS[1]})")
    _add_distribution(graph, distribution, folder / GEOJSON_NAME, texts, metadata, issued)


def _add_spatial(graph: Graph, dataset: URIRef, metadata: Metadata) -> None:
    """dct:spatial with the Regionalschlüssel URI and its level, as DCAT-AP.de 3.0 wants,
    and the same URI as dcatde:politicalGeocodingURI, which 3.0 deprecates (the official
    shapes only warn) but GovData's harvester (ckanext-dcatde) still reads."""
    region = URIRef(metadata.spatial_uri)
    graph.add((dataset, DCTERMS.spatial, region))
    graph.add((region, RDF.type, DCTERMS.Location))
    graph.add((dataset, DCATDE.politicalGeocodingURI, region))
    graph.add((dataset, DCATDE.politicalGeocodingLevelURI, URIRef(metadata.geocoding_level_uri)))


def _add_distribution(
    graph: Graph,
    distribution: URIRef,
    path: Path,
    titles: tuple[str, str],
    metadata: Metadata,
    issued: dt.date,
) -> None:
    # the spreadsheet copy (<name>.excel.csv) is a CSV file as well
    fmt = path.suffix.removeprefix(".")
    size = path.stat().st_size
    url = URIRef(metadata.download_url(path.name))
    checksum = URIRef(f"{distribution}-sha256")
    add = graph.add
    add((distribution, RDF.type, DCAT.Distribution))
    _texts(graph, distribution, DCTERMS.title, *titles)
    add((distribution, DCAT.accessURL, url))
    add((distribution, DCAT.downloadURL, url))
    add((distribution, DCTERMS.format, URIRef(f"{EU_AUTHORITY}/file-type/{FILE_TYPES[fmt]}")))
    add((distribution, DCAT.mediaType, URIRef(IANA + DISTRIBUTION_MEDIA_TYPES[fmt])))
    add((distribution, DCTERMS.license, URIRef(metadata.license.uri)))
    if metadata.attribution:
        add((distribution, DCATDE.licenseAttributionByText, Literal(metadata.attribution)))
    add((distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    add((distribution, DCTERMS.modified, Literal(issued, datatype=XSD.date)))
    add((distribution, SPDX.checksum, checksum))
    add((checksum, RDF.type, SPDX.Checksum))
    add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    add(
        (
            checksum,
            SPDX.checksumValue,
            Literal(sha256_file(path), datatype=XSD.hexBinary),
        )
    )


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, german: str, english: str) -> None:
    graph.add((subject, predicate, Literal(german, lang="de")))
    graph.add((subject, predicate, Literal(english, lang="en")))


def write_catalog(folder: Path, issued: dt.date, metadata: Metadata | None = None) -> list[Path]:
    """Write catalog.ttl and catalog.rdf describing the files in folder, dated issued."""
    metadata = metadata or load_metadata()
    graph = catalog_graph(folder, metadata, issued)
    ttl, rdf = (folder / name for name in CATALOG_FILES)
    ttl.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    rdf.write_text(sorted_rdfxml(graph), encoding="utf-8")
    return [ttl, rdf]


def sorted_rdfxml(graph: Graph) -> str:
    """Flat RDF/XML, one rdf:Description per subject, subjects and statements sorted."""
    names = graph.namespace_manager
    used: dict[str, str] = {"rdf": str(RDF)}
    body = []
    for subject in sorted({s for s in graph.subjects()}):
        body.append(f"  <rdf:Description rdf:about={quoteattr(str(subject))}>")
        for predicate, obj in sorted(graph.predicate_objects(subject)):
            prefix, namespace, local = names.compute_qname_strict(predicate)
            used[prefix] = str(namespace)
            tag = f"{prefix}:{local}"
            if isinstance(obj, Literal):
                attrs = f" xml:lang={quoteattr(obj.language)}" if obj.language else ""
                if obj.datatype:
                    attrs += f" rdf:datatype={quoteattr(str(obj.datatype))}"
                body.append(f"    <{tag}{attrs}>{escape(str(obj))}</{tag}>")
            else:
                body.append(f"    <{tag} rdf:resource={quoteattr(str(obj))}/>")
        body.append("  </rdf:Description>")
    declarations = [f"  xmlns:{p}={quoteattr(ns)}" for p, ns in sorted(used.items())]
    head = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF", *declarations, ">"]
    return "\n".join([*head, *body, "</rdf:RDF>", ""])
