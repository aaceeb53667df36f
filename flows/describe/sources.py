"""Quellen / sources: each distinct source address with the rows whose facts it supports.

`cited_rows` builds the index from any tables that carry the source columns (the
published Parquet files via `read_published`, or the curated CSVs via `read_curated`);
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
import pyarrow.parquet as pq

from schemas import DATASETS, Dataset

#: the columns that hold a row's source addresses, and what each one supports
SOURCE_COLUMNS: dict[str, tuple[str, str]] = {
    "source_url": ("", ""),
    "coordinates_source_url": ("Koordinaten", "coordinates"),
}
#: rows listed per source in Markdown; the rest are counted
ROWS_SHOWN = 25


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


def cited_rows(tables: Mapping[str, pa.Table], limit: int | None = None) -> list[Source]:
    """Every distinct address in the source columns of the given tables (dataset name ->
    table with the primary key and source columns as text), with the rows citing it:
    at most `limit` of them, and how many in all.

    Vectorised for a million rows (about 0.2 s): the published files are sorted by key
    already, so the only sort is a stable one of each row's address rank.
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
        for column in columns:
            part = pa.table(
                {
                    "url": pc.cast(table[column], pa.string()),
                    "dataset": pa.repeat(ds.name, table.num_rows),
                    "key": key.values,
                    "column": pa.repeat(column, table.num_rows),
                }
            )
            parts.append(part.filter(pc.is_valid(part["url"])))
    cites = pa.concat_tables(parts).combine_chunks() if parts else None
    if cites is None or cites.num_rows == 0:
        return []
    # rank of each row's address among the distinct addresses, in code point order
    encoded = pc.dictionary_encode(cites["url"].chunk(0))
    rank = np.empty(len(encoded.dictionary), dtype=np.int64)
    rank[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(rank))
    row_rank = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    # stable: rows of one address keep dataset, column and key order
    by_source = np.argsort(row_rank, kind="stable")
    ranks = row_rank[by_source]
    starts = np.flatnonzero(np.r_[True, ranks[1:] != ranks[:-1]])
    totals = np.diff(np.r_[starts, len(ranks)])
    shown = totals if limit is None else np.minimum(totals, limit)
    first_shown = np.cumsum(shown) - shown
    within = np.arange(int(shown.sum())) - np.repeat(first_shown, shown)
    picked = cites.take(by_source[np.repeat(starts, shown) + within]).to_pydict()
    urls, datasets, keys, columns = (picked[n] for n in ("url", "dataset", "key", "column"))
    citations = list(map(Citation, datasets, keys, columns))
    sources = []
    for first, last, total in zip(
        first_shown.tolist(), (first_shown + shown).tolist(), totals.tolist(), strict=True
    ):
        sources.append(Source(urls[first], tuple(citations[first:last]), total))
    return sources


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
    """The key and source columns of each dataset's Parquet file in folder."""
    tables = {}
    for ds in DATASETS:
        path = folder / f"{ds.name}.parquet"
        if source_columns(ds) and path.exists():
            tables[ds.name] = pq.read_table(path, columns=ds.primary_key + source_columns(ds))
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _link(url: str) -> str:
    """An autolink, unless the address holds characters that would end one."""
    return _cell(url) if "<" in url or ">" in url else f"<{_cell(url)}>"


def _rows_cell(source: Source) -> str:
    by_dataset: dict[str, list[str]] = {}
    for c in source.citations:
        de, en = SOURCE_COLUMNS[c.column]
        label = f"`{c.key}`" + (f" ({de} / {en})" if de else "")
        by_dataset.setdefault(c.dataset, []).append(label)
    text = "; ".join(f"`{name}`: {', '.join(keys)}" for name, keys in by_dataset.items())
    rest = source.total - len(source.citations)
    if rest > 0:
        text += f" … und {rest} weitere / and {rest} more"
    return _cell(text)


def sources_markdown(sources: list[Source]) -> list[str]:
    """The section "Quellen / Sources" as Markdown lines."""
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
    lines += [f"| {_link(s.url)} | {_rows_cell(s)} |" for s in sources]
    return [*lines, ""]
