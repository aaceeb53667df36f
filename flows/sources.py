"""Quellen / sources: each distinct source address with the rows whose facts it supports.

`cited_rows` builds the index from any tables that carry the source columns (the
published Parquet files via `read_published`, or the curated CSVs via `read_curated`);
`sources_markdown` renders it. The data dictionary uses both, and a website page can
use `cited_rows` alone. The order is deterministic: addresses by code point, then the
datasets in publishing order, then the rows' keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
    table with the primary key and source columns as text), with the rows citing it."""
    parts = []
    for order, ds in enumerate(DATASETS):
        table = tables.get(ds.name)
        columns = source_columns(ds)
        if table is None or not columns:
            continue
        key_parts = [pc.cast(table[k], pa.string()) for k in ds.primary_key]
        key = key_parts[0] if len(key_parts) == 1 else pc.binary_join_element_wise(*key_parts, "/")
        for column in columns:
            if column not in table.column_names:
                continue
            part = pa.table(
                {
                    "url": pc.cast(table[column], pa.string()),
                    "order": pa.repeat(order, table.num_rows).cast(pa.int32()),
                    "dataset": pa.repeat(ds.name, table.num_rows),
                    "key": key,
                    "column": pa.repeat(column, table.num_rows),
                }
            )
            parts.append(part.filter(pc.is_valid(part["url"])))
    if not parts:
        return []
    cites = pa.concat_tables(parts).sort_by(
        [
            ("url", "ascending"),
            ("order", "ascending"),
            ("key", "ascending"),
            ("column", "ascending"),
        ]
    )
    # grouping without threads keeps each list in the sorted order
    grouped = cites.group_by("url", use_threads=False).aggregate(
        [("dataset", "list"), ("key", "list"), ("column", "list"), ("key", "count")]
    )
    if limit is not None:
        for name in ("dataset_list", "key_list", "column_list"):
            index = grouped.column_names.index(name)
            grouped = grouped.set_column(index, name, pc.list_slice(grouped[name], 0, limit))
    sources = []
    for group in grouped.sort_by("url").to_pylist():
        citations = zip(group["dataset_list"], group["key_list"], group["column_list"], strict=True)
        sources.append(
            Source(
                url=group["url"],
                citations=tuple(Citation(*c) for c in citations),
                total=group["key_count"],
            )
        )
    return sources


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
    from flows.reading import read_raw

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
