"""QuickStatements version 1: one tab-separated command per line, for a person to submit.

    Q1295 P190 Q908 P580 +1977-07-04T00:00:00Z/11 S854 "https://…" S813 +2026-12-03T00:00:00Z/11

(with tabs between the fields) adds "Dortmund is twinned with Rostov-on-Don" (P190)
with its start time (P580) at the precision the city's data has (/9 a year, /11 a
day), an end of unknown date (P582 `somevalue`) for an ended partnership, and the
city's page as reference: reference URL (S854) and the day it was retrieved (S813).
Where the statement exists already, QuickStatements adds the qualifiers and the
reference to it. Nothing here removes or replaces a value: those are left to a person
(docs/wikidata.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flows.wikidata.model import DAY, MONTH, Edit, WikidataDate

TWINNED = "P190"


def time_value(when: WikidataDate) -> str:
    """+1977-07-04T00:00:00Z/11, +1977-07-00T00:00:00Z/10 or +1977-00-00T00:00:00Z/9."""
    month = when.month if when.precision >= MONTH else 0
    day = when.day if when.precision >= DAY else 0
    precision = min(when.precision, DAY)
    return f"+{when.year:04d}-{month:02d}-{day:02d}T00:00:00Z/{precision}"


def day_value(day: date) -> str:
    return time_value(WikidataDate(day.year, day.month, day.day, DAY))


def string_value(text: str) -> str:
    """A string in double quotes. Version 1 has no escape for a quote inside: in an
    address it is written %22, which names the same page."""
    return '"' + text.replace('"', "%22") + '"'


def command(edit: Edit, retrieved: date) -> str:
    fields = [edit.subject, TWINNED, edit.value]
    for prop, value in edit.qualifiers:
        fields += [prop, value]
    if edit.reference_url:
        fields += ["S854", string_value(edit.reference_url), "S813", day_value(retrieved)]
    return "\t".join(fields)


def render(edits: Iterable[Edit], retrieved: date) -> str:
    """Every command, one per line; the empty text when there is nothing to add."""
    return "".join(command(edit, retrieved) + "\n" for edit in edits)
