"""One measurement in a process of its own; run.py starts it and reads its last line.

    python bench/measure.py floor|publishing-floor|validate|full|nightly|noop|site|trivial-flow

Each command imports only what it needs, times its work with perf_counter (imports
excluded; the parent measures the whole process) and prints one JSON line with
`work_s` and what it found. Peak memory is measured by the parent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# generate.py (for bad_rows.json), and the code beside this copy of bench/
sys.path[:0] = [str(BENCH), str(BENCH.parent)]


def floor(raw: Path, output: Path) -> dict:
    """The I/O floor: what pyarrow and polars need to read each file and write it thrice."""
    return read_and_write(raw, output, three_files())


def publishing_floor(raw: Path, output: Path) -> dict:
    """The floor plus what publishing requires of every file: the spreadsheet copy as a
    fourth file, each file's sha256 and an fsync; the four written at once in threads,
    as the pipeline writes them. Reading as text, checking, sorting and the derived
    columns are what the pipeline adds on top.
    """
    return read_and_write(raw, output, four_files_hashed_and_synced())


def read_and_write(raw: Path, output: Path, write) -> dict:
    """Read each CSV with pyarrow (multithreaded, types inferred) and `write(table, stem)`
    it; the writer's imports are done before the clock starts."""
    import pyarrow.csv as pcsv

    output.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    rows = {}
    for csv_path in sorted(raw.glob("*.csv")):
        table = pcsv.read_csv(
            csv_path,
            read_options=pcsv.ReadOptions(use_threads=True),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
        )
        write(table, output / csv_path.stem)
        rows[csv_path.name] = table.num_rows
    return {"work_s": time.perf_counter() - start, "rows": rows}


def three_files():
    """Parquet, CSV and JSON, one after the other."""
    import polars as pl
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    def write(table, stem: Path) -> None:
        pq.write_table(table, stem.with_suffix(".parquet"), compression="zstd")
        pcsv.write_csv(table, stem.with_suffix(".csv"))
        pl.from_arrow(table).write_json(stem.with_suffix(".json"))

    return write


def four_files_hashed_and_synced():
    """The three files and the spreadsheet copy, at once in threads, each hashed and
    fsynced by its thread."""
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    import polars as pl
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    from flows.write.spreadsheet import spreadsheet_frame, write_spreadsheet_frame

    def write(table, stem: Path) -> None:
        frame = pl.from_arrow(table)
        spreadsheet = spreadsheet_frame(frame)  # before the threads, as in flows.write.datasets
        writers = {
            ".parquet": lambda path: pq.write_table(table, path, compression="zstd"),
            ".csv": lambda path: pcsv.write_csv(table, path),
            ".json": frame.write_json,
            ".excel.csv": lambda path: write_spreadsheet_frame(spreadsheet, path),
        }

        def write_hash_and_sync(suffix: str) -> None:
            path = stem.with_suffix(suffix)
            writers[suffix](path)
            with open(path, "rb") as handle:
                hashlib.file_digest(handle, "sha256")
                os.fsync(handle.fileno())

        with ThreadPoolExecutor(len(writers)) as pool:
            list(pool.map(write_hash_and_sync, writers))

    return write


def validate(raw: Path) -> dict:
    from flows.check.validation import validate_raw

    start = time.perf_counter()
    report = validate_raw(raw).report
    elapsed = time.perf_counter() - start
    return {"work_s": elapsed, "errors": len(report.errors), "rows": report.rows}


def full(raw: Path, output: Path, quarantine: bool = False) -> dict:
    import inspect

    from flows import pipeline

    options = {}
    if quarantine:
        if "quarantine" not in inspect.signature(pipeline.run).parameters:
            return {"skipped": "pipeline.run has no quarantine option"}
        options["quarantine"] = True
    start = time.perf_counter()
    result = pipeline.run(raw, output, **options)
    elapsed = time.perf_counter() - start
    found = {
        "work_s": elapsed,
        "release_id": result.release_id,
        "errors": len(result.report.errors),
        "first_errors": [p.message_en for p in result.report.errors[:5]],
    }
    return found | missed_bad_rows(raw, result.report) | report_html(result.report, output)


def report_html(report, output: Path) -> dict:
    """report.html of a report with problems, timed on its own (the run writes it too)."""
    if report.ok:
        return {}
    from flows.common.report_html import write_html

    page = output.parent / "report-timed.html"
    start = time.perf_counter()
    write_html(report, page, with_json=False)
    return {"html_s": time.perf_counter() - start, "html_bytes": page.stat().st_size}


def missed_bad_rows(raw: Path, report) -> dict:
    """How many rows the generator broke on purpose the report does not name."""
    from generate import Manifest

    manifest = Manifest.read(raw)
    if manifest is None or not manifest.bad_rows:
        return {}
    named = {(p.file, p.line, p.rule) for p in report.errors}
    missed = [
        b for b in manifest.bad_rows if not any((b.file, b.line, rule) in named for rule in b.rules)
    ]
    return {
        "bad_rows": len(manifest.bad_rows),
        "missed": len(missed),
        "first_missed": [f"{b.file}:{b.line} {b.kind}" for b in missed[:5]],
    }


def noop(raw: Path, output: Path) -> dict:
    """A second run on unchanged input; counts the files it created or changed."""
    from flows import pipeline

    before = snapshot(output)
    start = time.perf_counter()
    result = pipeline.run(raw, output)
    elapsed = time.perf_counter() - start
    after = snapshot(output)
    written = sorted(
        os.path.relpath(p, output.parent) for p, state in after.items() if before.get(p) != state
    )
    return {
        "work_s": elapsed,
        "release_id": result.release_id,
        "files_written": len(written),
        "first_written": written[:5],
    }


def snapshot(output: Path) -> dict[str, tuple]:
    """Every file under output/ and its store folder, with inode, size and mtime."""
    home = output.with_name(output.name + ".d")
    files = {}
    for root in (output, home):
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                stat = path.stat()
                files[str(path)] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    # output/ itself is a symbolic link: re-pointing it is a write as well
    if output.is_symlink():
        files[str(output)] = (os.readlink(output), output.lstat().st_mtime_ns)
    return files


def site(raw: Path, output: Path) -> dict:
    """The release's website (flows.site) built again into the release at output, as the
    run builds it; the release is made first (untimed) when there is none. The files'
    hashes are computed before the clock starts: the run has them already."""
    from flows import pipeline
    from flows.release.manifest import file_digests
    from flows.release.store import ReleaseStore
    from flows.site.build import build_site

    if ReleaseStore(output).current() is None:
        pipeline.run(raw, output)
    folder = ReleaseStore(output).current()
    digests = file_digests(folder)
    start = time.perf_counter()
    pages = build_site(folder, folder.name, digests)
    elapsed = time.perf_counter() - start
    return {
        "work_s": elapsed,
        "pages": len(pages),
        "page_bytes": sum(p.stat().st_size for p in pages),
    }


def nightly(raw: Path, output: Path) -> dict:
    from flows.nightly import nightly as nightly_flow

    start = time.perf_counter()
    summary = nightly_flow(raw_dir=str(raw), output_dir=str(output))
    return {"work_s": time.perf_counter() - start, "release_id": summary["release_id"]}


def trivial_flow() -> dict:
    from prefect import flow

    @flow(name="bench-trivial")
    def trivial() -> int:
        return 1

    start = time.perf_counter()
    trivial()
    return {"work_s": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "what",
        choices=[
            "floor",
            "publishing-floor",
            "validate",
            "full",
            "nightly",
            "noop",
            "site",
            "trivial-flow",
        ],
    )
    parser.add_argument("--raw", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--quarantine", action="store_true", help="full: set bad rows aside")
    args = parser.parse_args(argv)
    # as the `partnerships` command does: hypothesis (installed for the tests) is no part
    # of a run, but pandera would import it inside the timed work
    from flows.cli import skip_pandera_strategies

    skip_pandera_strategies()
    if args.what == "floor":
        found = floor(args.raw, args.output)
    elif args.what == "publishing-floor":
        found = publishing_floor(args.raw, args.output)
    elif args.what == "validate":
        found = validate(args.raw)
    elif args.what == "full":
        found = full(args.raw, args.output, args.quarantine)
    elif args.what == "noop":
        found = noop(args.raw, args.output)
    elif args.what == "nightly":
        found = nightly(args.raw, args.output)
    elif args.what == "site":
        found = site(args.raw, args.output)
    else:
        found = trivial_flow()
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
