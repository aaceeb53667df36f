"""What each page shows, gathered from the schemas, metadata.toml and the release itself.

Plain data for the templates: every text from the data is passed as it is and escaped
by Jinja2's autoescape when rendered (flows.site.render).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from flows.describe.datapackage import spreadsheet_name
from flows.describe.metadata import Metadata, page_name
from flows.site.partner_map import City
from flows.site.timeline import dictionary_parts
from flows.write.datasets import FORMATS
from flows.write.geojson import GEOJSON_NAME, OPENDATASOFT_CSV_NAME
from flows.write.staged import read_staged
from schemas import ColumnSpec, Dataset
from schemas.codelists import labelled

PREVIEW_ROWS = 10
#: the first block of a CSV file holds its first rows unless one of them is longer
PREVIEW_BLOCKS = (1 << 16, 1 << 22)
#: the event types that change a partnership's status, for "suspended since"
STATUS_EVENTS = ("resolution", "council_decision")


@dataclass(frozen=True)
class Download:
    name: str
    format: str
    bytes: int
    sha256: str
    rows: int | None
    #: points of a GeoJSON file (partnerships with coordinates), which has no rows
    features: int | None = None


def downloads(
    ds: Dataset, digests: dict[str, dict], rows: dict[str, int], features: int | None = None
) -> list[Download]:
    names = [(f"{ds.name}.{fmt}", fmt.upper()) for fmt in FORMATS]
    names.append((spreadsheet_name(ds), "CSV (Excel, LibreOffice)"))
    if ds.name == "partnerships":
        names += [(GEOJSON_NAME, "GeoJSON"), (OPENDATASOFT_CSV_NAME, "CSV (Opendatasoft)")]
    result = []
    for name, label in names:
        facts = digests.get(name)
        if facts is None:
            continue
        counted = rows.get(ds.name) if name != GEOJSON_NAME else None
        points = features if name == GEOJSON_NAME else None
        result.append(Download(name, label, facts["bytes"], facts["sha256"], counted, points))
    return result


def column_rules(c: ColumnSpec, language: str) -> dict:
    """The column's rules for the dictionary table; codes come with their labels."""
    hint = ""
    if c.pattern is not None:
        hint = c.pattern.hint_de if language == "de" else c.pattern.hint_en
    codes = []
    if c.codelist:
        codes = [
            (e.code, e.label_de if language == "de" else e.label_en) for e in labelled(c.codelist)
        ]
    reference = None
    if c.references:
        reference = (c.references[0], page_name(c.references[0], language), c.references[1])
    return {"hint": hint, "codes": codes, "reference": reference, "derived": c.derived}


def preview(ds: Dataset, folder: Path) -> tuple[list[str], list[list[str]]]:
    """The first rows as the CSV file writes them, from its first block only.

    Parquet can only be decoded a whole row group (a million rows) at a time; the CSV
    reader streams, so only its first block is parsed (every column read as text)."""
    header = [c.name for c in ds.columns]
    for block in PREVIEW_BLOCKS:
        try:
            return header, _first_rows(ds, folder, header, block)
        except pa.ArrowInvalid:  # a row longer than the block: a larger one
            continue
    # rows longer than the largest block: the staged table (from disk, decoded as a whole)
    table = read_staged(folder, ds.name).slice(0, PREVIEW_ROWS)
    rows = table.to_pylist()
    return header, [["" if r[n] is None else str(r[n]) for n in header] for r in rows]


def _first_rows(ds: Dataset, folder: Path, header: list[str], block: int) -> list[list[str]]:
    reader = pcsv.open_csv(
        Path(folder) / f"{ds.name}.csv",
        read_options=pcsv.ReadOptions(block_size=block, use_threads=False),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=False
        ),
    )
    try:
        batch = reader.read_next_batch()
    except StopIteration:
        return []
    finally:
        reader.close()
    rows = batch.slice(0, PREVIEW_ROWS).to_pylist()
    return [[row[name] or "" for name in header] for row in rows]


def cities(folder: Path) -> list[City]:
    columns = ["partnership_id", "partner_city", "status", "latitude", "longitude"]
    table = read_staged(folder, "partnerships", columns)
    return [
        City(
            row["partnership_id"],
            row["partner_city"],
            row["latitude"],
            row["longitude"],
            row["status"] == "suspended",
        )
        for row in table.to_pylist()
        if row["latitude"] is not None and row["longitude"] is not None
    ]


def partnership_rows(folder: Path, events_since: dict[str, str]) -> list[dict]:
    """Every partnership for the map's table, with the date its status holds since."""
    table = read_staged(
        folder,
        "partnerships",
        [
            "partnership_id", "partner_city", "country_code", "status",
            "latitude", "longitude", "established_year",
        ],
    )  # fmt: skip
    rows = table.to_pylist()
    for row in rows:
        active = row["status"] == "active"
        row["since"] = "" if active else events_since.get(row["partnership_id"], "")
    return rows


def status_since(folder: Path, partnership_ids: list[str]) -> dict[str, str]:
    """For the given partnerships (those not active), the date of the latest resolution
    or council decision, written as precisely as it is known (EDTF: 2022, 2022-03 or
    2022-03-31). The codes are read dictionary-encoded and filtered with Arrow before
    any row becomes a Python object."""
    if not partnership_ids:
        return {}
    columns = ["partnership_id", "event_type", "date_start", "date_end"]
    table = read_staged(folder, "events", columns, ["partnership_id", "event_type"])
    wanted = pc.and_(
        dictionary_is_in(table["event_type"], STATUS_EVENTS),
        dictionary_is_in(table["partnership_id"], partnership_ids),
    )
    chosen = table.filter(wanted).sort_by([("date_start", "descending")])
    chosen = chosen.set_column(0, "partnership_id", pc.cast(chosen["partnership_id"], pa.string()))
    # ordered grouping: "first" is the latest event of each partnership
    latest = chosen.group_by("partnership_id", use_threads=False).aggregate(
        [("date_start", "first"), ("date_end", "first")]
    )
    return {
        row["partnership_id"]: edtf(row["date_start_first"], row["date_end_first"])
        for row in latest.to_pylist()
    }


def dictionary_is_in(
    column: pa.ChunkedArray, values: list[str] | tuple[str, ...]
) -> pa.ChunkedArray:
    """Whether each value of a dictionary column is one of values, decided once per
    dictionary entry and spread by the indices: no row is turned into text."""
    indices, dictionary = dictionary_parts(column)
    return pc.take(pc.is_in(dictionary, value_set=pa.array(values, pa.string())), indices)


def edtf(start: dt.date, end: dt.date) -> str:
    """The period start..end as the date the curators wrote: a year, a month or a day."""
    if start == end:
        return start.isoformat()
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    return start.isoformat()[:7]


def code_labels(codelist: str, language: str) -> dict[str, str]:
    return {e.code: (e.label_de if language == "de" else e.label_en) for e in labelled(codelist)}


def changes(folder: Path) -> dict | None:
    """The release's changelog.json (written before the pages), or None."""
    path = Path(folder) / "changelog.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def licence_facts(metadata: Metadata) -> dict:
    return {
        "title": metadata.license.title,
        "url": metadata.license.url,
        "attribution": metadata.attribution if metadata.license.needs_attribution else None,
    }
