"""The release's website (flows.site): every page in a real Chromium with the network cut.

Each page must load with no failed request, no console error and no serious or critical
axe finding, pass the Nu Html Checker, link only to files of the release, and show the
same sha256 and row counts as manifest.json. Screenshots at 1280 and 390 px are kept
in .cache/artifacts/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow.parquet as pq
import pytest
from servers import SERVERS_DIR, not_installed
from servers.browser import artifacts, chromium  # noqa: F401 - fixtures
from servers.release import release  # noqa: F401 - fixture

from flows import pipeline
from flows.publish.targets import publish
from flows.release.manifest import file_digests, read_manifest, release_id_of
from flows.release.rollback import check_complete
from flows.release.store import ReleaseStore
from flows.site.build import build_site, prefetch_data_facts
from schemas import DATASETS

REPO = Path(__file__).resolve().parents[1]
VNU = SERVERS_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = [
    f"{name}{suffix}.html"
    for name in ["index", *(d.name for d in DATASETS)]
    for suffix in ("", ".en")
]
HOSTILE = "<img src=x onerror=alert(1)>"


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_clean_offline(release: Path, page: str, chromium, artifacts) -> None:  # noqa: F811
    visit = chromium.visit(release / page, name=page.removesuffix(".html"), screenshots=artifacts)
    assert visit.clean, visit.problems()
    assert visit.lang == ("en" if page.endswith(".en.html") else "de")
    for link in visit.links:
        parts = urlsplit(link)
        if parts.scheme == "file":
            assert Path(unquote(parts.path)).is_file(), f"{page} links to a missing {link}"
        else:
            assert parts.scheme in ("https", "mailto"), f"{page}: unexpected link {link}"


@pytest.mark.parametrize("page", PAGES)
def test_links_are_relative_and_resolve(release: Path, page: str) -> None:  # noqa: F811
    tags = elements(release / page)
    ids = {attrs["id"] for _, attrs in tags if attrs.get("id")}
    for tag, attrs in tags:
        for attribute in ("href", "src"):
            target = attrs.get(attribute)
            if target is None or (target.startswith(("https://", "mailto:")) and tag == "a"):
                continue
            assert "://" not in target and not target.startswith("/"), (page, tag, target)
            path, _, fragment = target.partition("#")
            if path:
                assert (release / path).is_file(), f"{page}: {tag} {attribute}={target!r}"
            elif fragment:
                assert fragment in ids, f"{page}: no element with id {fragment!r}"
        assert tag not in ("script", "iframe", "object", "embed"), f"{page} has a <{tag}>"


def test_each_page_links_its_other_language(release: Path) -> None:  # noqa: F811
    for page in PAGES:
        other = (
            page.replace(".en.html", ".html")
            if ".en." in page
            else page.replace(".html", ".en.html")
        )
        hrefs = {attrs.get("href") for tag, attrs in elements(release / page) if tag == "a"}
        assert other in hrefs, f"{page} does not link {other}"


@pytest.mark.parametrize("page", [p for p in PAGES if not p.startswith("index")])
def test_downloads_match_the_manifest(release: Path, page: str) -> None:  # noqa: F811
    manifest = read_manifest(release)
    rows = {}
    shown = 0
    for tag, attrs in elements(release / page):
        if tag == "tr" and attrs.get("data-file"):
            name = attrs["data-file"]
            facts = manifest["files"][name]
            shown += 1
        if "data-sha256" in attrs:
            assert attrs["data-sha256"] == facts["sha256"], name
        if "data-bytes" in attrs:
            assert int(attrs["data-bytes"]) == facts["bytes"], name
        if "data-rows" in attrs:
            rows[name] = int(attrs["data-rows"])
        if "data-features" in attrs:
            geojson = json.loads((release / name).read_text(encoding="utf-8"))
            assert int(attrs["data-features"]) == len(geojson["features"])
    dataset = page.split(".")[0]
    assert shown >= 4
    assert rows and set(rows.values()) == {manifest["rows"][dataset]}


def test_the_pages_are_listed_in_the_manifest_but_not_in_the_release_id(release: Path) -> None:  # noqa: F811
    manifest = read_manifest(release)
    for page in PAGES:
        assert manifest["files"][page]["bytes"] == (release / page).stat().st_size
    digests = file_digests(release)
    assert not [name for name in digests if name.endswith(".html")]
    date = dt.date.fromisoformat(release.name[:10])
    assert manifest["release_id"] == release.name == release_id_of(digests, date)
    check_complete(release)


def test_rebuilding_gives_byte_identical_pages(release: Path, tmp_path: Path) -> None:  # noqa: F811
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    build_site(copy, release.name, file_digests(copy))
    for page in PAGES:
        assert (copy / page).read_bytes() == (release / page).read_bytes(), page


def test_facts_computed_ahead_give_the_same_pages_and_stale_ones_are_not_used(
    release: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    prefetch_data_facts(copy)
    build_site(copy, release.name, file_digests(copy))
    for page in PAGES:
        assert (copy / page).read_bytes() == (release / page).read_bytes(), page
    # facts of files that changed since are computed again, not taken
    prefetch_data_facts(copy)
    events = copy / "events.parquet"
    pq.write_table(pq.read_table(events).slice(0, 1), events)
    build_site(copy, release.name, file_digests(copy))
    after_stale_prefetch = {page: (copy / page).read_bytes() for page in PAGES}
    build_site(copy, release.name, file_digests(copy))
    assert {page: (copy / page).read_bytes() for page in PAGES} == after_stale_prefetch


def test_the_map_places_cities_by_their_coordinates(release: Path) -> None:  # noqa: F811
    circles = {
        attrs["id"].removeprefix("map-"): attrs
        for tag, attrs in elements(release / "index.html")
        if tag == "circle" and (attrs.get("id") or "").startswith("map-")
    }
    x = {key: float(attrs["cx"]) for key, attrs in circles.items()}
    y = {key: float(attrs["cy"]) for key, attrs in circles.items()}
    longitude = {key: float(attrs["data-longitude"]) for key, attrs in circles.items()}
    latitude = {key: float(attrs["data-latitude"]) for key, attrs in circles.items()}
    assert len(circles) == 13
    # Xi'an is the easternmost partner; Leeds lies west of every European and Asian one
    # (Buffalo, Dabola and Kumasi lie further west still)
    assert all(x["xian"] > x[other] for other in x if other != "xian")
    for other in ("amiens", "zwickau", "novi-sad", "rostow-am-don", "schytomyr", "netanya"):
        assert x["leeds"] < x[other], other
    assert x["buffalo"] == min(x.values())
    by_longitude = sorted(x, key=lambda k: longitude[k])
    assert by_longitude == sorted(x, key=lambda k: x[k])
    by_latitude = sorted(y, key=lambda k: -latitude[k])
    assert by_latitude == sorted(y, key=lambda k: y[k])


def test_the_suspended_partnership_is_marked(release: Path) -> None:  # noqa: F811
    circles = {
        attrs["id"]: attrs
        for tag, attrs in elements(release / "index.html")
        if tag == "circle" and attrs.get("id")
    }
    assert "suspended" in circles["map-rostow-am-don"]["class"].split()
    assert "suspended" not in circles["map-leeds"]["class"].split()
    text = (release / "index.html").read_text(encoding="utf-8")
    assert "ruhend seit 2022-03-31" in text
    assert "suspended since 2022-03-31" in (release / "index.en.html").read_text(encoding="utf-8")


def test_the_timeline_shows_year_only_dates_as_spans(release: Path) -> None:  # noqa: F811
    marks = [
        attrs
        for tag, attrs in elements(release / "events.html")
        if "event" in (attrs.get("class") or "").split()
    ]
    year_marks = [m for m in marks if "year" in m["class"].split()]
    day_marks = [m for m in marks if "day" in m["class"].split()]
    assert year_marks and day_marks
    # a year is a bar about a year wide (the axis is the same for every lane)
    widths = {float(m["width"]) for m in year_marks}
    assert min(widths) > 5
    assert all(m.get("r") for m in day_marks)


def test_the_geojson_reads_in_gdal(release: Path) -> None:  # noqa: F811
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        not_installed("GDAL (ogrinfo)")
    result = subprocess.run(
        [ogrinfo, "-ro", "-al", "-so", str(release / "partnerships.geojson")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Feature Count: 13" in result.stdout
    assert "Geometry: Point" in result.stdout
    assert "WGS 84" in result.stdout
    document = json.loads((release / "partnerships.geojson").read_text(encoding="utf-8"))
    rostow = next(f for f in document["features"] if f["id"] == "rostow-am-don")
    assert rostow["geometry"]["coordinates"] == [39.71, 47.2225]
    assert rostow["properties"]["status"] == "suspended"


def test_the_map_data_is_described_everywhere(release: Path) -> None:  # noqa: F811
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert "partnerships.geojson" in {r["path"] for r in package["resources"]}
    catalog = (release / "catalog.ttl").read_text(encoding="utf-8")
    assert "partnerships.geojson" in catalog
    assert "file-type/GEOJSON" in catalog
    assert (
        "dcat:landingPage <https://opendata.example.org/dortmund-partnerships/events.html>"
        in catalog
    )
    index = (release / "index.csv").read_bytes().decode("utf-8")
    assert ";partnerships.geojson;index.partnerships.schema.csv\r\n" in index
    assert ";partnerships.opendatasoft.csv;index.partnerships.schema.csv\r\n" in index
    header, first = (
        (release / "partnerships.opendatasoft.csv").read_text(encoding="utf-8").splitlines()[:2]
    )
    assert header.endswith(",geo_point")
    assert first.endswith(',"49.892,2.299"')


def test_a_publish_target_carries_the_site(release: Path, tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "portal"
    publish(release, f"file://{target}")
    for page in PAGES:
        assert (target / page).read_bytes() == (release / page).read_bytes()


@pytest.mark.slow
def test_the_nu_html_checker_finds_no_error(release: Path) -> None:  # noqa: F811
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        not_installed("the Nu Html Checker (vnu-jar) and a JRE")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", *(str(release / p) for p in PAGES)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory) -> Path:
    """A release whose data and metadata carry markup where a description belongs."""
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    shutil.copytree(REPO / "raw", raw)
    partnerships = raw / "partnerships.csv"
    text = partnerships.read_text(encoding="utf-8")
    text = text.replace("Städtepartnerschaft mit der Küstenstadt in Israel.", f'"{HOSTILE}"')
    partnerships.write_text(text, encoding="utf-8")
    metadata = (REPO / "metadata.toml").read_text(encoding="utf-8")
    metadata += f'\n[datasets.events]\ntitle_de = "{HOSTILE}"\ndescription_de = "{HOSTILE}"\n'
    (root / "metadata.toml").write_text(metadata, encoding="utf-8")
    previous = os.environ.get("PARTNERSHIPS_METADATA")
    os.environ["PARTNERSHIPS_METADATA"] = str(root / "metadata.toml")
    try:
        result = pipeline.run(raw, root / "output")
    finally:
        if previous is None:
            del os.environ["PARTNERSHIPS_METADATA"]
        else:
            os.environ["PARTNERSHIPS_METADATA"] = previous
    assert result.ok, result.report.to_text()
    return ReleaseStore(root / "output").current()


@pytest.mark.slow
@pytest.mark.parametrize("page", ["partnerships.html", "events.html", "index.html"])
def test_a_hostile_description_shows_as_text(hostile_release: Path, page: str, chromium) -> None:  # noqa: F811
    assert not [tag for tag, _ in elements(hostile_release / page) if tag == "img"]
    visit = chromium.visit(hostile_release / page, accessibility=False)
    assert visit.clean, visit.problems()
    assert HOSTILE in visit.text


@pytest.fixture(scope="module")
def large_release(tmp_path_factory) -> Path:
    """A synthetic release with more events than the timeline draws one by one."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    import generate

    raw = tmp_path_factory.mktemp("large") / "raw"
    generate.generate(5000, raw, seed=3, invalid=0.0)
    result = pipeline.run(raw, raw.parent / "output")
    assert result.ok, result.report.to_text()
    return ReleaseStore(raw.parent / "output").current()


@pytest.mark.slow
def test_many_events_become_counts_per_decade(large_release: Path, chromium, artifacts) -> None:  # noqa: F811
    from flows.site.partner_map import MAX_POINTS
    from flows.site.timeline import MAX_LANES

    tags = elements(large_release / "events.html")
    bars = [a for t, a in tags if t == "rect" and "count" in (a.get("class") or "").split()]
    decades = len(range(1940, 2030, 10))
    assert 0 < len(bars) <= MAX_LANES * decades
    assert not [a for t, a in tags if t == "circle" and "day" in (a.get("class") or "")]
    text = (large_release / "events.html").read_text(encoding="utf-8")
    assert "5.000 Ereignisse sind zu viele" in text
    circles = [a for t, a in elements(large_release / "index.html") if t == "circle"]
    assert len(circles) <= MAX_POINTS + 2  # + the legend's two
    visit = chromium.visit(
        large_release / "events.html", name="events-large", screenshots=artifacts
    )
    assert visit.clean, visit.problems()


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.name)
def test_the_profile_agrees_with_pandas(release: Path, ds) -> None:  # noqa: F811
    import pandas as pd

    from flows.site.profile import profile_dataset

    frame = pd.read_parquet(release / f"{ds.name}.parquet", dtype_backend="pyarrow")
    for profile in profile_dataset(ds, release):
        column = frame[profile.name]
        assert profile.empty == column.isna().sum(), profile.name
        if profile.distinct is not None:
            assert profile.distinct == column.nunique(), profile.name
        if profile.smallest is not None and ds.column(profile.name).type != "number":
            assert profile.smallest == str(column.min()), profile.name
            assert profile.largest == str(column.max()), profile.name
        for top in profile.top:
            assert top.count == (column == top.code).sum(), (profile.name, top.code)
            assert top.label_de and top.label_en


def test_the_preview_reads_rows_longer_than_its_first_block(tmp_path: Path) -> None:
    from flows.site.pages import PREVIEW_BLOCKS, preview
    from schemas import dataset

    long_label = "x" * (PREVIEW_BLOCKS[0] * 2)
    rows = [f"event_type,visit,{long_label},Visit\r\n", "event_type,offer,Angebot,Offer\r\n"]
    csv = tmp_path / "codelists.csv"
    csv.write_text("codelist,code,label_de,label_en\r\n" + "".join(rows), encoding="utf-8")
    header, shown = preview(dataset("codelists"), tmp_path)
    assert header == ["codelist", "code", "label_de", "label_en"]
    assert shown == [
        ["event_type", "visit", long_label, "Visit"],
        ["event_type", "offer", "Angebot", "Offer"],
    ]
