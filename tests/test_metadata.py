"""metadata.toml: the shipped file loads, and every bad value is refused naming its key."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from flows import pipeline
from flows.common.settings import DEFAULT_METADATA as DEFAULT_PATH
from flows.common.settings import METADATA_ENV
from flows.describe.metadata import LICENSES, MetadataError, load_metadata, parse_metadata
from schemas import DATASETS

SHIPPED = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def changed(key: str, value: object) -> dict:
    """The shipped metadata with one dotted key set to value (None deletes it)."""
    raw = copy.deepcopy(SHIPPED)
    *parents, last = key.split(".")
    node = raw
    for part in parents:
        node = node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return raw


def test_shipped_metadata_has_dortmunds_defaults() -> None:
    metadata = load_metadata()
    assert metadata.license.id == "dl-by-de/2.0"
    assert metadata.license.uri == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert metadata.attribution == "Stadt Dortmund"
    assert metadata.publisher.name == "Stadt Dortmund"
    assert metadata.contact_point.url or metadata.contact_point.email
    assert metadata.regional_key == "059130000000"
    assert metadata.spatial_uri.endswith("/politicalGeocoding/regionalKey/059130000000")
    assert metadata.accrual_periodicity == "DAILY"
    assert metadata.base_url.endswith("/")
    assert set(metadata.datasets) == {ds.name for ds in DATASETS}


def test_titles_come_from_the_models_filled_for_the_municipality_unless_overridden() -> None:
    events = next(ds for ds in DATASETS if ds.name == "events")
    assert events.meta["title_en"] == "Events of the partnerships of the {name_en}"
    described = load_metadata().datasets["events"]
    assert described.title_en == "Events of the partnerships of the City of Dortmund"
    assert described.title_de == "Ereignisse der Partnerschaften der Stadt Dortmund"
    raw = changed("datasets", {"events": {"title_en": "Partnership events"}})
    assert parse_metadata(raw).datasets["events"].title_en == "Partnership events"


def test_what_follows_from_the_municipality_may_be_left_out() -> None:
    raw = {"municipality": SHIPPED["municipality"], "catalog": {"base_url": "https://x.org/d/"}}
    metadata = parse_metadata(raw)
    assert metadata.title_en == "International relations of the City of Dortmund"
    assert metadata.description_en.endswith("of the City of Dortmund's twinning relations.")
    assert metadata.publisher.name == metadata.attribution == "Stadt Dortmund"
    assert metadata.contact_point == metadata.publisher
    assert metadata.license.id == "dl-by-de/2.0" and metadata.languages == ("de",)
    assert metadata.accrual_periodicity == "DAILY" and metadata.geocoding_level == "municipality"
    partnerships = metadata.datasets["partnerships"]
    assert partnerships.keywords_de[-1] == "Dortmund" and partnerships.themes == ("INTR", "GOVE")
    # the shipped file leaves these out too: what it says equals the defaults
    assert load_metadata().datasets == metadata.datasets


def test_the_regional_key_may_stay_in_spatial_as_in_older_files() -> None:
    raw = changed("municipality.regional_key", None)
    raw["spatial"]["regional_key"] = "059130000000"
    assert parse_metadata(raw).regional_key == "059130000000"


@pytest.mark.parametrize("license_id", sorted(LICENSES))
def test_every_offered_licence_can_be_chosen(license_id: str) -> None:
    raw = changed("license.id", license_id)
    if not LICENSES[license_id].needs_attribution:
        raw["license"].pop("attribution", None)
    assert parse_metadata(raw).license.uri.endswith(license_id)


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("municipality", None, "municipality: is missing"),
        ("municipality.name", None, "municipality.name: is missing"),
        ("municipality.regional_key", None, "municipality.regional_key: is missing"),
        ("municipality.regional_key", "05913000", "municipality.regional_key: '05913000' is not"),
        (
            "municipality.regional_key",
            "179130000000",
            "municipality.regional_key: '179130000000' starts with 17",
        ),
        ("license.id", "mit", "license.id: 'mit' is not one of"),
        ("catalog.base_url", "https://example.org/data", "catalog.base_url: must end with '/'"),
        ("catalog.base_url", "ftp:/nowhere", "catalog.base_url: 'ftp:/nowhere': ist keine"),
        # rdflib refuses these in an IRI: refused here, with the character and its place
        (
            "municipality.website",
            'https://www.dortmund.de/"><script>',
            "municipality.website: 'https://www.dortmund.de/\"><script>': "
            "Zeichen '\"' an Stelle 25",
        ),
        ("contact_point.url", "https://a.de/x>y", "contact_point.url: 'https://a.de/x>y': Zeichen"),
        (
            "contact_point.url",
            "https://a.de/a b",
            "contact_point.url: 'https://a.de/a b': Zeichen ' ' an Stelle 15",
        ),
        (
            "municipality.website",
            "https://a.de/%zz",
            "municipality.website: 'https://a.de/%zz': auf '%' an Stelle 14 folgen nicht",
        ),
        (
            "municipality.website",
            "https://user:pw@a.de/",
            "municipality.website: 'https://user:pw@a.de/': ist keine Adresse der Form",
        ),
        ("contact_point.email", 'a"b@stadtdo.de', "contact_point.email: 'a\"b@stadtdo.de'"),
        ("catalog.title_de", "  ", "catalog.title_de: must be a non-empty text"),
        ("catalog.languages", ["xx"], "catalog.languages: 'xx' is not an ISO 639-1 language code"),
        ("catalog.languages", ["DE"], "catalog.languages: 'DE' is not an ISO 639-1 language code"),
        ("catalog.languages", ["deu"], "catalog.languages: 'deu' is not an ISO 639-1 language"),
        ("catalog.accrual_periodicity", "HOURLY", "catalog.accrual_periodicity:"),
        ("publisher", "Stadt", "publisher: must be a table"),
        ("contact_point.url", None, "contact_point: needs an email or a url"),
        ("contact_point.email", "not-an-address", "contact_point.email: 'not-an-address'"),
        ("spatial.regional_key", "059130000001", "spatial.regional_key: '059130000001' differs"),
        ("spatial.level", "village", "spatial.level: 'village' is not one of"),
        ("datasets", {"events": {"themes": ["INTR", "X"]}}, "datasets.events.themes: 'X'"),
        ("datasets", {"events": {"keywords_en": []}}, "datasets.events.keywords_en: must be"),
        ("datasets", {"codelists": "none"}, "datasets.codelists: must be a table"),
        ("datasets", {"weather": {"themes": ["ENVI"]}}, "datasets.weather: is not a published"),
    ],
)
def test_bad_values_are_refused_naming_the_key(key: str, value: object, named: str) -> None:
    with pytest.raises(MetadataError) as refused:
        parse_metadata(changed(key, value))
    assert f"metadata.toml: {named}" in str(refused.value)


def test_unreadable_or_broken_files_are_metadata_errors(tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match="cannot read"):
        load_metadata(tmp_path / "missing.toml")
    broken = tmp_path / "metadata.toml"
    broken.write_text('[catalog]\ntitle_de = "unterminated\n', encoding="utf-8")
    with pytest.raises(MetadataError, match="not valid TOML"):
        load_metadata(broken)


def test_environment_names_another_metadata_file(tmp_path: Path, monkeypatch) -> None:
    other = tmp_path / "other.toml"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    other.write_text(text.replace('id = "dl-by-de/2.0"', 'id = "cc-by/4.0"'), encoding="utf-8")
    monkeypatch.setenv(METADATA_ENV, str(other))
    assert load_metadata().license.id == "cc-by/4.0"


def test_a_bad_metadata_file_stops_the_release(base_raw: Path, tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "metadata.toml"
    broken.write_text(
        DEFAULT_PATH.read_text(encoding="utf-8").replace('id = "dl-by-de/2.0"', 'id = "gpl"'),
        encoding="utf-8",
    )
    monkeypatch.setenv(METADATA_ENV, str(broken))
    output = tmp_path / "output"
    with pytest.raises(MetadataError, match=r"license\.id"):
        pipeline.run(base_raw, output)
    assert not (output / "datapackage.json").exists()
