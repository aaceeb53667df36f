"""No output over an input: every command declares what it reads and writes, and this
one guard refuses the command before anything is written when an output would land on
a file it reads, or inside a folder it reads (raw/).

Paths are compared as the file system sees them, not as they are spelled: symbolic
links, `..` and relative paths are resolved (os.path.realpath), and an existing output
that is a hard link of an input (same device and inode) counts as that input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


class OutputOverInput(ValueError):
    """An output of a command would replace or land inside one of its inputs."""


@dataclass(frozen=True)
class Named:
    """A path with the role it plays, for the message: `--html`, `raw/`, ..."""

    role: str
    path: Path


@dataclass
class Paths:
    """What one command reads and writes, declared before it touches anything."""

    #: files read
    reads: list[Named] = field(default_factory=list)
    #: folders read as a whole: nothing may be written into them (raw/)
    read_folders: list[Named] = field(default_factory=list)
    #: files written
    writes: list[Named] = field(default_factory=list)
    #: folders written as a whole: they may not be, hold or lie in anything read
    write_folders: list[Named] = field(default_factory=list)

    def read(self, role: str, *paths: Path | None) -> Paths:
        self.reads += [Named(role, Path(p)) for p in paths if p is not None]
        return self

    def read_folder(self, role: str, path: Path) -> Paths:
        self.read_folders.append(Named(role, Path(path)))
        # the files directly in it count as read too, for hard links onto them
        self.reads += [Named(role, p) for p in _files_in(Path(path))]
        return self

    def write(self, role: str, *paths: Path | None) -> Paths:
        self.writes += [Named(role, Path(p)) for p in paths if p is not None]
        return self

    def write_report(self, role: str, html: Path | None) -> Paths:
        """A report page and the JSON written beside it (flows.common.report_html)."""
        if html is None:
            return self
        return self.write(role, html).write(f"{role} JSON", Path(html).with_suffix(".json"))

    def write_folder(self, role: str, *paths: Path | None) -> Paths:
        self.write_folders += [Named(role, Path(p)) for p in paths if p is not None]
        return self


def refuse_output_over_input(paths: Paths) -> None:
    """Raise OutputOverInput, naming both paths, at the first output that would replace
    or land inside an input, or replace another output; return when there is none."""
    for out in paths.writes:
        for source in paths.reads:
            if _same_file(out.path, source.path):
                raise _clash(out, source, "ist dieselbe Datei wie", "is the same file as")
        for folder in paths.read_folders:
            if _inside(_real(out.path), _real(folder.path)):
                raise _clash(out, folder, "läge im gelesenen Ordner", "would be inside")
    for out in paths.write_folders:
        for real_out in _real_folder(out.path):
            for folder in paths.read_folders:
                real_folder = _real(folder.path)
                if real_out == real_folder:
                    raise _clash(out, folder, "ist derselbe Ordner wie", "is the same folder as")
                if _inside(real_folder, real_out):
                    raise _clash(out, folder, "enthält", "holds")
                if _inside(real_out, real_folder):
                    raise _clash(out, folder, "läge im gelesenen Ordner", "would be inside")
            for source in paths.reads:
                if _inside(_real(source.path), real_out):
                    raise _clash(out, source, "enthält", "holds")
    for i, out in enumerate(paths.writes):
        for other in paths.writes[i + 1 :]:
            if _same_file(out.path, other.path):
                raise _clash(out, other, "ist dieselbe Datei wie", "is the same file as")


def _clash(out: Named, source: Named, german: str, english: str) -> OutputOverInput:
    return OutputOverInput(
        f"Ausgabe auf Eingabe verweigert: {out.role} {out.path} {german} {source.role} "
        f"{source.path}; nichts geschrieben / output over input refused: {out.role} "
        f"{out.path} {english} {source.role} {source.path}; nothing written"
    )


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _real_folder(path: Path) -> set[str]:
    """Where a written folder is: where its name is, and where it leads when it is a link
    (`output` is a link into output.d)."""
    absolute = Path(os.path.abspath(path))
    return {os.path.join(_real(absolute.parent), absolute.name), _real(absolute)}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _same_file(a: Path, b: Path) -> bool:
    if _real(a) == _real(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links: same device and inode
    except OSError:  # either does not exist (yet)
        return False


def _files_in(folder: Path) -> Iterable[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []
