"""Aid deliveries and campaigns that a municipality sent to partner cities."""

from __future__ import annotations

from schemas import dates
from schemas.fields import HTTPS_URL, SLUG, column
from schemas.provenance import DeepLinkRules
from schemas.types import Date, Decimal, Integer, Text

PRIMARY_KEY = ["shipment_id"]


class AidShipments(dates.PartialDateRules, DeepLinkRules):
    """Aid shipments to partner cities / Hilfslieferungen an Partnerstädte."""

    shipment_id: Text = column(
        label_de="Lieferung (Kennung)",
        label_en="Shipment (id)",
        de="Kurzname der Lieferung oder Aktion, eindeutig",
        en="Short name of the delivery or campaign, unique",
        pattern=SLUG,
    )
    partnership_id: Text = column(
        label_de="Partnerschaft (Kennung)",
        label_en="Partnership (id)",
        de="Partnerschaft, der die Lieferung galt",
        en="Partnership the delivery belongs to",
        pattern=SLUG,
        references="partnerships.partnership_id",
    )
    year: Integer = dates.year()
    month: Integer = dates.month()
    day: Integer = dates.day()
    date_note_de: Text = dates.date_note_de()
    date: Text = dates.date_edtf()
    date_precision: Text = dates.date_precision()
    date_start: Date = dates.date_start()
    date_end: Date = dates.date_end()
    transport_mode: Text = column(
        label_de="Verkehrsmittel",
        label_en="Means of transport",
        de="Verkehrsmittel, leer wenn nicht belegt oder ohne Transport",
        en="Means of transport, empty when undocumented or without transport",
        required=False,
        codelist="transport_mode",
    )
    goods_category: Text = column(
        label_de="Art der Güter",
        label_en="Kind of goods",
        de="Art der Hilfsgüter",
        en="Kind of goods",
        codelist="goods_category",
    )
    recipient: Text = column(
        label_de="Empfänger",
        label_en="Recipient",
        de="Empfänger der Hilfe",
        en="Recipient of the aid",
    )
    organiser: Text = column(
        label_de="Organisiert von",
        label_en="Organised by",
        de="Wer die Hilfe organisiert oder finanziert hat",
        en="Who organised or funded the aid",
    )
    item_count: Integer = column(
        label_de="Anzahl (Stück)",
        label_en="Number of items",
        de="Anzahl der gelieferten Stücke (Fahrzeuge, Betten, Generatoren ...), wie die "
        "Quelle sie nennt; leer wenn nicht belegt",
        en="Number of items delivered (vehicles, beds, generators ...) as the source states "
        "it, empty when undocumented",
        required=False,
        unit="items",
        ge=1,
    )
    weight_kg: Decimal = column(
        label_de="Gewicht (kg)",
        label_en="Weight (kg)",
        de="Gewicht der Güter in Kilogramm, leer wenn nicht belegt",
        en="Weight of the goods in kilograms, empty when undocumented",
        required=False,
        unit="kg",
        ge=0,
    )
    value_eur: Decimal = column(
        label_de="Wert (Euro)",
        label_en="Value (euros)",
        de="Wert der Hilfe in Euro, leer wenn nicht belegt",
        en="Value of the aid in euros, empty when undocumented",
        required=False,
        unit="EUR",
        ge=0,
    )
    description_de: Text = column(
        label_de="Beschreibung",
        label_en="Description (German)",
        de="Beschreibung auf Deutsch",
        en="Description in German",
    )
    source_url: Text = column(
        label_de="Quelle",
        label_en="Source",
        de="Quelle der Angaben dieser Zeile",
        en="Source of the facts in this row",
        pattern=HTTPS_URL,
    )

    class Config:
        strict = True
        unique = PRIMARY_KEY
        metadata = {
            "primary_key": PRIMARY_KEY,
            #: the sheet a curator edits in the workbook (31 characters at most)
            "sheet_de": "Hilfslieferungen",
            "blame": {"day_needs_month": "day", "real_calendar_date": "day"},
            "min_rows": 0,
            #: titles and descriptions are templates filled from metadata.toml's
            #: [municipality] table ({genitive_de}, {name_en}); keywords get its place added
            "title_de": "Hilfslieferungen an Partnerstädte {genitive_de}",
            "title_en": "Aid shipments to partner cities of the {name_en}",
            "description_de": "Belegte Hilfslieferungen und Hilfsaktionen an Partnerstädte "
            "mit Datum, Verkehrsmittel, Art der Güter und Empfänger.",
            "description_en": "Documented aid deliveries and campaigns to partner cities with "
            "date, means of transport, kind of goods and recipient.",
            "keywords_de": ["Hilfslieferung", "Hilfsaktion", "Partnerstadt"],
            "keywords_en": ["aid shipment", "relief campaign", "partner city"],
            "themes": ["INTR", "SOCI"],
        }
