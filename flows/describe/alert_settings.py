"""The optional [alerts] table of metadata.toml: who hears about a failed night.

flows.alerts reads it through `load_alert_urls`, which stays usable when the rest of
metadata.toml is broken, since a broken metadata.toml is itself worth an alert.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flows.common.settings import metadata_path
from flows.describe.toml_keys import Keys, MetadataError

#: who hears about a failed night (flows.alerts); the environment variable of each wins
ALERT_AUDIENCES = {
    "curators": "PARTNERSHIPS_ALERT_CURATORS",
    "operators": "PARTNERSHIPS_ALERT_OPERATORS",
}


URL_SEPARATOR = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


def split_urls(text: str) -> list[str]:
    """Apprise URLs separated by spaces, line breaks or commas.

    A comma separates two URLs only where a new URL (scheme://) follows, since an
    Apprise URL may hold commas itself: `mailtos://...?to=a@example.org,b@example.org`.
    """
    return [url for url in URL_SEPARATOR.split(text) if url]


def parse_alerts(raw: dict[str, Any], source: str = "metadata.toml") -> dict[str, list[str]]:
    """The optional [alerts] table: Apprise URLs per audience, none with a secret in it.

    metadata.toml is kept in git, so a URL with a password is refused; URLs with
    secrets belong in the environment variable or the Prefect Secret block. A URL is
    never quoted in an error: it is named by its position.
    """
    keys = Keys(raw, source)
    if keys.get("alerts", required=False) is None:
        return {audience: [] for audience in ALERT_AUDIENCES}
    unknown = sorted(set(keys.table("alerts")) - set(ALERT_AUDIENCES))
    if unknown:
        raise keys.error(f"alerts.{unknown[0]}", f"is not one of {sorted(ALERT_AUDIENCES)}")
    found: dict[str, list[str]] = {}
    for audience, env_name in ALERT_AUDIENCES.items():
        key = f"alerts.{audience}"
        value = keys.get(key, required=False) or []
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise keys.error(key, "must be a list of Apprise URLs such as 'mailtos://...'")
        urls = [url for text in texts for url in split_urls(text)]
        for number, url in enumerate(urls, start=1):
            if "://" not in url:
                raise keys.error(key, f"entry {number} is not an Apprise URL (scheme://...)")
            if _has_password(url):
                raise keys.error(
                    key,
                    f"entry {number} holds a password: put URLs with secrets into {env_name} "
                    f"or the Prefect Secret block {env_name.lower().replace('_', '-')}",
                )
        found[audience] = urls
    return found


def _has_password(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:
        return True  # unparseable: refuse rather than risk keeping a secret in git


def load_alert_urls(path: Path | None = None) -> dict[str, list[str]]:
    """The [alerts] table of metadata.toml.

    An unreadable file or a broken [alerts] table raises MetadataError; a broken value
    elsewhere in the file does not.
    """
    path = path or metadata_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MetadataError(f"{path}: cannot read the [alerts] table: {error}") from error
    return parse_alerts(raw, path.name)
