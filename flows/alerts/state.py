"""What was already said, and what could not be said yet, per audience.

The state is one small JSON file beside the releases, `output.d/alerts.json`, so it
survives restarts and moves with the store. It is written to a temporary file, fsynced
and renamed over the old one: a crash leaves the old state or the new, never half.

Two runs may alert at the same time: the run that holds the output's lock and finishes,
and a run it refused. Each reads the state, decides, sends and writes it back, so each
does all of that while holding `output.d/alerts.lock` (not the output's lock, which the
other run may hold for hours): otherwise one would decide on what the other is about to
overwrite, and a problem the operators were told about could be silently written away.

Importable without pandas: the no-op run reads it before anything heavy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from flows.common.files import flock_within, replace_file

logger = logging.getLogger("flows.alerts")

STATE_FILE = "alerts.json"
LOCK_FILE = "alerts.lock"
STATE_FORMAT_VERSION = 2
#: how long a run waits for another run's alerting (a few seconds, unless a channel is
#: slow: 3 attempts of up to a minute each); then it goes ahead, a duplicate beats silence
LOCK_WAIT_SECONDS = 300.0


@dataclass(frozen=True)
class OpenProblem:
    """A problem set an audience has been told about and that is not resolved yet."""

    fingerprint: str
    kind: str
    headline_de: str
    headline_en: str
    #: when it was first reported (UTC, ISO 8601)
    since: str


@dataclass(frozen=True)
class Undelivered:
    """An alert that no channel took: the next run tries to deliver it again."""

    kind: str
    headline_de: str
    headline_en: str
    subject: str
    body: str
    #: when it should first have gone out (UTC, ISO 8601)
    since: str
    #: why it did not, the last time it was tried (English, masked like a log line)
    reason: str
    tries: int = 1


@dataclass
class AlertState:
    path: Path
    open: dict[str, OpenProblem] = field(default_factory=dict)
    undelivered: dict[str, Undelivered] = field(default_factory=dict)

    @classmethod
    def of_store(cls, output: Path) -> AlertState:
        """The state of the store whose published folder is `output`."""
        return cls.load(store_home(output) / STATE_FILE)

    @classmethod
    def load(cls, path: Path) -> AlertState:
        """The saved state; an absent or unreadable file is an empty one (worst case: a
        problem is reported once more, which beats never)."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            found = _entries(document, "open", OpenProblem)
            undelivered = _entries(document, "undelivered", Undelivered)
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, TypeError, AttributeError) as error:
            logger.warning("alerts: %s is unreadable (%s); starting afresh", path, error)
            return cls(path)
        return cls(path, found, undelivered)

    @property
    def pending(self) -> bool:
        """Whether a run with nothing new still has something to say."""
        return bool(self.open or self.undelivered)

    def to_json(self) -> str:
        document = {
            "format_version": STATE_FORMAT_VERSION,
            "open": {audience: asdict(p) for audience, p in sorted(self.open.items())},
            "undelivered": {a: asdict(u) for a, u in sorted(self.undelivered.items())},
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def save(self) -> None:
        """Replace the file atomically; its folder is created when missing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, self.to_json(), durable=True)


def _entries(document: dict, key: str, kind: type) -> dict:
    """One table of the file; fields a later version added are ignored."""
    known = {f.name for f in fields(kind)}
    return {
        audience: kind(**{k: v for k, v in entry.items() if k in known})
        for audience, entry in document.get(key, {}).items()
    }


def store_home(output: Path) -> Path:
    """`output.d` beside the published folder `output`."""
    output = Path(os.path.abspath(output))
    return output.with_name(output.name + ".d")


@contextlib.contextmanager
def alerting(output: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[AlertState]:
    """The state, read and held for one run's alerting: load, decide, send, save.

    Without the lock (a read-only or full disk, or another run alerting for longer than
    `wait_seconds`) the run alerts all the same: a duplicate beats silence.
    """
    home = store_home(output)
    with _locked(home / LOCK_FILE, wait_seconds):
        yield AlertState.load(home / STATE_FILE)


@contextlib.contextmanager
def _locked(path: Path, wait_seconds: float) -> Iterator[None]:
    if not path.parent.is_dir():  # no store yet, so no state to share: create nothing
        yield
        return
    try:
        handle = open(path, "a")  # noqa: SIM115 - held for the whole block
    except OSError as error:  # a read-only or full disk: that run's alert says so
        logger.info("alerts: cannot open %s (%s); alerting without it", path, error)
        yield
        return
    try:
        if not flock_within(handle, wait_seconds, poll_seconds=0.1):
            logger.warning("alerts: %s is still held; alerting without it", path)
        yield
    finally:
        handle.close()


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
