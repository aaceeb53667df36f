"""The changelog of a release: rows added, removed and changed per dataset.

Rendered as `changelog.json` (every change up to DETAIL_LIMIT rows per kind) and as
`CHANGELOG.md` for people. The comparison itself lives in `flows.release.diff`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from flows.common import markdown

CHANGELOG_MD = "CHANGELOG.md"
CHANGELOG_JSON = "changelog.json"
CHANGELOG_FORMAT_VERSION = 1
#: rows listed one by one per dataset and kind of change in changelog.json; beyond it
#: only the counts are exact (a million changed rows would make a useless document)
DETAIL_LIMIT = 1000
#: rows listed one by one per dataset and kind of change in CHANGELOG.md
MARKDOWN_LIMIT = 20


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


@dataclass
class RowChange:
    key: dict[str, Any]
    #: column -> (old value, new value)
    columns: dict[str, tuple[Any, Any]]


@dataclass
class DatasetChanges:
    dataset: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    added_keys: list[dict[str, Any]] = field(default_factory=list)
    removed_keys: list[dict[str, Any]] = field(default_factory=list)
    changed_rows: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def rows_changed(self) -> int:
        """Rows added, removed or changed."""
        return self.added + self.removed + self.changed

    @property
    def empty(self) -> bool:
        return not (self.rows_changed or self.columns_added or self.columns_removed)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "columns_added": self.columns_added,
            "columns_removed": self.columns_removed,
            "added_keys": self.added_keys,
            "removed_keys": self.removed_keys,
            "changed_rows": [
                {
                    "key": r.key,
                    "columns": {c: {"old": o, "new": n} for c, (o, n) in r.columns.items()},
                }
                for r in self.changed_rows
            ],
            "listed_up_to": DETAIL_LIMIT,
        }


@dataclass
class Changelog:
    from_release: str | None
    to_release: str | None
    datasets: list[DatasetChanges]

    def dataset(self, name: str) -> DatasetChanges | None:
        return next((d for d in self.datasets if d.dataset == name), None)

    @property
    def empty(self) -> bool:
        return all(d.empty for d in self.datasets)

    def to_dict(self) -> dict:
        return {
            "format_version": CHANGELOG_FORMAT_VERSION,
            "from_release": self.from_release,
            "to_release": self.to_release,
            "datasets": {d.dataset: d.to_dict() for d in self.datasets},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_markdown(self) -> str:
        before = self.from_release or "—"
        out = [
            "# Änderungen / Changes",
            "",
            f"Von / from: {markdown.code(before)} → nach / to: {markdown.code(self.to_release)}",
            "",
            "| Datensatz / dataset | hinzugefügt / added | entfernt / removed "
            "| geändert / changed |",
            "|---|---:|---:|---:|",
        ]
        for d in self.datasets:
            out.append(f"| {d.dataset} | {d.added} | {d.removed} | {d.changed} |")
        out.append("")
        if self.from_release is None:
            out += ["Erste Veröffentlichung / first release.", ""]
        for d in self.datasets:
            if d.empty:
                continue
            out += [f"## {d.dataset}", ""]
            if d.columns_added or d.columns_removed:
                out += [
                    "### Spalten / columns",
                    "",
                    f"- hinzugefügt / added: {_names(d.columns_added)}",
                    f"- entfernt / removed: {_names(d.columns_removed)}",
                    "",
                ]
            for heading, count, keys in (
                ("Hinzugefügte Zeilen / rows added", d.added, d.added_keys),
                ("Entfernte Zeilen / rows removed", d.removed, d.removed_keys),
            ):
                if not count:
                    continue
                out += [f"### {heading} ({count})", ""]
                out += [f"- {markdown.text(_key_text(k))}" for k in keys[:MARKDOWN_LIMIT]]
                out += _more_line(count, MARKDOWN_LIMIT)
            if d.changed:
                out += [
                    f"### Geänderte Zeilen / rows changed ({d.changed})",
                    "",
                    "| Schlüssel / key | Spalte / column | alt / old | neu / new |",
                    "|---|---|---|---|",
                ]
                for row in d.changed_rows[:MARKDOWN_LIMIT]:
                    for column, (old, new) in row.columns.items():
                        cells = [_key_text(row.key), column, old, new]
                        out.append("| " + " | ".join(markdown.text(c) for c in cells) + " |")
                out += ["", *_more_line(d.changed, MARKDOWN_LIMIT)]
        return "\n".join(out).rstrip("\n") + "\n"

    def to_text(self, limit: int = MARKDOWN_LIMIT) -> str:
        """A plain-text rendering for the terminal, listing up to `limit` rows per kind."""
        lines = [f"changes {self.from_release or '(none)'} -> {self.to_release}:"]
        for d in self.datasets:
            lines.append(
                f"  {d.dataset}: {d.added} added, {d.removed} removed, {d.changed} changed"
            )
            for row in d.changed_rows[:limit]:
                cols = "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in row.columns.items())
                lines.append(f"    ~ {_key_text(row.key)}: {cols}")
            lines += [f"    + {_key_text(key)}" for key in d.added_keys[:limit]]
            lines += [f"    - {_key_text(key)}" for key in d.removed_keys[:limit]]
            listed = min(d.changed, limit) + min(d.added, limit) + min(d.removed, limit)
            if limit and d.rows_changed > listed:
                lines.append(f"    … {d.rows_changed - listed} more")
        return "\n".join(lines) + "\n"


def _key_text(key: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def _more_line(count: int, limit: int) -> list[str]:
    if count <= limit:
        return [""]
    return [f"… und {count - limit} weitere / and {count - limit} more", ""]


def _names(columns: list[str]) -> str:
    return ", ".join(markdown.text(c) for c in columns) or "—"
