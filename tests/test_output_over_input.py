"""No command writes an output over a file it reads, or into raw/ (flows.common.guard).

Each case builds its paths in a fresh folder: the curated files in raw/, and links,
hard links or `..` where the case needs them. The command must exit with 2, say
"output over input refused" in German and English naming the output, and leave every
file of the folder byte-identical: nothing written, raw/ untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from flows import cli, pipeline
from flows.common.guard import OutputOverInput, Paths, refuse_output_over_input

REFUSED_DE = "Ausgabe auf Eingabe verweigert"
REFUSED_EN = "output over input refused"


def folder_state(root: Path) -> dict[str, str]:
    """Every entry under root: a file's sha256, a link's target, a folder as such."""
    state = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            state[name] = "-> " + os.readlink(path)
        elif path.is_file():
            state[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[name] = "folder"
    return state


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    """A working folder with raw/, a workbook and metadata.toml; commands run in it."""
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    shutil.copyfile(REPO / "metadata.toml", tmp_path / "metadata.toml")
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(tmp_path / "metadata.toml"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def workbook(home: Path) -> None:
    from flows.workbook.commands import export_command

    assert export_command(home / "own.xlsx", home / "raw") == 0


#: (case, setup, command line, output named in the message)
CASES = [
    ("report over a curated file", None, "validate --html raw/events.csv", "raw/events.csv"),
    ("report inside raw/", None, "validate --html raw/report.html", "raw/report.html"),
    ("report JSON over a curated file", "json-link", "validate --html r.html", "r.json"),
    ("report through a link", "link", "validate --html link.html", "link.html"),
    ("report over a hard link", "hard", "validate --html hard.html", "hard.html"),
    ("report through ..", "sub", "validate --html sub/../raw/x.html", "sub/../raw/x.html"),
    ("report and its JSON are one file", None, "validate --html r.json", "r.json"),
    ("raw/ read through ..", "sub", "validate --raw sub/../raw --html raw/r.html", "raw/r.html"),
    ("run output inside raw/", None, "run --output raw/out", "raw/out"),
    ("run output is raw/", None, "run --output raw", "raw"),
    ("run output holds raw/", None, "run --output .", "--output"),
    ("run output holds metadata.toml", "meta", "run --output meta", "meta"),
    ("run output is a link to raw/", "out-link", "run --output out", "out"),
    ("run target is raw/", None, "run --target raw", "--target raw"),
    ("run target file:// raw/", "target-url", "run --target {file_raw}", "--target"),
    ("publish target is raw/", None, "publish --target raw", "--target raw"),
    ("serve output inside raw/", None, "serve --output raw/out", "raw/out"),
    ("workbook export into raw/", None, "workbook export raw/daten.xlsx", "raw/daten.xlsx"),
    (
        "workbook export over a curated file",
        "xlsx-link",
        "workbook export raw-link.xlsx",
        "raw-link.xlsx",
    ),
    (
        "import report over the workbook",
        "workbook",
        "workbook import own.xlsx --html own.xlsx",
        "own.xlsx",
    ),
    (
        "import report inside raw/",
        "workbook",
        "workbook import own.xlsx --html raw/r.html",
        "raw/r.html",
    ),
    (
        "annotated copy is the workbook",
        "fehler-link",
        "workbook import own.xlsx",
        "own.fehler.xlsx",
    ),
    ("import report over the CSV", "csv", "workbook import ev.csv --html ev.csv", "ev.csv"),
]  # fmt: skip


def prepare(home: Path, setup: str | None, monkeypatch) -> None:
    raw = home / "raw"
    if setup == "link":
        (home / "link.html").symlink_to(raw / "events.csv")
    elif setup == "json-link":
        (home / "r.json").symlink_to(raw / "events.csv")
    elif setup == "hard":
        os.link(raw / "partnerships.csv", home / "hard.html")
    elif setup == "sub":
        (home / "sub").mkdir()
    elif setup == "meta":
        (home / "meta").mkdir()
        shutil.move(home / "metadata.toml", home / "meta" / "metadata.toml")
        monkeypatch.setenv("PARTNERSHIPS_METADATA", str(home / "meta" / "metadata.toml"))
    elif setup == "out-link":
        (home / "out").symlink_to(raw)
    elif setup == "xlsx-link":
        (home / "raw-link.xlsx").symlink_to(raw / "events.csv")
    elif setup in ("workbook", "fehler-link"):
        workbook(home)
        if setup == "fehler-link":
            (home / "own.fehler.xlsx").symlink_to(home / "own.xlsx")
    elif setup == "csv":
        shutil.copyfile(raw / "events.csv", home / "ev.csv")


@pytest.mark.parametrize(
    ("setup", "command", "named"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_an_output_over_an_input_is_refused_and_nothing_is_written(
    home: Path, setup: str | None, command: str, named: str, capsys, monkeypatch
) -> None:
    prepare(home, setup, monkeypatch)
    before = folder_state(home)
    argv = command.format(file_raw=(home / "raw").as_uri()).split()

    assert cli.main(argv) == 2

    error = capsys.readouterr().err
    assert error.count("\n") == 1, error  # one line
    assert REFUSED_DE in error and REFUSED_EN in error and "nothing written" in error
    assert named in error
    assert folder_state(home) == before


def test_a_report_beside_raw_is_still_written(home: Path, capsys) -> None:
    assert cli.main(["validate", "--html", "report.html"]) == 0
    assert (home / "report.html").is_file() and (home / "report.json").is_file()


def test_the_flow_refuses_too_when_called_without_the_command_line(home: Path) -> None:
    """A deployment passes raw_dir and output_dir to the flow itself."""
    before = folder_state(home)
    with pytest.raises(OutputOverInput, match=REFUSED_EN):
        pipeline.run(home / "raw", home / "raw" / "out")
    assert folder_state(home) == before


def test_the_guard_compares_real_paths_and_inodes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n", encoding="utf-8")
    os.link(data / "a.csv", tmp_path / "b.html")
    (tmp_path / "c.html").symlink_to(data / "a.csv")
    (tmp_path / "away").symlink_to(data)
    for written in ["b.html", "c.html", "away/new.html", "data/../data/z.html"]:
        paths = Paths().read_folder("--raw", data).write("--html", tmp_path / written)
        with pytest.raises(OutputOverInput):
            refuse_output_over_input(paths)
    fine = Paths().read_folder("--raw", data).write("--html", tmp_path / "report.html")
    refuse_output_over_input(fine)
    # a folder written whole may not hold, be or lie in a folder read
    for folder in [tmp_path, data, data / "sub", tmp_path / "away"]:
        paths = Paths().read_folder("--raw", data).write_folder("--output", folder)
        with pytest.raises(OutputOverInput):
            refuse_output_over_input(paths)
    refuse_output_over_input(Paths().read_folder("--raw", data).write_folder("x", tmp_path / "o"))
