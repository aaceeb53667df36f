"""The architecture contract: stages import only downward (import-linter, pyproject.toml).

The contract is checked on the real code, then shown able to fail: a throwaway module
that breaks it, in a copy of the packages, turns the check red and names the import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 350


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_the_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("layout")
    for package in ("flows", "schemas"):
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", copy)
    return copy


@pytest.mark.parametrize(
    ("module", "code", "broken"),
    [
        # reading may not know where releases live
        ("flows/read/sneaky.py", "from flows.release.store import ReleaseStore\n", "stages"),
        # a stage may not reach up into the Prefect flow
        ("flows/check/sneaky.py", "import flows.nightly\n", "no-flow-below-the-top"),
        # a writer may not call the command line
        ("flows/write/sneaky.py", "from flows import cli\n", "no-flow-below-the-top"),
        # the schemas stand alone
        ("schemas/sneaky.py", "from flows.common import report\n", "schemas-stand-alone"),
    ],
    ids=["read-imports-release", "check-imports-flow", "write-imports-cli", "schemas-import-flows"],
)
def test_a_module_that_breaks_the_contract_turns_the_check_red(
    copy_of_the_code: Path, module: str, code: str, broken: str
) -> None:
    throwaway = copy_of_the_code / module
    throwaway.write_text(code)
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        throwaway.unlink()
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout
    dotted = module.removesuffix(".py").replace("/", ".")
    assert f"{dotted} ->" in result.stdout, result.stdout


def test_no_module_is_longer_than_about_350_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for package in ("flows", "schemas")
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"split these modules along their concepts: {too_long}"


def test_every_stage_package_says_what_it_holds_and_may_use() -> None:
    for init in sorted((ROOT / "flows").glob("*/__init__.py")):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{init.relative_to(ROOT)} has no docstring"
        assert "May use" in text or "Imports nothing" in text, init.relative_to(ROOT)
