"""Reading metadata.toml's values one dotted key at a time, naming the key in every error.

Shared by the readers of metadata.toml's tables (`metadata`, `municipality`,
`alert_settings`), which import it rather than each other.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flows.common.urls import EMAIL, url_problem


class MetadataError(ValueError):
    """metadata.toml is missing, unreadable or holds an invalid value (the key is named)."""


class Keys:
    """Dotted-key access into the parsed TOML that names the key in every error."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.raw = raw
        self.source = source

    def error(self, key: str, problem: str) -> MetadataError:
        return MetadataError(f"{self.source}: {key}: {problem}")

    def get(self, key: str, required: bool = True) -> Any:
        node: Any = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if required:
                    raise self.error(key, "is missing")
                return None
            node = node[part]
        return node

    def table(self, key: str, required: bool = True) -> dict[str, Any]:
        value = self.get(key, required)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, "must be a table")
        return value

    def text(self, key: str, required: bool = True) -> str:
        value = self.get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"must be a non-empty text, not {value!r}")
        return value.strip()

    def text_list(self, key: str, required: bool = True) -> list[str]:
        value = self.get(key, required)
        if value is None:
            return []
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise self.error(key, f"must be a non-empty list of texts, not {value!r}")
        return [v.strip() for v in value]

    def choice(self, key: str, allowed: Any, default: str | None = None) -> str:
        value = self.text(key, required=default is None) or default or ""
        if value not in allowed:
            raise self.error(key, f"{value!r} is not one of {sorted(allowed)}")
        return value

    def number(self, key: str, low: float, high: float) -> float | None:
        """An optional number between low and high (integers are numbers too)."""
        value = self.get(key, required=False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.error(key, f"must be a number, not {value!r}")
        if not low <= value <= high:
            raise self.error(key, f"{value!r} is not between {low} and {high}")
        return float(value)

    def url(self, key: str, required: bool = True) -> str | None:
        """An http(s) address valid by RFC 3986 (flows.common.urls), as rdflib needs."""
        value = self.text(key, required)
        if value and (problem := url_problem(value)):
            raise self.error(key, f"{value!r}: {' / '.join(problem)}")
        return value or None

    def email(self, key: str, required: bool = True) -> str | None:
        return self.matching(key, required, EMAIL, "an e-mail address")

    def matching(self, key: str, required: bool, pattern: re.Pattern, what: str) -> str | None:
        """The text at key, None when it is optional and absent; refused unless it matches."""
        value = self.text(key, required)
        if not value:
            return None
        if not pattern.match(value):
            raise self.error(key, f"{value!r} is not {what}")
        return value
