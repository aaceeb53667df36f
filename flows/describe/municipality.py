"""Which municipality publishes: the [municipality] table of metadata.toml.

Every title, name and prefix that names the municipality is derived from this one
table: dataset and catalogue titles, the website's header and home marker, the
workbook's heading, the alerts' subject, the flow names, the CKAN prefix and the data
package name. Only `name` and `regional_key` are required; the rest follows from them
or is optional:

- `kind` and `place` default to the two halves of `name` ("Stadt" and "Moers");
- `slug`, for file and package names, defaults to `place` in lower-case ASCII;
- the German genitive (`genitive_de`, "der Stadt Moers") and the English name
  (`name_en`, "City of Moers") follow from a one-word `kind` ending in "stadt" or
  "gemeinde" (Stadt, Hansestadt, Kreisstadt, Gemeinde, Ortsgemeinde ...); any other
  kind (Markt, Flecken, Amt, Große Kreisstadt ...) must write them itself, since no
  short rule declines or translates those honestly.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.common.settings import metadata_path
from flows.describe.toml_keys import Keys, MetadataError
from schemas.fields import HTTPS_URL as HTTPS_SOURCE

#: the Länder by the first two digits of a Regionalschlüssel
LANDS = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
#: the data's own rule for a source address (schemas.fields.HTTPS_URL)
HTTPS_URL = re.compile(HTTPS_SOURCE.regex)
#: German letters a slug spells out rather than drops
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class Municipality:
    #: as it calls itself: "Stadt Moers", "Gemeinde Much"
    name: str
    #: "Stadt", "Gemeinde", "Hansestadt" ...
    kind: str
    #: the place without its kind: "Moers"
    place: str
    #: lower-case ASCII for names of files, packages and flows: "moers"
    slug: str
    #: the 12-digit Amtlicher Regionalschlüssel (ARS)
    regional_key: str
    #: "der Stadt Moers", as in "Partnerschaften der Stadt Moers"
    genitive_de: str
    #: "City of Moers", as in "Partnerships of the City of Moers"
    name_en: str
    website: str | None = None
    #: WGS 84, for the home marker on the website's map; with the page that gives them
    latitude: float | None = None
    longitude: float | None = None
    coordinates_source_url: str | None = None
    wikidata_id: str | None = None

    @property
    def land(self) -> str:
        return LANDS[self.regional_key[:2]]

    def texts(self) -> dict[str, str]:
        """The values a text template may use: "Partnerschaften {genitive_de}"."""
        return {
            "name": self.name,
            "place": self.place,
            "genitive_de": self.genitive_de,
            "name_en": self.name_en,
        }

    def fill(self, template: str) -> str:
        return template.format_map(self.texts())


def regional_key_problem(key: str) -> str | None:
    """Why key is no Amtlicher Regionalschlüssel, or None when it has the right form."""
    if not re.fullmatch(r"[0-9]{12}", key):
        return (
            f"{key!r} is not a 12-digit Amtlicher Regionalschlüssel (ARS): "
            "12 digits without spaces, e.g. 051700024024"
        )
    if key[:2] not in LANDS:
        return (
            f"{key!r} starts with {key[:2]}, which is no Land: the first two digits "
            "are 01 (Schleswig-Holstein) to 16 (Thüringen)"
        )
    return None


def default_slug(place: str) -> str:
    """ "Mülheim an der Ruhr" -> "muelheim-an-der-ruhr"."""
    spelled = unicodedata.normalize("NFKD", place.lower().translate(TRANSLITERATION))
    ascii_only = spelled.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def _follows_the_rule(kind: str) -> str | None:
    """ "stadt" or "gemeinde" for a one-word kind ending so; None for any other kind."""
    if " " in kind:
        return None
    lowered = kind.lower()
    return next((end for end in ("stadt", "gemeinde") if lowered.endswith(end)), None)


def default_genitive_de(kind: str, name: str) -> str | None:
    """ "der Stadt Moers": both kinds of the rule are feminine, so "der" + name."""
    if _follows_the_rule(kind) and name.startswith(f"{kind} "):
        return f"der {name}"
    return None


def default_name_en(kind: str, place: str) -> str | None:
    """ "City of Moers", "Municipality of Much"; None where no short rule is honest."""
    return {"stadt": f"City of {place}", "gemeinde": f"Municipality of {place}"}.get(
        _follows_the_rule(kind) or ""
    )


def parse_municipality(raw: dict[str, Any], source: str = "metadata.toml") -> Municipality:
    keys = Keys(raw, source)
    keys.table("municipality")
    name = keys.text("municipality.name")
    kind = keys.text("municipality.kind", required=False)
    place = keys.text("municipality.place", required=False)
    if not (kind and place):
        first, _, rest = name.partition(" ")
        if not rest:
            raise keys.error(
                "municipality.kind",
                f"is missing and {name!r} does not start with its kind: "
                f'write kind = "Stadt" (or "Gemeinde" ...) and place = "{name}"',
            )
        kind, place = kind or first, place or rest
    slug = keys.text("municipality.slug", required=False) or default_slug(place)
    if not SLUG.match(slug):
        raise keys.error(
            "municipality.slug", f"{slug!r} is not lower-case letters, digits and single hyphens"
        )
    return Municipality(
        name=name,
        kind=kind,
        place=place,
        slug=slug,
        regional_key=_regional_key(keys),
        genitive_de=_named(keys, "genitive_de", default_genitive_de(kind, name), kind, name),
        name_en=_named(keys, "name_en", default_name_en(kind, place), kind, place),
        website=keys.url("municipality.website", required=False),
        wikidata_id=keys.matching(
            "municipality.wikidata_id", False, WIKIDATA_ID, "a Wikidata id such as Q1295"
        ),
        **_coordinates(keys),
    )


def _regional_key(keys: Keys) -> str:
    """[municipality] regional_key, or [spatial] regional_key where older files keep it."""
    key = keys.text("municipality.regional_key", required=False)
    older = keys.text("spatial.regional_key", required=False)
    if key and older and key != older:
        raise keys.error(
            "spatial.regional_key", f"{older!r} differs from municipality.regional_key {key!r}"
        )
    if not (key or older):
        raise keys.error("municipality.regional_key", "is missing")
    problem = regional_key_problem(key or older)
    if problem:
        raise keys.error("municipality.regional_key" if key else "spatial.regional_key", problem)
    return key or older


def _named(keys: Keys, field: str, default: str | None, kind: str, example: str) -> str:
    written = keys.text(f"municipality.{field}", required=False)
    if written or default:
        return written or default or ""
    sample = {"genitive_de": f"des Marktes {example}", "name_en": f"Market Town of {example}"}
    raise keys.error(
        f"municipality.{field}",
        f"is missing: the kind {kind!r} has no rule for it (only one-word kinds ending "
        f'in "stadt" or "gemeinde" do); write it, e.g. {field} = "{sample[field]}"',
    )


def _coordinates(keys: Keys) -> dict[str, Any]:
    """latitude and longitude come as a pair, with the https page that gives them."""
    latitude = keys.number("municipality.latitude", -90, 90)
    longitude = keys.number("municipality.longitude", -180, 180)
    source = keys.matching(
        "municipality.coordinates_source_url", False, HTTPS_URL, "an https:// address"
    )
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise keys.error(f"municipality.{missing}", "is missing: coordinates come in pairs")
    if latitude is not None and not source:
        raise keys.error(
            "municipality.coordinates_source_url",
            "is missing: name the page that gives the coordinates",
        )
    return {"latitude": latitude, "longitude": longitude, "coordinates_source_url": source}


def load_municipality(path: Path | None = None) -> Municipality:
    """Only the [municipality] table of metadata.toml (a broken key elsewhere is no
    matter here): for the workbook, the reports and the alerts, which name the
    municipality even when the rest of the file is broken."""
    path = path or metadata_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MetadataError(f"{path}: cannot read the [municipality] table: {error}") from error
    return parse_municipality(raw, path.name)


def configured_municipality(path: Path | None = None) -> Municipality | None:
    """The [municipality] table, or None where metadata.toml is missing or broken: for
    what names the municipality only in passing (a workbook's heading, a report's
    example) and speaks generically without it."""
    try:
        return load_municipality(path)
    except MetadataError:
        return None


def configured_website() -> str | None:
    """The municipality's website, where metadata.toml names one: a report's example of
    a valid address."""
    municipality = configured_municipality()
    return municipality.website if municipality else None
