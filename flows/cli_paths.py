"""What each command of `partnerships` reads and writes, checked before it starts.

flows.cli asks `paths_of` for the command's paths and lets flows.common.guard refuse
it (exit 2, nothing written) when an output would replace or land in an input:

- validate: reads raw/; writes --html PATH and PATH.json.
- run, serve: read raw/ and metadata.toml; write the --output link, OUTPUT.d/
  (releases, staging, reports, alert state, lock) and local --target folders.
- publish: reads the current release and metadata.toml (CKAN); writes local --target
  folders, which are kept out of raw/ of the working folder as in a run.
- workbook export: reads raw/; writes FILE.xlsx or FILE.ods.
- workbook import: reads FILE (.xlsx, .ods, .csv) and raw/; writes --html PATH and
  PATH.json, the annotated copy `<stem>.fehler.xlsx` (.ods) of a workbook, and raw/
  only by its own atomic rewrite when everything is valid.
- diff reads two kept releases, rollback moves the --output link inside its own store,
  alerts test reads metadata.toml: they write no file and declare nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.common.guard import OutputOverInput, Paths, refuse_output_over_input

__all__ = ["OutputOverInput", "paths_of", "refuse_output_over_input"]


def paths_of(args: argparse.Namespace) -> Paths:
    """The paths of the parsed command line's command."""
    command = " ".join(
        part for part in (args.command, getattr(args, "action", None)) if part is not None
    )
    if command == "validate":
        return Paths().read_folder("--raw", args.raw).write_report("--html", args.html)
    if command in ("run", "serve"):
        from flows.release.store import run_paths

        return run_paths(args.raw, args.output, local_targets(getattr(args, "target", [])))
    if command == "publish":
        from flows.release.store import run_paths

        return run_paths(Path("raw"), args.output, local_targets(args.target))
    if command == "workbook export":
        from flows.workbook.commands import export_paths

        return export_paths(args.path, args.raw)
    if command == "workbook import":
        from flows.workbook.commands import import_paths

        return import_paths(args.path, args.raw, args.html)
    return Paths()


def local_targets(target_urls: list[str]) -> list[Path]:
    """The folders among the --target URLs (an unknown scheme is refused later)."""
    if not target_urls:
        return []  # the targets' module imports the writers: not for a no-op run
    from flows.publish.base import TargetError
    from flows.publish.targets import local_folder, scheme

    folders = []
    for url in target_urls:
        try:
            if scheme(url) == "file":
                folders.append(local_folder(url))
        except TargetError:
            continue
    return folders
