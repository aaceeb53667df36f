"""A municipality's partnerships: one row per partner city or project partner."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.dates import this_year
from schemas.fields import COUNTRY_CODE, HTTPS_URL, SLUG, WIKIDATA_ID, column, year_column
from schemas.provenance import SourceNoteRules
from schemas.standards import ISO_3166_1_ALPHA_2
from schemas.types import Date, Decimal, Integer, Text

PRIMARY_KEY = ["partnership_id"]


class Partnerships(SourceNoteRules):
    """Partnerships of a municipality / Partnerschaften einer Kommune."""

    partnership_id: Text = column(
        label_de="Partnerschaft (Kennung)",
        label_en="Partnership (id)",
        de="Kurzname der Partnerschaft, eindeutig und dauerhaft",
        en="Short name of the partnership, unique and stable",
        pattern=SLUG,
    )
    partner_city: Text = column(
        label_de="Partnerstadt",
        label_en="Partner city",
        de="Name der Partnerstadt auf Deutsch",
        en="German name of the partner city",
    )
    partner_city_local: Text = column(
        label_de="Name in Landessprache",
        label_en="Local name",
        de="Name der Partnerstadt in ihrer Landessprache und Schrift",
        en="Name of the partner city in its own language and script",
    )
    country_code: Text = column(
        label_de="Staat",
        label_en="Country",
        de="Staat der Partnerstadt (ISO 3166-1 alpha-2)",
        en="Country of the partner city (ISO 3166-1 alpha-2)",
        pattern=COUNTRY_CODE,
        standard=ISO_3166_1_ALPHA_2,
    )
    partnership_type: Text = column(
        label_de="Art der Partnerschaft",
        label_en="Kind of partnership",
        de="Art der Partnerschaft",
        en="Kind of partnership",
        codelist="partnership_type",
    )
    status: Text = column(
        label_de="Stand",
        label_en="Status",
        de="Heutiger Stand der Partnerschaft",
        en="Current state of the partnership",
        codelist="partnership_status",
    )
    established_year: Integer = year_column(
        label_de="Gründungsjahr",
        label_en="Year established",
        de="Jahr, in dem die Partnerschaft begründet wurde",
        en="Year the partnership was established",
    )
    established_on: Date = column(
        label_de="Gründungsdatum",
        label_en="Date established",
        de="Tag der Begründung, wenn er belegt ist (JJJJ-MM-TT), sonst leer",
        en="Day the partnership was established where documented (YYYY-MM-DD), else empty",
        required=False,
    )
    latitude: Decimal = column(
        label_de="Breitengrad",
        label_en="Latitude",
        de="Geografische Breite der Partnerstadt (WGS 84) in Dezimalgrad",
        en="Latitude of the partner city (WGS 84) in decimal degrees",
        required=False,
        unit="degree",
        in_range={"min_value": -90, "max_value": 90},
    )
    longitude: Decimal = column(
        label_de="Längengrad",
        label_en="Longitude",
        de="Geografische Länge der Partnerstadt (WGS 84) in Dezimalgrad",
        en="Longitude of the partner city (WGS 84) in decimal degrees",
        required=False,
        unit="degree",
        in_range={"min_value": -180, "max_value": 180},
    )
    coordinates_source_url: Text = column(
        label_de="Quelle der Koordinaten",
        label_en="Source of the coordinates",
        de="Quelle der Koordinaten; Pflicht, sobald Koordinaten angegeben sind",
        en="Source of the coordinates; required as soon as coordinates are given",
        required=False,
        pattern=HTTPS_URL,
    )
    wikidata_id: Text = column(
        label_de="Wikidata-Objekt",
        label_en="Wikidata item",
        de="Wikidata-Objekt der Partnerstadt, leer wenn nicht geprüft",
        en="Wikidata item of the partner city, empty when not checked",
        required=False,
        pattern=WIKIDATA_ID,
    )
    description_de: Text = column(
        label_de="Beschreibung",
        label_en="Description (German)",
        de="Kurze Beschreibung der Partnerschaft auf Deutsch",
        en="Short description of the partnership in German",
    )
    source_url: Text = column(
        label_de="Quelle",
        label_en="Source",
        de="Quelle der Angaben dieser Zeile",
        en="Source of the facts in this row",
        pattern=HTTPS_URL,
    )
    source_note: Text = column(
        label_de="Quellenangabe",
        label_en="Source note",
        de="Genauere Angabe zur Quelle, z. B. Datum einer Pressemitteilung",
        en="Closer reference to the source, e.g. the date of a press release",
        required=False,
    )

    @pa.check("established_year", name="year_not_in_future")
    def year_not_in_future(cls, year: pd.Series) -> pd.Series:
        return year <= this_year()

    @pa.dataframe_check(name="date_agrees_with_year")
    def date_agrees_with_year(cls, df: pd.DataFrame) -> pd.Series:
        on = df["established_on"]
        years = pd.to_datetime(on.astype("datetime64[s]")).dt.year
        return on.isna() | (years == df["established_year"]).fillna(False)

    @pa.dataframe_check(name="coordinates_need_source")
    def coordinates_need_source(cls, df: pd.DataFrame) -> pd.Series:
        has_coordinates = df["latitude"].notna() | df["longitude"].notna()
        return ~has_coordinates | df["coordinates_source_url"].notna()

    @pa.dataframe_check(name="coordinates_come_in_pairs")
    def coordinates_come_in_pairs(cls, df: pd.DataFrame) -> pd.Series:
        return df["latitude"].isna() == df["longitude"].isna()

    class Config:
        strict = True
        unique = PRIMARY_KEY
        metadata = {
            "primary_key": PRIMARY_KEY,
            #: the sheet a curator edits in the workbook (31 characters at most)
            "sheet_de": "Partnerschaften",
            "blame": {
                "date_agrees_with_year": "established_on",
                "coordinates_need_source": "coordinates_source_url",
                "coordinates_come_in_pairs": "longitude",
                "home_page_needs_document": "source_url",
            },
            #: header-only only while every curated file is (a new instance's first
            #: release); emptied beside rows it is refused (flows.check.validation)
            "min_rows": 0,
            "empty_only_with_all": True,
            #: titles and descriptions are templates filled from metadata.toml's
            #: [municipality] table ({genitive_de}, {name_en}); keywords get its place added
            "title_de": "Partnerschaften {genitive_de}",
            "title_en": "Partnerships of the {name_en}",
            "description_de": "Städte-, Projekt- und Solidaritätspartnerschaften {genitive_de} "
            "mit Art, Stand, Gründungsjahr und Lage der Partnerstadt.",
            "description_en": "City, project and solidarity partnerships of the {name_en} "
            "with their kind, state, year of establishment and location.",
            "keywords_de": ["Städtepartnerschaft", "Partnerstadt", "Internationales"],
            "keywords_en": ["twin towns", "partner city", "international relations"],
            "themes": ["INTR", "GOVE"],
        }
