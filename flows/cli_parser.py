"""The `partnerships` command's arguments (subcommands, options and their help) and
its exit codes.

Kept apart from flows.cli, which runs the commands, so that each stays readable;
the handlers are passed in by name.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

#: 0 done; 1 the curated files are invalid; 2 usage error or unreadable input; 3 another
#: run holds the lock; 4 the output folder cannot be written; 5 a --target failed
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUSY, EXIT_OUTPUT = 0, 1, 2, 3, 4
EXIT_PUBLISH = 5

HTML_HELP = "also write the report as one HTML page (and its JSON beside it, PATH.json)"


def keep_count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


TARGET_HELP = (
    "also publish to this folder, s3://bucket/prefix, ftp(s)://user@host/path or "
    "ckan+https://host (repeatable; see docs/publishing.md)"
)


def parser(handlers: dict[str, Callable[[argparse.Namespace], int]]) -> argparse.ArgumentParser:
    """The command line; handlers run each (sub)command by its name."""
    root = argparse.ArgumentParser(
        prog="partnerships",
        description="Validate and publish a municipality's partnerships as open data.",
    )
    commands = root.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check raw/ without writing anything")
    validate.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    validate.add_argument("--html", type=Path, metavar="PATH", help=HTML_HELP)
    validate.set_defaults(handler=handlers["validate"])
    add_init_command(commands, handlers)

    run = commands.add_parser("run", help="run the nightly flow once under Prefect")
    run.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    run.add_argument("--output", type=Path, default=Path("output"), help="published folder")
    run.add_argument("--target", action="append", default=[], help=TARGET_HELP)
    run.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another run to finish instead of refusing at once (exit 3)",
    )
    run.add_argument(
        "--quarantine",
        action="store_true",
        help="publish the valid rows; refused rows go with their reasons to "
        "output.d/reports/<run>/rejects-<dataset>.csv",
    )
    run.set_defaults(handler=handlers["run"])

    publish = commands.add_parser("publish", help="publish the current release to targets again")
    publish.add_argument("--target", action="append", required=True, help=TARGET_HELP)
    publish.add_argument("--output", type=Path, default=Path("output"), help="published folder")
    publish.set_defaults(handler=handlers["publish"])

    serve = commands.add_parser(
        "serve", help="run the flow every night at 02:00 Europe/Berlin (needs PREFECT_API_URL)"
    )
    serve.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    serve.add_argument("--output", type=Path, default=Path("output"), help="published folder")
    serve.set_defaults(handler=handlers["serve"])

    keep_help = "releases to keep (default: $PARTNERSHIPS_KEEP_RELEASES or 30)"
    for command in (run, serve):
        command.add_argument("--keep", type=keep_count, default=None, help=keep_help)
    for command in (validate, run, publish, serve):
        add_metadata_option(command)

    diff = commands.add_parser("diff", help="changes between two kept releases")
    diff.add_argument("old", help="release id, e.g. 2026-01-01-0123456789")
    diff.add_argument("new", help="release id")
    diff.add_argument("--output", type=Path, default=Path("output"), help="published folder")
    diff.add_argument("--markdown", action="store_true", help="print CHANGELOG.md's format")
    diff.set_defaults(handler=handlers["diff"])

    rollback = commands.add_parser("rollback", help="make a kept release current again")
    rollback.add_argument("release", help="release id (see `ls OUTPUT.d/releases`)")
    rollback.add_argument("--output", type=Path, default=Path("output"), help="published folder")
    rollback.set_defaults(handler=handlers["rollback"])
    add_workbook_commands(commands, handlers)
    add_wikidata_commands(commands, handlers)

    alerts = commands.add_parser("alerts", help="alerts by e-mail and webhook (docs/alerts.md)")
    alert_commands = alerts.add_subparsers(dest="alerts_command", required=True)
    test = alert_commands.add_parser(
        "test", help="send a test message to every configured channel and say which worked"
    )
    test.set_defaults(handler=handlers["alerts test"])
    add_metadata_option(test)
    return root


METADATA_HELP = (
    "the instance's metadata.toml (default: $PARTNERSHIPS_METADATA, else metadata.toml "
    "in the current folder, else the project's)"
)


def add_metadata_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--metadata", type=Path, metavar="FILE", help=METADATA_HELP)


def add_init_command(commands, handlers) -> None:
    init = commands.add_parser(
        "init",
        help="start a new instance for a municipality: raw/ with headers, metadata.toml, README",
        description="Write DIR (new or empty) with raw/ holding each curated file's header, "
        "metadata.toml filled from these arguments and a German README for the curators. "
        "Then: partnerships run --raw DIR/raw --metadata DIR/metadata.toml --output DIR/output",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new instance's folder")
    init.add_argument(
        "--name", required=True, help='as the municipality calls itself: "Stadt Moers"'
    )
    init.add_argument(
        "--regional-key",
        required=True,
        metavar="KEY",
        help="its 12-digit Amtlicher Regionalschlüssel (ARS), e.g. 051700024024",
    )
    init.add_argument("--website", metavar="URL", help="its web site: https://www.moers.de/")
    init.add_argument(
        "--base-url", metavar="URL", help="where the files will be downloadable (ask the portal)"
    )
    init.add_argument("--kind", help='default: the first word of --name ("Stadt")')
    init.add_argument("--place", help='default: the rest of --name ("Moers")')
    init.add_argument("--slug", help="for file, package and flow names; default: from the place")
    init.add_argument("--name-en", help='English name: "City of Moers" (default for Stadt)')
    init.add_argument(
        "--genitive-de", help='German genitive: "der Stadt Moers" (default for Stadt, Gemeinde)'
    )
    init.set_defaults(handler=handlers["init"])


def add_workbook_commands(commands, handlers) -> None:
    workbook = commands.add_parser("workbook", help="the curators' workbook (xlsx or ods)")
    actions = workbook.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write raw/ into one workbook to edit")
    export.add_argument("path", type=Path, help="the workbook to write: NAME.xlsx or NAME.ods")
    export.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    add_metadata_option(export)
    export.set_defaults(handler=handlers["workbook export"])
    load = actions.add_parser(
        "import",
        help="check an edited workbook (or a spreadsheet's CSV) and write raw/ when valid",
    )
    load.add_argument("path", type=Path, help="NAME.xlsx, NAME.ods or a dataset's NAME.csv")
    load.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    load.add_argument("--html", type=Path, metavar="PATH", help=HTML_HELP)
    add_metadata_option(load)
    load.set_defaults(handler=handlers["workbook import"])


def seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def add_wikidata_commands(commands, handlers) -> None:
    wikidata = commands.add_parser(
        "wikidata", help="compare with Wikidata's twin-town statements (docs/wikidata.md)"
    )
    actions = wikidata.add_subparsers(dest="wikidata_command", required=True)
    compare = actions.add_parser(
        "compare",
        help="report differences and write QuickStatements for a person to review "
        "(never writes to Wikidata)",
    )
    compare.add_argument("--raw", type=Path, default=Path("raw"), help="folder of curated CSVs")
    compare.add_argument(
        "--out",
        type=Path,
        default=Path("output.d/wikidata"),
        help="folder for wikidata.html, wikidata.json and quickstatements.txt "
        "(default: output.d/wikidata)",
    )
    compare.add_argument(
        "--endpoint",
        metavar="URL",
        help="SPARQL endpoint (default: $PARTNERSHIPS_WIKIDATA_ENDPOINT or "
        "https://query.wikidata.org/sparql)",
    )
    compare.add_argument(
        "--timeout", type=seconds, default=60.0, metavar="SECONDS",
        help="give up on an answer after this long (default 60)",
    )  # fmt: skip
    compare.add_argument(
        "--max-wait", type=seconds, default=120.0, metavar="SECONDS",
        help="wait at most this long in all when the endpoint asks to (HTTP 429 "
        "Retry-After); default 120",
    )  # fmt: skip
    compare.add_argument(
        "--retrieved", type=date.fromisoformat, metavar="YYYY-MM-DD",
        help="the day you checked the city's pages, for the references (default: today)",
    )  # fmt: skip
    add_metadata_option(compare)
    compare.set_defaults(handler=handlers["wikidata compare"])
