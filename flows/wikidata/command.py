"""`partnerships wikidata compare`: what the command does, as one plain function.

Exit codes: 0 Wikidata agrees with the city's list (notes may remain); 1 differences
were found and written; 2 usage error, metadata.toml without the home item, or raw/
invalid or unreadable; 4 the report folder cannot be written; 6 the SPARQL endpoint
could not be asked (unreachable, no answer in time, busy for longer than the run waits,
refused the query or gave an unusable answer). Nothing is ever written to Wikidata, and
nothing to raw/.
"""

from __future__ import annotations

import importlib.metadata
import sys
import urllib.parse
from datetime import date
from pathlib import Path

import pandas as pd

from flows.common.files import replace_file
from flows.describe.metadata import Metadata, MetadataError, load_metadata
from flows.wikidata import report_html
from flows.wikidata.compare import compare
from flows.wikidata.model import Partnership
from flows.wikidata.queries import read_answer, twin_query
from flows.wikidata.report import Report, to_json, to_text
from flows.wikidata.sparql import Endpoint, EndpointError, endpoint_url

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE, EXIT_OUTPUT, EXIT_ENDPOINT = 0, 1, 2, 4, 6
DISTRIBUTION = "municipal-partnerships"
FILES = {"html": "wikidata.html", "json": "wikidata.json", "quickstatements": "quickstatements.txt"}


def user_agent(metadata: Metadata) -> str:
    """Client, version and how to reach its operator, as Wikimedia's policy asks."""
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    contact = metadata.contact_point
    reach = "; ".join(x for x in (contact.url, contact.email) if x)
    reach = urllib.parse.quote(reach, safe=":/@;.?=&#%+-_~ ")  # a header is ASCII
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{DISTRIBUTION}/{version} ({reach}) wikidata-compare Python-urllib/{python}"


def partnerships(frame: pd.DataFrame) -> list[Partnership]:
    """The validated partnerships frame as the comparison's rows."""
    rows = []
    for record in frame.to_dict("records"):
        on = record.get("established_on")
        rows.append(
            Partnership(
                partnership_id=str(record["partnership_id"]),
                partner_city=str(record["partner_city"]),
                partnership_type=str(record["partnership_type"]),
                status=str(record["status"]),
                established_year=int(record["established_year"]),
                established_on=None if pd.isna(on) else pd.Timestamp(on).date(),
                wikidata_id=None if pd.isna(record["wikidata_id"]) else str(record["wikidata_id"]),
                source_url=str(record["source_url"]),
            )
        )
    return rows


def compare_command(
    raw: Path,
    out: Path,
    *,
    endpoint: str | None = None,
    timeout: float = 60.0,
    max_wait: float = 120.0,
    retrieved: date | None = None,
) -> int:
    from flows.check.validation import validate_raw

    try:
        metadata = load_metadata()
    except MetadataError as error:
        return fail(f"error: {error}\n", EXIT_USAGE)
    home = metadata.municipality.wikidata_id
    if home is None:
        return fail(
            "error: metadata.toml: municipality.wikidata_id is missing: the comparison needs "
            "the Wikidata item of the municipality itself (docs/wikidata.md)\n",
            EXIT_USAGE,
        )
    if inside(out, raw):
        return fail(f"error: {out} is inside {raw}: the report never goes into raw/\n", EXIT_USAGE)
    validated = validate_raw(raw)
    if not validated.report.ok:
        sys.stderr.write(validated.report.to_text())
        return fail("raw/ is invalid: fix it first (partnerships validate)\n", EXIT_USAGE)
    rows = partnerships(validated.frames["partnerships"])
    try:
        client = Endpoint(endpoint_url(endpoint), user_agent(metadata), timeout, max_wait)
        query = twin_query(home, [p.wikidata_id for p in rows if p.wikidata_id])
        answer = read_answer(client.select(query), home)
    except EndpointError as error:
        return fail(f"error: {error.german}\nerror: {error.english}\n", EXIT_ENDPOINT)
    comparison = compare(home, rows, answer)
    report = Report(comparison, metadata.municipality.place, client.url, retrieved or date.today())
    try:
        written = write(report, out)
    except OSError as error:
        return fail(f"error: cannot write the report into {out}: {error}\n", EXIT_OUTPUT)
    sys.stdout.write(to_text(report, written))
    return EXIT_DIFFERENT if comparison.findings else EXIT_OK


def write(report: Report, out: Path) -> dict[str, str]:
    """The page, its JSON and the QuickStatements, each written whole."""
    out.mkdir(parents=True, exist_ok=True)
    texts = {
        "json": to_json(report),
        "quickstatements": report.quickstatements(),
        "html": report_html.render(report),
    }
    names = {
        "json": "JSON",
        "quickstatements": "QuickStatements",
        "html": "Bericht / report",
    }
    written = {}
    for key, text in texts.items():
        path = out / FILES[key]
        replace_file(path, text)
        written[names[key]] = str(path)
    return written


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def fail(message: str, code: int) -> int:
    sys.stderr.write(message)
    return code
