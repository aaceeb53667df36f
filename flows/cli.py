"""The `partnerships` command: a thin layer over flows.pipeline and flows.nightly.

Exit codes: 0 done; 1 the curated files are invalid (every problem is listed);
2 usage error or unreadable input; 3 another run holds the lock; 4 the output folder
cannot be written (full disk, no permission). The previous release stays current
whenever the exit code is not 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flows.report import Report

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUSY, EXIT_OUTPUT = 0, 1, 2, 3, 4
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
    from flows.validation import validate_raw

    report = validate_raw(args.raw).report
    stream = sys.stdout if report.ok and not report.warnings else sys.stderr
    stream.write(report.to_text())
    return exit_code(report)


def cmd_run(args: argparse.Namespace) -> int:
    configure_prefect()
    from flows.nightly import InvalidInput, nightly
    from flows.release_store import LockBusy, StoreError

    try:
        summary = nightly(raw_dir=str(args.raw), output_dir=str(args.output))
    except InvalidInput as invalid:
        sys.stderr.write(invalid.report.to_text())
        sys.stderr.write(
            f"nothing published; the previous release stays current. "
            f"Report: {invalid.report_folder}\n"
        )
        return exit_code(invalid.report)
    except LockBusy as busy:
        sys.stderr.write(f"error: {busy}\n")
        return EXIT_BUSY
    except (StoreError, OSError) as error:
        sys.stderr.write(
            f"error: cannot write {args.output}: {error}\n"
            "nothing published; the previous release stays current\n"
        )
        return EXIT_OUTPUT
    print(f"published release {summary['release_id']} into {args.output}")
    for name, rows in summary["rows"].items():
        print(f"  {name}: {rows} rows")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="partnerships",
        description="Validate and publish the open data on Dortmund's partnerships.",
    )
    commands = root.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check raw/ without writing anything")
    validate.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    validate.set_defaults(handler=cmd_validate)

    run = commands.add_parser("run", help="run the nightly flow once under Prefect")
    run.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    run.add_argument("--output", type=Path, default=Path("output"), help="published folder")
    run.set_defaults(handler=cmd_run)
    return root


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if not args.raw.is_dir():
        sys.stderr.write(f"error: {args.raw} is not a folder of curated CSVs\n")
        return EXIT_USAGE
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
