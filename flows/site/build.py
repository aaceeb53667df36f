"""Build the release's website: index.html and a page per dataset, each in German and
English (`<name>.html`, `<name>.en.html`), linked both ways.

The pages are written into the release folder after its id and changelog exist and
before its manifest (flows.release.notes calls `build_site`), so they can show both
and the manifest lists them. Pages end in `.html`, which keeps them out of the
release id's hash (flows.release.manifest.describes_release).

Templates are Jinja2 with autoescape on: every value from the data or metadata.toml is
HTML-escaped by the engine, not by remembering to call html.escape at each place.
Nothing on a page depends on the clock: the same release rebuilds the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
)
from markupsafe import Markup

from flows.common.files import replace_file
from flows.describe.dictionary import DICTIONARY_NAME
from flows.describe.metadata import Metadata, load_metadata, page_name
from flows.release.manifest import MANIFEST, row_counts
from flows.site import pages
from flows.site.partner_map import MAX_POINTS, Home, outline_source, partner_map
from flows.site.profile import profile_dataset
from flows.site.texts import LANGUAGES, TEXTS, TYPE_LABELS
from flows.site.timeline import build_timeline, group_events
from flows.write.staged import read_staged
from schemas import DATASETS, Dataset

TEMPLATES = Path(__file__).with_name("templates")
INDEX = "index"
#: table rows of a year-count timeline at most (timeline.MAX_LANES lanes of some decades)
TABLE_LIMIT = 3000
METADATA_FILES = (
    "datapackage.json", "catalog.ttl", "catalog.rdf", "index.csv", DICTIONARY_NAME,
    "CHANGELOG.md", "changelog.json", "manifest.json",
)  # fmt: skip


def _number(value: int, language: str) -> str:
    text = f"{value:,}"
    return text.replace(",", ".") if language == "de" else text


def _size(value: int, language: str) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if value >= factor:
            text = f"{value / factor:.1f} {unit}"
            return text.replace(".", ",") if language == "de" else text
    return f"{value} B"


ENVIRONMENT_OPTIONS = {
    "autoescape": True,
    "undefined": StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


@cache
def environment() -> Environment:
    """One environment for both languages: each template is compiled once per process,
    and Jinja2's bytecode cache (a private folder in the temporary directory, checked
    against each template's source) spares the next run that compiling: about 0.15 s,
    half of the site's budget on the shipped data. The filters read the page's language
    from the template's context."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), **ENVIRONMENT_OPTIONS)
    # the cache is keyed by each template's path and source only, not by the options
    # they were compiled with: the options' digest names the cache's files
    options = hashlib.sha256(repr(sorted(ENVIRONMENT_OPTIONS.items())).encode()).hexdigest()
    env.bytecode_cache = FileSystemBytecodeCache(pattern=f"__partnerships_{options[:12]}_%s.cache")
    env.filters["number"] = pass_context(lambda ctx, value: _number(value, ctx["language"]))
    env.filters["size"] = pass_context(lambda ctx, value: _size(value, ctx["language"]))
    return env


def page_file(name: str, language: str) -> str:
    return page_name(name, language)


def _common(name: str, language: str, metadata: Metadata, release_id: str, date: dt.date):
    other = LANGUAGES[1 - LANGUAGES.index(language)]
    return {
        "language": language,
        "t": TEXTS[language],
        "site_title": metadata.title_de if language == "de" else metadata.title_en,
        "publisher": metadata.publisher.name,
        "publisher_url": metadata.publisher.url,
        "release_id": release_id,
        "release_date": date.isoformat(),
        "home_page": page_file(INDEX, language),
        "other_page": page_file(name, other),
    }


def home_of(metadata: Metadata) -> Home | None:
    """The publishing municipality's house on the map, where metadata.toml places it."""
    m = metadata.municipality
    if m.latitude is None or m.longitude is None:
        return None
    return Home(m.place, m.name, m.name_en, m.latitude, m.longitude)


def _map_facts(folder: Path, home: Home | None = None) -> dict:
    """The map and its table's rows, the same in both languages: computed once."""
    drawn = partner_map(pages.cities(folder), home)
    numbers = {m.city.partnership_id: m.number for m in drawn.markers}
    statuses = read_staged(folder, "partnerships", ["partnership_id", "status"])
    not_active = [
        row["partnership_id"] for row in statuses.to_pylist() if row["status"] != "active"
    ]
    places = pages.partnership_rows(folder, pages.status_since(folder, not_active))
    for row in places:
        row["number"] = numbers.get(row["partnership_id"])
    places.sort(key=lambda r: (r["number"] is None, r["number"] or 0))
    # the table is the map's text alternative: the cities drawn, and those without
    # coordinates (the page notes those left out beyond partner_map.MAX_POINTS)
    places = [row for row in places if row["number"] is not None or row["latitude"] is None]
    return {"map": drawn, "places": places[: MAX_POINTS + 50]}


def map_html(facts: dict, language: str) -> Markup:
    """The map and its table, rendered once per language for the pages that show it."""
    status_labels = pages.code_labels("partnership_status", language)
    places = [
        row | {"status_label": status_labels.get(row["status"], row["status"])}
        for row in facts["map"]["places"]
    ]
    context = {
        "t": TEXTS[language],
        "map": facts["map"]["map"],
        "places": places,
        "map_source": outline_source(),
        "suspended_label": status_labels.get("suspended", "suspended"),
    }
    home = facts["map"]["map"].home
    if home is not None:
        context["home_name"] = home.home.name_de if language == "de" else home.home.name_en
    return Markup(environment().get_template("map.html.j2").render(context))


def _timeline_facts(folder: Path) -> dict:
    names = {
        row["partnership_id"]: row["partner_city"] for row in pages.partnership_rows(folder, {})
    }
    return {"timeline": build_timeline(folder, names), "names": names}


def _timeline_context(facts: dict, language: str) -> dict:
    timeline = facts["timeline"]["timeline"]
    return {
        "timeline": timeline,
        "lanes": timeline.lanes,
        "lanes_left_out": timeline.lanes_left_out,
        "names": facts["timeline"]["names"],
        "groups": group_events(timeline.events, facts["timeline"]["names"]),
        "table_limit": TABLE_LIMIT,
        "precision_labels": pages.code_labels("date_precision", language),
        "event_labels": pages.code_labels("event_type", language),
    }


def dataset_page(
    ds: Dataset,
    language: str,
    folder: Path,
    metadata: Metadata,
    release: tuple[str, dt.date],
    facts: dict,
) -> str:
    meta = metadata.datasets[ds.name]
    header, rows = facts["previews"][ds.name]
    columns = [
        {
            "name": c.name,
            "type": TYPE_LABELS[language][c.type],
            "unit": c.unit,
            "required": c.required,
            "description": c.description_de if language == "de" else c.description_en,
            "rules": pages.column_rules(c, language),
        }
        for c in ds.columns
    ]
    context = _common(ds.name, language, metadata, *release) | {
        "page_title": meta.title_de if language == "de" else meta.title_en,
        "dataset": {
            "name": ds.name,
            "title": meta.title_de if language == "de" else meta.title_en,
            "description": meta.description_de if language == "de" else meta.description_en,
            "rows": facts["rows"].get(ds.name, 0),
        },
        "downloads": pages.downloads(
            ds, facts["digests"], facts["rows"], len(facts["map"]["map"].markers)
        ),
        "columns": columns,
        "profile": facts["profiles"][ds.name],
        "preview_header": header,
        "preview_rows": rows,
        "map_html": None,
        "timeline": None,
    }
    if ds.name == "partnerships":
        context["map_html"] = facts["map_html"][language]
    if ds.name == "events":
        context |= _timeline_context(facts, language)
    return environment().get_template("dataset.html.j2").render(context)


def index_page(
    language: str, folder: Path, metadata: Metadata, release: tuple[str, dt.date], facts: dict
) -> str:
    datasets = [
        {
            "page": page_file(ds.name, language),
            "title": (metadata.datasets[ds.name].title_de if language == "de" else
                      metadata.datasets[ds.name].title_en),
            "rows": facts["rows"].get(ds.name, 0),
        }
        for ds in DATASETS
    ]  # fmt: skip
    description = metadata.description_de if language == "de" else metadata.description_en
    context = _common(INDEX, language, metadata, *release) | {
        "page_title": TEXTS[language]["home"],
        "site_description": description,
        "contact": metadata.contact_point,
        "licence": pages.licence_facts(metadata),
        "datasets": datasets,
        "changes": pages.changes(folder),
        # manifest.json is written right after the pages
        "metadata_files": [n for n in METADATA_FILES if (folder / n).is_file() or n == MANIFEST],
        "map_html": facts["map_html"][language],
    }
    return environment().get_template("index.html.j2").render(context)


#: the data facts of one staged folder, computed ahead by the pipeline
_PREFETCHED: dict[tuple, dict] = {}


def _data_key(folder: Path, home: Home | None) -> tuple:
    files = sorted(folder.glob("*.parquet"))
    return (
        str(folder.resolve()),
        tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files),
        home,
    )


def _compute_data_facts(folder: Path, home: Home | None = None) -> dict:
    # each fact reads its own Parquet columns; Arrow releases the GIL while it reads and
    # computes, so at a million rows the reads overlap
    with ThreadPoolExecutor(max_workers=4) as pool:
        profiles = {ds.name: pool.submit(profile_dataset, ds, folder) for ds in DATASETS}
        previews = {ds.name: pool.submit(pages.preview, ds, folder) for ds in DATASETS}
        map_facts = pool.submit(_map_facts, folder, home)
        timeline = pool.submit(_timeline_facts, folder)
        return {
            "rows": row_counts(folder),
            "profiles": {name: future.result() for name, future in profiles.items()},
            "previews": {name: future.result() for name, future in previews.items()},
            "map": map_facts.result(),
            "timeline": timeline.result(),
        }


def prefetch_data_facts(folder: Path, metadata: Metadata | None = None) -> None:
    """Compute what the pages show of the data before the release is named.

    The pages themselves wait for the release id and the changelog; their data facts
    only need the staged tables (flows.write.staged), so the pipeline computes them beside the
    metadata writers. build_site takes them if the files are still the same."""
    folder = Path(folder)
    home = home_of(metadata or load_metadata())
    _PREFETCHED.clear()
    _PREFETCHED[_data_key(folder, home)] = _compute_data_facts(folder, home)


def build_site(
    folder: Path,
    release_id: str,
    digests: dict[str, dict],
    date: dt.date | None = None,
    metadata: Metadata | None = None,
) -> list[Path]:
    """Write every page of the release in folder; return their paths."""
    folder = Path(folder)
    metadata = metadata or load_metadata()
    date = date or dt.date.fromisoformat(release_id[:10])
    home = home_of(metadata)
    data = _PREFETCHED.pop(_data_key(folder, home), None) or _compute_data_facts(folder, home)
    facts = {"digests": digests, **data}
    facts["map_html"] = {language: map_html(facts, language) for language in LANGUAGES}
    written = []
    for language in LANGUAGES:
        release = (release_id, date)
        path = folder / page_file(INDEX, language)
        replace_file(path, index_page(language, folder, metadata, release, facts))
        written.append(path)
        for ds in DATASETS:
            path = folder / page_file(ds.name, language)
            replace_file(path, dataset_page(ds, language, folder, metadata, release, facts))
            written.append(path)
    return written
