"""Quellen / sources: each distinct source address with the rows it supports."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pyarrow as pa

from flows.common import markdown
from flows.describe.sources import Citation, Source, cited_rows, read_curated, sources_markdown
from schemas import dataset

REPO = Path(__file__).resolve().parents[1]

HOME = "https://www.dortmund.de/themen/internationales/staedtepartnerschaften/"


def events(*rows: tuple[str, str | None]) -> pa.Table:
    ids, urls = zip(*rows, strict=True) if rows else ((), ())
    return pa.table(
        {"event_id": pa.array(ids, pa.string()), "source_url": pa.array(urls, pa.string())}
    )


def test_every_cited_row_of_the_curated_data_is_listed_under_its_source() -> None:
    sources = {s.url: s for s in cited_rows(read_curated(REPO / "raw"))}
    expected = 0
    for name, columns in {
        "partnerships": ["source_url", "coordinates_source_url"],
        "aid_shipments": ["source_url"],
        "events": ["source_url"],
    }.items():
        key = dataset(name).primary_key[0]
        with (REPO / "raw" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for column in columns:
                    if row[column]:
                        expected += 1
                        assert Citation(name, row[key], column) in sources[row[column]].citations
    assert sum(s.total for s in sources.values()) == expected
    assert all(s.total == len(s.citations) for s in sources.values())


def test_order_is_by_address_then_dataset_then_key_whatever_the_row_order() -> None:
    rows = [("b-2", "https://b.de/x"), ("b-1", "https://b.de/x"), ("a-1", "https://a.de/y")]
    partnerships = pa.table(
        {
            "partnership_id": ["p"],
            "source_url": ["https://b.de/x"],
            "coordinates_source_url": ["https://a.de/y"],
        }
    )
    first = cited_rows({"events": events(*rows), "partnerships": partnerships})
    random.Random(19).shuffle(rows)
    second = cited_rows({"partnerships": partnerships, "events": events(*rows)})
    assert first == second
    assert first == [
        Source(
            "https://a.de/y",
            (
                Citation("partnerships", "p", "coordinates_source_url"),
                Citation("events", "a-1", "source_url"),
            ),
            2,
        ),
        Source(
            "https://b.de/x",
            (
                Citation("partnerships", "p", "source_url"),
                Citation("events", "b-1", "source_url"),
                Citation("events", "b-2", "source_url"),
            ),
            3,
        ),
    ]


def test_empty_addresses_are_no_source() -> None:
    assert cited_rows({"events": events(("e-1", None))}) == []
    assert cited_rows({}) == []


def test_markdown_has_a_bilingual_heading_one_line_per_source_and_counts_the_rest() -> None:
    many = [(f"e-{i:02}", HOME) for i in range(30)]
    sources = cited_rows({"events": events(*many, ("x", "https://a.de/"))}, limit=25)
    lines = sources_markdown(sources)
    assert "## Quellen / Sources" in lines
    assert "2 Quellen / sources." in lines
    rows = [line for line in lines if line.startswith("| [")]
    assert rows[0] == "| [https\\://a\\.de/](<https://a.de/>) | `events`: `x` |"
    assert rows[1].startswith(f"| {markdown.link(HOME)} | `events`: `e-00`, `e-01`,")
    assert "`e-24`" in rows[1] and "`e-25`" not in rows[1]
    assert rows[1].endswith("… und 5 weitere / and 5 more |")


def test_coordinates_are_marked_and_cells_are_escaped() -> None:
    table = pa.table(
        {
            "partnership_id": ["leeds"],
            "source_url": ["https://a.de/x|y"],
            "coordinates_source_url": ["https://en.wikipedia.org/wiki/Leeds"],
        }
    )
    lines = sources_markdown(cited_rows({"partnerships": table}))
    # '|' is no character of an address (RFC 3986): text, escaped, not a link
    assert "| https\\://a\\.de/x\\|y | `partnerships`: `leeds` |" in lines
    assert (
        "| [https\\://en\\.wikipedia\\.org/wiki/Leeds](<https://en.wikipedia.org/wiki/Leeds>) | "
        "`partnerships`: `leeds` (Koordinaten / coordinates) |" in lines
    )


def test_no_sources_says_so() -> None:
    assert "Keine Quellen / no sources." in sources_markdown([])


def test_addresses_from_parquet_dictionaries_give_the_same_index_as_text() -> None:
    # the published files are read with read_dictionary; several chunks, each with its
    # own dictionary, must land on one index
    rows = [(f"e-{i:03d}", f"https://q{i % 7}.de/" if i % 5 else None) for i in range(60)]
    text = events(*rows)
    chunks = [text.slice(0, 25), text.slice(25, 10), text.slice(35)]
    encoded = pa.Table.from_batches(
        [
            pa.record_batch(
                [
                    chunk["event_id"].combine_chunks(),
                    chunk["source_url"].combine_chunks().dictionary_encode(),
                ],
                names=["event_id", "source_url"],
            )
            for chunk in chunks
        ]
    )
    assert encoded["source_url"].num_chunks == 3
    assert cited_rows({"events": encoded}, limit=4) == cited_rows({"events": text}, limit=4)


def test_only_the_first_listed_sources_carry_their_rows_the_rest_are_counted() -> None:
    rows = [(f"e-{i:02d}", f"https://q{i % 4}.de/") for i in range(20)]
    everything = cited_rows({"events": events(*rows)})
    capped = cited_rows({"events": events(*rows)}, listed=2)
    assert [(s.url, s.total) for s in capped] == [(s.url, s.total) for s in everything]
    assert capped[:2] == everything[:2]
    assert all(s.citations == () for s in capped[2:])
    lines = "\n".join(sources_markdown(capped, listed=2))
    assert "https://q2.de/" not in lines
    assert "… und 2 weitere Quellen mit 10 Zeilen" in lines
    assert "… and 2 more sources with 10 rows" in lines
