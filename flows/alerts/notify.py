"""After a run: tell each audience what is new, once per distinct problem, never fail,
and never stay silent about an alert that did not go out.

For each audience the run's news is compared with what was already said:
a new problem set sends an alert; the same set as last time sends nothing; a run
that went well after a reported problem sends one "resolved" message; a run that
went well with nothing open, or that taught the audience nothing, sends nothing.
A problem counts as said once at least one channel took it.

An alert that should have gone out and that no channel took (none configured, every
one failed, or its channels could not even be read) is not said: it comes back as an
`Unsent`, logged as one warning line (German and English) that the command line shows
and the flow run's log and report keep. The next run tries again: with its own alert
while the problem lasts, and, when channels failed, with this very alert, marked as
delivered late, if the problem has passed meanwhile (kept in the state for a week).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from flows.alerts.messages import (
    Alert,
    RunInfo,
    curators_alert,
    late_alert,
    operators_alert,
    resolved_alert,
    test_alert,
    with_earlier_note,
)
from flows.alerts.outcome import CuratorNews, OperatorProblem, Outcome
from flows.alerts.state import AlertState, OpenProblem, Undelivered, alerting, now_utc

logger = logging.getLogger("flows.alerts")

CURATOR_HEADLINES = ("Fehler in den Rohdaten", "errors in the curated files")
AUDIENCES = ("curators", "operators")
#: the audiences as a German sentence names them
AUDIENCE_DE = {"curators": "die Datenpflege", "operators": "den Betrieb"}

#: how long later runs try to deliver an alert no channel took
LATE_FOR_DAYS = 7


@dataclass(frozen=True)
class Unsent:
    """An alert that should have gone out and that no channel took."""

    audience: str
    headline_de: str
    headline_en: str
    reason_de: str
    reason_en: str
    #: kept for a later run to deliver (not when no channel is configured at all)
    kept: bool = True

    def german(self) -> str:
        to = f"an {AUDIENCE_DE[self.audience]} " if self.audience in AUDIENCE_DE else ""
        return (
            f"Warnung: Meldung {to}nicht zugestellt ({self.headline_de}): "
            f"{self.reason_de}; der nächste Lauf versucht es erneut."
        )

    def english(self) -> str:
        to = f"to the {self.audience} " if self.audience in AUDIENCE_DE else ""
        return (
            f"Warning: alert {to}not delivered ({self.headline_en}): "
            f"{self.reason_en}; the next run tries again."
        )

    def line(self) -> str:
        """One line: German first, then English."""
        return f"{self.german()} / {self.english()}"


@dataclass
class AlertsResult:
    """What became of a run's alerts: every delivery, and every alert nobody got."""

    deliveries: list = field(default_factory=list)
    unsent: list[Unsent] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [u.line() for u in self.unsent]

    def notes(self) -> list[tuple[str, str]]:
        """German and English, for a report that shows both."""
        return [(u.german(), u.english()) for u in self.unsent]


def after_run(output: Path, outcome: Outcome, run: RunInfo | None = None) -> AlertsResult:
    """Send what the outcome calls for and remember it.

    Never raises: an alert is worth less than the run it reports on. But whatever did
    not go out is logged as a warning and returned, never just dropped.
    """
    try:
        result = _after_run(Path(output), outcome, run or RunInfo())
    except Exception as error:  # whatever breaks here must not break the run
        reason = f"error while alerting: {type(error).__name__}"
        headline = ("Meldungen des Laufs", "the run's alerts")
        result = AlertsResult(unsent=[_unsent("", headline, "Fehler beim Melden", reason)])
    for unsent in result.unsent:
        logger.warning("%s", unsent.line())
    return result


def after_command(output: Path, error: BaseException | None = None) -> AlertsResult:
    """The command line's alerts, for what it decides before a flow starts: a refusal
    (`error`), or a run with nothing to do, which may resolve an open problem or deliver
    an alert that no channel took before. With nothing pending, that costs one read of a
    small file and no import of Apprise."""
    if error is not None:
        return after_run(output, Outcome.failed(error))
    if not AlertState.of_store(output).pending:
        return AlertsResult()
    return after_run(output, Outcome.nothing_to_do(), RunInfo(without_flow="nothing_to_do"))


def _after_run(output: Path, outcome: Outcome, run: RunInfo) -> AlertsResult:
    result = AlertsResult()
    with alerting(output) as state:
        news = _news(outcome, state)
        late = [a for a in state.undelivered if a not in news]
        if not news and not late:
            return result  # nothing to say to anyone: no channel, no import of Apprise
        from flows.release.store import ReleaseStore

        store = ReleaseStore(output, keep=1)
        run = RunInfo(run.run_id, run.release or store.current_id(), store.output, run.without_flow)
        changed = False
        for audience in AUDIENCES:
            earlier = state.undelivered.get(audience)
            if audience in news:
                what, opened = news[audience]
                alert = _render(audience, what, run, outcome)
                alert = with_earlier_note(alert, earlier) if earlier else alert
            elif audience in late:
                alert = late_alert(audience, earlier, run, _over(audience, outcome))
            else:
                continue
            deliveries, unsent = _deliver(audience, alert)
            result.deliveries += deliveries
            if unsent is None:
                state.undelivered.pop(audience, None)
                if audience in news:
                    _remember(state, audience, opened)
            else:
                result.unsent.append(unsent)
                late_again = earlier if audience not in news else None
                if not unsent.kept and late_again is None:
                    continue  # no channel at all: the next run decides afresh
                _keep_undelivered(state, audience, alert, late_again, unsent.reason_en)
            changed = True
        if changed:
            try:
                state.save()
            except OSError as error:  # a full disk: the alert went out, it may go out again
                logger.warning("alerts: cannot save %s: %s", state.path, error)
    return result


def _remember(state: AlertState, audience: str, opened: OpenProblem | None) -> None:
    if opened is None:
        state.open.pop(audience, None)
    else:
        state.open[audience] = opened


def _keep_undelivered(
    state: AlertState, audience: str, alert: Alert, late: Undelivered | None, reason: str
) -> None:
    """A problem alert is kept for the next run (a late one as it was first written);
    a lost "resolved" needs no copy: its problem stays open, so the next good run says
    it again."""
    if late is not None and _days_since(late.since) > LATE_FOR_DAYS:
        logger.warning(
            "alerts: giving up an alert to the %s of %s: undeliverable for %d days (%s)",
            *(audience, late.since, LATE_FOR_DAYS, late.subject),
        )
        state.undelivered.pop(audience, None)
    elif late is not None:
        state.undelivered[audience] = replace(late, reason=reason, tries=late.tries + 1)
    elif alert.tone == "failure":
        state.undelivered[audience] = Undelivered(
            alert.kind,
            alert.headline_de,
            alert.headline_en,
            alert.subject,
            alert.body,
            now_utc(),
            reason,
        )


def _days_since(moment: str) -> float:
    try:
        then = dt.datetime.fromisoformat(moment)
    except ValueError:
        return float("inf")
    return (dt.datetime.now(dt.UTC) - then).total_seconds() / 86400


def _deliver(audience: str, alert: Alert) -> tuple[list, Unsent | None]:
    """Send to every channel of the audience; an Unsent unless at least one took it."""
    from flows.alerts import channels

    headline = (alert.headline_de, alert.headline_en)
    try:
        targets = channels.configured(audience)
    except channels.ChannelsUnreadable as error:
        return [], _unsent(
            audience, headline, "Kanäle nicht lesbar", f"channels unreadable: {error}"
        )
    except Exception as error:
        reason = f"error while alerting: {type(error).__name__}"
        return [], _unsent(audience, headline, "Fehler beim Melden", reason)
    if not targets:
        env_name = channels.ALERT_AUDIENCES[audience]
        reason = f"no channel configured ({env_name}, its Secret block or metadata.toml)"
        return [], replace(
            _unsent(audience, headline, "kein Kanal eingerichtet", reason), kept=False
        )
    try:
        sent = channels.send(targets, alert.subject, alert.body, alert.attachments, alert.tone)
    except Exception as error:  # send never raises; a bug in it must not silence the run
        reason = f"error while alerting: {type(error).__name__}"
        return [], _unsent(audience, headline, "Fehler beim Melden", reason)
    if any(d.ok for d in sent):
        for failed in (d for d in sent if not d.ok):
            logger.warning("alerts: %s; another channel took the alert", failed.summary())
        return sent, None
    failures = "; ".join(f"{d.channel}: {d.error}" for d in sent)
    return sent, _unsent(
        audience, headline, "kein Kanal hat sie angenommen", f"no channel took it: {failures}"
    )


def _unsent(audience: str, headline: tuple[str, str], reason_de: str, reason_en: str) -> Unsent:
    return Unsent(audience, *headline, reason_de, reason_en)


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
    elif "operators" in told and outcome.resolves(told["operators"]):
        news["operators"] = (told["operators"], None)
    return news


def _over(audience: str, outcome: Outcome) -> bool:
    """Whether this run shows that the audience's problems have passed."""
    if audience == "curators":
        return outcome.curators is not None and not outcome.curators.problems
    return outcome.operators_fine


def _opened(audience: str, news: CuratorNews | OperatorProblem) -> OpenProblem:
    if isinstance(news, CuratorNews):
        return OpenProblem(news.fingerprint, "invalid_input", *CURATOR_HEADLINES, now_utc())
    return OpenProblem(news.fingerprint, news.kind, news.headline_de, news.headline_en, now_utc())


def _render(audience: str, news, run: RunInfo, outcome: Outcome) -> Alert:
    if isinstance(news, CuratorNews):
        return curators_alert(news, run)
    if isinstance(news, OperatorProblem):
        return operators_alert(news, run)
    published = audience == "curators" or outcome.operators_fine
    return resolved_alert(audience, news, run, published)


def has_open_problems(output: Path) -> bool:
    """Cheap: whether a successful run has anything to say (reads one small file):
    a problem to resolve, or an alert that has not been delivered yet."""
    return AlertState.of_store(output).pending


def send_test_messages() -> dict[str, list]:
    """A test message to every configured channel of each audience: audience -> deliveries."""
    from flows.alerts import channels

    results: dict[str, list] = {}
    for audience in channels.AUDIENCES:
        try:
            targets = channels.configured(audience)
        except channels.ChannelsUnreadable as error:
            results[audience] = [channels.Delivery("(channels)", audience, False, 0, str(error))]
            continue
        alert = test_alert(audience)
        results[audience] = (
            channels.send(targets, alert.subject, alert.body, kind=alert.tone) if targets else []
        )
    return results
