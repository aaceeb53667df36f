"""The publishing municipality on its own map: a house, inside the frame, never hidden."""

from __future__ import annotations

import pytest

from flows.site.partner_map import CHARACTER_WIDTH, City, Home, partner_map

MOERS = Home("Moers", "Stadt Moers", "City of Moers", 51.4592, 6.6197)


def city(name: str, latitude: float, longitude: float) -> City:
    return City(name.lower(), name, latitude, longitude, suspended=False)


def label_box(x: float, y: float, text: str) -> tuple[float, float, float, float]:
    return (x, y - 10, x + CHARACTER_WIDTH * len(text), y + 2)


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_a_release_without_partners_shows_its_home() -> None:
    drawn = partner_map([], MOERS)
    assert drawn.markers == [] and drawn.home is not None
    assert 0 < drawn.home.x < drawn.width and 0 < drawn.home.y < drawn.height


def test_the_home_is_inside_the_frame_even_far_from_every_partner() -> None:
    drawn = partner_map([city("La Trinidad", 12.97, -86.23)], MOERS)
    assert 0 < drawn.home.x < drawn.width and 0 < drawn.home.y < drawn.height


@pytest.mark.parametrize(
    "neighbours",
    [
        [("Bochum", 51.48, 7.22)],  # where the name would go first, right of the house
        [("Bochum", 51.48, 7.22), ("Krefeld", 51.33, 6.56), ("Kleve", 51.79, 6.14)],
    ],
)
def test_no_name_covers_the_house_or_its_name(neighbours) -> None:
    cities = [city(*n) for n in neighbours] + [city("Ramla", 31.93, 34.86)]
    drawn = partner_map(cities, MOERS)
    home = drawn.home
    house = (home.x - 7, home.y - 8, home.x + 7, home.y + 7)
    own = label_box(home.label_x, home.label_y, "Moers")
    for marker in drawn.markers:
        dot = (marker.x - 6, marker.y - 6, marker.x + 6, marker.y + 6)
        assert not overlaps(own, dot), marker.city.name
        name = label_box(marker.label_x, marker.label_y, marker.city.name)
        assert not overlaps(name, house) and not overlaps(name, own), marker.city.name


def test_no_coordinates_no_house() -> None:
    assert partner_map([city("Ramla", 31.93, 34.86)]).home is None
