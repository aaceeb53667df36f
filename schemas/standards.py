"""Codes that a standard defines, checked against pycountry's maintained lists.

A pattern such as "two capital letters" lets `XX` through; the lists here come from the
ISO tables (Debian's iso-codes data) that pycountry ships, with the German names from
the same package's gettext catalogues. Nothing here is typed by hand, so a new release
of the standard arrives with a new pycountry, not with an edit of this project.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache

import pycountry


@dataclass(frozen=True)
class Standard:
    """A code list that a standard maintains: its name for people and the rule id that
    refuses a value not in it."""

    name: str
    #: the code list the exports' `codelists` dataset files the used codes under
    codelist: str
    rule: str
    example: str


ISO_3166_1_ALPHA_2 = Standard(
    name="ISO 3166-1 alpha-2",
    codelist="country",
    rule="not_iso_3166_1",
    example="RU",
)


@cache
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code of an officially assigned country, sorted."""
    return tuple(sorted(country.alpha_2 for country in pycountry.countries))


@cache
def _german(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["de"])


def country_names(code: str) -> tuple[str, str]:
    """The German and English name of a country by its alpha-2 code (KeyError if none)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise KeyError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return _german("iso3166-1").gettext(country.name), country.name


def standard_codes(standard: Standard) -> tuple[str, ...]:
    """Every code the standard assigns (compared by value: pandera copies the metadata)."""
    if standard == ISO_3166_1_ALPHA_2:
        return country_codes()
    raise KeyError(standard.name)


def standard_names(standard: Standard, code: str) -> tuple[str, str]:
    """The German and English name the standard gives a code."""
    if standard == ISO_3166_1_ALPHA_2:
        return country_names(code)
    raise KeyError(standard.name)


def language_alpha_3(code: str) -> str | None:
    """The ISO 639-3 code of an ISO 639-1 language code (`de` -> `deu`), None if none.

    The EU language vocabulary (publications.europa.eu/resource/authority/language)
    names languages by this code in capitals."""
    if len(code) != 2 or not code.islower():
        return None
    language = pycountry.languages.get(alpha_2=code)
    return language.alpha_3 if language is not None else None
