"""`partnerships init`: a new, runnable instance for another municipality.

DIR/raw/ with each curated file's header and no rows, DIR/metadata.toml filled from
the arguments (every other key commented, showing the value it has) and a short German
README for the curators. The metadata is checked exactly as a run checks it before
anything is written, and the folder appears whole or not at all; a folder that holds
anything is never touched.

May use: describe (the municipality and the metadata checks), workbook (raw/'s CSV form),
schemas. Called by the command line only.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import tomllib
from argparse import Namespace
from dataclasses import dataclass, fields
from pathlib import Path
from string import Template

from flows.describe.metadata import MetadataError, parse_metadata
from flows.describe.municipality import Municipality, parse_municipality, regional_key_problem
from flows.workbook.canonical import csv_text
from schemas import DATASETS

TEMPLATES = Path(__file__).parent
#: the download location until the portal team names the real one
PLACEHOLDER_BASE_URL = "https://opendata.example.org/{slug}-partnerships/"


class InitRefused(Exception):
    """The arguments or the folder do not allow a new instance; nothing was written."""


@dataclass(frozen=True)
class NewInstance:
    """What `partnerships init` is told; None: derived (see flows.describe.municipality)."""

    name: str
    regional_key: str
    website: str | None = None
    base_url: str | None = None
    kind: str | None = None
    place: str | None = None
    slug: str | None = None
    name_en: str | None = None
    genitive_de: str | None = None

    def given(self) -> dict[str, str]:
        """The [municipality] keys the arguments set."""
        keys = ("name", "regional_key", "website", "kind", "place", "slug")
        keys += ("name_en", "genitive_de")
        return {key: getattr(self, key) for key in keys if getattr(self, key)}


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (quotes, backslash, controls)."""
    return json.dumps(text, ensure_ascii=False)


def municipality_of(spec: NewInstance) -> Municipality:
    problem = regional_key_problem(spec.regional_key)
    if problem:
        raise InitRefused(f"--regional-key: {problem}")
    try:
        return parse_municipality({"municipality": spec.given()}, "arguments")
    except MetadataError as error:
        # "arguments: municipality.name_en: is missing ..." -> "--name-en: is missing ..."
        key, _, problem = str(error).removeprefix("arguments: municipality.").partition(": ")
        raise InitRefused(f"--{key.replace('_', '-')}: {problem}") from None


def metadata_text(spec: NewInstance, municipality: Municipality) -> str:
    """metadata.toml: the arguments' keys set, the others commented with their value."""
    given = spec.given()

    def line(key: str, value: str | None, comment: str = "") -> str:
        text = f"{key} = {toml_string(value)}" if value else f'{key} = "https://..."'
        hint = f"  # {comment}" if comment else ""
        return text + hint if key in given else f"# {text}{hint}"

    values = {
        "name": municipality.name,
        "name_toml": toml_string(municipality.name),
        "regional_key_toml": toml_string(municipality.regional_key),
        "kind_line": line("kind", municipality.kind),
        "place_line": line("place", municipality.place),
        "slug_line": line("slug", municipality.slug, "for file, package and flow names"),
        "website_line": line("website", municipality.website),
        "genitive_line": line("genitive_de", municipality.genitive_de),
        "name_en_line": line("name_en", municipality.name_en),
        "base_url_toml": toml_string(
            spec.base_url or PLACEHOLDER_BASE_URL.format(slug=municipality.slug)
        ),
    }
    return Template((TEMPLATES / "metadata.toml.template").read_text("utf-8")).substitute(values)


def readme_text(municipality: Municipality) -> str:
    template = Template((TEMPLATES / "README.md.template").read_text("utf-8"))
    return template.substitute(genitive_de=municipality.genitive_de)


def create_instance(folder: Path, spec: NewInstance) -> Municipality:
    """Write the new instance into folder (new or empty); raise InitRefused otherwise."""
    municipality = municipality_of(spec)
    metadata = metadata_text(spec, municipality)
    try:
        parse_metadata(tomllib.loads(metadata))  # exactly as `partnerships run` reads it
    except MetadataError as error:
        raise InitRefused(str(error)) from None
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InitRefused(f"{folder} exists and is not empty: init writes only a new folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.init-", dir=folder.parent))
    mask = os.umask(0)
    os.umask(mask)
    try:
        staging.chmod(0o777 & ~mask)  # mkdtemp's is private; the folder is the user's
        (staging / "raw").mkdir()
        for ds in DATASETS:
            if ds.raw_file:
                header, _ = csv_text(ds.raw_columns, [])
                (staging / "raw" / ds.raw_file).write_text(header, "utf-8", newline="")
        (staging / "metadata.toml").write_text(metadata, "utf-8", newline="")
        (staging / "README.md").write_text(readme_text(municipality), "utf-8", newline="")
        (staging / ".gitignore").write_text("output\noutput.d/\n.prefect/\n", "utf-8")
        if folder.exists():
            folder.rmdir()  # empty, checked above
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return municipality


def init_command(args: Namespace) -> int:
    """`partnerships init DIR --name ... --regional-key ...`: 0 when the instance is
    written, 2 when refused (why on stderr)."""
    folder = args.folder
    spec = NewInstance(**{f.name: getattr(args, f.name) for f in fields(NewInstance)})
    try:
        municipality = create_instance(folder, spec)
    except InitRefused as refused:
        sys.stderr.write(f"error: {refused}\nnothing written\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"error: cannot write {folder}: {error}\nnothing written\n")
        return 2
    sys.stdout.write(
        f"wrote {folder} for {municipality.name} (regional key {municipality.regional_key}, "
        f"{municipality.land}): raw/ with headers, metadata.toml, README.md\n"
        f"next: partnerships run --raw {folder / 'raw'} --metadata {folder / 'metadata.toml'} "
        f"--output {folder / 'output'}\n"
    )
    return 0
