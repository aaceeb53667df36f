"""What was already said: per audience, the problem set last reported and not yet resolved.

The state is one small JSON file beside the releases, `output.d/alerts.json`, so it
survives restarts and moves with the store. It is written to a temporary file, fsynced
and renamed over the old one: a crash leaves the old state or the new, never half.
Importable without pandas: the no-op run reads it before anything heavy.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flows.common.files import replace_file

logger = logging.getLogger("flows.alerts")

STATE_FILE = "alerts.json"
STATE_FORMAT_VERSION = 1


@dataclass(frozen=True)
class OpenProblem:
    """A problem set an audience has been told about and that is not resolved yet."""

    fingerprint: str
    kind: str
    headline_de: str
    headline_en: str
    #: when it was first reported (UTC, ISO 8601)
    since: str


@dataclass
class AlertState:
    path: Path
    open: dict[str, OpenProblem] = field(default_factory=dict)

    @classmethod
    def of_store(cls, output: Path) -> AlertState:
        """The state of the store whose published folder is `output`."""
        output = Path(os.path.abspath(output))
        return cls.load(output.with_name(output.name + ".d") / STATE_FILE)

    @classmethod
    def load(cls, path: Path) -> AlertState:
        """The saved state; an absent or unreadable file is an empty one (worst case: a
        problem is reported once more, which beats never)."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            found = {
                audience: OpenProblem(**entry)
                for audience, entry in document.get("open", {}).items()
            }
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, TypeError, AttributeError) as error:
            logger.warning("alerts: %s is unreadable (%s); starting afresh", path, error)
            return cls(path)
        return cls(path, found)

    def to_json(self) -> str:
        document = {
            "format_version": STATE_FORMAT_VERSION,
            "open": {audience: asdict(p) for audience, p in sorted(self.open.items())},
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def save(self) -> None:
        """Replace the file atomically; its folder is created when missing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, self.to_json(), durable=True)


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
