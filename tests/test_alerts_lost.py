"""No alert is lost in silence (issue 28): the operators hear about every new lock
refusal whatever came before it, two runs alerting at once lose nothing, and an alert
that no channel took is said on stderr, in the run's report and again by the next run.

The nights are driven as the flow and the command line drive them, without Prefect:
`pipeline.run` and `after_run` for a run that validates (what `flows.nightly` does),
`cli.main` for a run refused at the lock or with nothing to do (neither starts Prefect),
so that a sequence of nights takes seconds. Mail goes to a real aiosmtpd on loopback.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO
from prefect.settings import PREFECT_API_URL, temporary_settings
from servers import free_port
from servers.browser import artifacts, chromium  # noqa: F401 - fixtures
from servers.smtp import SMTP_PASSWORD, SmtpServer, smtp_server  # noqa: F401 - fixture
from test_alerts import CURATOR, OPERATOR, break_raw
from test_locking import hold_lock

from flows import cli, pipeline
from flows.alerts import channels
from flows.alerts.messages import RunInfo
from flows.alerts.notify import after_run
from flows.alerts.outcome import Outcome
from flows.alerts.state import AlertState
from flows.common.report import Problem, Report
from flows.release.store import ReleaseStore

pytestmark = [
    pytest.mark.slow,  # lock holders are processes of their own
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]
LOCK_HELD = "Ein anderer Lauf hält die Sperre der Ausgabe zu lange"
#: a lock holder as in the issue: opens the lock file to append, locks, writes a byte
HOLDER = (
    "import fcntl, sys, time\n"
    "with open(sys.argv[1], 'a') as lock:\n"
    "    fcntl.flock(lock, fcntl.LOCK_EX)\n"
    "    lock.write('x'); lock.flush()\n"
    "    print('locked', flush=True)\n"
    "    time.sleep(120)\n"
)
#: two runs alerting at once: how often the race is run (before alerts.lock it lost 15
#: to 22 races of 30, so 10 races miss it with a chance below 1 in 1000)
RACES = 10


@pytest.fixture(autouse=True)
def settings(monkeypatch) -> None:
    monkeypatch.setattr(channels, "RETRY_DELAYS_SECONDS", (0.0,))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    for name in ("PREFECT_API_URL", "PREFECT_UI_URL", "PARTNERSHIPS_KEEP_RELEASES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def mail(smtp_server: SmtpServer, monkeypatch) -> SmtpServer:  # noqa: F811
    monkeypatch.setenv("PARTNERSHIPS_ALERT_CURATORS", smtp_server.url(CURATOR))
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", smtp_server.url(OPERATOR))
    return smtp_server


@pytest.fixture
def shipped_raw(tmp_path: Path) -> Path:
    """A copy of the shipped raw/, as the issue was tried on."""
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    return raw


class Nights:
    """One store and the nights run on it."""

    def __init__(self, raw: Path, output: Path) -> None:
        self.raw, self.output = raw, output
        self.events = raw / "events.csv"
        self.original = self.events.read_text(encoding="utf-8")
        self.added = 0

    def validating(self) -> int:
        """A night that validates: what the flow does (publish or refuse, then alert)."""
        result = pipeline.run(self.raw, self.output)
        outcome = (
            Outcome.succeeded(result.report, result.report_folder)
            if result.ok
            else Outcome.invalid(result.report, result.report_folder)
        )
        after_run(self.output, outcome, RunInfo("flow-run"))
        return cli.EXIT_OK if result.ok else cli.EXIT_INVALID

    def command(self) -> int:
        """A night the command line decides alone: nothing to do, or refused."""
        return cli.main(["run", "--raw", str(self.raw), "--output", str(self.output)])

    def impossible_day(self) -> None:
        self.events.write_text(self.original.replace(",2022,3,31,", ",2022,2,31,"), "utf-8")

    def day_fixed(self) -> None:
        self.events.write_text(self.original, "utf-8")

    def add_row(self) -> None:
        """One more event, so that the next run wants the lock."""
        self.added += 1
        last = self.original.splitlines(keepends=True)[-1]
        row = last.replace(last.split(",")[0], f"added-event-{self.added}", 1)
        text = self.events.read_text(encoding="utf-8")
        self.events.write_text(text + row, "utf-8")

    def refused(self) -> int:
        """Step 6 of the issue: another process holds the lock; a row is added; run."""
        with held_lock(self.output):
            self.add_row()
            return self.command()


@contextlib.contextmanager
def held_lock(output: Path) -> Iterator[subprocess.Popen]:
    store = ReleaseStore(output)
    store.home.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.lock_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def lock_alerts(server: SmtpServer) -> list:
    """The operators' "lock held" alerts (not the "resolved" messages)."""
    failed = f"fehlgeschlagen – {LOCK_HELD}"
    return [m for m in server.mails if m.recipients == [OPERATOR] and m.subject.endswith(failed)]


def test_the_issues_sequence_tells_the_operators_once(
    shipped_raw: Path, tmp_path: Path, mail: SmtpServer, capfd
) -> None:
    """Steps 1 to 6 of the issue, on a copy of the shipped raw/."""
    nights = Nights(shipped_raw, tmp_path / "output")
    assert nights.validating() == cli.EXIT_OK  # 1. a good first run
    nights.impossible_day()
    assert nights.validating() == cli.EXIT_INVALID  # 2. one mail to the curators
    assert nights.validating() == cli.EXIT_INVALID  # 3. the same again: no mail
    nights.day_fixed()
    assert nights.command() == cli.EXIT_OK  # 4. nothing to do: one "resolved" mail
    assert nights.command() == cli.EXIT_OK  # 5. nothing changed: no mail
    assert [m.recipients for m in mail.mails] == [[CURATOR], [CURATOR]]
    capfd.readouterr()
    assert nights.refused() == cli.EXIT_BUSY  # 6.
    [lock] = lock_alerts(mail)
    assert "Lauf: vor dem Start in Prefect abgelehnt" in lock.text()
    assert "Warnung" not in capfd.readouterr().err  # it went out: nothing to warn about


@pytest.mark.parametrize(
    ("story", "lock_mails"),
    [
        # a stuck run blocking two nights in a row is one problem
        ("good refused refused", 1),
        # a night that got the lock (invalid input) ends the first refusal: the second
        # is news again (before: silence, it matched the first one's fingerprint)
        ("good refused invalid refused", 2),
        ("good refused invalid invalid fixed unchanged refused", 2),
        # another run took the lock since the first refusal: a new holder, a new problem
        ("good refused taken-and-refused", 2),
    ],
)
def test_every_new_lock_refusal_reaches_the_operators(
    story: str, lock_mails: int, shipped_raw: Path, tmp_path: Path, mail: SmtpServer
) -> None:
    nights = Nights(shipped_raw, tmp_path / "output")
    for night in story.split():
        if night == "good":
            assert nights.validating() == cli.EXIT_OK
        elif night == "invalid":
            nights.impossible_day()
            assert nights.validating() == cli.EXIT_INVALID
        elif night == "fixed":
            nights.day_fixed()
            assert nights.command() == cli.EXIT_OK
        elif night == "unchanged":
            assert nights.command() == cli.EXIT_OK
        elif night == "refused":
            assert nights.refused() == cli.EXIT_BUSY
        elif night == "taken-and-refused":
            # a run of ours holds the lock (its PID in the lock file); another is refused
            holder = hold_lock(nights.output, 60)
            try:
                nights.add_row()
                assert nights.command() == cli.EXIT_BUSY
            finally:
                holder.kill()
                holder.wait()
    assert len(lock_alerts(mail)) == lock_mails


def test_two_runs_alerting_at_once_lose_nothing(tmp_path: Path, mail: SmtpServer) -> None:
    """The run holding the lock finishes (the curators' problem is gone) while the run
    it refused alerts the operators. Before alerts.json was read and written under a
    lock of its own, the later writer put back what the other had just resolved: the
    curators' next identical problem was then taken for one already told, and dropped
    (15 to 22 of 30 races lost)."""
    problem = Problem.of(
        "not_a_date", dataset="events", file="events.csv", line=3, column="day", value="30"
    )
    invalid = Outcome.invalid(Report([problem]), None)
    lost = []
    for race in range(RACES):
        output = tmp_path / f"output-{race}"
        after_run(output, invalid)  # last night: the curators were told
        holder_done = Outcome.nothing_to_do()
        refused = Outcome.failed(_lock_busy(output))
        runs = [
            threading.Thread(target=after_run, args=(output, holder_done)),
            threading.Thread(target=after_run, args=(output, refused)),
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        # the operators heard of the refusal, and maybe already that it is over
        assert f"Ausgabe: {output}\n" in lock_alerts(mail)[-1].text()
        assert "curators" not in AlertState.of_store(output).open
        told = len(mail.mails)
        after_run(output, invalid)  # the same mistake again the night after: news
        if not [m for m in mail.mails[told:] if m.recipients == [CURATOR]]:
            lost.append(race)
    assert lost == []


def _lock_busy(output: Path):
    """The error a refused run gets, with the lock file's PID as holder."""
    from flows.release.store import LockBusy

    return LockBusy(f"another run (PID 4242) is writing {output}", "4242")


# --- an alert no channel took is said, and tried again -------------------------------


@pytest.fixture
def broken_prefect_api(monkeypatch) -> Iterator[str]:
    """A Prefect API answering every request with 500, as a server in trouble may."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_PATCH = do_GET

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)  # what a process started with it sees
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):  # Prefect read it already
            yield url
    finally:
        httpd.shutdown()
        httpd.server_close()


def dead_smtp(to: str) -> str:
    """A mailto:// URL with nobody listening on its port."""
    return (
        f"mailto://alerts:{SMTP_PASSWORD}@127.0.0.1:{free_port()}"
        f"?mode=insecure&from=a@stadtdo.example&to={to}"
    )


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Warnung: ")]


@pytest.mark.parametrize(
    ("channel", "reason"),
    [
        (
            "none",
            "kein Kanal eingerichtet; der nächste Lauf versucht es erneut. / Warning: alert to "
            "the operators not delivered (Another run has held the output's lock for too "
            "long): no channel configured (PARTNERSHIPS_ALERT_OPERATORS, its Secret block or "
            "metadata.toml)",
        ),
        ("smtp-down", "no channel took it: mailto://127.0.0.1:"),
        (
            "secret-block-unreadable",
            "channels unreadable: Secret block partnerships-alert-operators: "
            "PrefectHTTPStatusError",
        ),
    ],
)
def test_a_refusal_nobody_hears_of_is_said_in_one_line(
    channel: str, reason: str, base_raw: Path, tmp_path: Path, monkeypatch, capfd, request
) -> None:
    for name in ("PARTNERSHIPS_ALERT_CURATORS", "PARTNERSHIPS_ALERT_OPERATORS"):
        monkeypatch.delenv(name, raising=False)
    if channel == "smtp-down":
        monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", dead_smtp(OPERATOR))
    if channel == "secret-block-unreadable":
        request.getfixturevalue("broken_prefect_api")
    nights = Nights(base_raw, tmp_path / "output")
    assert pipeline.run(base_raw, nights.output).ok
    capfd.readouterr()
    assert nights.refused() == cli.EXIT_BUSY  # the exit code stays what it was
    err = capfd.readouterr().err
    [line] = warnings_in(err)
    assert line.startswith(
        "Warnung: Meldung an den Betrieb nicht zugestellt (Ein anderer Lauf hält die Sperre "
        "der Ausgabe zu lange): "
    )
    assert reason in line and line.endswith("; the next run tries again.")
    assert SMTP_PASSWORD not in err
    assert err.startswith("error: another run (PID ")
    # a channel that failed keeps the alert for the next run; no channel at all does not
    kept = AlertState.of_store(nights.output).undelivered
    assert ("operators" in kept) is (channel != "none")


def test_the_next_run_delivers_what_no_channel_took(
    base_raw: Path,
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch,
    capfd,
) -> None:
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", dead_smtp(OPERATOR))
    nights = Nights(base_raw, tmp_path / "output")
    assert pipeline.run(base_raw, nights.output).ok
    assert nights.refused() == cli.EXIT_BUSY
    assert len(warnings_in(capfd.readouterr().err)) == 1
    # the next night: the mail server is back, the lock free, nothing to do
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", smtp_server.url(OPERATOR))
    nights.day_fixed()
    assert nights.command() == cli.EXIT_OK
    [late] = smtp_server.mails
    assert late.subject == (
        f"Partnerschaften Dortmund: nachgereicht – nächtlicher Lauf fehlgeschlagen – {LOCK_HELD}"
    )
    text = late.text()
    assert text.startswith("Nachgereicht: Diese Meldung vom ")
    assert "Inzwischen ist das Problem behoben." in text
    assert f"{LOCK_HELD}.\n\nFehler:\nLockBusy: another run (PID " in text  # the alert itself
    assert not warnings_in(capfd.readouterr().err)
    assert not AlertState.of_store(nights.output).pending
    assert nights.command() == cli.EXIT_OK  # said once: the night after says nothing
    assert len(smtp_server.mails) == 1


def test_a_late_alert_is_given_up_after_a_week(tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", dead_smtp(OPERATOR))
    output = tmp_path / "output"
    after_run(output, Outcome.failed(_lock_busy(output)))
    state = AlertState.of_store(output)
    state.undelivered["operators"] = replace(
        state.undelivered["operators"], since="2026-01-01T02:00:00+00:00"
    )
    state.save()
    result = after_run(output, Outcome.nothing_to_do())
    assert [u.audience for u in result.unsent] == ["operators"]  # tried once more, said
    assert "giving up an alert to the operators of 2026-01-01T02:00:00+00:00" in caplog.text
    assert not AlertState.of_store(output).pending


def test_one_failed_channel_of_two_is_a_warning_not_a_lost_alert(
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch,
    caplog,
) -> None:
    monkeypatch.setenv(
        "PARTNERSHIPS_ALERT_OPERATORS", f"{dead_smtp(OPERATOR)} {smtp_server.url(OPERATOR)}"
    )
    result = after_run(tmp_path / "output", Outcome.failed(_lock_busy(tmp_path / "output")))
    assert result.unsent == [] and len(smtp_server.mails) == 1
    ours = [r for r in caplog.records if r.name == "flows.alerts" and r.levelname == "WARNING"]
    [warning] = [r.getMessage() for r in ours]
    assert warning.startswith("alerts: operators: mailto://127.0.0.1:")
    assert warning.endswith("; another channel took the alert")


def test_the_report_says_which_alert_nobody_received(
    base_raw: Path,
    tmp_path: Path,
    monkeypatch,
    chromium,  # noqa: F811
    artifacts,  # noqa: F811
) -> None:
    """What the flow does after invalid input: alert, then note the lost alert in the
    report it saved (which went out, or should have, as the alert's attachment)."""
    monkeypatch.setenv("PARTNERSHIPS_ALERT_CURATORS", dead_smtp(CURATOR))
    break_raw(base_raw)
    result = pipeline.run(base_raw, tmp_path / "output")
    alerts = after_run(tmp_path / "output", Outcome.invalid(result.report, result.report_folder))
    hostile = ("<script>alert(1)</script>", "<b>bold?</b>")  # escaped like any value
    pipeline.add_report_notes(result.report_folder, result.report, [*alerts.notes(), hostile])
    folder = result.report_folder
    german = "Warnung: Meldung an die Datenpflege nicht zugestellt (1 Fehler in den Rohdaten)"
    english = "Warning: alert to the curators not delivered (1 error(s) in the curated files)"
    text = (folder / "report.txt").read_text(encoding="utf-8")
    assert text.splitlines()[-2].startswith(german) and english in text
    [note, _] = json.loads((folder / "report.json").read_text(encoding="utf-8"))["notes"]
    assert note["de"].startswith(german) and note["en"].startswith(english)
    assert "## Hinweise / Notes" in (folder / "report.md").read_text(encoding="utf-8")
    visit = chromium.visit(folder / "report.html", name="report-alert-lost", screenshots=artifacts)
    assert visit.clean, visit.problems()
    assert german in visit.text and english in visit.text
    assert hostile[0] in visit.text and hostile[1] in visit.text
    assert "<script>" not in (folder / "report.html").read_text(encoding="utf-8")


def test_the_run_summary_lists_what_nobody_received() -> None:
    """The Markdown summary Prefect keeps as the run's artifact."""
    from flows.release import summary

    done = summary.failed("LockBusy: another run (PID 7) is writing", None, 0.0)
    done.alerts_unsent = ["Warnung: ... / Warning: ...: mailto://127.0.0.1:25/…: *x* <b>"]
    markdown = done.to_markdown()
    assert "## Meldungen / Alerts" in markdown
    assert "- **Warnung: ... / Warning: ...: mailto://127.0.0.1:25/…: \\*x\\* \\<b\\>**" in markdown
    assert "Meldungen" not in summary.failed("x", None, 0.0).to_markdown()
