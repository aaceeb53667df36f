"""What the comparison works with: the city's partnerships, Wikidata's P190 statements,
the differences between them and the edits that close some of them.

Wikidata's dates keep their precision (9 year, 10 month, 11 day, as Wikibase counts);
the city's start is `established_on` (a day) where known, else `established_year`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

YEAR, MONTH, DAY = 9, 10, 11
#: an item id as the comparison accepts it
ITEM = re.compile(r"^Q[1-9][0-9]{0,11}$")


@dataclass(frozen=True, order=True)
class WikidataDate:
    """A point in time as Wikibase stores it: the ISO value and its precision."""

    year: int
    month: int
    day: int
    precision: int

    def text(self) -> str:
        """1977, 1977-07 or 1977-07-04, as far as the precision goes."""
        if self.precision >= DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        if self.precision == YEAR:
            return f"{self.year:04d}"
        return f"{self.year:04d} (±{10 ** (YEAR - self.precision)})"


@dataclass(frozen=True)
class Partnership:
    """One row of raw/partnerships.csv, as far as the comparison needs it."""

    partnership_id: str
    partner_city: str
    partnership_type: str
    status: str
    established_year: int
    established_on: date | None
    wikidata_id: str | None
    source_url: str

    def start(self) -> WikidataDate:
        if self.established_on is not None:
            on = self.established_on
            return WikidataDate(on.year, on.month, on.day, DAY)
        return WikidataDate(self.established_year, 0, 0, YEAR)


@dataclass(frozen=True)
class Statement:
    """One P190 statement: `subject` is twinned with `value` (both item ids)."""

    uri: str
    subject: str
    value: str
    rank: str = "normal"
    starts: tuple[WikidataDate, ...] = ()
    #: an end time of any kind, also "unknown value"
    has_end: bool = False
    ends: tuple[WikidataDate, ...] = ()
    #: reference URLs (P854) of the statement's references
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    id: str
    label_de: str | None = None
    label_en: str | None = None
    #: the endpoint knows the item (it has a sitelink count, as every item has)
    exists: bool = True


@dataclass(frozen=True)
class Answer:
    """What the endpoint said: the statements and the items they name."""

    statements: tuple[Statement, ...] = ()
    items: dict[str, Item] = field(default_factory=dict)


@dataclass(frozen=True)
class Edit:
    """One QuickStatements command: add `value` under P190 of `subject` (or complete
    the statement that exists) with qualifiers, and the city's page as reference."""

    subject: str
    value: str
    #: (property, QuickStatements value), e.g. ("P580", "+1977-07-04T00:00:00Z/11")
    qualifiers: tuple[tuple[str, str], ...]
    reference_url: str | None


EDIT, DECIDE, NOTE = "edit", "decide", "note"


@dataclass(frozen=True)
class Kind:
    action: str
    title_de: str
    title_en: str
    what_de: str
    what_en: str


KINDS: dict[str, Kind] = {
    "missing_statement": Kind(
        EDIT,
        "Partnerschaft fehlt in Wikidata",
        "Partnership missing in Wikidata",
        "Das Objekt der Stadt nennt die Partnerstadt nicht (P190).",
        "The city's item does not name the partner (P190).",
    ),
    "missing_reverse": Kind(
        EDIT,
        "Gegenseitige Angabe fehlt",
        "Reverse statement missing",
        "Das Objekt der Partnerstadt nennt die Stadt nicht (P190).",
        "The partner's item does not name the city (P190).",
    ),
    "missing_start": Kind(
        EDIT,
        "Beginn fehlt",
        "Start time missing",
        "Die Angabe hat keinen Beginn (P580).",
        "The statement has no start time (P580).",
    ),
    "missing_end": Kind(
        EDIT,
        "Ende fehlt",
        "End time missing",
        "Die Partnerschaft ist beendet, Wikidata nennt kein Ende (P582).",
        "The partnership has ended; Wikidata gives no end time (P582).",
    ),
    "start_differs": Kind(
        DECIDE,
        "Beginn weicht ab",
        "Start time differs",
        "Wikidata nennt einen anderen Beginn als die Stadt.",
        "Wikidata gives another start time than the city.",
    ),
    "start_less_precise": Kind(
        DECIDE,
        "Beginn ungenauer",
        "Start time less precise",
        "Wikidata nennt nur das Jahr; die Stadt kennt den Tag.",
        "Wikidata gives only the year; the city knows the day.",
    ),
    "end_in_wikidata": Kind(
        DECIDE,
        "Ende nur in Wikidata",
        "End only in Wikidata",
        "Wikidata nennt ein Ende; bei der Stadt ist die Partnerschaft nicht beendet.",
        "Wikidata gives an end time; the city's partnership has not ended.",
    ),
    "deprecated_statement": Kind(
        DECIDE,
        "Angabe als veraltet markiert",
        "Statement deprecated",
        "Wikidata führt die Partnerschaft nur mit dem Rang „veraltet“.",
        "Wikidata has the partnership only with deprecated rank.",
    ),
    "unknown_partner": Kind(
        DECIDE,
        "Partner nicht in der Liste der Stadt",
        "Partner not in the city's list",
        "Wikidata nennt eine Partnerschaft, die die Stadt nicht führt.",
        "Wikidata names a partnership the city does not list.",
    ),
    "not_twinned": Kind(
        DECIDE,
        "Keine Städtepartnerschaft",
        "Not a twinning",
        "Wikidata nennt als Städtepartnerschaft, was die Stadt anders führt.",
        "Wikidata names as a twinning what the city lists otherwise.",
    ),
    "item_not_found": Kind(
        DECIDE,
        "Wikidata-Objekt unbekannt",
        "Wikidata item unknown",
        "Der Endpunkt kennt das Objekt aus raw/ nicht (Tippfehler, gelöscht?).",
        "The endpoint does not know the item given in raw/ (typo, deleted?).",
    ),
    "suspended": Kind(
        NOTE,
        "Partnerschaft ruht",
        "Partnership suspended",
        "Die Partnerschaft ruht; Wikidata nennt kein Ende. Ein Ende wäre falsch: "
        "nichts zu tun, solange sie nur ruht.",
        "The partnership is suspended; Wikidata gives no end. An end would be wrong: "
        "nothing to do while it is only suspended.",
    ),
    "no_wikidata_id": Kind(
        NOTE,
        "Nicht verglichen",
        "Not compared",
        "raw/ nennt kein Wikidata-Objekt für diesen Partner.",
        "raw/ names no Wikidata item for this partner.",
    ),
}


@dataclass(frozen=True)
class Difference:
    """One finding, with the city's page that supports the city's side."""

    kind: str
    #: the item the statement is (or belongs) on, and its P190 value
    subject: str
    value: str
    partnership_id: str | None = None
    partner_name: str | None = None
    city_value: str | None = None
    wikidata_value: str | None = None
    statement: str | None = None
    source_url: str | None = None

    @property
    def action(self) -> str:
        return KINDS[self.kind].action

    def sort_key(self) -> tuple:
        return (self.partnership_id or "~", self.value, self.subject, self.kind)


@dataclass(frozen=True)
class Comparison:
    home: str
    differences: tuple[Difference, ...]
    edits: tuple[Edit, ...]
    answer: Answer

    @property
    def findings(self) -> tuple[Difference, ...]:
        """The differences proper: what an edit or a person's decision would close."""
        return tuple(d for d in self.differences if d.action != NOTE)

    @property
    def notes(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.action == NOTE)
