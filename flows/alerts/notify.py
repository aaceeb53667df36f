"""After a run: tell each audience what is new, once per distinct problem, and never fail.

For each audience the run's news is compared with what was already said:
a new problem set sends an alert; the same set as last time sends nothing; a run
that went well after a reported problem sends one "resolved" message; a run that
went well with nothing open, or that taught the audience nothing, sends nothing.
A problem counts as said once at least one channel took it; when every channel
failed it is tried again on the next night.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flows.alerts.messages import (
    Alert,
    RunInfo,
    curators_alert,
    operators_alert,
    resolved_alert,
    test_alert,
)
from flows.alerts.outcome import CuratorNews, OperatorProblem, Outcome
from flows.alerts.state import AlertState, OpenProblem, now_utc

logger = logging.getLogger("flows.alerts")

CURATOR_HEADLINES = ("Fehler in den Rohdaten", "errors in the curated files")


def after_run(output: Path, outcome: Outcome, run: RunInfo | None = None) -> list:
    """Send what the outcome calls for and remember it; returns the deliveries.

    Never raises: an alert is worth less than the run it reports on.
    """
    try:
        return _after_run(Path(output), outcome, run or RunInfo())
    except Exception as error:  # whatever breaks here must not break the run
        logger.error("alerts: could not send the run's alerts: %s", type(error).__name__)
        return []


def _after_run(output: Path, outcome: Outcome, run: RunInfo) -> list:
    state = AlertState.of_store(output)
    news = _news(outcome, state)
    if not news:
        return []  # nothing new for anyone: no channel, no import of Apprise
    from flows.alerts import channels
    from flows.release.store import ReleaseStore

    store = ReleaseStore(output, keep=1)
    run = RunInfo(run.run_id, run.release or store.current_id(), store.output, run.without_flow)
    deliveries: list = []
    changed = False
    for audience, (what, opened) in news.items():
        targets = channels.configured(audience)
        if not targets:
            logger.info("alerts: no channel configured for the %s", audience)
            continue
        alert = _render(audience, what, run)
        sent = channels.send(targets, alert.subject, alert.body, alert.attachments, alert.tone)
        deliveries += sent
        if any(d.ok for d in sent):
            changed = True
            if opened is None:
                state.open.pop(audience, None)
            else:
                state.open[audience] = opened
    if changed:
        try:
            state.save()
        except OSError as error:  # a full disk: the alert went out, it may go out again
            logger.warning("alerts: cannot save %s: %s", state.path, error)
    return deliveries


def _news(outcome: Outcome, state: AlertState) -> dict[str, tuple]:
    """Per audience: (what to send, the open problem afterwards or None)."""
    news: dict[str, tuple] = {}
    told = state.open
    curators = outcome.curators
    if curators is not None:
        if curators.problems:
            if curators.fingerprint != getattr(told.get("curators"), "fingerprint", None):
                news["curators"] = (curators, _opened("curators", curators))
        elif "curators" in told:
            news["curators"] = (told["curators"], None)
    problem = outcome.operators
    if problem is not None:
        if problem.fingerprint != getattr(told.get("operators"), "fingerprint", None):
            news["operators"] = (problem, _opened("operators", problem))
    elif outcome.operators_fine and "operators" in told:
        news["operators"] = (told["operators"], None)
    return news


def _opened(audience: str, news: CuratorNews | OperatorProblem) -> OpenProblem:
    if isinstance(news, CuratorNews):
        return OpenProblem(news.fingerprint, "invalid_input", *CURATOR_HEADLINES, now_utc())
    return OpenProblem(news.fingerprint, news.kind, news.headline_de, news.headline_en, now_utc())


def _render(audience: str, news, run: RunInfo) -> Alert:
    if isinstance(news, CuratorNews):
        return curators_alert(news, run)
    if isinstance(news, OperatorProblem):
        return operators_alert(news, run)
    return resolved_alert(audience, news, run)


def has_open_problems(output: Path) -> bool:
    """Cheap: whether a successful run has anything to resolve (reads one small file)."""
    return bool(AlertState.of_store(output).open)


def send_test_messages() -> dict[str, list]:
    """A test message to every configured channel of each audience: audience -> deliveries."""
    from flows.alerts import channels

    results: dict[str, list] = {}
    for audience in channels.AUDIENCES:
        targets = channels.configured(audience)
        alert = test_alert(audience)
        results[audience] = (
            channels.send(targets, alert.subject, alert.body, kind=alert.tone) if targets else []
        )
    return results
