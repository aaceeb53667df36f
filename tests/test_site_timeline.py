"""The events page stays readable with many events (a fixture of 150, not raw/).

The timeline draws each of them; the table beside it is split by partnership and decade,
fits a 390 px phone without sideways scrolling of the page, and passes axe. The figures
checked are computed from the fixture, so the test holds for any number below the
timeline's MAX_EVENTS.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixture_cases import BASE, assemble
from servers.browser import artifacts, chromium  # noqa: F401 - fixtures

from flows import pipeline
from flows.release.store import ReleaseStore
from flows.site.timeline import MAX_EVENTS, Event, group_events

EVENTS = 150
SOURCE = "https://www.dortmund.de/themen/internationales/staedtepartnerschaften/"
#: one word longer than a phone's line, as a curator might paste a compound or an address
LONG_WORD = "Städtepartnerschaftsjubiläumsfeierlichkeitenvorbereitungsausschusssitzung" * 2


def partnerships() -> list[str]:
    with (BASE / "partnerships.csv").open(encoding="utf-8", newline="") as f:
        return [row["partnership_id"] for row in csv.DictReader(f)]


def many_events(count: int) -> list[dict[str, str]]:
    """count events spread over the base partnerships and 1950-2025, every precision."""
    ids = partnerships()
    rows = []
    for n in range(count):
        year = 1950 + (n * 7) % 76
        precision = (n // 3) % 3  # 0: year, 1: month, 2: day; mixed within each lane
        rows.append(
            {
                "event_id": f"event-{n:04d}",
                "partnership_id": ids[n % len(ids)],
                "event_type": ["visit", "agreement", "cultural_event"][n % 3],
                "year": str(year),
                "month": str(1 + n % 12) if precision else "",
                "day": str(1 + n % 28) if precision == 2 else "",
                "title_de": f"Ereignis {n}" + (f" {LONG_WORD}" if n == 7 else ""),
                "source_url": SOURCE,
            }
        )
    return rows


@pytest.fixture(scope="module")
def many_events_release(tmp_path_factory) -> Path:
    raw = assemble(BASE, tmp_path_factory.mktemp("many") / "raw")
    with (BASE / "events.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with (raw / "events.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(many_events(EVENTS))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
    try:
        result = pipeline.run(raw, raw.parent / "output")
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert result.ok, result.report.to_text()
    return ReleaseStore(raw.parent / "output").current()


class EventTables(HTMLParser):
    """Per table.events: its partnership and, per tbody, the decade and the row dates."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[tuple[int, list[str]]]]] = []
        self.marks = 0
        self._in_date = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and "events" in classes:
            self.tables.append((a["data-partnership"] or "", []))
        elif tag == "tbody" and "data-decade" in a and self.tables:
            self.tables[-1][1].append((int(a["data-decade"] or 0), []))
        elif tag == "th" and a.get("scope") == "row" and "date" in classes and self.tables:
            self._in_date = True
        elif "event" in classes and tag in ("circle", "rect"):
            self.marks += 1

    def handle_data(self, data: str) -> None:
        if self._in_date:
            self.tables[-1][1][-1][1].append(data)
            self._in_date = False


def test_the_fixture_stays_below_the_point_where_events_are_counted() -> None:
    assert EVENTS < MAX_EVENTS  # else the page shows counts per decade, tested elsewhere


@pytest.mark.parametrize("page", ["events.html", "events.en.html"])
def test_the_table_groups_every_event_by_partnership_and_decade(
    many_events_release: Path, page: str
) -> None:
    parsed = EventTables()
    parsed.feed((many_events_release / page).read_text(encoding="utf-8"))
    assert parsed.marks == EVENTS  # the picture still draws each event
    assert {pid for pid, _ in parsed.tables} == set(partnerships())
    dates = []
    for _, decades in parsed.tables:
        firsts = [first for first, _ in decades]
        assert firsts == sorted(firsts) and len(set(firsts)) == len(firsts)
        for first, rows in decades:
            assert rows and all(first <= int(date[:4]) <= first + 9 for date in rows)
            dates += rows
    assert len(dates) == EVENTS


@pytest.mark.slow
def test_a_page_of_150_events_fits_a_phone_and_passes_axe(
    many_events_release: Path,
    chromium,  # noqa: F811
    artifacts,  # noqa: F811
) -> None:
    for page in ("events.html", "events.en.html"):
        visit = chromium.visit(
            many_events_release / page, name=page.removesuffix(".html"), screenshots=artifacts
        )
        assert visit.clean, visit.problems()
        for width, scroll_width in visit.scroll_widths.items():
            assert scroll_width <= width, f"{page} is {scroll_width} px wide at {width} px"
        assert LONG_WORD in visit.text


def test_group_events_orders_partnerships_by_name_and_events_by_date() -> None:
    def event(pid: str, day: dt.date, precision: str = "day") -> Event:
        end = day if precision == "day" else dt.date(day.year, 12, 31)
        return Event(pid, day.isoformat(), precision, day, end, "visit", f"{pid} {day}")

    events = [
        event("b", dt.date(2001, 5, 1)),
        event("a", dt.date(1999, 1, 1), "year"),
        event("b", dt.date(1988, 2, 3)),
        event("a", dt.date(1990, 6, 7)),
    ]
    groups = group_events(events, {"a": "Zwickau", "b": "Amiens"})
    assert [g.name for g in groups] == ["Amiens", "Zwickau"]
    amiens, zwickau = groups
    assert [d.label for d in amiens.decades] == ["1980–1989", "2000–2009"]
    assert [d.first_year for d in zwickau.decades] == [1990]
    assert [e.start.year for e in zwickau.decades[0].events] == [1990, 1999]
    assert amiens.count == 2 and zwickau.count == 2
