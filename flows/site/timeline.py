"""A timeline of each partnership's events that shows how precise each date is.

One lane per partnership on a shared axis of years. A date known to the day is a dot;
a date known only to the month or the year is a bar over that whole month or year,
from `date_start` to `date_end`, never a point on an invented day. Beyond MAX_EVENTS
events the lanes show how many events fall into each decade instead, for the first
MAX_LANES partnerships (a million events must not become a million SVG elements), and
the page says so.

The table beside the picture lists the same events grouped by partnership and, within
each, by decade (`group_events`): two hundred events in one table are a wall of rows
on a phone, thirteen short tables with a heading each can be skimmed and jumped to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from flows.write.staged import read_staged, staged_rows

MAX_EVENTS = 400
#: partnerships drawn at most in a timeline of counts (each lane holds a bar per decade)
MAX_LANES = 30
WIDTH = 800.0
LANE_HEIGHT = 26.0
LABEL_WIDTH = 130.0
AXIS_HEIGHT = 24.0
MIN_BAR = 3.0


@dataclass(frozen=True)
class Event:
    partnership_id: str
    date: str
    precision: str
    start: dt.date
    end: dt.date
    event_type: str
    title: str


@dataclass(frozen=True)
class Mark:
    """One drawn element: a dot (day) or a bar (month, year, or a decade's count)."""

    x: float
    width: float
    precision: str
    label: str
    #: bar height in pixels; a decade's bar is as high as its share of the largest count
    height: float = 10.0


#: characters of a partner's name that fit left of the lanes
LABEL_CHARACTERS = 18


@dataclass(frozen=True)
class Lane:
    partnership_id: str
    name: str
    y: float
    marks: list[Mark]

    @property
    def label(self) -> str:
        """The name, shortened with an ellipsis when it would run into the lane."""
        if len(self.name) <= LABEL_CHARACTERS:
            return self.name
        return self.name[: LABEL_CHARACTERS - 1] + "…"


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    lanes: list[Lane]
    ticks: list[tuple[float, int]]
    events: list[Event]
    #: per partnership and decade, when there are too many events to draw one by one
    counts: list[tuple[str, int, int]]
    total_events: int
    #: partnerships with events beyond MAX_LANES, not drawn
    lanes_left_out: int = 0

    @property
    def aggregated(self) -> bool:
        return self.total_events > MAX_EVENTS


@dataclass(frozen=True)
class Decade:
    first_year: int
    events: list[Event]

    @property
    def label(self) -> str:
        return f"{self.first_year}–{self.first_year + 9}"


@dataclass(frozen=True)
class EventGroup:
    """One partnership's events, oldest first, split into decades."""

    partnership_id: str
    name: str
    decades: list[Decade]

    @property
    def count(self) -> int:
        return sum(len(d.events) for d in self.decades)


def group_events(events: list[Event], names: dict[str, str]) -> list[EventGroup]:
    """The events by partnership (ordered by city name) and decade (oldest first)."""
    by_partnership: dict[str, dict[int, list[Event]]] = {}
    for e in sorted(events, key=lambda e: (e.start, e.end, e.title)):
        decades = by_partnership.setdefault(e.partnership_id, {})
        decades.setdefault(e.start.year - e.start.year % 10, []).append(e)
    return [
        EventGroup(
            partnership,
            names.get(partnership, partnership),
            [Decade(year, found) for year, found in sorted(by_partnership[partnership].items())],
        )
        for partnership in sorted(by_partnership, key=lambda p: (names.get(p, p), p))
    ]


def read_events(folder: Path) -> tuple[pa.Table, int]:
    total = staged_rows(folder, "events")
    if total > MAX_EVENTS:
        return read_staged(folder, "events", ["partnership_id", "year"], ["partnership_id"]), total
    columns = ["partnership_id", "date", "date_precision", "date_start", "date_end"]
    return read_staged(folder, "events", [*columns, "event_type", "title_de"]), total


def _axis(first_year: int, last_year: int) -> tuple[float, float]:
    """Pixels per day and the axis' first day."""
    days = (dt.date(last_year + 1, 1, 1) - dt.date(first_year, 1, 1)).days
    return (WIDTH - LABEL_WIDTH - 10) / days, dt.date(first_year, 1, 1).toordinal()


def build_timeline(folder: Path, names: dict[str, str]) -> Timeline:
    """The timeline of the events in folder; `names` maps partnership ids to city names."""
    table, total = read_events(folder)
    left_out = 0
    events: list[Event] = []
    counts: list[tuple[str, int, int]] = []
    if total > MAX_EVENTS:
        counts, left_out = decade_counts(table, names)
        span = [decade for _, decade, _ in counts] + [decade + 9 for _, decade, _ in counts]
    else:
        for row in table.sort_by(
            [("partnership_id", "ascending"), ("date_start", "ascending")]
        ).to_pylist():
            events.append(
                Event(
                    row["partnership_id"],
                    row["date"],
                    row["date_precision"],
                    row["date_start"],
                    row["date_end"],
                    row["event_type"],
                    row["title_de"],
                )
            )
        span = [e.start.year for e in events] + [e.end.year for e in events]
    first, last = (min(span), max(span)) if span else (2000, 2001)
    first -= first % 5
    per_day, origin = _axis(first, last)
    lanes = _lanes(events, counts, names, per_day, origin)
    ticks = [
        (round(LABEL_WIDTH + (dt.date(y, 1, 1).toordinal() - origin) * per_day, 1), y)
        for y in range(first, last + 1)
        if y % 10 == 0 or (last - first < 30 and y % 5 == 0)
    ]
    height = AXIS_HEIGHT + LANE_HEIGHT * max(len(lanes), 1) + 6
    return Timeline(WIDTH, height, lanes, ticks, events, counts, total, left_out)


def dictionary_parts(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.Array]:
    """The indices and the one dictionary all chunks of a dictionary column share: codes
    are then grouped and filtered as integers, and only the dictionary is text."""
    unified = pa.table({"column": column}).unify_dictionaries()["column"]
    if unified.num_chunks == 0:
        return pa.chunked_array([], pa.int32()), pa.array([], pa.string())
    indices = pa.chunked_array([chunk.indices for chunk in unified.chunks])
    return indices, unified.chunk(0).dictionary


def decade_counts(table: pa.Table, names: dict[str, str]) -> tuple[list[tuple[str, int, int]], int]:
    """Events per partnership and decade, for the first MAX_LANES partnerships by name;
    and how many partnerships with events were left out."""
    indices, dictionary = dictionary_parts(table["partnership_id"])
    decades = pc.multiply(pc.divide(table["year"], 10), 10)
    grouped = pa.table({"i": indices, "d": decades}).group_by(["i", "d"])
    result = grouped.aggregate([("d", "count")])
    ids = dictionary.to_pylist()
    present = sorted({ids[i] for i in result["i"].to_pylist()}, key=lambda p: (names.get(p, p), p))
    drawn = set(present[:MAX_LANES])
    counts = sorted(
        (ids[i], decade, count)
        for i, decade, count in zip(
            result["i"].to_pylist(),
            result["d"].to_pylist(),
            result["d_count"].to_pylist(),
            strict=True,
        )
        if ids[i] in drawn
    )
    return counts, max(len(present) - MAX_LANES, 0)


def _x(day: dt.date, per_day: float, origin: int) -> float:
    return LABEL_WIDTH + (day.toordinal() - origin) * per_day


def _lanes(
    events: list[Event],
    counts: list[tuple[str, int, int]],
    names: dict[str, str],
    per_day: float,
    origin: int,
) -> list[Lane]:
    marks: dict[str, list[Mark]] = {}
    for e in events:
        x = _x(e.start, per_day, origin)
        width = (e.end.toordinal() - e.start.toordinal() + 1) * per_day
        width = 0.0 if e.precision == "day" else max(width, MIN_BAR)
        marks.setdefault(e.partnership_id, []).append(
            Mark(round(x, 1), round(width, 1), e.precision, f"{e.date}: {e.title}")
        )
    largest = max((count for _, _, count in counts), default=1)
    for partnership, decade, count in counts:
        start = dt.date(decade, 1, 1)
        x = _x(start, per_day, origin)
        days = dt.date(decade + 9, 12, 31).toordinal() - start.toordinal() + 1
        marks.setdefault(partnership, []).append(
            Mark(
                round(x, 1),
                round(days * per_day - 1, 1),
                "count",
                f"{decade}–{decade + 9}: {count}",
                round(2 + 14 * count / largest, 1),
            )
        )
    lanes = []
    for index, partnership in enumerate(sorted(marks, key=lambda p: (names.get(p, p), p))):
        y = AXIS_HEIGHT + index * LANE_HEIGHT + LANE_HEIGHT / 2
        name = names.get(partnership, partnership)
        lanes.append(Lane(partnership, name, y, marks[partnership]))
    return lanes
