"""Files written whole (flows.common.files.replace_file): content, permissions, debris."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from flows.common.files import replace_file


@pytest.mark.parametrize("durable", [False, True], ids=["plain", "durable"])
def test_a_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_usual(
    tmp_path: Path, durable: bool
) -> None:
    curated = tmp_path / "events.csv"
    curated.write_text("old\n", encoding="utf-8")
    os.chmod(curated, 0o664)  # a curators' group may write raw/
    replace_file(curated, "neu ü\n", durable=durable)
    assert curated.read_text(encoding="utf-8") == "neu ü\n"
    assert stat.S_IMODE(curated.stat().st_mode) == 0o664

    umask = os.umask(0o022)
    try:
        page = tmp_path / "index.html"
        replace_file(page, b"<!doctype html>", durable=durable)
    finally:
        os.umask(umask)
    # readable by the web server or FTP daemon that serves the release
    assert stat.S_IMODE(page.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "index.html"]


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("{}\n", encoding="utf-8")
    with pytest.raises(TypeError):
        replace_file(path, 12345)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
