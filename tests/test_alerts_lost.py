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
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from servers.browser import artifacts, chromium  # noqa: F401 - fixtures
from servers.smtp import SMTP_PASSWORD, SmtpServer, smtp_server  # noqa: F401 - fixture
from test_alerts import CURATOR, OPERATOR
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
#: two runs alerting at once: how often the race is run (it lost 15 to 25 of 30 before)
RACES = 20


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
        # the issue: good, broken twice, fixed, unchanged, refused
        ("good invalid invalid fixed unchanged refused", 1),
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
    (15 to 25 losses in 30 races; the first one within the first 3 races)."""
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
