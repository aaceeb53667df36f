"""metadata.toml's [municipality]: the names derived from it, and every bad value refused."""

from __future__ import annotations

import pytest

from flows.describe.metadata import MetadataError, parse_metadata
from flows.describe.municipality import (
    default_slug,
    parse_municipality,
    regional_key_problem,
)
from flows.describe.toml_keys import Keys


def municipality(**table):
    return parse_municipality({"municipality": {"regional_key": "051700024024", **table}})


@pytest.mark.parametrize(
    ("name", "genitive_de", "name_en"),
    [
        ("Stadt Moers", "der Stadt Moers", "City of Moers"),
        ("Gemeinde Much", "der Gemeinde Much", "Municipality of Much"),
        ("Hansestadt Lübeck", "der Hansestadt Lübeck", "City of Lübeck"),
        ("Kreisstadt Unna", "der Kreisstadt Unna", "City of Unna"),
        ("Ortsgemeinde Mörsdorf", "der Ortsgemeinde Mörsdorf", "Municipality of Mörsdorf"),
    ],
)
def test_one_word_kinds_ending_in_stadt_or_gemeinde_name_themselves(
    name: str, genitive_de: str, name_en: str
) -> None:
    named = municipality(name=name)
    assert (named.genitive_de, named.name_en) == (genitive_de, name_en)
    assert named.kind + " " + named.place == name


@pytest.mark.parametrize(
    ("table", "refused"),
    [
        ({"name": "Markt Garmisch-Partenkirchen"}, "municipality.genitive_de: is missing"),
        (
            {"name": "Große Kreisstadt Meißen", "kind": "Große Kreisstadt", "place": "Meißen"},
            "municipality.genitive_de: is missing",
        ),
        (
            {"name": "Markt Garmisch-Partenkirchen", "genitive_de": "des Marktes X"},
            "municipality.name_en: is missing",
        ),
        ({"name": "Moers"}, "municipality.kind: is missing and 'Moers' does not start"),
    ],
)
def test_a_kind_without_a_rule_must_write_its_names(table: dict, refused: str) -> None:
    with pytest.raises(MetadataError, match=refused):
        municipality(**table)


def test_written_names_win_over_the_rule() -> None:
    named = municipality(name="Hansestadt Rostock", name_en="Hanseatic City of Rostock", slug="hro")
    assert named.name_en == "Hanseatic City of Rostock" and named.slug == "hro"
    meissen = municipality(
        name="Große Kreisstadt Meißen",
        kind="Große Kreisstadt",
        place="Meißen",
        genitive_de="der Großen Kreisstadt Meißen",
        name_en="Town of Meißen",
    )
    assert meissen.fill("Partnerschaften {genitive_de}") == (
        "Partnerschaften der Großen Kreisstadt Meißen"
    )


@pytest.mark.parametrize(
    ("place", "slug"),
    [
        ("Moers", "moers"),
        ("Mülheim an der Ruhr", "muelheim-an-der-ruhr"),
        ("Frankfurt (Oder)", "frankfurt-oder"),
        ("Halle (Saale)", "halle-saale"),
        ("Großbottwar", "grossbottwar"),
        ("Bad Neuenahr-Ahrweiler", "bad-neuenahr-ahrweiler"),
    ],
)
def test_the_slug_spells_the_place_in_lower_case_ascii(place: str, slug: str) -> None:
    assert default_slug(place) == slug


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("05170002402", "is not a 12-digit"),
        ("0517000240245", "is not a 12-digit"),
        ("05 170 0024 024", "is not a 12-digit"),
        ("05170O024024", "is not a 12-digit"),
        ("001700024024", "starts with 00, which is no Land"),
        ("171700024024", "starts with 17, which is no Land"),
        ("991700024024", "starts with 99, which is no Land"),
    ],
)
def test_a_wrong_regional_key_is_refused_clearly(key: str, problem: str) -> None:
    assert problem in (regional_key_problem(key) or "")
    with pytest.raises(MetadataError, match=r"municipality\.regional_key"):
        municipality(name="Stadt Moers", regional_key=key)


@pytest.mark.parametrize("key", ["010010000000", "059130000000", "051700024024", "160770000000"])
def test_every_land_from_01_to_16_is_a_regional_key_prefix(key: str) -> None:
    assert regional_key_problem(key) is None


@pytest.mark.parametrize(
    ("table", "refused"),
    [
        ({"latitude": 51.4}, "municipality.longitude: is missing: coordinates come in pairs"),
        ({"latitude": 51.4, "longitude": 6.6}, "municipality.coordinates_source_url: is missing"),
        ({"latitude": 91, "longitude": 6.6}, "municipality.latitude: 91 is not between"),
        ({"latitude": "51,4", "longitude": 6.6}, "municipality.latitude: must be a number"),
        (
            {"latitude": 1, "longitude": 2, "coordinates_source_url": "http://x.org/a"},
            "municipality.coordinates_source_url: 'http://x.org/a' is not an https",
        ),
        ({"wikidata_id": "Q0"}, "municipality.wikidata_id: 'Q0' is not a Wikidata id"),
        ({"website": "www.moers.de"}, "municipality.website: 'www.moers.de': ist keine Adresse"),
        ({"slug": "Moers!"}, "municipality.slug: 'Moers!' is not lower-case"),
    ],
)
def test_bad_values_are_refused_naming_the_key(table: dict, refused: str) -> None:
    with pytest.raises(MetadataError, match=refused):
        municipality(name="Stadt Moers", **table)


def test_coordinates_and_wikidata_id_are_kept_as_written() -> None:
    named = municipality(
        name="Stadt Moers",
        latitude=51.4592,
        longitude=6,
        coordinates_source_url="https://example.org/moers",
        wikidata_id="Q3354",
    )
    assert (named.latitude, named.longitude, named.wikidata_id) == (51.4592, 6.0, "Q3354")
    assert named.land == "Nordrhein-Westfalen"


def test_another_municipality_names_every_dataset() -> None:
    raw = {
        "municipality": {"name": "Stadt Moers", "regional_key": "051700024024"},
        "catalog": {"base_url": "https://opendata.example.org/moers/"},
    }
    metadata = parse_metadata(raw)
    titles = {name: (d.title_de, d.title_en) for name, d in metadata.datasets.items()}
    assert titles["partnerships"] == (
        "Partnerschaften der Stadt Moers",
        "Partnerships of the City of Moers",
    )
    assert titles["events"][1] == "Events of the partnerships of the City of Moers"
    assert all("{" not in text for pair in titles.values() for text in pair)
    assert metadata.datasets["events"].keywords_de[-1] == "Moers"
    assert metadata.spatial_uri.endswith("/regionalKey/051700024024")


def test_the_key_reader_is_shared_not_circular() -> None:
    """alert_settings and metadata both read keys through toml_keys (no import circle)."""
    import ast
    from pathlib import Path

    source = Path(__file__).parents[1] / "flows" / "describe" / "alert_settings.py"
    imported = {
        node.module
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
    }
    assert "flows.describe.metadata" not in imported
    assert Keys({}, "x").get("a", required=False) is None
