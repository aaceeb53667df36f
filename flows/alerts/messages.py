"""The text of each alert: German first, English below, plain text only.

Messages go out as plain text (no HTML part), so a value from the data is never read
as markup; control characters in values are shown escaped, so a value cannot start a
line of its own or a header. Subjects hold no value from the data, only counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from flows.alerts.outcome import CuratorNews, OperatorProblem
from flows.alerts.state import OpenProblem, Undelivered
from flows.describe.municipality import load_municipality
from flows.describe.toml_keys import MetadataError

MAX_LISTED = 30
ENGLISH_RULE = "--- English ---"
#: the workbook copies with the problems marked, when the input came from a workbook
ANNOTATED_WORKBOOKS = ("*.fehler.xlsx", "*.fehler.ods")


@dataclass(frozen=True)
class RunInfo:
    """Which run speaks: its Prefect flow-run id and link, the release now current."""

    run_id: str | None = None
    release: str | None = None
    output: Path | None = None
    #: without a flow run: "refused" before it started, or "nothing_to_do"
    without_flow: str = "refused"

    @property
    def link(self) -> str | None:
        return ui_link(self.run_id)

    def lines(self) -> tuple[str, str]:
        if self.run_id:
            link = f" ({self.link})" if self.link else ""
            return f"Lauf: {self.run_id}{link}", f"Run: {self.run_id}{link}"
        if self.without_flow == "nothing_to_do":
            return (
                "Lauf: nichts zu tun, die Eingaben gleichen der aktuellen Veröffentlichung",
                "Run: nothing to do, the inputs equal the current release's",
            )
        return (
            "Lauf: vor dem Start in Prefect abgelehnt",
            "Run: refused before its Prefect flow run started",
        )


@dataclass(frozen=True)
class Alert:
    audience: str
    kind: str
    subject: str
    body: str
    fingerprint: str = ""
    attachments: tuple[Path, ...] = ()
    #: "failure", "resolved" or "info": the channel's notification type
    tone: str = "failure"
    #: what it is about in a few words, German and English (for "not delivered" lines)
    headline_de: str = ""
    headline_en: str = ""


def ui_link(run_id: str | None) -> str | None:
    """The flow run in Prefect's UI, when a Prefect server is configured (not the
    embedded one, whose address dies with the run)."""
    if not run_id:
        return None
    base = os.environ.get("PREFECT_UI_URL") or ""
    if not base:
        api = os.environ.get("PREFECT_API_URL") or ""
        base = api.removesuffix("/").removesuffix("/api") if api else ""
    return f"{base.rstrip('/')}/runs/flow-run/{run_id}" if base else None


def project_de() -> str:
    """ "Partnerschaften Moers", the subjects' first words: the place from metadata.toml's
    [municipality] table, readable even when the rest of the file is broken."""
    try:
        return f"Partnerschaften {plain(load_municipality().place)}"
    except MetadataError:
        return "Partnerschaften"


def plain(value: object) -> str:
    """A value as one line of plain text: control characters shown as escapes."""
    text = str(value)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _where(problem, german: bool) -> str:
    words = (
        ("Zeile", "Spalte", "Wert", "Schlüssel") if german else ("line", "column", "value", "key")
    )
    parts = [plain(problem.file)]
    if problem.line:
        parts.append(f"{words[0]} {problem.line}")
    if problem.column:
        parts.append(f"{words[1]} {plain(problem.column)}")
    if problem.value is not None:
        parts.append(f"{words[2]} '{plain(problem.value)}'")
    if problem.key:
        parts.append(f"{words[3]} {plain(problem.key)}")
    message = problem.message_de if german else problem.message_en
    return f"- {', '.join(parts)}: {plain(message)} ({problem.rule})"


def report_attachments(folder: Path | None) -> tuple[Path, ...]:
    """report.html (else report.json) of the run and any annotated workbook copy."""
    if folder is None or not folder.is_dir():
        return ()
    found = [folder / name for name in ("report.html", "report.json") if (folder / name).is_file()]
    workbooks = sorted(p for pattern in ANNOTATED_WORKBOOKS for p in folder.glob(pattern))
    return tuple(found[:1] + workbooks)


def curators_alert(news: CuratorNews, run: RunInfo) -> Alert:
    problems = sorted(news.problems, key=lambda p: p.sort_key())
    count, files = len(problems), sorted({p.file for p in problems})
    attachments = report_attachments(news.report_folder)
    names = ", ".join(p.name for p in attachments)
    run_de, run_en = run.lines()
    if news.published:
        kept_de = (
            "Die fehlerfreien Zeilen wurden veröffentlicht; die fehlerhaften sind zurückgehalten."
        )
        kept_en = "The rows without errors were published; the rows with errors were held back."
        subject = f"{project_de()}: {count} Fehler in den Rohdaten – Zeilen zurückgehalten"
    else:
        release = run.release or "(noch keine)"
        kept_de = (
            f"Nichts wurde veröffentlicht; die bisherige Veröffentlichung {release} bleibt aktuell."
        )
        kept_en = (
            f"Nothing was published; the previous release {run.release or '(none yet)'} "
            "stays current."
        )
        subject = f"{project_de()}: {count} Fehler in den Rohdaten – nichts veröffentlicht"
    more = count - MAX_LISTED
    de = [
        f"Die nächtliche Prüfung hat {count} Fehler in {', '.join(files)} gefunden.",
        kept_de,
        "",
        *[_where(p, True) for p in problems[:MAX_LISTED]],
        *([f"… und {more} weitere im angehängten Bericht."] if more > 0 else []),
        "",
        f"Angehängt: {names}." if names else "Der Bericht liegt im Berichtsordner des Laufs.",
        *([f"Berichtsordner: {news.report_folder}"] if news.report_folder else []),
        run_de,
    ]
    en = [
        f"The nightly check found {count} error(s) in {', '.join(files)}.",
        kept_en,
        "",
        *[_where(p, False) for p in problems[:MAX_LISTED]],
        *([f"… and {more} more in the attached report."] if more > 0 else []),
        "",
        f"Attached: {names}." if names else "The report is in the run's report folder.",
        *([f"Report folder: {news.report_folder}"] if news.report_folder else []),
        run_en,
    ]
    body = _two_languages(de, en)
    headlines = (f"{count} Fehler in den Rohdaten", f"{count} error(s) in the curated files")
    return Alert(
        "curators",
        "invalid_input",
        subject,
        body,
        news.fingerprint,
        attachments,
        "failure",
        *headlines,
    )


def operators_alert(problem: OperatorProblem, run: RunInfo) -> Alert:
    run_de, run_en = run.lines()
    release = run.release
    if problem.release_published:
        kept_de = (
            f"Die neue Veröffentlichung {release} ist lokal aktuell; die genannten Ziele "
            "zeigen weiter ihren bisherigen Stand."
        )
        kept_en = (
            f"The new release {release} is current locally; the targets named above still "
            "show their previous state."
        )
    else:
        kept_de = (
            f"Die bisherige Veröffentlichung {release or '(noch keine)'} bleibt aktuell; "
            "nichts halb Geschriebenes wird veröffentlicht."
        )
        kept_en = (
            f"The previous release {release or '(none yet)'} stays current; nothing half "
            "written is ever published."
        )
    output = [f"Ausgabe: {run.output}"] if run.output else []
    error = [plain(line) for line in problem.error.splitlines()] or [""]
    de = [f"{problem.headline_de}.", "", "Fehler:", *error, "", kept_de, run_de, *output]
    output_en = [f"Output: {run.output}"] if run.output else []
    en = [f"{problem.headline_en}.", "", "Error:", *error, "", kept_en, run_en, *output_en]
    subject = f"{project_de()}: nächtlicher Lauf fehlgeschlagen – {problem.headline_de}"
    body = _two_languages(de, en)
    headlines = (problem.headline_de, problem.headline_en)
    return Alert(
        "operators", problem.kind, subject, body, problem.fingerprint, (), "failure", *headlines
    )


def resolved_alert(
    audience: str, previous: OpenProblem, run: RunInfo, published: bool = True
) -> Alert:
    """`published`: the run went through; else it got past the problem and stopped at
    invalid input, which is the curators' to fix."""
    run_de, run_en = run.lines()
    release = run.release or "(noch keine)"
    if published:
        now_de = f"Der Lauf war wieder erfolgreich; aktuell ist die Veröffentlichung {release}."
        now_en = f"The run succeeded again; the current release is {run.release or '(none yet)'}."
    else:
        now_de = (
            "Der Lauf hat die Sperre wieder erhalten und seinen Bericht geschrieben; er hat "
            "nichts veröffentlicht, weil die Rohdaten Fehler enthalten (Sache der Datenpflege)."
        )
        now_en = (
            "The run got the lock again and wrote its report; it published nothing because "
            "the curated files have errors (the curators' to fix)."
        )
    de = [f"Behoben: {previous.headline_de} (gemeldet seit {previous.since}).", now_de, run_de]
    en = [f"Resolved: {previous.headline_en} (reported since {previous.since}).", now_en, run_en]
    subject = f"{project_de()}: behoben – {previous.headline_de}"
    return Alert(
        audience,
        "resolved",
        subject,
        _two_languages(de, en),
        tone="resolved",
        headline_de=f"behoben: {previous.headline_de}",
        headline_en=f"resolved: {previous.headline_en}",
    )


def late_alert(audience: str, earlier: Undelivered, run: RunInfo, over: bool) -> Alert:
    """An alert no channel took when it was due, delivered by a later run; `over`: this
    run shows that its problem has passed."""
    run_de, run_en = run.lines()
    de = [
        f"Nachgereicht: Diese Meldung vom {earlier.since} konnte bisher nicht zugestellt werden.",
        *(["Inzwischen ist das Problem behoben."] if over else []),
        run_de,
        "",
    ]
    en = [
        f"Delivered late: this alert of {earlier.since} could not be delivered until now.",
        *(["The problem has passed since."] if over else []),
        run_en,
        "",
    ]
    body = _above_each_language(earlier.body, de, en)
    project = project_de()
    subject = f"{project}: nachgereicht – {earlier.subject.removeprefix(project + ': ')}"
    return Alert(
        audience,
        earlier.kind,
        subject,
        body,
        headline_de=f"nachgereicht: {earlier.headline_de}",
        headline_en=f"delivered late: {earlier.headline_en}",
    )


def with_earlier_note(alert: Alert, earlier: Undelivered) -> Alert:
    """The alert, saying that an earlier one never arrived (what about, and when)."""
    de = f"Hinweis: Eine frühere Meldung vom {earlier.since} konnte nicht zugestellt werden"
    en = f"Note: an earlier alert of {earlier.since} could not be delivered"
    body = _above_each_language(
        alert.body, [f"{de}: {earlier.headline_de}.", ""], [f"{en}: {earlier.headline_en}.", ""]
    )
    return replace(alert, body=body)


def _above_each_language(body: str, de: list[str], en: list[str]) -> str:
    """The body with lines put above its German and above its English half."""
    german, _, english = body.partition(f"\n{ENGLISH_RULE}\n\n")
    return "\n".join([*de, german, ENGLISH_RULE, "", *en, english.rstrip("\n")]) + "\n"


def test_alert(audience: str) -> Alert:
    de = [
        f"Testnachricht von `partnerships alerts test` an die Gruppe {audience}.",
        "Wenn Sie dies lesen, erreicht Sie dieser Kanal.",
    ]
    en = [
        f"Test message from `partnerships alerts test` to the {audience}.",
        "If you read this, this channel reaches you.",
    ]
    subject = f"{project_de()}: Testnachricht"
    body = _two_languages(de, en)
    return Alert(
        audience,
        "test",
        subject,
        body,
        tone="info",
        headline_de="Testnachricht",
        headline_en="test message",
    )


def _two_languages(de: list[str], en: list[str]) -> str:
    return "\n".join([*de, "", ENGLISH_RULE, "", *en]) + "\n"
