"""The map of the partner cities: an SVG over Natural Earth country outlines.

The outlines are `natural_earth_110m.json` beside this module, derived from Natural
Earth's 1:110m Admin 0 countries (public domain) by scripts/natural_earth_outlines.py.
The projection is equirectangular, stretched by the cosine of the middle latitude so
that Europe does not look flattened, over the bounds of the partner cities plus a
margin. Each city is a `<circle>` whose id names the partnership; suspended
partnerships get a hollow, crossed-out marker (shape, not only colour, tells them
apart). The publishing municipality, where metadata.toml gives its coordinates, is a
small house (`Home`), inside the frame and never covered by a partner's name. No tile,
no script, no request: the SVG is inlined into the page.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

OUTLINES = Path(__file__).with_name("natural_earth_110m.json")
WIDTH = 800.0
MARGIN_DEGREES = 8.0
#: beyond this many cities the names are left to the table: they would cover each other
MAX_LABELS = 40
#: beyond this many cities only the first are drawn (the page says so)
MAX_POINTS = 300
LABEL_HEIGHT = 13.0
CHARACTER_WIDTH = 6.6


@dataclass(frozen=True)
class City:
    partnership_id: str
    name: str
    latitude: float
    longitude: float
    suspended: bool


@dataclass(frozen=True)
class Home:
    """The municipality that publishes: its place, its names for the legend, where it is."""

    place: str
    name_de: str
    name_en: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class HomeMarker:
    home: Home
    x: float
    y: float
    label_x: float
    label_y: float

    @property
    def path(self) -> str:
        """A house: walls and a roof, so its shape alone tells it from the cities' dots."""
        x, y = self.x, self.y
        return f"M{x - 6:g} {y + 6:g}V{y:g}L{x:g} {y - 7:g}L{x + 6:g} {y:g}V{y + 6:g}Z"


@dataclass(frozen=True)
class Frame:
    west: float
    east: float
    south: float
    north: float

    @cached_property
    def stretch(self) -> float:
        return math.cos(math.radians((self.north + self.south) / 2))

    @cached_property
    def scale(self) -> float:
        return WIDTH / ((self.east - self.west) * self.stretch)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def project(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = (longitude - self.west) * self.stretch * self.scale
        y = (self.north - latitude) * self.scale
        return round(x, 1), round(y, 1)

    def project_ring(self, ring: np.ndarray) -> str:
        """SVG path data of one closed ring, projected in one vectorised step."""
        x = np.round((ring[:, 0] - self.west) * self.stretch * self.scale, 1)
        y = np.round((self.north - ring[:, 1]) * self.scale, 1)
        return (
            "M"
            + "L".join(f"{a:g} {b:g}" for a, b in zip(x.tolist(), y.tolist(), strict=True))
            + "Z"
        )


def frame_around(cities: list[City], home: Home | None = None) -> Frame:
    places = [(c.longitude, c.latitude) for c in cities]
    places += [(home.longitude, home.latitude)] if home else []
    if not places:
        return Frame(-20.0, 60.0, 20.0, 70.0)
    longitudes, latitudes = zip(*places, strict=True)
    west = max(-180.0, min(longitudes) - MARGIN_DEGREES)
    east = min(180.0, max(longitudes) + MARGIN_DEGREES)
    south = max(-85.0, min(latitudes) - MARGIN_DEGREES)
    north = min(85.0, max(latitudes) + MARGIN_DEGREES)
    return Frame(west, east, south, north)


@cache
def _outlines() -> dict:
    return json.loads(OUTLINES.read_text(encoding="utf-8"))


@cache
def country_outlines() -> list[list[np.ndarray]]:
    """Each country's rings as arrays of [longitude, latitude], read once per process."""
    return [[np.array(r, dtype=float) for r in c["rings"]] for c in _outlines()["countries"]]


def outline_source() -> str:
    return _outlines()["source"]


def _overlaps(ring: np.ndarray, frame: Frame) -> bool:
    (west, south), (east, north) = ring.min(axis=0), ring.max(axis=0)
    return not (
        east < frame.west or west > frame.east or north < frame.south or south > frame.north
    )


def country_paths(frame: Frame) -> list[str]:
    """One SVG path per country within the frame (path data only)."""
    paths = []
    for rings in country_outlines():
        parts = [frame.project_ring(r) for r in rings if _overlaps(r, frame)]
        if parts:
            paths.append("".join(parts))
    return paths


@dataclass(frozen=True)
class Marker:
    city: City
    number: int
    x: float
    y: float
    label_x: float
    label_y: float
    show_label: bool


def _collides(box: tuple[float, float, float, float], taken: list[tuple]) -> bool:
    left, top, right, bottom = box
    return any(
        left < o_right and o_left < right and top < o_bottom and o_top < bottom
        for o_left, o_top, o_right, o_bottom in taken
    )


def home_marker(home: Home, frame: Frame, cities: list[City]) -> HomeMarker:
    """The house; its name right of it (left near the edge), else a line lower or higher,
    wherever it covers no city's dot. It is placed before any city's name."""
    x, y = frame.project(home.longitude, home.latitude)
    dots = [
        (cx - 6, cy - 6, cx + 6, cy + 6)
        for cx, cy in (frame.project(c.longitude, c.latitude) for c in cities)
    ]
    width = CHARACTER_WIDTH * len(home.place)
    sides = [x + 9, x - 9 - width] if x + 9 + width < WIDTH else [x - 9 - width]
    lines = [y + 4 + step * LABEL_HEIGHT for step in (0, 1, -1, 2, -2)]
    candidates = [(side, line) for line in lines for side in sides if side >= 0]
    label_x, label_y = next(
        (c for c in candidates if not _collides((c[0], c[1] - 10, c[0] + width, c[1] + 2), dots)),
        candidates[0] if candidates else (x + 9, y + 4),
    )
    return HomeMarker(home, x, y, round(label_x, 1), round(label_y, 1))


def markers(cities: list[City], frame: Frame, home: HomeMarker | None = None) -> list[Marker]:
    """A marker per city; each name goes right of its dot (left near the edge), moved
    down a line at a time until it covers no other name, no other dot and not the home
    marker with its name."""
    points = [frame.project(c.longitude, c.latitude) for c in cities]
    taken: list[tuple[float, float, float, float]] = [
        (x - 6, y - 6, x + 6, y + 6) for x, y in points
    ]
    if home is not None:
        width = CHARACTER_WIDTH * len(home.home.place)
        taken += [(home.x - 7, home.y - 8, home.x + 7, home.y + 7)]
        taken += [(home.label_x, home.label_y - 10, home.label_x + width, home.label_y + 2)]
    show = len(cities) <= MAX_LABELS
    result = []
    for number, (city, (x, y)) in enumerate(zip(cities, points, strict=True), 1):
        width = CHARACTER_WIDTH * (len(city.name) + (10 if city.suspended else 0))
        right, left = x + 8, x - 8 - width
        sides = [right, left] if right + width < WIDTH else [left]
        label_x, label_y = sides[0], y + 4
        if show:
            own = (x - 6, y - 6, x + 6, y + 6)
            others = [box for box in taken if box != own]
            candidates = [
                (side, y + 4 + step * LABEL_HEIGHT) for step in range(8) for side in sides
            ]
            label_x, label_y = next(
                (
                    (cx, cy)
                    for cx, cy in candidates
                    if cx >= 0 and not _collides((cx, cy - 10, cx + width, cy + 2), others)
                ),
                candidates[0],
            )
            taken.append((label_x, label_y - 10, label_x + width, label_y + 2))
        result.append(Marker(city, number, x, y, round(label_x, 1), round(label_y, 1), show))
    return result


@dataclass(frozen=True)
class PartnerMap:
    width: float
    height: float
    countries: list[str]
    markers: list[Marker]
    #: cities left out beyond MAX_POINTS
    left_out: int
    home: HomeMarker | None = None


def partner_map(cities: list[City], home: Home | None = None) -> PartnerMap:
    drawn = cities[:MAX_POINTS]
    frame = frame_around(drawn, home)
    house = home_marker(home, frame, drawn) if home else None
    return PartnerMap(
        WIDTH,
        round(frame.height, 1),
        country_paths(frame),
        markers(drawn, frame, house),
        len(cities) - len(drawn),
        house,
    )
