"""The `partnerships` command: a thin layer over flows.pipeline and flows.nightly.

Exit codes: 0 done; 1 the curated files are invalid (every problem is listed);
2 usage error or unreadable input; 3 another run holds the lock; 4 the output folder
cannot be written (full disk, no permission); 5 a --target could not be published
(missing credentials, refused login, network): a release built by `run` is in place
in output/ all the same. The previous release stays current whenever the exit code is
not 0 or 5. `alerts test` exits 1 when a channel failed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli_operations import (
    cmd_alerts_test,
    cmd_diff,
    cmd_publish,
    cmd_rollback,
    cmd_serve,
    configure_prefect,
)
from flows.cli_parser import (
    EXIT_BUSY,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_PUBLISH,
    EXIT_USAGE,
    parser,
)
from flows.cli_paths import OutputOverInput, paths_of, refuse_output_over_input
from flows.common.settings import metadata_file
from flows.wikidata import handler as wikidata

if TYPE_CHECKING:  # the report pulls in pandas and pandera: not needed for a no-op run
    from flows.common.report import Report


def exit_code(report: Report) -> int:
    from flows.common.report import UNREADABLE_RULES

    if report.ok:
        return EXIT_OK
    return EXIT_USAGE if any(p.rule in UNREADABLE_RULES for p in report.errors) else EXIT_INVALID


def cmd_validate(args: argparse.Namespace) -> int:
    from flows.check.validation import validate_raw
    from flows.describe.municipality import configured_website

    report = validate_raw(args.raw).report
    stream = sys.stdout if report.ok and not report.warnings else sys.stderr
    stream.write(report.to_text())
    if args.html is not None:
        from flows.common.report_html import write_html

        write_html(report, args.html, source=str(args.raw), example_url=configured_website())
        stream.write(f"report: {args.html} (all problems: {args.html.with_suffix('.json')})\n")
    return exit_code(report)


def cmd_workbook_export(args: argparse.Namespace) -> int:
    from flows.describe.municipality import configured_municipality
    from flows.workbook.commands import export_command
    from flows.workbook.layout import heading_for

    return export_command(args.path, args.raw, heading=heading_for(configured_municipality()))


def cmd_workbook_import(args: argparse.Namespace) -> int:
    from flows.describe.municipality import configured_website
    from flows.workbook.commands import import_command

    return import_command(args.path, args.raw, html=args.html, example_url=configured_website())


def cmd_init(args: argparse.Namespace) -> int:
    from flows.instance import init_command

    return init_command(args)


def unchanged_summary(args: argparse.Namespace) -> str | None:
    """The summary of a run that has nothing to do, found without starting Prefect."""
    from flows.release import summary
    from flows.release.manifest import input_hashes, unchanged_release
    from flows.release.store import ReleaseStore

    started = time.monotonic()
    store = ReleaseStore(args.output, keep=1)
    current = store.current()
    inputs = input_hashes(args.raw, options={"quarantine": args.quarantine})
    # as in pipeline.run: debris of a killed run is cleared by a run that takes the lock
    if not unchanged_release(current, inputs) or store.has_leftovers():
        return None
    return summary.unchanged(current, time.monotonic() - started).to_text()


def alert(output: Path, error: BaseException | None = None) -> None:
    """Alerts for what is decided before the flow starts (the flow sends its own)."""
    from flows.alerts.notify import after_command

    after_command(output, error)


@contextlib.contextmanager
def alert_warnings_on_stderr() -> Iterator[None]:
    """Every warning of flows.alerts (an alert nobody received) as one plain line on
    stderr, once: not through Prefect's console handler as well. Its INFO lines (which
    channel took what) reach the flow run's log in Prefect, not the terminal."""
    alerts_log = logging.getLogger("flows.alerts")
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))
    before = alerts_log.level, alerts_log.propagate
    alerts_log.addHandler(handler)
    alerts_log.setLevel(logging.INFO)
    alerts_log.propagate = False
    try:
        yield
    finally:
        alerts_log.removeHandler(handler)
        alerts_log.level, alerts_log.propagate = before


def cmd_run(args: argparse.Namespace) -> int:
    with alert_warnings_on_stderr():
        return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    nothing_to_do = unchanged_summary(args)
    if nothing_to_do and not args.target:
        alert(args.output)
        sys.stdout.write(nothing_to_do)
        return EXIT_OK
    busy = wait_for_lock(args.output, args.wait)
    if busy is not None:
        return busy
    from flows.describe.metadata import MetadataError, load_metadata

    try:
        load_metadata()  # a broken metadata file stops the run before anything is built
    except MetadataError as error:
        sys.stderr.write(f"error: {error}\n")
        alert(args.output, error)
        return EXIT_USAGE
    configure_prefect()
    from flows.nightly import InvalidInput, nightly
    from flows.publish.base import TargetError
    from flows.publishing import PublishFailed, flow_name
    from flows.release.store import LockBusy, StoreError

    try:
        # named for the municipality of the metadata.toml in use (--metadata)
        summary = nightly.with_options(name=flow_name("nightly"))(
            raw_dir=str(args.raw),
            output_dir=str(args.output),
            keep=args.keep,
            targets=args.target,
            quarantine=args.quarantine,
            wait_seconds=args.wait,
        )
    except InvalidInput as invalid:
        sys.stderr.write(invalid.report.to_text())
        sys.stderr.write(invalid.summary_text)
        sys.stderr.write(
            f"nothing published; the previous release stays current. "
            f"Report: {invalid.report_folder}\n"
        )
        return exit_code(invalid.report)
    except LockBusy as busy:
        sys.stderr.write(f"error: {busy}\n")
        return EXIT_BUSY
    except (TargetError, PublishFailed) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_PUBLISH
    except (StoreError, OSError) as error:
        sys.stderr.write(
            f"error: cannot write {args.output}: {error}\n"
            "nothing published; the previous release stays current\n"
        )
        return EXIT_OUTPUT
    for line in summary.get("targets", []):
        print(line)
    print_quarantine(summary.get("quarantine"), summary.get("report_folder"))
    if summary.get("summary"):
        sys.stdout.write(summary["summary"])
        return EXIT_OK
    print(f"published release {summary['release_id']} into {args.output}")
    for name, rows in summary["rows"].items():
        print(f"  {name}: {rows} rows")
    return EXIT_OK


def print_quarantine(counts: dict | None, report_folder: str | None) -> None:
    """Nothing is dropped silently: say how many rows were set aside, and where."""
    if not counts:
        return
    print("quarantine: rows published / refused / refused because they refer to a refused row")
    for name, n in counts.items():
        print(f"  {name}: {n['published']} / {n['refused']} / {n['cascaded']}")
    if any(n["refused"] or n["cascaded"] for n in counts.values()):
        print(f"  refused rows and their reasons: {report_folder}/rejects-<dataset>.csv")


def wait_for_lock(output: Path, wait_seconds: float) -> int | None:
    """Refuse before Prefect starts while another run writes output; None when free.

    The flow takes the lock again itself: a run that slips in between is refused there.
    """
    from flows.release.store import LockBusy, ReleaseStore

    try:
        with ReleaseStore(output, keep=1).locked(wait_seconds):
            return None
    except LockBusy as busy:
        sys.stderr.write(f"error: {busy}\n")
        alert(output, busy)
        return EXIT_BUSY
    except OSError as error:
        sys.stderr.write(
            f"error: cannot write {output}: {error}\n"
            "nothing published; the previous release stays current\n"
        )
        alert(output, error)
        return EXIT_OUTPUT


def skip_pandera_strategies() -> None:
    """Keep pandera from importing hypothesis into a command's process.

    With hypothesis installed (the test extra), pandera's first validation imports it
    for data synthesis, which no command uses: 0.1 s of `validate` and 0.3 s of a run
    under Prefect. A None in sys.modules makes that import fail, which pandera expects.
    Only for the command's own process: a program calling main may need hypothesis.
    """
    sys.modules.setdefault("hypothesis", None)


HANDLERS = {
    "validate": cmd_validate,
    "init": cmd_init,
    "run": cmd_run,
    "publish": cmd_publish,
    "serve": cmd_serve,
    "diff": cmd_diff,
    "rollback": cmd_rollback,
    "workbook export": cmd_workbook_export,
    "workbook import": cmd_workbook_import,
    "alerts test": cmd_alerts_test,
    "wikidata compare": wikidata.compare,
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser(HANDLERS).parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if hasattr(args, "raw") and not args.raw.is_dir():
        sys.stderr.write(f"error: {args.raw} is not a folder of curated CSVs\n")
        return EXIT_USAGE
    metadata = getattr(args, "metadata", None)
    if metadata is not None and not metadata.is_file():
        sys.stderr.write(f"error: {metadata} is not a metadata.toml file\n")
        return EXIT_USAGE
    with metadata_file(metadata):
        try:  # before the command writes anything
            refuse_output_over_input(paths_of(args))
        except OutputOverInput as clash:
            sys.stderr.write(f"error: {clash}\n")
            return EXIT_USAGE
        return args.handler(args)


def command_line(argv: list[str] | None = None) -> int:
    """The `partnerships` command: main in a process of its own."""
    skip_pandera_strategies()
    return main(argv)


if __name__ == "__main__":
    sys.exit(command_line())
