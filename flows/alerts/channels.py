"""Where alerts go: Apprise URLs per audience, sent with bounded retries, never logged.

Each audience's URLs come from its environment variable (PARTNERSHIPS_ALERT_CURATORS,
PARTNERSHIPS_ALERT_OPERATORS), else its Prefect Secret block (the same name in lower
case with dashes), else the [alerts] table of metadata.toml. A Secret block that cannot
be read (the Prefect server busy or down) is not the same as none: it raises
ChannelsUnreadable, so that the alert is reported as not sent instead of skipped.
A URL may hold a password or a token, so it is shown only masked (scheme and host) and
redacted from every log record Apprise writes while sending.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flows.describe.alert_settings import ALERT_AUDIENCES, load_alert_urls, split_urls
from flows.describe.metadata import MetadataError
from flows.publish import credentials

logger = logging.getLogger("flows.alerts")

ATTEMPTS = 3
#: waits between attempts; a night has time, an SMTP server restarting needs some
RETRY_DELAYS_SECONDS = (2.0, 10.0)
AUDIENCES = tuple(ALERT_AUDIENCES)


@dataclass(frozen=True)
class Channel:
    url: str
    audience: str

    @property
    def name(self) -> str:
        return masked(self.url)

    def secrets(self) -> list[str]:
        return url_secrets(self.url)


@dataclass(frozen=True)
class Delivery:
    """What became of one message on one channel."""

    channel: str
    audience: str
    ok: bool
    attempts: int
    error: str | None = None

    def summary(self) -> str:
        if self.ok:
            return f"{self.audience}: {self.channel}: sent"
        tries = f"{self.attempts} attempt(s)"
        return f"{self.audience}: {self.channel}: FAILED after {tries}: {self.error}"


class ChannelsUnreadable(Exception):
    """The audience's channels could not be looked up (not: none are configured)."""


def configured(audience: str) -> list[Channel]:
    """The audience's channels: environment, else Secret block, else metadata.toml."""
    env_name = ALERT_AUDIENCES[audience]
    value = os.environ.get(env_name) or _secret_block(env_name)
    if value:
        return [Channel(url, audience) for url in split_urls(value)]
    try:
        urls = load_alert_urls()[audience]
    except MetadataError as error:
        logger.warning("alerts: %s; only %s would be used", error, env_name)
        return []
    return [Channel(url, audience) for url in urls]


def _secret_block(env_name: str) -> str | None:
    """The Secret block's value; None when there is no such block or no Prefect API."""
    if not credentials.prefect_api_at_hand():
        return None
    name = credentials.block_name(env_name)
    try:
        from prefect.blocks.system import Secret

        value = Secret.load(name).get()
    except ValueError as error:  # Prefect's "Unable to find block document named ..."
        if type(error.__cause__).__name__ == "ObjectNotFound":
            return None
        raise ChannelsUnreadable(f"Secret block {name}: {type(error).__name__}") from None
    except Exception as error:
        raise ChannelsUnreadable(f"Secret block {name}: {type(error).__name__}") from None
    return str(value) if value else None


def masked(url: str) -> str:
    """scheme://host:port of a URL, the host only where it looks like one (a Teams URL's
    first part is a token): enough to tell channels apart, nothing to log in with."""
    scheme = url.partition("://")[0] if "://" in url else "?"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return f"{scheme}://…"
    if not _looks_like_a_host(host):
        return f"{scheme}://…"
    return f"{scheme}://{host}:{port}/…" if port else f"{scheme}://{host}/…"


def _looks_like_a_host(host: str) -> bool:
    if host == "localhost":
        return True
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return True
    labels = host.split(".")
    return len(labels) > 1 and all(0 < len(label) < 40 for label in labels)


def url_secrets(url: str) -> list[str]:
    """Everything of a URL that might let someone in: the URL itself, its password and
    every longer part of its path and query (webhook tokens live there)."""
    found = [url]
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return found
    if password:
        found += [password, unquote(password)]
    pieces = parts.path.split("/") + parts.query.replace("=", "&").split("&")
    found += [unquote(p) for p in pieces if len(p) >= 12]
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


class _Redacting(logging.Filter):
    """Takes every secret of the channels out of the records Apprise logs."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


@contextlib.contextmanager
def _apprise_logs_redacted(secrets: list[str]) -> Iterator[None]:
    apprise_logger = logging.getLogger("apprise")
    guard = _Redacting(secrets)
    apprise_logger.addFilter(guard)
    try:
        yield
    finally:
        apprise_logger.removeFilter(guard)


def send(
    channels: list[Channel],
    subject: str,
    body: str,
    attachments: tuple[Path, ...] = (),
    kind: str = "failure",
) -> list[Delivery]:
    """Send one message to every channel, each tried up to ATTEMPTS times.

    Never raises: what went wrong is logged (masked, at INFO) and returned.
    """
    import apprise

    secrets = [s for c in channels for s in c.secrets()]
    body, subject = redact(body, secrets), redact(subject, secrets)
    deliveries = []
    with _apprise_logs_redacted(secrets):
        for channel in channels:
            delivery = _send_one(apprise, channel, subject, body, attachments, kind)
            deliveries.append(delivery)
            # a failure is a warning of the caller's: "not delivered", or "one channel
            # of several failed"
            logger.info("alerts: %s", delivery.summary())
    return deliveries


def _send_one(apprise, channel, subject, body, attachments, kind) -> Delivery:
    def failed(error: str, attempts: int) -> Delivery:
        return Delivery(channel.name, channel.audience, False, attempts, error)

    attach = apprise.AppriseAttachment([str(p) for p in attachments]) if attachments else None
    notify_type = {
        "failure": apprise.NotifyType.FAILURE,
        "resolved": apprise.NotifyType.SUCCESS,
    }.get(kind, apprise.NotifyType.INFO)
    error = "the service refused the message"
    for attempt in range(1, ATTEMPTS + 1):
        # a fresh notifier for each attempt: Apprise's own throttle (5.5 s for e-mail)
        # would add itself to the delays below
        notifier = apprise.Apprise()
        try:
            usable = notifier.add(channel.url)
        except Exception as raised:  # an odd URL must not stop the other channels
            return failed(f"unusable URL ({type(raised).__name__})", 0)
        if not usable:
            return failed("not a usable Apprise URL", 0)
        try:
            result = notifier.notify(
                body=body,
                title=subject,
                notify_type=notify_type,
                # plain text: no value from the data is ever read as HTML or Markdown
                body_format=apprise.NotifyFormat.TEXT,
                attach=attach,
            )
            if result:
                return Delivery(channel.name, channel.audience, True, attempt)
            error = _why(result, channel.secrets()) or error
        except Exception as raised:  # a plugin's bug is one failed attempt, no more
            error = type(raised).__name__
        if attempt < ATTEMPTS:
            time.sleep(RETRY_DELAYS_SECONDS[min(attempt - 1, len(RETRY_DELAYS_SECONDS) - 1)])
    return failed(error, ATTEMPTS)


def _why(result, secrets: list[str]) -> str | None:
    """The last warning Apprise noted while sending, masked: what the log would say."""
    said = [e.message for e in getattr(result, "logs", list)() if e.level in ("WARNING", "ERROR")]
    return redact(said[-1], secrets)[:200] if said else None
