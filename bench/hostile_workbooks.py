"""Peak memory and time of `partnerships workbook import` on hostile workbooks.

Builds every case of tests/hostile_files.py (and a normal exported workbook) in a
scratch folder, runs the import on each in a fresh process capped at --cap bytes of
address space, and prints a table: exit code, the message's first line, peak RSS of the
process tree (getrusage of waited-for children) and wall time.

    .venv/bin/python bench/hostile_workbooks.py [--cap 3000000000] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import hostile_files as hostile  # noqa: E402
from hostile_files import measure  # noqa: E402

#: name, builder(exported, target) and the suffix of the file it writes
CASES = [
    ("normal export", lambda exported, target: shutil.copyfile(exported, target), ".xlsx"),
    ("space in A1048576", hostile.space_in_last_row, ".xlsx"),
    ("styled empty XFD1048576", hostile.styled_empty_cell_at_xfd, ".xlsx"),
    ("merged A20:XFD1048576", hostile.merged_to_the_end, ".xlsx"),
    ("ods row x 500,000", lambda exported, target: hostile.ods_row_repeated(target), ".ods"),
    ("zip bomb 1.5 GB", hostile.zip_bomb, ".xlsx"),
    ("malformed sheet XML", hostile.malformed_sheet_xml, ".xlsx"),
    ("corrupt deflate", hostile.corrupt_deflate, ".xlsx"),
    ("invalid style attribute", hostile.invalid_style_attribute, ".xlsx"),
    ("&#0; in a cell", hostile.nul_reference, ".xlsx"),
    ("lone surrogate", hostile.lone_surrogate, ".xlsx"),
    ("XXE in sheet", hostile.xxe_in_sheet, ".xlsx"),
    ("XXE in sharedStrings", hostile.xxe_in_shared_strings, ".xlsx"),
    ("billion laughs in sheet", hostile.laughs_in_sheet, ".xlsx"),
    ("billion laughs in sharedStrings", hostile.laughs_in_shared_strings, ".xlsx"),
    ("empty .xlsx", hostile.empty_file, ".xlsx"),
    ("empty .ods", hostile.empty_file, ".ods"),
]


def first_line(found: dict) -> str:
    if found["killed"]:
        return "killed: RSS passed the cap"
    stderr = found["stderr"]
    lines = [line for line in stderr.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        return "Traceback: " + (lines[-1] if lines else "")
    return lines[0] if lines else ""


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--cap", type=int, default=2_500_000_000, help="RSS, bytes")
    arguments.add_argument("--only", nargs="*")
    arguments.add_argument("--json", type=Path)
    arguments.add_argument(
        "--code", type=Path, help="run flows/ from this folder (e.g. an export of main)"
    )
    args = arguments.parse_args()
    partnerships = [sys.executable, "-m", "flows.cli"]
    if args.code:
        os.environ["PYTHONPATH"] = str(args.code.resolve())
    results = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        folder = Path(scratch)
        raw = folder / "raw"
        shutil.copytree(REPO / "tests" / "fixtures" / "base", raw)
        exported = folder / "export.xlsx"
        subprocess.run(
            [*partnerships, "workbook", "export", str(exported), "--raw", str(raw)],
            check=True,
            capture_output=True,
            cwd=folder,
        )
        for name, build, suffix in CASES:
            if args.only and name not in args.only:
                continue
            case = folder / name.replace(" ", "_").replace("/", "_")
            case.mkdir()
            target = case / f"daten{suffix}"
            build(exported, target)
            command = [*partnerships, "workbook", "import", str(target), "--raw", str(raw)]
            found = measure(command, args.cap, case)
            found.update(case=name, size=target.stat().st_size, message=first_line(found))
            results.append(found)
            print(
                f"| {name} | {target.stat().st_size:,} B | {found['code']} "
                f"| {found['peak_kib'] / 1024:,.0f} MB | {found['seconds']:.1f} s "
                f"| {found['message'][:160]} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
