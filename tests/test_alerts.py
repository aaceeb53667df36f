"""Alerts as plain functions, sent through Apprise to a real SMTP server and a real
webhook receiver on loopback: who hears what, once per distinct problem, and that a
failing channel or a secret never leaks into the run, a log or a mail."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from servers import free_port
from servers.smtp import (  # noqa: F401 - fixtures
    SMTP_PASSWORD,
    SmtpServer,
    WebhookReceiver,
    smtp_server,
    webhook,
)

from flows import pipeline
from flows.alerts import channels
from flows.alerts.messages import ENGLISH_RULE, RunInfo
from flows.alerts.notify import after_run, has_open_problems, send_test_messages
from flows.alerts.outcome import CuratorNews, Outcome
from flows.alerts.state import AlertState
from flows.common.report import Problem
from flows.describe.alert_settings import load_alert_urls, parse_alerts
from flows.describe.metadata import MetadataError
from flows.release.store import LockBusy

CURATOR = "kuratorin@stadtdo.example"
OPERATOR = "betrieb@stadtdo.example"
EPOCH = "1764000000"
# the test server takes a login without TLS on purpose: loopback, a test-only password
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch) -> None:
    monkeypatch.setattr(channels, "RETRY_DELAYS_SECONDS", (0.0,))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for name in ("PARTNERSHIPS_ALERT_CURATORS", "PARTNERSHIPS_ALERT_OPERATORS"):
        monkeypatch.delenv(name, raising=False)
    for name in ("PREFECT_API_URL", "PREFECT_UI_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def mail_to_both(smtp_server: SmtpServer, monkeypatch) -> SmtpServer:  # noqa: F811
    monkeypatch.setenv("PARTNERSHIPS_ALERT_CURATORS", smtp_server.url(CURATOR))
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", smtp_server.url(OPERATOR))
    return smtp_server


def break_raw(raw: Path, day: str = "30") -> None:
    """Turn 1977-07-04 into 1977-02-<day>: a date that does not exist."""
    path = raw / "events.csv"
    text = path.read_text(encoding="utf-8")
    assert ",7,4," in text
    path.write_text(text.replace(",7,4,", f",2,{day},"), encoding="utf-8")


def invalid_night(raw: Path, output: Path, run_id: str = "run-1") -> list:
    result = pipeline.run(raw, output)
    assert not result.ok
    return after_run(output, Outcome.invalid(result.report, result.report_folder), RunInfo(run_id))


def good_night(raw: Path, output: Path) -> list:
    result = pipeline.run(raw, output)
    assert result.ok
    return after_run(output, Outcome.succeeded(result.report, result.report_folder))


def problem(line: int, value: str = "30", key: str = "k-1", rule: str = "not_a_date") -> Problem:
    return Problem.of(
        rule, dataset="events", file="events.csv", line=line, column="day", value=value, key=key
    )


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (problem(line=9), True),  # a row added above moves the line: the same problem
        (problem(line=4, value="31"), False),  # another wrong value: news for the curators
        (problem(line=4, key="k-2"), False),
        (problem(line=4, rule="month_range"), False),
    ],
)
def test_a_problem_set_is_the_same_on_another_night_only_if_it_is(other, same: bool) -> None:
    first = CuratorNews((problem(line=4),))
    assert (first.fingerprint == CuratorNews((other,)).fingerprint) is same


def test_operator_fingerprints_ignore_messages_but_not_the_lock_holder() -> None:
    one = Outcome.failed(LockBusy("another run (PID 11) is writing /srv/output", "11")).operators
    same = Outcome.failed(LockBusy("another run (PID 11) is still writing", "11")).operators
    other = Outcome.failed(LockBusy("another run (PID 42) is writing /srv/output", "42")).operators
    assert one.kind == "lock_busy" and one.fingerprint == same.fingerprint
    # a stuck run is one problem; another run holding the lock later is a new one
    assert one.fingerprint != other.fingerprint
    full = Outcome.failed(OSError(errno.ENOSPC, "No space left on device")).operators
    read_only = Outcome.failed(OSError(errno.EROFS, "Read-only file system")).operators
    assert (full.kind, read_only.kind) == ("disk_full", "output_unwritable")
    assert full.fingerprint != read_only.fingerprint


def test_invalid_input_mails_the_curators_once_with_the_report(
    base_raw: Path,
    tmp_path: Path,
    mail_to_both: SmtpServer,
) -> None:
    output = tmp_path / "output"
    assert good_night(base_raw, output).deliveries == []  # nothing open, nothing to say
    break_raw(base_raw)
    result = pipeline.run(base_raw, output)
    (result.report_folder / "events.fehler.xlsx").write_bytes(b"PK annotated copy")
    after_run(output, Outcome.invalid(result.report, result.report_folder), RunInfo("run-1"))

    [mail] = mail_to_both.mails
    assert mail.recipients == [CURATOR]
    assert (
        mail.subject == "Partnerschaften Dortmund: 1 Fehler in den Rohdaten – nichts veröffentlicht"
    )
    body = mail.text()
    german, english = body.split(ENGLISH_RULE)
    assert "events.csv, Zeile 3, Spalte day, Wert '30'" in german
    assert "Jahr, Monat und Tag ergeben kein echtes Kalenderdatum" in german
    assert "events.csv, line 3, column day, value '30'" in english
    assert "die bisherige Veröffentlichung 2025-11-24-" in german
    assert "Lauf: run-1" in german and "Run: run-1" in english
    # the run writes report.html beside report.json: the page, not the JSON, is attached
    assert mail.attachment_names() == ["report.html", "events.fehler.xlsx"]
    page = mail.attachment("report.html").decode("utf-8")
    assert "<h2>events.csv</h2>" in page and "real_calendar_date" in page
    assert mail.message.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in mail.message.walk()][1] == "text/plain"

    invalid_night(base_raw, output, "run-2")  # the same problems the next night: silence
    assert len(mail_to_both.mails) == 1
    assert AlertState.of_store(output).open["curators"].kind == "invalid_input"

    (base_raw / "events.csv").write_text(
        (base_raw / "events.csv").read_text(encoding="utf-8").replace(",2,30,", ",7,4,"), "utf-8"
    )
    good_night(base_raw, output)
    [_, resolved] = mail_to_both.mails
    assert resolved.recipients == [CURATOR]
    assert resolved.subject.startswith("Partnerschaften Dortmund: behoben")
    assert not has_open_problems(output)
    good_night(base_raw, output)  # nothing to do, nothing open: nothing sent
    assert len(mail_to_both.mails) == 2


def test_a_new_problem_set_is_news_again(
    base_raw: Path, tmp_path: Path, mail_to_both: SmtpServer
) -> None:
    output = tmp_path / "output"
    break_raw(base_raw, "30")
    invalid_night(base_raw, output)
    (base_raw / "events.csv").write_text(
        (base_raw / "events.csv").read_text(encoding="utf-8").replace(",2,30,", ",2,31,"), "utf-8"
    )
    invalid_night(base_raw, output)
    assert [m.text().count("Wert '3") for m in mail_to_both.mails] == [1, 1]
    assert "Wert '31'" in mail_to_both.mails[1].text()


def test_operators_hear_about_a_failed_target_and_curators_do_not(
    tmp_path: Path, mail_to_both: SmtpServer
) -> None:
    output = tmp_path / "output"
    failures = {"ftp://dortmund@127.0.0.1:2121/portal": PermissionError("530 Login incorrect.")}
    after_run(output, Outcome.targets_failed(failures), RunInfo("run-7", "2026-01-01-abc"))
    [mail] = mail_to_both.mails
    assert mail.recipients == [OPERATOR]
    assert mail.subject == (
        "Partnerschaften Dortmund: nächtlicher Lauf fehlgeschlagen – "
        "Ein Veröffentlichungsziel konnte nicht beliefert werden"
    )
    text = mail.text()
    assert "ftp://dortmund@127.0.0.1:2121/portal: PermissionError: 530 Login incorrect." in text
    assert "Die neue Veröffentlichung 2026-01-01-abc ist lokal aktuell" in text
    assert "Lauf: run-7" in text


def test_the_prefect_ui_link_when_a_server_is_used(
    tmp_path: Path, mail_to_both: SmtpServer, monkeypatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.stadtdo.example:4200/api")
    after_run(tmp_path / "output", Outcome.failed(RuntimeError("boom")), RunInfo("f-123"))
    link = "http://prefect.stadtdo.example:4200/runs/flow-run/f-123"
    assert f"Lauf: f-123 ({link})" in mail_to_both.mails[0].text()


def test_the_webhook_gets_one_json_message_with_the_mails_fields(
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: F811
    webhook: WebhookReceiver,  # noqa: F811
    monkeypatch,
) -> None:
    monkeypatch.setenv(
        "PARTNERSHIPS_ALERT_OPERATORS", f"{smtp_server.url(OPERATOR)}, {webhook.url()}"
    )
    error = OSError(errno.ENOSPC, "No space left on device")
    after_run(tmp_path / "output", Outcome.failed(error), RunInfo("run-3"))
    after_run(tmp_path / "output", Outcome.failed(error), RunInfo("run-4"))
    [mail] = smtp_server.mails
    [message] = webhook.bodies
    assert message["title"] == mail.subject
    assert message["message"].strip() == mail.text().strip()
    assert message["type"] == "failure"
    assert "Der Datenträger der Ausgabe ist voll" in message["title"]
    assert "[Errno 28] No space left on device" in message["message"]


def test_a_failing_channel_is_retried_logged_and_tried_again_next_night(
    tmp_path: Path,
    webhook: WebhookReceiver,  # noqa: F811
    monkeypatch,
    caplog,
) -> None:
    down = f"mailto://alerts:{SMTP_PASSWORD}@127.0.0.1:{free_port()}?mode=insecure&from=a@b.example&to={OPERATOR}"
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", f"{down} {webhook.url()}")
    webhook.status = 500
    output = tmp_path / "output"
    with caplog.at_level(logging.DEBUG):
        deliveries = after_run(output, Outcome.failed(RuntimeError("boom"))).deliveries
    assert [(d.ok, d.attempts) for d in deliveries] == [(False, 3), (False, 3)]
    assert webhook.requests == channels.ATTEMPTS
    assert "FAILED after 3 attempt(s)" in caplog.text
    state = AlertState.of_store(output)
    assert not state.open  # nobody heard it: not said, so the next night says it again
    assert state.undelivered["operators"].reason.startswith("no channel took it: mailto://")
    webhook.status = 200
    after_run(output, Outcome.failed(RuntimeError("boom")))
    [message] = webhook.bodies
    assert message["message"].startswith("Hinweis: Eine frühere Meldung vom ")
    state = AlertState.of_store(output)
    assert state.open["operators"].kind == "crash" and not state.undelivered
    assert SMTP_PASSWORD not in caplog.text


def test_secrets_never_reach_a_log_or_a_mail(
    tmp_path: Path, mail_to_both: SmtpServer, caplog, capsys
) -> None:
    token = "hook-token-9f8e7d6c5b4a"
    error = RuntimeError(f"crashed while sending to json://127.0.0.1:1/{token}")
    os.environ["PARTNERSHIPS_ALERT_OPERATORS"] += f" json://127.0.0.1:{free_port()}/{token}"
    with caplog.at_level(logging.DEBUG):
        after_run(tmp_path / "output", Outcome.failed(error))
        assert send_test_messages()["curators"][0].ok
    ours = [r.getMessage() for r in caplog.records if r.name != "mail.log"]  # not the server's
    logged = "\n".join(ours) + "".join(capsys.readouterr())
    assert "alerts: operators: mailto://127.0.0.1:" in logged
    for secret in (SMTP_PASSWORD, token):
        assert secret not in logged
        for mail in mail_to_both.mails:
            assert secret.encode() not in mail.raw
    assert "***" in mail_to_both.mails[0].text()  # the token in the error was redacted


def test_a_crash_while_alerting_never_reaches_the_run(tmp_path: Path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("the alerts themselves are broken")

    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", "json://127.0.0.1:9/x")
    monkeypatch.setattr(channels, "send", broken)
    result = after_run(tmp_path / "output", Outcome.failed(ValueError("x")))
    assert result.deliveries == []
    [unsent] = result.unsent  # but the run says that nobody heard about it
    assert unsent.audience == "operators"
    assert "error while alerting: RuntimeError" in unsent.line()


def test_the_state_survives_a_restart_and_is_replaced_atomically(tmp_path: Path) -> None:
    state = AlertState.of_store(tmp_path / "output")
    assert state.path == tmp_path / "output.d" / "alerts.json" and not state.open
    state.path.parent.mkdir()
    state.path.write_text("{half written", encoding="utf-8")
    assert AlertState.of_store(tmp_path / "output").open == {}
    from flows.alerts.state import OpenProblem

    state.open["operators"] = OpenProblem("abc", "disk_full", "voll", "full", "2026-01-01")
    state.save()
    assert AlertState.of_store(tmp_path / "output").open == state.open
    assert sorted(p.name for p in state.path.parent.iterdir()) == ["alerts.json"]


def test_channels_from_the_environment_win_over_metadata_toml(tmp_path: Path, monkeypatch) -> None:
    metadata = tmp_path / "metadata.toml"
    metadata.write_text(
        '[alerts]\ncurators = ["mailtos://smtp.stadtdo.example?to=a@stadtdo.example"]\n'
        'operators = "json://hooks.stadtdo.example/a, jsons://hooks.stadtdo.example/b"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(metadata))
    assert [c.name for c in channels.configured("operators")] == [
        "json://hooks.stadtdo.example/…",
        "jsons://hooks.stadtdo.example/…",
    ]
    monkeypatch.setenv(
        "PARTNERSHIPS_ALERT_OPERATORS",
        "json://127.0.0.1:8/x,mailto://127.0.0.1:9?to=a@stadtdo.example,b@stadtdo.example",
    )
    assert [c.url for c in channels.configured("operators")] == [
        "json://127.0.0.1:8/x",
        "mailto://127.0.0.1:9?to=a@stadtdo.example,b@stadtdo.example",
    ]
    assert load_alert_urls(metadata)["curators"] == [
        "mailtos://smtp.stadtdo.example?to=a@stadtdo.example"
    ]


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ({"curators": ["mailtos://user:pw-Hq81@smtp.example.org"]}, "entry 1 holds a password"),
        ({"operators": ["not a url"]}, "entry 1 is not an Apprise URL"),
        ({"operators": [1]}, "must be a list of Apprise URLs"),
        ({"admins": []}, "alerts.admins: is not one of"),
    ],
)
def test_a_broken_alerts_table_is_refused_without_quoting_the_url(table, complaint) -> None:
    with pytest.raises(MetadataError, match=complaint) as refused:
        parse_alerts({"alerts": table})
    assert "pw-Hq81" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "mailtos://alerts:pw@smtp.stadtdo.example:587?to=a@b.example",
            "mailtos://smtp.stadtdo.example:587/…",
        ),
        ("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/", "tgram://…"),
        (
            "matrixs://alerts:tok-abc@matrix.stadtdo.example/#betrieb",
            "matrixs://matrix.stadtdo.example/…",
        ),
        ("jsons://hooks.example.org/secret-path-token", "jsons://hooks.example.org/…"),
    ],
)
def test_channels_are_shown_masked(url: str, shown: str) -> None:
    assert channels.masked(url) == shown


def test_alerts_test_says_which_channel_worked(
    smtp_server: SmtpServer,  # noqa: F811
    webhook: WebhookReceiver,  # noqa: F811
    monkeypatch,
    capsys,
) -> None:
    from flows import cli

    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(Path(os.devnull)))
    assert cli.main(["alerts", "test"]) == cli.EXIT_USAGE
    assert "no alert channel configured" in capsys.readouterr().err

    monkeypatch.setenv("PARTNERSHIPS_ALERT_CURATORS", smtp_server.url(CURATOR))
    monkeypatch.setenv("PARTNERSHIPS_ALERT_OPERATORS", webhook.url())
    assert cli.main(["alerts", "test"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert f"curators: mailto://127.0.0.1:{smtp_server.port}/…: sent" in out
    assert f"operators: json://127.0.0.1:{webhook.port}/…: sent" in out
    [mail] = smtp_server.mails
    assert mail.subject == "Partnerschaften: Testnachricht"  # metadata.toml names no place
    assert webhook.bodies[0]["title"] == mail.subject and webhook.bodies[0]["type"] == "info"

    webhook.status = 500
    assert cli.main(["alerts", "test"]) == cli.EXIT_INVALID
    out = capsys.readouterr().out
    assert "operators: json://127.0.0.1" in out and "FAILED after 3 attempt(s)" in out
    assert SMTP_PASSWORD not in out


@pytest.mark.parametrize(
    ("files", "attached"),
    [
        (["report.json", "report.md"], ["report.json"]),
        (["report.html", "report.json"], ["report.html"]),
        (
            ["report.html", "events.fehler.xlsx", "a.fehler.ods"],
            ["report.html", "a.fehler.ods", "events.fehler.xlsx"],
        ),
        ([], []),
    ],
)
def test_the_html_report_is_attached_where_there_is_one(
    tmp_path: Path, files: list[str], attached: list[str]
) -> None:
    from flows.alerts.messages import report_attachments

    for name in files:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in report_attachments(tmp_path)] == attached


def test_values_from_the_data_cannot_forge_headers_or_markup(
    tmp_path: Path, mail_to_both: SmtpServer
) -> None:
    forged = "30\r\nBcc: everyone@example.org\r\n<script>alert(1)</script>"
    news = CuratorNews((problem(line=4, value=forged, key="k\n1"),), None)
    after_run(tmp_path / "output", Outcome(news), RunInfo("run-1"))
    [mail] = mail_to_both.mails
    assert mail.message["Bcc"] is None and mail.recipients == [CURATOR]
    assert [p.get_content_type() for p in mail.message.walk()] == ["text/plain"]
    text = mail.text()
    assert "Wert '30\\r\\nBcc: everyone@example.org\\r\\n<script>alert(1)</script>'" in text
    assert "Schlüssel k\\n1" in text
    assert not any(line.startswith("Bcc") for line in text.splitlines())


@given(
    st.lists(
        st.tuples(
            st.integers(2, 10_000),
            st.sampled_from(["30", "31", "x"]),
            st.sampled_from(["k-1", "k-2", None]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
    st.integers(1, 50),
)
def test_a_fingerprint_ignores_order_lines_and_repeats(rows, rng, shift: int) -> None:
    problems = [problem(line, value, key) for line, value, key in rows]
    moved = [problem(line + shift, value, key) for line, value, key in rows]
    rng.shuffle(moved)
    assert CuratorNews(tuple(problems)).fingerprint == CuratorNews(tuple(moved + moved)).fingerprint


@given(st.text())
def test_plain_text_keeps_every_value_on_one_line(value: str) -> None:
    from flows.alerts.messages import plain

    shown = plain(value)
    assert shown.isprintable()
    assert len(shown.splitlines()) <= 1
