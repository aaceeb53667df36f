"""Fixture cases: a folder holding the files that differ from tests/fixtures/base.

A case folder is named for what it breaks. `<file>.absent` removes a file from the
base; `expected.txt` lists the exit code and every problem as `file:line:column:rule`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).iterdir() if p.is_dir())


def assemble(case: Path, into: Path) -> Path:
    """A raw folder: the base files with the case's files laid over them."""
    into.mkdir(parents=True, exist_ok=True)
    for source in BASE.glob("*.csv"):
        shutil.copyfile(source, into / source.name)
    for source in case.iterdir():
        if source.name == "expected.txt":
            continue
        if source.suffix == ".absent":
            (into / source.stem).unlink()
        else:
            shutil.copyfile(source, into / source.name)
    return into


def flatten(problems) -> list[str]:
    """Problems as compact, comparable lines: [warning ]file:line:column:rule."""
    return sorted(
        ("warning " if p.severity == "warning" else "")
        + f"{p.file}:{p.line or ''}:{p.column or ''}:{p.rule}"
        for p in problems
    )


def expected(case: Path) -> tuple[int, list[str]]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    exit_line, *problem_lines = [line for line in lines if line and not line.startswith("#")]
    return int(exit_line.removeprefix("exit:").strip()), sorted(problem_lines)
