"""Convert between xlsx and ods with LibreOffice, headless.

openpyxl reads and writes xlsx only. No Python library writes an ods file with
comments, drop-down lists and text formats, so an ods workbook is written as xlsx and
converted by LibreOffice, and an ods a curator saved is converted to xlsx before it is
read: one reader then decides every spreadsheet trap the same way for both formats.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: LibreOffice's filters, by the suffix they write
FILTERS = {".ods": "ods:calc8", ".xlsx": "xlsx:Calc MS Excel 2007 XML", ".csv": "csv"}
TIMEOUT_SECONDS = 180


class OfficeError(Exception):
    """LibreOffice is missing or could not convert the file."""


def soffice() -> str:
    found = os.environ.get("PARTNERSHIPS_SOFFICE") or shutil.which("soffice")
    found = found or shutil.which("libreoffice")
    if not found:
        raise OfficeError(
            "LibreOffice (soffice) is needed for .ods files and is not installed; "
            "save the workbook as .xlsx instead"
        )
    return found


def convert_command(
    executable: str, profile: Path, sources: list[Path], suffix: str, into: Path
) -> list[str]:
    """The soffice command that converts sources into `into`, with a profile of its own."""
    return [
        executable,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        FILTERS[suffix],
        "--outdir",
        str(into),
        *map(str, sources),
    ]


def convert(source: Path, suffix: str, into: Path) -> Path:
    """source converted into the folder `into`, with the given suffix (.ods, .xlsx, .csv).

    Each conversion gets a profile of its own: two LibreOffice processes sharing one
    profile wait for each other or fail, and a curator's own LibreOffice may be open.
    """
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        command = convert_command(soffice(), Path(profile), [source], suffix, into)
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise OfficeError(f"LibreOffice did not convert {source.name} in time") from error
    target = into / f"{source.stem}{suffix}"
    if done.returncode != 0 or not target.exists():
        raise OfficeError(
            f"LibreOffice could not convert {source.name} to {suffix}: "
            f"{(done.stderr or done.stdout).strip() or 'no output'}"
        )
    return target


def save(workbook, path: Path) -> None:
    """Save an openpyxl workbook as path (.xlsx, or .ods through LibreOffice), whole: it
    is written beside path and renamed, so an open copy is replaced, never half-written."""
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.stem}-") as scratch:
        written = Path(scratch) / f"{path.stem}.xlsx"
        workbook.save(written)
        if path.suffix == ".ods":
            written = convert(written, ".ods", Path(scratch) / "ods")
        os.replace(written, path)
