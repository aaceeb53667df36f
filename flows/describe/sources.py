"""Quellen / sources: each distinct source address with the rows whose facts it supports.

`cited_rows` builds the index from any tables that carry the source columns (the
published tables via `read_published`, or the curated CSVs via `read_curated`);
`sources_markdown` renders it. The data dictionary uses both, and a website page can
use `cited_rows` alone. The order is deterministic: addresses by code point; under
each, the datasets in publishing order, then the column (source_url before
coordinates_source_url), then the rows' keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from flows.common import markdown
from flows.write.staged import read_staged
from schemas import DATASETS, Dataset

#: the columns that hold a row's source addresses, and what each one supports
SOURCE_COLUMNS: dict[str, tuple[str, str]] = {
    "source_url": ("", ""),
    "coordinates_source_url": ("Koordinaten", "coordinates"),
}
#: rows listed per source in Markdown; the rest are counted
ROWS_SHOWN = 25
#: sources listed with their rows in Markdown; the rest are counted. The shipped data
#: cites about 30; a million synthetic rows cite thousands, which no reader scans.
SOURCES_LISTED = 100


@dataclass(frozen=True)
class Citation:
    dataset: str
    key: str
    column: str


@dataclass(frozen=True)
class Source:
    url: str
    #: the rows citing it, at most `limit` of them (see `cited_rows`)
    citations: tuple[Citation, ...]
    #: how many rows cite it in all
    total: int


def source_columns(ds: Dataset) -> list[str]:
    return [c.name for c in ds.columns if c.name in SOURCE_COLUMNS]


def cited_rows(
    tables: Mapping[str, pa.Table], limit: int | None = None, listed: int | None = None
) -> list[Source]:
    """Every distinct address in the source columns of the given tables (dataset name ->
    table with the primary key and source columns as text), with the rows citing it:
    at most `limit` of them, and how many in all. Only the first `listed` addresses get
    their rows; the others come with their count alone.

    Vectorised for a million rows: the published files are sorted by key already, so
    the only sort is a stable one of the listed addresses' ranks, a radix sort while
    they fit in 16 bits.
    """
    parts = []
    for ds in DATASETS:
        table = tables.get(ds.name)
        if table is None:
            continue
        columns = [c for c in source_columns(ds) if c in table.column_names]
        if not columns:
            continue
        key = _sorted_keys(ds, table)
        table = table.take(key.indices) if key.indices is not None else table
        parts += [_cited_part(ds.name, column, table[column], key.values) for column in columns]
    parts = [part for part in parts if len(part.rows)]
    if not parts:
        return []
    # one dictionary over every part's distinct addresses; each address's rank in it
    global_codes = pc.dictionary_encode(pa.concat_arrays([part.addresses for part in parts]))
    rank = np.empty(len(global_codes.dictionary), dtype=np.int64)
    rank[pc.sort_indices(global_codes.dictionary).to_numpy()] = np.arange(len(rank))
    address_rank = rank[global_codes.indices.to_numpy()]
    offsets = np.cumsum([0] + [len(part.addresses) for part in parts])
    row_rank = np.concatenate(
        [address_rank[offset + part.codes] for offset, part in zip(offsets, parts, strict=False)]
    )
    totals = np.bincount(row_rank, minlength=len(rank))
    listed_count = len(rank) if listed is None else min(listed, len(rank))
    in_listed = np.flatnonzero(row_rank < listed_count)
    listed_rank = row_rank[in_listed]
    if listed_count <= np.iinfo(np.int16).max:
        listed_rank = listed_rank.astype(np.int16)  # numpy sorts 16-bit keys by radix
    # stable: rows of one address keep dataset, column and key order
    by_source = in_listed[np.argsort(listed_rank, kind="stable")]
    starts = np.cumsum(totals[:listed_count]) - totals[:listed_count]
    shown = totals[:listed_count] if limit is None else np.minimum(totals[:listed_count], limit)
    first_shown = np.cumsum(shown) - shown
    within = np.arange(int(shown.sum())) - np.repeat(first_shown, shown)
    citations = _citations(parts, by_source[np.repeat(starts, shown) + within])
    urls = pc.take(global_codes.dictionary, pc.sort_indices(global_codes.dictionary)).to_pylist()
    sources = [
        Source(urls[i], tuple(citations[first : first + count]), total)
        for i, (first, count, total) in enumerate(
            zip(first_shown.tolist(), shown.tolist(), totals[:listed_count].tolist(), strict=True)
        )
    ]
    all_totals = totals.tolist()
    sources += [Source(urls[i], (), all_totals[i]) for i in range(listed_count, len(rank))]
    return sources


@dataclass(frozen=True)
class _CitedPart:
    """The rows of one dataset that cite an address in one column, in key order."""

    dataset: str
    column: str
    keys: pa.Array
    #: positions (in `keys`) of the rows with an address
    rows: np.ndarray
    #: each of those rows' address, as a position in `addresses`
    codes: np.ndarray
    addresses: pa.Array


def _cited_part(dataset: str, column: str, urls: pa.ChunkedArray, keys: pa.Array) -> _CitedPart:
    # Parquet read with read_dictionary hands over the file's own dictionary: no string
    # is hashed again; text columns (the curated CSVs) are encoded here
    encoded = urls if pa.types.is_dictionary(urls.type) else pc.dictionary_encode(urls)
    encoded = encoded.unify_dictionaries() if isinstance(encoded, pa.ChunkedArray) else encoded
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        empty = np.empty(0, dtype=np.int64)
        return _CitedPart(dataset, column, keys, empty, empty, pa.array([], pa.string()))
    codes = np.concatenate(
        [pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in chunks]
    ).astype(np.int64)
    rows = np.flatnonzero(codes >= 0)
    addresses = pc.cast(chunks[0].dictionary, pa.string())
    return _CitedPart(dataset, column, keys, rows, codes[rows], addresses)


def _citations(parts: list[_CitedPart], picked: np.ndarray) -> list[Citation]:
    """The citations of the picked rows (positions across all parts), in picked order."""
    starts = np.cumsum([0] + [len(part.rows) for part in parts])
    part_of = np.searchsorted(starts, picked, side="right") - 1
    citations: list[Citation | None] = [None] * len(picked)
    for number, part in enumerate(parts):
        where = np.flatnonzero(part_of == number)
        if len(where) == 0:
            continue
        keys = part.keys.take(pa.array(part.rows[picked[where] - starts[number]])).to_pylist()
        for position, key in zip(where.tolist(), keys, strict=True):
            citations[position] = Citation(part.dataset, key, part.column)
    return citations  # type: ignore[return-value]


@dataclass(frozen=True)
class _Keys:
    values: pa.Array
    #: the order that sorts the table by key, None when it is sorted already
    indices: pa.Array | None


def _sorted_keys(ds: Dataset, table: pa.Table) -> _Keys:
    parts = [pc.fill_null(pc.cast(table[k], pa.string()), "") for k in ds.primary_key]
    key = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "/")
    key = key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key
    if len(key) < 2 or pc.all(pc.less_equal(key[:-1], key[1:])).as_py():
        return _Keys(key, None)
    indices = pc.sort_indices(key)
    return _Keys(key.take(indices), indices)


def read_published(folder: Path) -> dict[str, pa.Table]:
    """The key and source columns of each dataset staged in folder (flows.write.staged)."""
    tables = {}
    for ds in DATASETS:
        columns = source_columns(ds)
        table = read_staged(folder, ds.name, ds.primary_key + columns, columns) if columns else None
        if table is not None:
            tables[ds.name] = table
    return tables


def read_curated(raw_dir: Path) -> dict[str, pa.Table]:
    """The curated CSVs in raw_dir, every value as text (files that cannot be read are
    left out: the validation reports them)."""
    from flows.read.raw_csv import read_raw

    tables = {}
    for ds in DATASETS:
        if ds.raw_file is None or not source_columns(ds):
            continue
        raw, _ = read_raw(ds, raw_dir / ds.raw_file)
        if raw is not None:
            tables[ds.name] = raw.text
    return tables


def _rows_cell(source: Source) -> str:
    """The rows a source supports; each key escaped (flows.common.markdown)."""
    by_dataset: dict[str, list[str]] = {}
    for c in source.citations:
        de, en = SOURCE_COLUMNS[c.column]
        label = markdown.code(c.key) + (f" ({de} / {en})" if de else "")
        by_dataset.setdefault(c.dataset, []).append(label)
    text = "; ".join(f"`{name}`: {', '.join(keys)}" for name, keys in by_dataset.items())
    rest = source.total - len(source.citations)
    if rest > 0:
        text += f" … und {rest} weitere / and {rest} more"
    return text


def sources_markdown(sources: list[Source], listed: int = SOURCES_LISTED) -> list[str]:
    """The section "Quellen / Sources" as Markdown lines, the first `listed` sources in full."""
    lines = [
        '<a id="quellen"></a>',
        "## Quellen / Sources",
        "",
        "Jede Quelle mit den Zeilen (Datensatz und Schlüssel), deren Angaben sie belegt. "
        "Eine Quelle, die nur die Startseite einer Website ist, gilt nur zusammen mit einer "
        "`source_note`, die das Dokument mit Nummer oder Datum nennt.",
        "",
        "*Every source with the rows (dataset and key) whose facts it supports. A source "
        "that is only a website's home page counts only together with a `source_note` "
        "naming the document with its number or date.*",
        "",
    ]
    if not sources:
        return [*lines, "Keine Quellen / no sources.", ""]
    lines += [
        f"{len(sources)} Quellen / sources.",
        "",
        "| Quelle / source | Zeilen / rows |",
        "|---|---|",
    ]
    # a link only to a valid https address, escaped; any other address stays text
    lines += [f"| {markdown.link(s.url)} | {_rows_cell(s)} |" for s in sources[:listed]]
    rest = len(sources[listed:])
    if rest:
        rows = sum(s.total for s in sources[listed:])
        lines += [
            "",
            f"… und {rest} weitere Quellen mit {rows} Zeilen: siehe die Spalten `source_url` "
            "der Datendateien.",
            "",
            f"*… and {rest} more sources with {rows} rows: see the `source_url` columns of "
            "the data files.*",
        ]
    return [*lines, ""]
