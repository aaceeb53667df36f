"""The catalogue-level facts from metadata.toml, checked once and typed.

Everything the pandera models cannot know (the municipality, publisher, licence,
download location, portal labels, geocoding) is read here; a missing or invalid value
raises `MetadataError` naming the key, e.g. ``metadata.toml: license.id: ...``.
Whatever follows from the [municipality] table may be left out: the titles and
descriptions of the catalogue, the publisher, the contact point, the attribution, and
each dataset's keywords and themes (the models' defaults plus the place's name).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.common.settings import metadata_path
from flows.describe.alert_settings import parse_alerts
from flows.describe.municipality import Municipality, parse_municipality
from flows.describe.toml_keys import Keys, MetadataError
from schemas import DATASETS, Dataset
from schemas.standards import language_alpha_3

EU_AUTHORITY = "http://publications.europa.eu/resource/authority"
DCATDE = "http://dcat-ap.de/def"


@dataclass(frozen=True)
class License:
    id: str
    uri: str
    spdx: str
    title: str
    url: str
    needs_attribution: bool


#: the licences the city may choose, with their DCAT-AP.de URIs and SPDX identifiers
LICENSES = {
    lic.id: lic
    for lic in (
        License(
            "dl-by-de/2.0",
            f"{DCATDE}/licenses/dl-by-de/2.0",
            "DL-DE-BY-2.0",
            "Datenlizenz Deutschland – Namensnennung – Version 2.0",
            "https://www.govdata.de/dl-de/by-2-0",
            True,
        ),
        License(
            "dl-zero-de/2.0",
            f"{DCATDE}/licenses/dl-zero-de/2.0",
            "DL-DE-ZERO-2.0",
            "Datenlizenz Deutschland – Zero – Version 2.0",
            "https://www.govdata.de/dl-de/zero-2-0",
            False,
        ),
        License(
            "cc-by/4.0",
            f"{DCATDE}/licenses/cc-by/4.0",
            "CC-BY-4.0",
            "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
            "https://creativecommons.org/licenses/by/4.0/",
            True,
        ),
    )
}

#: EU data themes (http://publications.europa.eu/resource/authority/data-theme) with labels
THEMES = {
    "AGRI": (
        "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel",
        "Agriculture, fisheries, forestry and food",
    ),
    "ECON": ("Wirtschaft und Finanzen", "Economy and finance"),
    "EDUC": ("Bildung, Kultur und Sport", "Education, culture and sport"),
    "ENER": ("Energie", "Energy"),
    "ENVI": ("Umwelt", "Environment"),
    "GOVE": ("Regierung und öffentlicher Sektor", "Government and public sector"),
    "HEAL": ("Gesundheit", "Health"),
    "INTR": ("Internationale Themen", "International issues"),
    "JUST": (
        "Justiz, Rechtssystem und öffentliche Sicherheit",
        "Justice, legal system and public safety",
    ),
    "REGI": ("Regionen und Städte", "Regions and cities"),
    "SOCI": ("Bevölkerung und Gesellschaft", "Population and society"),
    "TECH": ("Wissenschaft und Technologie", "Science and technology"),
    "TRAN": ("Verkehr", "Transport"),
}

FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG", "UNKNOWN"}
GEOCODING_LEVELS = {
    "international", "european", "federal", "state", "administrativeDistrict", "municipality",
}  # fmt: skip

DATASET_OVERRIDES = ("title_de", "title_en", "description_de", "description_en")
#: the catalogue's texts unless [catalog] writes its own, filled from [municipality]
CATALOG_TEXTS = {
    "title_de": "Internationale Beziehungen {genitive_de}",
    "title_en": "International relations of the {name_en}",
    "description_de": "Partnerschaften, Hilfslieferungen und Ereignisse der "
    "Städtepartnerschaften {genitive_de}.",
    "description_en": "Partnerships, aid shipments and events of the {name_en}'s "
    "twinning relations.",
}
DEFAULT_LICENSE = "dl-by-de/2.0"


def page_name(dataset_name: str, language: str = "de") -> str:
    """The file name of a dataset's page on the release's website: German, or `.en`."""
    return f"{dataset_name}.html" if language == "de" else f"{dataset_name}.{language}.html"


@dataclass(frozen=True)
class Agent:
    name: str
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class DatasetMetadata:
    name: str
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    keywords_de: tuple[str, ...]
    keywords_en: tuple[str, ...]
    themes: tuple[str, ...]

    def theme_uris(self) -> list[str]:
        return [f"{EU_AUTHORITY}/data-theme/{t}" for t in self.themes]

    def theme_labels_de(self) -> list[str]:
        return [THEMES[t][0] for t in self.themes]


@dataclass(frozen=True)
class PortalLabels:
    """The licence and the EU themes as one portal's own configured lists name them."""

    license: str
    #: EU data-theme code -> the portal's theme label
    themes: dict[str, str]


@dataclass(frozen=True)
class Metadata:
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    languages: tuple[str, ...]
    base_url: str
    accrual_periodicity: str
    publisher: Agent
    contact_point: Agent
    license: License
    attribution: str | None
    municipality: Municipality
    geocoding_level: str
    datasets: dict[str, DatasetMetadata]
    opendatasoft: PortalLabels

    def download_url(self, file_name: str) -> str:
        return self.base_url + file_name

    def landing_page(self, dataset_name: str) -> str:
        """The URL of the dataset's page on the release's website (flows.site)."""
        return self.base_url + page_name(dataset_name)

    @property
    def frequency_uri(self) -> str:
        return f"{EU_AUTHORITY}/frequency/{self.accrual_periodicity}"

    @property
    def language_uris(self) -> list[str]:
        return [f"{EU_AUTHORITY}/language/{language_alpha_3(c).upper()}" for c in self.languages]

    @property
    def regional_key(self) -> str:
        return self.municipality.regional_key

    @property
    def spatial_uri(self) -> str:
        return f"{DCATDE}/politicalGeocoding/regionalKey/{self.regional_key}"

    @property
    def geocoding_level_uri(self) -> str:
        return f"{DCATDE}/politicalGeocoding/Level/{self.geocoding_level}"


def load_metadata(path: Path | None = None) -> Metadata:
    """Read and check metadata.toml (or the file named by $PARTNERSHIPS_METADATA)."""
    path = path or metadata_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MetadataError(f"{path}: cannot read the metadata file: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise MetadataError(f"{path}: not valid TOML: {error}") from error
    return parse_metadata(raw, source=path.name)


def parse_metadata(raw: dict[str, Any], source: str = "metadata.toml") -> Metadata:
    keys = Keys(raw, source)
    municipality = parse_municipality(raw, source)
    license_ = LICENSES[keys.choice("license.id", LICENSES, default=DEFAULT_LICENSE)]
    attribution = keys.text("license.attribution", required=False) or (
        municipality.name if license_.needs_attribution else None
    )
    base_url = keys.url("catalog.base_url")
    if not base_url.endswith("/"):
        raise keys.error("catalog.base_url", "must end with '/' (file names are appended)")
    publisher = _agent(keys, "publisher", municipality) or Agent(
        municipality.name, url=municipality.website
    )
    contact = _agent(keys, "contact_point", municipality) or publisher
    if keys.get("contact_point", required=False) is not None and not (contact.url or contact.email):
        raise keys.error("contact_point", "needs an email or a url (or both)")
    languages = keys.text_list("catalog.languages", required=False) or ["de"]
    for code in languages:
        if language_alpha_3(code) is None:
            raise keys.error("catalog.languages", f"{code!r} is not an ISO 639-1 language code")
    unknown = sorted(set(keys.table("datasets", required=False)) - {d.name for d in DATASETS})
    if unknown:
        raise keys.error(f"datasets.{unknown[0]}", "is not a published dataset")
    parse_alerts(raw, source)  # a broken [alerts] table stops the run like any other key
    return Metadata(
        **{
            field: keys.text(f"catalog.{field}", required=False) or municipality.fill(template)
            for field, template in CATALOG_TEXTS.items()
        },
        languages=tuple(languages),
        base_url=base_url,
        accrual_periodicity=keys.choice("catalog.accrual_periodicity", FREQUENCIES, "DAILY"),
        publisher=publisher,
        contact_point=contact,
        license=license_,
        attribution=attribution,
        municipality=municipality,
        geocoding_level=keys.choice("spatial.level", GEOCODING_LEVELS, "municipality"),
        datasets={ds.name: _dataset_metadata(keys, ds, municipality) for ds in DATASETS},
        opendatasoft=_portal_labels(keys, "opendatasoft", license_),
    )


def _agent(keys: Keys, table: str, municipality: Municipality) -> Agent | None:
    """[publisher] or [contact_point] as written; None when the table is left out."""
    if keys.get(table, required=False) is None:
        return None
    keys.table(table)
    return Agent(
        name=keys.text(f"{table}.name", required=False) or municipality.name,
        url=keys.url(f"{table}.url", required=False),
        email=keys.email(f"{table}.email", required=False),
    )


def _portal_labels(keys: Keys, portal: str, license_: License) -> PortalLabels:
    """[<portal>] license and [<portal>.themes]; unset ones are the official German names."""
    themes = {code: de for code, (de, _) in THEMES.items()}
    configured = keys.get(f"{portal}.themes", required=False) or {}
    if not isinstance(configured, dict):
        raise keys.error(f"{portal}.themes", "must be a table of EU theme code = label")
    for code in configured:
        if code not in THEMES:
            raise keys.error(f"{portal}.themes.{code}", f"is not one of {sorted(THEMES)}")
        themes[code] = keys.text(f"{portal}.themes.{code}")
    license_label = keys.text(f"{portal}.license", required=False) or license_.title
    for key, label in [("license", license_label), *themes.items()]:
        if ";" in label:  # index.csv separates list values with it
            raise keys.error(f"{portal}.{'themes.' * (key != 'license')}{key}", "contains ';'")
    return PortalLabels(license_label, themes)


def _dataset_metadata(keys: Keys, ds: Dataset, municipality: Municipality) -> DatasetMetadata:
    """Titles and descriptions from the model's templates, keywords and themes from its
    defaults (keywords plus the place's name); [datasets.<name>] may override each."""
    prefix = f"datasets.{ds.name}"
    keys.table(prefix, required=False)
    texts = {
        field: keys.text(f"{prefix}.{field}", required=False) or municipality.fill(ds.meta[field])
        for field in DATASET_OVERRIDES
    }
    keywords = {
        language: keys.text_list(f"{prefix}.keywords_{language}", required=False)
        or [*ds.meta[f"keywords_{language}"], municipality.place]
        for language in ("de", "en")
    }
    themes = keys.text_list(f"{prefix}.themes", required=False) or list(ds.meta["themes"])
    for theme in themes:
        if theme not in THEMES:
            raise keys.error(f"{prefix}.themes", f"{theme!r} is not one of {sorted(THEMES)}")
    return DatasetMetadata(
        name=ds.name,
        keywords_de=tuple(keywords["de"]),
        keywords_en=tuple(keywords["en"]),
        themes=tuple(themes),
        **texts,
    )
