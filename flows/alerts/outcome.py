"""What a night tells each audience, and the fingerprint that makes a problem set distinct.

Curators hear about the curated files; operators about everything else. A run may also
teach an audience nothing (a held lock says nothing about the input): then its state
stays as it was. A run that stopped at invalid input still got past the operators' lock
and disk problems (it took the lock and wrote its report): those are over, and the next
time they happen they are news again, not a repetition of something already said.

A fingerprint must be the same on the next night for the same problems, so it is made
only of what a person would call "the same problem": for input, each error's file,
rule, column, key and value, never its line (a row added above moves every line) nor
its message (wording may improve); for the rest, the kind of failure and what it
concerns (the run holding the lock as its lock file names it, the disk's errno, the
target's URL and error class, the crashing function), never a time or a line number.
"""

from __future__ import annotations

import errno
import hashlib
import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: the operators' kinds of failure with their German and English headlines
HEADLINES = {
    "lock_busy": (
        "Ein anderer Lauf hält die Sperre der Ausgabe zu lange",
        "Another run has held the output's lock for too long",
    ),
    "disk_full": ("Der Datenträger der Ausgabe ist voll", "The output's disk is full"),
    "output_unwritable": (
        "Die Ausgabe ist schreibgeschützt oder nicht beschreibbar",
        "The output is read-only or cannot be written",
    ),
    "output_error": ("Die Ausgabe kann nicht geschrieben werden", "The output cannot be written"),
    "metadata": ("metadata.toml ist fehlerhaft", "metadata.toml is broken"),
    "target_failed": (
        "Ein Veröffentlichungsziel konnte nicht beliefert werden",
        "A publishing target could not be published to",
    ),
    "crash": ("Unerwarteter Fehler im nächtlichen Lauf", "Unexpected error in the nightly run"),
}
#: the operators' problems behind a run that took the lock and wrote into the output
PAST_THE_LOCK = frozenset({"lock_busy", "disk_full", "output_unwritable", "output_error"})


def fingerprint(items: Any) -> str:
    text = json.dumps(items, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CuratorNews:
    """The errors of the curated files (none: the input is fine)."""

    problems: tuple = ()
    report_folder: Path | None = None
    #: with --quarantine the valid rows went out all the same
    published: bool = False

    @property
    def fingerprint(self) -> str:
        seen = {(p.file, p.rule, p.column or "", p.key or "", p.value or "") for p in self.problems}
        return fingerprint(sorted(seen))


@dataclass(frozen=True)
class OperatorProblem:
    kind: str
    #: "ErrorClass: message", as the command line prints it
    error: str
    identity: tuple[str, ...]
    #: the release was made current locally; only targets are behind (failed target)
    release_published: bool = False

    @property
    def headline_de(self) -> str:
        return HEADLINES[self.kind][0]

    @property
    def headline_en(self) -> str:
        return HEADLINES[self.kind][1]

    @property
    def fingerprint(self) -> str:
        return fingerprint([self.kind, *self.identity])


@dataclass(frozen=True)
class Outcome:
    """What one run learned. None for an audience: nothing, its state stays."""

    curators: CuratorNews | None = None
    operators: OperatorProblem | None = None
    #: everything operators care about worked (a problem of theirs is resolved)
    operators_fine: bool = False
    #: the operators' kinds of problem this run got past (resolved, although it failed)
    operators_past: frozenset[str] = frozenset()
    notes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def succeeded(cls, report: Any, report_folder: Path | None) -> Outcome:
        """Published (or nothing to do), targets included; quarantined rows are news."""
        errors = tuple(report.errors) if report is not None else ()
        return cls(CuratorNews(errors, report_folder, published=True), operators_fine=True)

    @classmethod
    def nothing_to_do(cls) -> Outcome:
        return cls(CuratorNews(published=True), operators_fine=True)

    @classmethod
    def invalid(cls, report: Any, report_folder: Path | None) -> Outcome:
        return cls(CuratorNews(tuple(report.errors), report_folder), operators_past=PAST_THE_LOCK)

    def resolves(self, problem: Any) -> bool:
        """Whether this run shows that the operators' open problem is over."""
        return self.operators_fine or problem.kind in self.operators_past

    @classmethod
    def failed(cls, error: BaseException) -> Outcome:
        return cls(operators=operator_problem(error))

    @classmethod
    def targets_failed(cls, failures: dict[str, BaseException]) -> Outcome:
        """The release is current locally; these targets (URL: error) are behind."""
        lines = [f"{url}: {type(e).__name__}: {e}" for url, e in sorted(failures.items())]
        identity = tuple(f"{url} {type(e).__name__}" for url, e in sorted(failures.items()))
        problem = OperatorProblem("target_failed", "\n".join(lines), identity, True)
        return cls(operators=problem)


def operator_problem(error: BaseException) -> OperatorProblem:
    """Sort an exception into its kind; what makes it distinct stays stable across nights."""
    from flows.describe.metadata import MetadataError
    from flows.publish.base import TargetError
    from flows.release.store import LockBusy, StoreError, is_disk_full

    text = f"{type(error).__name__}: {error}"
    name = type(error).__name__
    if isinstance(error, LockBusy):
        # the run holding it: a stuck run is one problem however many nights it blocks,
        # a lock taken by another run since then is a new one
        return OperatorProblem("lock_busy", text, (getattr(error, "holder", "unknown"),))
    if isinstance(error, MetadataError):
        return OperatorProblem("metadata", text, (str(error),))
    if isinstance(error, TargetError):
        return OperatorProblem("target_failed", text, (name, str(error)))
    if isinstance(error, OSError) and is_disk_full(error):
        return OperatorProblem("disk_full", text, ())
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return OperatorProblem("output_unwritable", text, (errno.errorcode[error.errno],))
    if isinstance(error, StoreError | OSError):
        code = errno.errorcode.get(getattr(error, "errno", None) or 0, "")
        return OperatorProblem("output_error", text, (name, code or str(error)))
    return OperatorProblem("crash", text, (name, where(error)))


def where(error: BaseException) -> str:
    """The innermost function of this project the error passed through: file:function."""
    spot = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename)
        if "flows" in path.parts or "schemas" in path.parts:
            parts = path.parts
            start = max(i for i, p in enumerate(parts) if p in ("flows", "schemas"))
            spot = f"{'/'.join(parts[start:])}:{frame.name}"
    return spot
