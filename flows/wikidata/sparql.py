"""Asking a SPARQL endpoint, politely and within bounds.

Wikimedia's policies for the query service ask for a User-Agent that names the client
and a way to reach its operator, and for a client that receives HTTP 429 (too many
requests) to wait as long as `Retry-After` says before it asks again. `Endpoint.select`
does both: it waits when told to, as long as the waits stay within `max_wait` seconds,
and otherwise stops with an `EndpointError` saying when to try again. Every request has
a deadline (`timeout`, for the whole answer, not only for each read); an answer larger
than `MAX_ANSWER_BYTES` or not in SPARQL's JSON results format is refused.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
ENDPOINT_ENV = "PARTNERSHIPS_WIKIDATA_ENDPOINT"
MAX_ANSWER_BYTES = 32 * 2**20
#: how long to wait after a 429 or 503 that names no time
DEFAULT_RETRY_AFTER = 10.0
RETRIED = (429, 503)


class EndpointError(Exception):
    """The endpoint could not be asked or gave no usable answer (German and English)."""

    def __init__(self, german: str, english: str) -> None:
        super().__init__(f"{german} / {english}")
        self.german = german
        self.english = english


def endpoint_url(given: str | None = None) -> str:
    url = given or os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise EndpointError(
            f"{url!r} ist keine http(s)-Adresse eines SPARQL-Endpunkts",
            f"{url!r} is not the http(s) address of a SPARQL endpoint",
        )
    return url


@dataclass
class Endpoint:
    url: str
    user_agent: str
    #: seconds for one whole request and its answer
    timeout: float = 60.0
    #: seconds this run is prepared to wait in all when the endpoint asks it to
    max_wait: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def select(self, query: str) -> list[dict]:
        """The bindings of a SELECT query's answer."""
        waited = 0.0
        while True:
            try:
                return self._ask(query)
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED:
                    raise refused(self.url, error) from None
                pause = retry_after(error.headers.get("Retry-After"))
                if waited + pause > self.max_wait:
                    raise too_busy(self.url, error.code, pause, self.max_wait) from None
                error.close()
                self.sleep(pause)
                waited += pause

    def _ask(self, query: str) -> list[dict]:
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode({"query": query}).encode("ascii"),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": self.user_agent,
            },
            method="POST",
        )
        deadline = time.monotonic() + self.timeout
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = read_until(response, deadline, self.url, self.timeout)
        except urllib.error.HTTPError:
            raise
        except TimeoutError:
            raise no_answer(self.url, self.timeout) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise no_answer(self.url, self.timeout) from None
            raise EndpointError(
                f"{self.url} ist nicht erreichbar: {error.reason}",
                f"cannot reach {self.url}: {error.reason}",
            ) from None
        except OSError as error:
            raise EndpointError(
                f"Verbindung zu {self.url} abgebrochen: {error}",
                f"connection to {self.url} failed: {error}",
            ) from None
        return bindings(body, self.url)


def read_until(response, deadline: float, url: str, timeout: float) -> bytes:
    """The answer's bytes, refused when it is too large or arrives too slowly."""
    chunks, size = [], 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise EndpointError(
                f"die Antwort von {url} ist größer als {MAX_ANSWER_BYTES // 2**20} MB",
                f"the answer of {url} is larger than {MAX_ANSWER_BYTES // 2**20} MB",
            )
        if time.monotonic() > deadline:
            raise no_answer(url, timeout)
        chunks.append(chunk)
    return b"".join(chunks)


def bindings(body: bytes, url: str) -> list[dict]:
    try:
        answer = json.loads(body.decode("utf-8"))
        rows = answer["results"]["bindings"]
        if not isinstance(rows, list):
            raise TypeError("bindings is not a list")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise EndpointError(
            f"{url} antwortete nicht im JSON-Format für SPARQL-Ergebnisse ({error})",
            f"{url} did not answer in the SPARQL JSON results format ({error})",
        ) from None
    return rows


def retry_after(header: str | None, now: datetime | None = None) -> float:
    """Seconds to wait: Retry-After gives them, or a date (RFC 9110); never negative."""
    if header is None or not header.strip():
        return DEFAULT_RETRY_AFTER
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def too_busy(url: str, code: int, pause: float, max_wait: float) -> EndpointError:
    again = (datetime.now().astimezone() + timedelta(seconds=pause)).strftime("%Y-%m-%d %H:%M")
    return EndpointError(
        f"{url} bittet (HTTP {code}), {pause:.0f} s bis zur nächsten Anfrage zu warten; "
        f"mehr als die {max_wait:.0f} s, die dieser Lauf wartet (--max-wait). "
        f"Bitte ab {again} erneut versuchen.",
        f"{url} asks (HTTP {code}) to wait {pause:.0f} s before the next query; more "
        f"than the {max_wait:.0f} s this run waits (--max-wait). Try again after {again}.",
    )


def no_answer(url: str, timeout: float) -> EndpointError:
    return EndpointError(
        f"{url} hat nicht innerhalb von {timeout:g} s geantwortet (--timeout)",
        f"{url} did not answer within {timeout:g} s (--timeout)",
    )


def refused(url: str, error: urllib.error.HTTPError) -> EndpointError:
    try:
        first = error.read(2000).decode("utf-8", "replace").strip().splitlines()
    except OSError:
        first = []
    finally:
        error.close()
    detail = f": {first[0][:200]}" if first else ""
    hint_de = hint_en = ""
    if error.code == 403:  # Wikimedia blocks clients it cannot reach
        hint_de = " (Wikimedia sperrt Clients ohne Kontakt: contact_point in metadata.toml)"
        hint_en = " (Wikimedia blocks clients without a contact: contact_point in metadata.toml)"
    return EndpointError(
        f"{url} hat die Anfrage abgelehnt (HTTP {error.code}){detail}{hint_de}",
        f"{url} refused the query (HTTP {error.code}){detail}{hint_en}",
    )
