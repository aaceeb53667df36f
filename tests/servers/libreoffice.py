"""LibreOffice Calc, headless, converting workbooks as a curator's spreadsheet would.

    def test_roundtrip(libreoffice, tmp_path):
        ods = libreoffice.convert([xlsx], ".ods", tmp_path / "ods")

One soffice process converts a whole batch (it starts in seconds, converts in
milliseconds), with a profile of its own so that parallel test workers do not share one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.workbook.office import convert_command
from servers import not_installed


class LibreOffice:
    def __init__(self, soffice: str, profile: Path) -> None:
        self.soffice, self.profile = soffice, profile

    def convert(self, sources: list[Path], suffix: str, into: Path) -> list[Path]:
        """Each source converted into the folder `into`, with the given suffix."""
        into.mkdir(parents=True, exist_ok=True)
        command = convert_command(self.soffice, self.profile, sources, suffix, into)
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        targets = [into / f"{source.stem}{suffix}" for source in sources]
        missing = [t.name for t in targets if not t.exists()]
        assert done.returncode == 0 and not missing, (done.stdout, done.stderr, missing)
        return targets


@pytest.fixture(scope="session")
def libreoffice() -> Iterator[LibreOffice]:
    soffice = os.environ.get("PARTNERSHIPS_SOFFICE") or shutil.which("soffice")
    if not soffice:
        not_installed("LibreOffice (soffice)")
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        yield LibreOffice(soffice, Path(profile))
