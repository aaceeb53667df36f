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
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli_parser import parser

if TYPE_CHECKING:  # the report pulls in pandas and pandera: not needed for a no-op run
    from flows.common.report import Report

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUSY, EXIT_OUTPUT = 0, 1, 2, 3, 4
EXIT_PUBLISH = 5
#: rules that mean the input could not be read at all, rather than read and refused
UNREADABLE_RULES = {"file_missing", "file_unreadable", "binary_file", "not_utf8"}


def project_home() -> Path:
    """The project folder in a checkout; the working directory otherwise."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").exists() else Path.cwd()


def configure_prefect() -> None:
    """Defaults for the embedded Prefect server; explicit settings always win."""
    defaults = {
        "PREFECT_HOME": str(project_home() / ".prefect"),
        # telemetry writes to SQLite while the server starts: "database is locked"
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


def exit_code(report: Report) -> int:
    if report.ok:
        return EXIT_OK
    return EXIT_USAGE if any(p.rule in UNREADABLE_RULES for p in report.errors) else EXIT_INVALID


def cmd_validate(args: argparse.Namespace) -> int:
    from flows.check.validation import validate_raw

    report = validate_raw(args.raw).report
    stream = sys.stdout if report.ok and not report.warnings else sys.stderr
    stream.write(report.to_text())
    if args.html is not None:
        from flows.common.report_html import write_html

        write_html(report, args.html, source=str(args.raw))
        stream.write(f"report: {args.html} (all problems: {args.html.with_suffix('.json')})\n")
    return exit_code(report)


def cmd_workbook_export(args: argparse.Namespace) -> int:
    from flows.workbook.commands import export_command

    return export_command(args.path, args.raw)


def cmd_workbook_import(args: argparse.Namespace) -> int:
    from flows.workbook.commands import import_command

    return import_command(args.path, args.raw, html=args.html)


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
    from flows.publishing import PublishFailed
    from flows.release.store import LockBusy, StoreError

    try:
        summary = nightly(
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


def cmd_publish(args: argparse.Namespace) -> int:
    configure_prefect()
    from flows.publish.base import TargetError
    from flows.publishing import PublishFailed, publish_current

    try:
        lines = publish_current(output_dir=str(args.output), target_urls=args.target)
    except (TargetError, PublishFailed) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_PUBLISH
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    configure_prefect()
    from flows.deploy import NoServer, serve

    try:
        serve(args.raw, args.output, keep=args.keep)
    except NoServer as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from flows.release.rollback import diff_releases
    from flows.release.store import ReleaseStore, StoreError

    try:
        changes = diff_releases(ReleaseStore(args.output, keep=1), args.old, args.new)
    except StoreError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    sys.stdout.write(changes.to_markdown() if args.markdown else changes.to_text())
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    from flows.release.rollback import rollback
    from flows.release.store import LockBusy, ReleaseStore, StoreError

    try:
        previous = rollback(ReleaseStore(args.output, keep=1), args.release)
    except LockBusy as busy:
        sys.stderr.write(f"error: {busy}\n")
        return EXIT_BUSY
    except StoreError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    print(f"{args.output} now shows release {args.release} (was {previous or 'nothing'})")
    return EXIT_OK


def cmd_alerts_test(args: argparse.Namespace) -> int:
    from flows.alerts.notify import send_test_messages

    results = send_test_messages()
    if not any(results.values()):
        sys.stderr.write(
            "error: no alert channel configured: set PARTNERSHIPS_ALERT_CURATORS and "
            "PARTNERSHIPS_ALERT_OPERATORS or [alerts] in metadata.toml (docs/alerts.md)\n"
        )
        return EXIT_USAGE
    for audience, deliveries in results.items():
        for line in [d.summary() for d in deliveries] or [f"{audience}: no channel configured"]:
            print(line)
    failed = any(not d.ok for deliveries in results.values() for d in deliveries)
    return EXIT_INVALID if failed else EXIT_OK


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
    "run": cmd_run,
    "publish": cmd_publish,
    "serve": cmd_serve,
    "diff": cmd_diff,
    "rollback": cmd_rollback,
    "workbook export": cmd_workbook_export,
    "workbook import": cmd_workbook_import,
    "alerts test": cmd_alerts_test,
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser(HANDLERS).parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if hasattr(args, "raw") and not args.raw.is_dir():
        sys.stderr.write(f"error: {args.raw} is not a folder of curated CSVs\n")
        return EXIT_USAGE
    return args.handler(args)


def command_line(argv: list[str] | None = None) -> int:
    """The `partnerships` command: main in a process of its own."""
    skip_pandera_strategies()
    return main(argv)


if __name__ == "__main__":
    sys.exit(command_line())
