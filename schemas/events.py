"""Events in the history of each partnership: decisions, declarations, visits, ..."""

from __future__ import annotations

from schemas import dates
from schemas.fields import HTTPS_URL, SLUG, column
from schemas.provenance import SourceNoteRules
from schemas.types import Date, Integer, Text

PRIMARY_KEY = ["event_id"]


class Events(dates.PartialDateRules, SourceNoteRules):
    """Events of the partnerships / Ereignisse der Partnerschaften."""

    event_id: Text = column(
        label_de="Ereignis (Kennung)",
        label_en="Event (id)",
        de="Kurzname des Ereignisses, eindeutig",
        en="Short name of the event, unique",
        pattern=SLUG,
    )
    partnership_id: Text = column(
        label_de="Partnerschaft (Kennung)",
        label_en="Partnership (id)",
        de="Partnerschaft, zu der das Ereignis gehört",
        en="Partnership the event belongs to",
        pattern=SLUG,
        references="partnerships.partnership_id",
    )
    event_type: Text = column(
        label_de="Art des Ereignisses",
        label_en="Kind of event",
        de="Art des Ereignisses",
        en="Kind of event",
        codelist="event_type",
    )
    year: Integer = dates.year()
    month: Integer = dates.month()
    day: Integer = dates.day()
    date_note_de: Text = dates.date_note_de()
    date: Text = dates.date_edtf()
    date_precision: Text = dates.date_precision()
    date_start: Date = dates.date_start()
    date_end: Date = dates.date_end()
    title_de: Text = column(
        label_de="Titel",
        label_en="Title (German)",
        de="Titel des Ereignisses auf Deutsch",
        en="Title of the event in German",
    )
    description_de: Text = column(
        label_de="Beschreibung",
        label_en="Description (German)",
        de="Beschreibung auf Deutsch",
        en="Description in German",
        required=False,
    )
    location: Text = column(
        label_de="Ort",
        label_en="Place",
        de="Ort des Ereignisses, leer wenn nicht belegt",
        en="Place of the event, empty when undocumented",
        required=False,
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

    class Config:
        strict = True
        unique = PRIMARY_KEY
        metadata = {
            "primary_key": PRIMARY_KEY,
            #: the sheet a curator edits in the workbook (31 characters at most)
            "sheet_de": "Ereignisse",
            "blame": {
                "day_needs_month": "day",
                "real_calendar_date": "day",
                "home_page_needs_document": "source_url",
            },
            "min_rows": 0,
            #: titles and descriptions are templates filled from metadata.toml's
            #: [municipality] table ({genitive_de}, {name_en}); keywords get its place added
            "title_de": "Ereignisse der Partnerschaften {genitive_de}",
            "title_en": "Events of the partnerships of the {name_en}",
            "description_de": "Ratsbeschlüsse, Erklärungen, Besuche, Veranstaltungen und "
            "Resolutionen der Partnerschaften, datiert in ihrer belegten Genauigkeit.",
            "description_en": "Council decisions, declarations, visits, events and resolutions "
            "of the partnerships, dated at their documented precision.",
            "keywords_de": ["Ratsbeschluss", "Besuch", "Städtepartnerschaft"],
            "keywords_en": ["council decision", "visit", "twin towns"],
            "themes": ["INTR", "GOVE"],
        }
