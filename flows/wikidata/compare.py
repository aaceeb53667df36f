"""The comparison itself: the city's partnerships against Wikidata's P190 statements.

Plain functions over the types of flows.wikidata.model, no I/O. A partnership is
expected in Wikidata when it is a city partnership (`TWINNED_TYPES`) that is not still
in preparation; it is expected both ways, on the home item and back on the partner's.
Additions the city's data supports become edits; whatever would need a removal or a
choice between two dates is left to a person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from flows.wikidata.model import (
    DAY,
    YEAR,
    Answer,
    Comparison,
    Difference,
    Edit,
    Partnership,
    Statement,
    WikidataDate,
)
from flows.wikidata.quickstatements import time_value

#: the partnership types Wikidata's "twinned administrative body" (P190) stands for
TWINNED_TYPES = frozenset({"city_partnership"})
NOT_YET = frozenset({"in_preparation"})
DEPRECATED = "deprecated"


def compare(home: str, partnerships: Iterable[Partnership], answer: Answer) -> Comparison:
    rows = sorted(partnerships, key=lambda p: p.partnership_id)
    by_item = {p.wikidata_id: p for p in rows if p.wikidata_id}
    outgoing: dict[str, list[Statement]] = defaultdict(list)
    incoming: dict[str, list[Statement]] = defaultdict(list)
    for s in answer.statements:
        if s.subject == home and s.value != home:
            outgoing[s.value].append(s)
        elif s.value == home and s.subject != home:
            incoming[s.subject].append(s)

    found: list[Difference] = []
    edits: list[Edit] = []
    for p in rows:
        if not p.wikidata_id:
            found.append(
                Difference(
                    "no_wikidata_id", home, "", p.partnership_id, p.partner_city,
                    source_url=p.source_url,
                )
            )  # fmt: skip
            continue
        item = answer.items.get(p.wikidata_id)
        if item is not None and not item.exists:
            found.append(
                Difference(
                    "item_not_found", home, p.wikidata_id, p.partnership_id, p.partner_city,
                    city_value=p.wikidata_id, source_url=p.source_url,
                )
            )  # fmt: skip
            continue
        if not expected(p):
            continue
        pairs = ((home, p.wikidata_id, outgoing), (p.wikidata_id, home, incoming))
        for subject, value, statements in pairs:
            diffs, edit = check_direction(p, subject, value, statements[p.wikidata_id], home)
            found += diffs
            edits += [edit] if edit else []

    list_source = city_list_source(rows)
    for partner, statements in [*outgoing.items(), *incoming.items()]:
        row = by_item.get(partner)
        if row is not None and expected(row):
            continue
        for s in statements:
            kind = "unknown_partner" if row is None else "not_twinned"
            found.append(
                Difference(
                    kind, s.subject, s.value,
                    partnership_id=row.partnership_id if row else None,
                    partner_name=row.partner_city if row else None,
                    city_value=describe_row(row),
                    wikidata_value=", ".join(d.text() for d in s.starts) or None,
                    statement=s.uri,
                    source_url=row.source_url if row else list_source,
                )
            )  # fmt: skip
    found.sort(key=Difference.sort_key)
    edits.sort(key=lambda e: (e.subject, e.value))
    return Comparison(home, tuple(found), tuple(edits), answer)


def expected(p: Partnership) -> bool:
    return p.partnership_type in TWINNED_TYPES and p.status not in NOT_YET


def check_direction(
    p: Partnership, subject: str, value: str, statements: list[Statement], home: str
) -> tuple[list[Difference], Edit | None]:
    """The differences of one direction (the home item's statement, or the partner's
    back) and the one edit that closes those an addition can close."""
    start = p.start()
    base = dict(partnership_id=p.partnership_id, partner_name=p.partner_city)
    live = [s for s in statements if s.rank != DEPRECATED]
    if not live:
        if statements:
            deprecated = Difference(
                "deprecated_statement", subject, value, **base,
                statement=statements[0].uri, source_url=p.source_url,
            )  # fmt: skip
            return [deprecated], None
        kind = "missing_statement" if subject == home else "missing_reverse"
        qualifiers = [("P580", time_value(start))]
        if p.status == "ended":
            qualifiers.append(("P582", "somevalue"))
        missing = Difference(
            kind, subject, value, **base, city_value=start.text(), source_url=p.source_url
        )
        return [missing], Edit(subject, value, tuple(qualifiers), p.source_url)

    diffs: list[Difference] = []
    qualifiers: list[tuple[str, str]] = []
    for s in live:
        here = dict(base, statement=s.uri, source_url=p.source_url)
        wikidata_start = ", ".join(d.text() for d in s.starts) or None
        verdict = start_verdict(start, s.starts)
        if verdict == "missing":
            missing = Difference("missing_start", subject, value, **here, city_value=start.text())
            diffs.append(missing)
            qualifiers.append(("P580", time_value(start)))
        elif verdict != "agrees":
            diffs.append(
                Difference(
                    verdict, subject, value, **here,
                    city_value=start.text(), wikidata_value=wikidata_start,
                )
            )  # fmt: skip
        if not s.has_end and p.status == "ended":
            diffs.append(Difference("missing_end", subject, value, **here, city_value=p.status))
            qualifiers.append(("P582", "somevalue"))
        elif not s.has_end and p.status == "suspended":
            diffs.append(Difference("suspended", subject, value, **here, city_value=p.status))
        elif s.has_end and p.status != "ended":
            ends = ", ".join(d.text() for d in s.ends) or "?"
            diffs.append(
                Difference(
                    "end_in_wikidata", subject, value, **here,
                    city_value=p.status, wikidata_value=ends,
                )
            )  # fmt: skip
    if not qualifiers:
        return diffs, None
    # one command completes the statement; the reference only where it is not there yet
    cited = any(p.source_url in s.references for s in live)
    unique = tuple(dict.fromkeys(qualifiers))
    return diffs, Edit(subject, value, unique, None if cited else p.source_url)


def start_verdict(city: WikidataDate, starts: tuple[WikidataDate, ...]) -> str:
    """agrees, missing, start_less_precise or start_differs: the best of the starts."""
    if not starts:
        return "missing"
    verdicts = {one_start(city, w) for w in starts}
    for verdict in ("agrees", "start_less_precise"):
        if verdict in verdicts:
            return verdict
    return "start_differs"


def one_start(city: WikidataDate, w: WikidataDate) -> str:
    if w.precision < YEAR:  # a decade or a century: the city's year must fall in it
        span = 10 ** (YEAR - w.precision)
        return "start_less_precise" if city.year // span == w.year // span else "start_differs"
    if w.year != city.year:
        return "start_differs"
    if city.precision >= DAY and w.precision >= DAY:
        return "agrees" if (w.month, w.day) == (city.month, city.day) else "start_differs"
    if city.precision >= DAY and w.precision > YEAR:  # a month
        return "start_less_precise" if w.month == city.month else "start_differs"
    if city.precision >= DAY:
        return "start_less_precise"
    return "agrees"  # the city knows the year; Wikidata agrees on it, perhaps more precisely


def city_list_source(rows: list[Partnership]) -> str | None:
    """The page the city lists its partnerships on: the source most city partnerships
    cite. It stands for the city's side where Wikidata names a partner the city lacks."""
    cited = Counter(p.source_url for p in rows if p.partnership_type in TWINNED_TYPES)
    if not cited:
        return None
    return min(cited, key=lambda url: (-cited[url], url))


def describe_row(row: Partnership | None) -> str | None:
    if row is None:
        return None
    return f"{row.partnership_type}, {row.status}"
