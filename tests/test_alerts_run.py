"""The alerts of real runs: `partnerships run` under Prefect, for each fault the project
already tests (invalid input, a held lock, a full disk, a failed target, a broken
metadata.toml, a crash), mailed to a real SMTP server and a webhook on loopback.

Each run is `cli.main` in this process, so the faults can be injected as the other
fault tests do (an ENOSPC writer, a held lock, an FTP server refusing the login).
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest
from conftest import tree_digest
from servers import free_port
from servers.ftp import FtpServer, ftp_server  # noqa: F401 - fixture
from servers.smtp import (  # noqa: F401 - fixtures
    SMTP_PASSWORD,
    SmtpServer,
    WebhookReceiver,
    smtp_server,
    webhook,
)
from test_alerts import CURATOR, OPERATOR, break_raw
from test_alerts_lost import LOCK_HELD, held_lock
from test_crash_safety import EPOCH, change_raw
from test_full_disk import fill_up, published_into, small_disk  # noqa: F401 - fixture
from test_locking import hold_lock

from flows import cli, pipeline
from flows.alerts import channels
from flows.alerts.messages import ENGLISH_RULE
from flows.alerts.state import AlertState

pytestmark = [
    pytest.mark.slow,
    pytest.mark.prefect,
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]
SUBJECT = "Partnerschaften Dortmund: "
FTP_WRONG_PASSWORD = "wrong-ftp-password-Xk4"


@pytest.fixture(autouse=True)
def settings(prefect_env, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(channels, "RETRY_DELAYS_SECONDS", (0.0,))
    for name in ("PREFECT_UI_URL", "PARTNERSHIPS_KEEP_RELEASES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def alerted(smtp_server: SmtpServer, webhook: WebhookReceiver, monkeypatch) -> SmtpServer:  # noqa: F811
    monkeypatch.setenv("PARTNERSHIPS_ALERT_CURATORS", smtp_server.url(CURATOR))
    monkeypatch.setenv(
        "PARTNERSHIPS_ALERT_OPERATORS", f"{smtp_server.url(OPERATOR)} {webhook.url()}"
    )
    smtp_server.webhook = webhook
    return smtp_server


def run(raw: Path, output: Path, *extra: str) -> int:
    return cli.main(["run", "--raw", str(raw), "--output", str(output), *extra])


def test_invalid_input_two_nights_then_fixed_then_a_held_lock(
    base_raw: Path, tmp_path: Path, alerted: SmtpServer
) -> None:
    output = tmp_path / "output"
    assert run(base_raw, output) == cli.EXIT_OK
    assert alerted.mails == []  # a good night with nothing open says nothing
    original = (base_raw / "events.csv").read_text(encoding="utf-8")
    break_raw(base_raw)
    assert run(base_raw, output) == cli.EXIT_INVALID
    [mail] = alerted.mails
    assert (mail.recipients, mail.subject) == (
        [CURATOR],
        f"{SUBJECT}1 Fehler in den Rohdaten – nichts veröffentlicht",
    )
    assert mail.attachment_names()[0] in ("report.html", "report.json")
    assert "real_calendar_date" in mail.text().split(ENGLISH_RULE)[0]
    assert alerted.webhook.bodies == []  # the webhook is the operators' channel here

    assert run(base_raw, output) == cli.EXIT_INVALID  # the same errors the next night
    assert len(alerted.mails) == 1

    (base_raw / "events.csv").write_text(original, encoding="utf-8")
    assert run(base_raw, output) == cli.EXIT_OK  # nothing to do: the release is current
    [_, resolved] = alerted.mails
    assert resolved.recipients == [CURATOR]
    assert resolved.subject == f"{SUBJECT}behoben – Fehler in den Rohdaten"
    assert "Lauf: nichts zu tun" in resolved.text()
    assert run(base_raw, output) == cli.EXIT_OK
    assert len(alerted.mails) == 2
    # issue 28's last step: another process holds the lock, a row is added, run
    with held_lock(output):
        change_raw(base_raw)
        assert run(base_raw, output) == cli.EXIT_BUSY
    [_, _, lock] = alerted.mails
    assert lock.recipients == [OPERATOR] and lock.subject.endswith(LOCK_HELD)
    assert len(alerted.webhook.bodies) == 1


def test_a_failed_target_alerts_the_operators_once(
    base_raw: Path,
    tmp_path: Path,
    alerted: SmtpServer,
    ftp_server: FtpServer,  # noqa: F811
    monkeypatch,
    caplog,
    capfd,
) -> None:
    monkeypatch.setenv("PARTNERSHIPS_FTP_PASSWORD", FTP_WRONG_PASSWORD)
    output, target = tmp_path / "output", ftp_server.url("opendata")
    with caplog.at_level(logging.DEBUG):
        assert run(base_raw, output, "--target", target) == cli.EXIT_PUBLISH
        assert run(base_raw, output, "--target", target) == cli.EXIT_PUBLISH
    [mail] = alerted.mails
    assert mail.recipients == [OPERATOR]
    assert mail.subject.endswith("Ein Veröffentlichungsziel konnte nicht beliefert werden")
    text = mail.text()
    assert target in text and "AuthenticationFailed" in text
    assert f"Die neue Veröffentlichung {output.resolve().name} ist lokal aktuell" in text
    assert "Lauf: " in text and "vor dem Start" not in text  # the flow run's id
    [message] = alerted.webhook.bodies
    assert message["title"] == mail.subject
    assert message["message"].strip() == text.strip()
    # what Prefect's console handler printed and what reached the log records
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    logged += "".join(capfd.readouterr())
    assert "AuthenticationFailed" in logged
    for secret in (FTP_WRONG_PASSWORD, SMTP_PASSWORD):
        assert secret not in logged
        assert secret.encode() not in mail.raw


def test_a_held_lock_alerts_the_operators(
    base_raw: Path, tmp_path: Path, alerted: SmtpServer
) -> None:
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    change_raw(base_raw)  # something new, so that the run wants the lock
    holder = hold_lock(output, 60)
    try:
        assert run(base_raw, output) == cli.EXIT_BUSY
        assert run(base_raw, output) == cli.EXIT_BUSY  # the next night: the same problem
    finally:
        holder.kill()
        holder.wait()
    [mail] = alerted.mails
    assert mail.recipients == [OPERATOR]
    assert mail.subject.endswith("Ein anderer Lauf hält die Sperre der Ausgabe zu lange")
    assert f"another run (PID {holder.pid}) is writing" in mail.text()
    assert "Lauf: vor dem Start in Prefect abgelehnt" in mail.text()


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_alerts_the_operators_and_a_good_night_resolves_it(
    base_raw: Path, tmp_path: Path, alerted: SmtpServer, monkeypatch
) -> None:
    output = tmp_path / "output"
    assert pipeline.run(base_raw, output).ok
    before = tree_digest(output)
    change_raw(base_raw)
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "write_dataset", no_space)
        assert run(base_raw, output) == cli.EXIT_OUTPUT
    assert tree_digest(output) == before
    [mail] = alerted.mails
    assert mail.subject.endswith("Der Datenträger der Ausgabe ist voll")
    assert "[Errno 28] No space left on device" in mail.text()
    assert f"Die bisherige Veröffentlichung {before['(points at)']} bleibt aktuell" in mail.text()

    assert run(base_raw, output) == cli.EXIT_OK
    [_, resolved] = alerted.mails
    assert resolved.recipients == [OPERATOR]
    assert resolved.subject == f"{SUBJECT}behoben – Der Datenträger der Ausgabe ist voll"
    assert len(alerted.webhook.bodies) == 2


def test_a_really_full_disk_is_mailed_although_the_state_cannot_be_saved(
    small_disk: Path,  # noqa: F811
    base_raw: Path,
    alerted: SmtpServer,
) -> None:
    """A 4 MB tmpfs shrunk to what it holds (root only, as in test_full_disk.py)."""
    output = published_into(small_disk, base_raw)
    change_raw(base_raw)
    fill_up(small_disk)
    # the failed build is removed, which frees what it took: fill the rest too, so that
    # not even the small alert state fits
    fill_the_rest(small_disk)
    assert run(base_raw, output) == cli.EXIT_OUTPUT
    [mail] = alerted.mails
    assert mail.subject.endswith("Der Datenträger der Ausgabe ist voll")
    # better twice than never: without its state the same alert goes out next night
    assert not (small_disk / "output.d" / "alerts.json").exists()
    assert run(base_raw, output) == cli.EXIT_OUTPUT
    assert len(alerted.mails) == 2


def fill_the_rest(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError as full:
        assert full.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_broken_metadata_file_and_a_crash_alert_the_operators(
    base_raw: Path, tmp_path: Path, alerted: SmtpServer, monkeypatch
) -> None:
    output = tmp_path / "output"
    broken = tmp_path / "metadata.toml"
    broken.write_text('[license]\nid = "gpl"\n', encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setenv("PARTNERSHIPS_METADATA", str(broken))
        assert run(base_raw, output) == cli.EXIT_USAGE
    [mail] = alerted.mails
    assert mail.subject.endswith("metadata.toml ist fehlerhaft")

    def crash(staging: Path) -> Path:
        raise KeyError("an unforeseen bug")

    monkeypatch.setattr(pipeline, "write_metadata", crash)
    with pytest.raises(KeyError):
        run(base_raw, output)
    [_, crashed] = alerted.mails
    assert crashed.subject.endswith("Unerwarteter Fehler im nächtlichen Lauf")
    assert "KeyError: 'an unforeseen bug'" in crashed.text()


@pytest.mark.parametrize("channel", ["none", "smtp-down", "webhook-500"])
def test_a_failing_channel_leaves_the_runs_result_unchanged(
    channel: str,
    base_raw: Path,
    tmp_path: Path,
    webhook: WebhookReceiver,  # noqa: F811
    monkeypatch,
) -> None:
    dead_smtp = (
        f"mailto://alerts:{SMTP_PASSWORD}@127.0.0.1:{free_port()}"
        f"?mode=insecure&from=a@stadtdo.example&to={OPERATOR}"
    )
    urls = {"none": "", "smtp-down": dead_smtp, "webhook-500": webhook.url()}[channel]
    webhook.status = 500
    for name in ("PARTNERSHIPS_ALERT_CURATORS", "PARTNERSHIPS_ALERT_OPERATORS"):
        monkeypatch.setenv(name, urls)
    output = tmp_path / "output"
    assert run(base_raw, output) == cli.EXIT_OK
    published = tree_digest(output)
    break_raw(base_raw)
    assert run(base_raw, output) == cli.EXIT_INVALID
    assert tree_digest(output) == published
    if channel == "webhook-500":
        assert webhook.requests == channels.ATTEMPTS


def test_channels_from_a_prefect_secret_block(
    base_raw: Path,
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch,
) -> None:
    """Inside the flow run a Secret block stands in for the environment variable."""
    from prefect.blocks.system import Secret

    for name in ("PARTNERSHIPS_ALERT_CURATORS", "PARTNERSHIPS_ALERT_OPERATORS"):
        monkeypatch.delenv(name, raising=False)
    Secret(value=smtp_server.url(CURATOR)).save("partnerships-alert-curators", overwrite=True)
    try:
        break_raw(base_raw)
        assert run(base_raw, tmp_path / "output", "--quarantine") == cli.EXIT_OK
    finally:
        Secret(value="").save("partnerships-alert-curators", overwrite=True)
    [mail] = smtp_server.mails
    assert mail.recipients == [CURATOR]
    # with --quarantine the valid rows went out: the curators still hear about the rest
    assert mail.subject == f"{SUBJECT}1 Fehler in den Rohdaten – Zeilen zurückgehalten"
    assert "Die fehlerfreien Zeilen wurden veröffentlicht" in mail.text()


def test_an_alert_nobody_received_is_said_by_the_run_and_its_report(
    base_raw: Path, tmp_path: Path, monkeypatch, capfd
) -> None:
    """Through the flow: the exit code stays 1, stderr says it in one line, the saved
    report keeps it, and the next run (the mail server back) tries again."""
    dead = (
        f"mailto://alerts:{SMTP_PASSWORD}@127.0.0.1:{free_port()}"
        f"?mode=insecure&from=a@stadtdo.example&to={CURATOR}"
    )
    monkeypatch.setenv("PARTNERSHIPS_ALERT_CURATORS", dead)
    monkeypatch.delenv("PARTNERSHIPS_ALERT_OPERATORS", raising=False)
    output = tmp_path / "output"
    break_raw(base_raw)
    capfd.readouterr()
    assert run(base_raw, output) == cli.EXIT_INVALID
    err = capfd.readouterr().err
    [line] = [x for x in err.splitlines() if "nicht zugestellt" in x]
    assert line.startswith(
        "Warnung: Meldung an die Datenpflege nicht zugestellt (1 Fehler in den Rohdaten): "
        "kein Kanal hat sie angenommen; der nächste Lauf versucht es erneut. / Warning: alert "
        "to the curators not delivered (1 error(s) in the curated files): no channel took it: "
    )
    assert SMTP_PASSWORD not in err
    [folder] = (tmp_path / "output.d" / "reports").iterdir()
    for name in ("report.txt", "report.md", "report.html", "report.json"):
        assert "nicht zugestellt" in (folder / name).read_text(encoding="utf-8"), name
    assert "curators" in AlertState.of_store(output).undelivered
    # and the flow run's log in Prefect has the same line
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # the logs go to the API in batches
    with get_client(sync_client=True) as client:
        logged = [log.message for log in client.read_logs()]
    assert line in logged
