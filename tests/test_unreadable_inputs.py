"""Inputs that cannot be read at all: exit 2, a German and English message, no traceback.

Each hostile input is generated in the test (nothing big is committed): a curated
file that is a link to /dev/zero, a named pipe, a folder, a sparse file over the size
limit, a header line of 140 KB, and a metadata.toml whose address rdflib would refuse.
Every command runs as a process of its own, under an address-space limit so that a
regression fails fast instead of filling the machine; its peak memory is measured
(resource.getrusage(RUSAGE_CHILDREN) in a fresh process per measurement).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from flows import pipeline
from flows.describe.metadata import MetadataError
from flows.read.regular_file import MAX_FILE_BYTES
from flows.release.store import ReleaseStore

PARTNERSHIPS = str(Path(sys.executable).with_name("partnerships"))
#: a run may reserve this much address space; reading /dev/zero without limit hits it
ADDRESS_SPACE = 3 << 30
#: what reading a refused input may cost beyond validating the shipped data
MEMORY_MARGIN_MIB = 64

MEASURE = """
import json, resource, subprocess, sys
limit = int(sys.argv[1])
def capped():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
done = subprocess.run(sys.argv[2:], capture_output=True, text=True, preexec_fn=capped,
                      timeout=300)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"code": done.returncode, "err": done.stderr, "out": done.stdout,
                  "peak_mib": peak}))
"""


def measured(*argv: str, cwd: Path, env: dict | None = None) -> dict:
    """Run the command in a fresh process; its exit code, output and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(ADDRESS_SPACE), PARTNERSHIPS, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=360,
        check=True,
    )
    return json.loads(done.stdout)


def raw_state(raw: Path) -> dict[str, str]:
    """Each entry of raw/: a regular file's sha256, else what the link or entry is."""
    state = {}
    for path in sorted(raw.iterdir()):
        if path.is_symlink():
            state[path.name] = "-> " + os.readlink(path)
        elif path.is_file() and path.stat().st_size > 1 << 20:  # the sparse 1 GiB file
            found = path.stat()
            state[path.name] = f"{found.st_size} bytes, modified {found.st_mtime_ns}"
        elif path.is_file():
            state[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[path.name] = f"mode {path.lstat().st_mode:o}"
    return state


def link_to_dev_zero(raw: Path) -> None:
    (raw / "events.csv").unlink()
    (raw / "events.csv").symlink_to("/dev/zero")


def named_pipe(raw: Path) -> None:
    (raw / "events.csv").unlink()
    os.mkfifo(raw / "events.csv")


def folder(raw: Path) -> None:
    (raw / "events.csv").unlink()
    (raw / "events.csv").mkdir()


def over_the_size_limit(raw: Path) -> None:
    with open(raw / "events.csv", "r+b") as handle:  # sparse: no disk, no time
        handle.truncate(MAX_FILE_BYTES + 1)


def header_field_of_140_kb(raw: Path) -> None:
    path = raw / "events.csv"
    header, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(header + b',"' + b"x" * 140_000 + b'"\n' + rest)


def header_field_over_lines(raw: Path) -> None:
    path = raw / "events.csv"
    header, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(header + b',"a\n' + b"x" * 140_000 + b'"\n' + rest)


def header_of_140_kb_unquoted(raw: Path) -> None:
    path = raw / "events.csv"
    path.write_bytes(b"x" * 140_000 + b"\n" + path.read_bytes())


#: (case, generator, German words of the message, English words of the message)
UNREADABLE = [
    ("link to /dev/zero", link_to_dev_zero, "sondern ein Gerät", "not a regular file but a device"),
    ("named pipe", named_pipe, "benannte Pipe (FIFO)", "a named pipe (FIFO)"),
    ("folder", folder, "sondern ein Ordner", "not a regular file but a folder"),
    ("over the size limit", over_the_size_limit, "größer als die Grenze", "larger than the limit"),
    ("header field of 140 KB", header_field_of_140_kb, "Kopfzeile ist", "header line is longer"),
    ("header of 140 KB", header_of_140_kb_unquoted, "Kopfzeile ist", "header line is longer"),
    ("header field over lines", header_field_over_lines, "Kopfzeile ist", "header line is longer"),
]  # fmt: skip


@pytest.fixture(scope="module")
def baseline_mib(tmp_path_factory) -> int:
    """Peak memory of `validate` on the shipped data, measured in this run."""
    home = tmp_path_factory.mktemp("baseline")
    shutil.copytree(REPO / "raw", home / "raw")
    result = measured("validate", "--raw", "raw", cwd=home)
    assert result["code"] == 0, result["err"]
    return result["peak_mib"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "german", "english"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE]
)
def test_validate_refuses_an_unreadable_file_in_bounded_memory(
    tmp_path: Path, baseline_mib: int, make, german: str, english: str
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    make(raw)
    before = raw_state(raw)

    result = measured("validate", "--raw", "raw", cwd=tmp_path)

    assert result["code"] == 2, result["err"]
    assert "Traceback" not in result["err"]
    assert "events.csv:" in result["err"]  # the file is named
    line = next(line for line in result["err"].splitlines() if german in line)
    assert english in line  # German and English on one line
    assert raw_state(raw) == before
    assert result["peak_mib"] <= baseline_mib + MEMORY_MARGIN_MIB, result["peak_mib"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [["workbook", "export", "daten.xlsx"], ["workbook", "import", "ev.csv"]],
    ids=["export", "import of a CSV"],
)
def test_workbook_commands_refuse_a_link_to_dev_zero_in_raw(
    tmp_path: Path, baseline_mib: int, command: list[str]
) -> None:
    """The import copied raw/ beside the CSV and followed the link: the copy never ended."""
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    shutil.copyfile(raw / "events.csv", tmp_path / "ev.csv")
    (raw / "aid_shipments.csv").unlink()
    (raw / "aid_shipments.csv").symlink_to("/dev/zero")
    before = raw_state(raw)

    result = measured(*command, "--raw", "raw", cwd=tmp_path)

    assert result["code"] == 2, result["err"]
    assert "Traceback" not in result["err"]
    assert "not a regular file but a device" in result["err"]
    assert raw_state(raw) == before
    assert not (tmp_path / "daten.xlsx").exists()
    assert result["peak_mib"] <= baseline_mib + 3 * MEMORY_MARGIN_MIB, result["peak_mib"]


BAD_ADDRESSES = [
    ("municipality.website", 'https://www.dortmund.de/"><script>', "'\"'"),
    ("municipality.website", "https://www.dortmund.de/a>b", "'>'"),
    ("contact_point.url", "https://www.dortmund.de/a b", "' '"),
    ("catalog.base_url", "https://opendata.example.org/{x}/", "'{'"),
]


def broken_metadata(home: Path, key: str, address: str) -> Path:
    table, name = key.split(".")
    text = (REPO / "metadata.toml").read_text(encoding="utf-8")
    start = text.index(f"[{table}]")
    at = text.index(f"\n{name} = ", start) + 1
    end = text.index("\n", at)
    broken = home / "metadata.toml"
    broken.write_text(text[:at] + f"{name} = {json.dumps(address)}" + text[end:], "utf-8")
    return broken


@pytest.mark.slow
@pytest.mark.parametrize(("key", "address", "character"), BAD_ADDRESSES)
def test_run_refuses_a_metadata_address_rdflib_would_refuse(
    tmp_path: Path, key: str, address: str, character: str
) -> None:
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    metadata = broken_metadata(tmp_path, key, address)
    before = raw_state(tmp_path / "raw")

    result = measured(
        "run", "--output", "output", cwd=tmp_path, env={"PARTNERSHIPS_METADATA": str(metadata)}
    )

    assert result["code"] == 2, result["err"]
    assert "Traceback" not in result["err"]
    # one line says what is wrong; with no alert channel configured (as here) one more
    # line says that the operators' alert reached nobody (issue 28), nothing else
    line, *others = result["err"].splitlines()
    assert [o for o in others if not o.startswith("Warnung: Meldung an den Betrieb")] == []
    assert f"metadata.toml: {key}: " in line
    assert f"Zeichen {character}" in line and f"character {character}" in line
    assert raw_state(tmp_path / "raw") == before
    assert not (tmp_path / "output").exists()
    assert not (tmp_path / "output.d" / "staging").exists()


def test_a_metadata_failure_while_describing_leaves_no_staging(
    base_raw: Path, tmp_path: Path, monkeypatch
) -> None:
    """Without the command line's early check (a flow run of a deployment), the describe
    step meets the bad address: the run fails with the metadata's message, and the
    build is removed."""
    metadata = broken_metadata(tmp_path, "municipality.website", "https://a.de/x>y")
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(metadata))
    output = tmp_path / "output"
    with pytest.raises(MetadataError, match=r"municipality\.website"):
        pipeline.run(base_raw, output)
    store = ReleaseStore(output, keep=1)
    assert not store.has_leftovers()
    assert list(store.staging_root.iterdir()) == []
    assert store.current() is None


def test_any_failure_while_describing_leaves_no_staging(base_raw: Path, tmp_path: Path) -> None:
    def broken_describe(staging: Path) -> Path:
        (staging / "half-written.ttl").write_text("@prefix", encoding="utf-8")
        raise ValueError("rdflib refused an IRI")

    output = tmp_path / "output"
    with pytest.raises(ValueError, match="rdflib"):
        pipeline.run(base_raw, output, steps=pipeline.Steps(describe=broken_describe))
    store = ReleaseStore(output, keep=1)
    assert list(store.staging_root.iterdir()) == []
    assert store.current() is None
