"""The catalogue-level facts from metadata.toml, checked once and typed.

Everything the pandera models cannot know (publisher, licence, download location,
keywords, themes, geocoding) is read here; a missing or invalid value raises
`MetadataError` naming the key, e.g. ``metadata.toml: license.id: ...``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.common.settings import metadata_path
from flows.common.urls import EMAIL, url_problem
from schemas import DATASETS, Dataset
from schemas.standards import language_alpha_3

#: environment variable naming another metadata file (tests, other deployments)

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

REGIONAL_KEY = re.compile(r"^[0-9]{12}$")
DATASET_OVERRIDES = ("title_de", "title_en", "description_de", "description_en")


def page_name(dataset_name: str, language: str = "de") -> str:
    """The file name of a dataset's page on the release's website: German, or `.en`."""
    return f"{dataset_name}.html" if language == "de" else f"{dataset_name}.{language}.html"


class MetadataError(ValueError):
    """metadata.toml is missing, unreadable or holds an invalid value (the key is named)."""


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
    regional_key: str
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
    keys = _Keys(raw, source)
    license_id = keys.choice("license.id", LICENSES)
    license_ = LICENSES[license_id]
    attribution = keys.text("license.attribution", required=license_.needs_attribution)
    base_url = keys.url("catalog.base_url")
    if not base_url.endswith("/"):
        raise keys.error("catalog.base_url", "must end with '/' (file names are appended)")
    contact = Agent(
        name=keys.text("contact_point.name"),
        url=keys.url("contact_point.url", required=False),
        email=keys.email("contact_point.email", required=False),
    )
    if not (contact.url or contact.email):
        raise keys.error("contact_point", "needs an email or a url (or both)")
    languages = keys.text_list("catalog.languages")
    for code in languages:
        if language_alpha_3(code) is None:
            raise keys.error("catalog.languages", f"{code!r} is not an ISO 639-1 language code")
    regional_key = keys.text("spatial.regional_key")
    if not REGIONAL_KEY.match(regional_key):
        raise keys.error("spatial.regional_key", "must be the 12-digit Amtlicher Regionalschlüssel")
    unknown = sorted(set(keys.table("datasets")) - {d.name for d in DATASETS})
    if unknown:
        raise keys.error(f"datasets.{unknown[0]}", "is not a published dataset")
    from flows.describe.alert_settings import parse_alerts

    parse_alerts(raw, source)  # a broken [alerts] table stops the run like any other key
    return Metadata(
        title_de=keys.text("catalog.title_de"),
        title_en=keys.text("catalog.title_en"),
        description_de=keys.text("catalog.description_de"),
        description_en=keys.text("catalog.description_en"),
        languages=tuple(languages),
        base_url=base_url,
        accrual_periodicity=keys.choice("catalog.accrual_periodicity", FREQUENCIES),
        publisher=Agent(name=keys.text("publisher.name"), url=keys.url("publisher.url")),
        contact_point=contact,
        license=license_,
        attribution=attribution,
        regional_key=regional_key,
        geocoding_level=keys.choice("spatial.level", GEOCODING_LEVELS),
        datasets={ds.name: _dataset_metadata(keys, ds) for ds in DATASETS},
        opendatasoft=_portal_labels(keys, "opendatasoft", license_),
    )


def _portal_labels(keys: _Keys, portal: str, license_: License) -> PortalLabels:
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


def _dataset_metadata(keys: _Keys, ds: Dataset) -> DatasetMetadata:
    prefix = f"datasets.{ds.name}"
    keys.table(prefix)
    texts = {
        field: keys.text(f"{prefix}.{field}", required=False) or ds.meta[field]
        for field in DATASET_OVERRIDES
    }
    themes = keys.text_list(f"{prefix}.themes")
    for theme in themes:
        if theme not in THEMES:
            raise keys.error(f"{prefix}.themes", f"{theme!r} is not one of {sorted(THEMES)}")
    return DatasetMetadata(
        name=ds.name,
        keywords_de=tuple(keys.text_list(f"{prefix}.keywords_de")),
        keywords_en=tuple(keys.text_list(f"{prefix}.keywords_en")),
        themes=tuple(themes),
        **texts,
    )


class _Keys:
    """Dotted-key access into the parsed TOML that names the key in every error."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.raw = raw
        self.source = source

    def error(self, key: str, problem: str) -> MetadataError:
        return MetadataError(f"{self.source}: {key}: {problem}")

    def get(self, key: str, required: bool = True) -> Any:
        node: Any = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if required:
                    raise self.error(key, "is missing")
                return None
            node = node[part]
        return node

    def table(self, key: str) -> dict[str, Any]:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.error(key, "must be a table")
        return value

    def text(self, key: str, required: bool = True) -> str:
        value = self.get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"must be a non-empty text, not {value!r}")
        return value.strip()

    def text_list(self, key: str) -> list[str]:
        value = self.get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise self.error(key, f"must be a non-empty list of texts, not {value!r}")
        return [v.strip() for v in value]

    def choice(self, key: str, allowed: Any) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.error(key, f"{value!r} is not one of {sorted(allowed)}")
        return value

    def url(self, key: str, required: bool = True) -> str | None:
        """An http(s) address valid by RFC 3986 (flows.common.urls), as rdflib needs."""
        value = self.text(key, required)
        if value and (problem := url_problem(value)):
            raise self.error(key, f"{value!r}: {' / '.join(problem)}")
        return value or None

    def email(self, key: str, required: bool = True) -> str | None:
        return self.matching(key, required, EMAIL, "an e-mail address")

    def matching(self, key: str, required: bool, pattern: re.Pattern, what: str) -> str | None:
        """The text at key, None when it is optional and absent; refused unless it matches."""
        value = self.text(key, required)
        if not value:
            return None
        if not pattern.match(value):
            raise self.error(key, f"{value!r} is not {what}")
        return value
