"""The commands of `partnerships` that operate on kept releases and on the servers
around them: publish, serve, diff, rollback and alerts test (flows.cli dispatches to
them), and the embedded Prefect server's defaults that every flow command applies."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flows.cli_parser import EXIT_BUSY, EXIT_INVALID, EXIT_OK, EXIT_PUBLISH, EXIT_USAGE


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


def cmd_publish(args: argparse.Namespace) -> int:
    configure_prefect()
    from flows.publish.base import TargetError
    from flows.publishing import PublishFailed, flow_name, publish_current

    try:
        publish = publish_current.with_options(name=flow_name("publish"))
        lines = publish(output_dir=str(args.output), target_urls=args.target)
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
