"""The validation report: every problem found in one pass, rendered three ways.

One `Report` object is rendered as text for the terminal, as JSON for machines and as
Markdown for the Prefect artifact. The JSON field names are documented in the README
and kept stable.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace

from flows.common import markdown
from schemas.rules import message

MAX_VALUE_CHARS = 80
#: rules that mean a file could not be read at all, rather than read and refused: the
#: commands exit with 2 for them, 1 for every other error
UNREADABLE_RULES = frozenset(
    {
        "file_missing",
        "file_unreadable",
        "not_a_file",
        "file_too_large",
        "header_too_large",
        "binary_file",
        "not_utf8",
    }
)
#: a problem's fields that only a workbook or a multi-line CSV row fills in
SPREADSHEET_FIELDS = ("sheet", "cell", "row")
REPORT_FORMAT_VERSION = 1


def shorten(value: object, limit: int = MAX_VALUE_CHARS) -> str | None:
    """The value as the curator typed it, cut to `limit` characters with a marker."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text)} characters)"


@dataclass(frozen=True)
class Problem:
    dataset: str
    file: str
    rule: str
    message_de: str
    message_en: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    key: str | None = None
    severity: str = "error"
    #: where the problem is in a curator's workbook (`Ereignisse`, `F14`), and the row a
    #: spreadsheet shows where it differs from `line` (line breaks inside cells)
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None

    @classmethod
    def of(
        cls,
        rule: str,
        *,
        dataset: str,
        file: str,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        key: str | None = None,
        severity: str = "error",
        **details: object,
    ) -> Problem:
        de, en = message(rule, value=value, **details)
        return cls(
            dataset=dataset,
            file=file,
            rule=rule,
            message_de=de,
            message_en=en,
            line=line,
            column=shorten(column),
            value=shorten(value),
            key=key,
            severity=severity,
        )

    def located(self, **where: object) -> Problem:
        """The same problem with where it is in a spreadsheet: sheet, cell, row."""
        return replace(self, **where)

    def as_dict(self) -> dict:
        """The problem's fields; where it is in a spreadsheet only when known."""
        # the fields are plain values: a shallow dict is what asdict's deep copy gives
        fields = vars(self).copy()
        for name in SPREADSHEET_FIELDS:
            if fields[name] is None:
                del fields[name]
        return fields

    @property
    def where(self) -> str:
        """The cell (`Ereignisse!F14`) or the line, as the curator looks for it."""
        if self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet:
            return self.sheet
        if self.line is None:
            return self.file
        return f"line {self.line}" + (f" (row {self.row})" if self.row else "")

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or "", self.rule, self.value or "")


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    #: rows read per file name
    rows: dict[str, int] = field(default_factory=dict)
    #: what else the run has to say, German and English (an alert nobody received)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity == "error"), key=Problem.sort_key)

    @property
    def warnings(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity != "error"), key=Problem.sort_key)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, dict[str, int]]:
        """Problems per file and rule."""
        result: dict[str, dict[str, int]] = {}
        for (file, rule), n in sorted(Counter((p.file, p.rule) for p in self.errors).items()):
            result.setdefault(file, {})[rule] = n
        return result

    # --- renderings -------------------------------------------------------------

    def to_dict(self) -> dict:
        errors, warnings = self.errors, self.warnings  # each sorts every problem
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "valid": not errors,
            "error_count": len(errors),
            "warning_count": len(warnings),
            "rows": dict(sorted(self.rows.items())),
            "counts": self.counts(),
            "problems": [p.as_dict() for p in errors + warnings],
            **({"notes": [{"de": de, "en": en} for de, en in self.notes]} if self.notes else {}),
        }

    def to_json(self) -> str:
        """The report as indented JSON with one problem per line.

        json's indenting encoder is pure Python (0.35 s for 14 000 problems); each
        problem on a line of its own comes from its C encoder, and a line of the file
        can be found with grep.
        """
        document = self.to_dict()
        problems = document.pop("problems")
        notes = document.pop("notes", None)
        head = json.dumps(document, ensure_ascii=False, indent=2)
        rows = ",\n".join("    " + json.dumps(p, ensure_ascii=False) for p in problems)
        listed = f"[\n{rows}\n  ]" if problems else "[]"
        tail = f',\n  "notes": {json.dumps(notes, ensure_ascii=False)}' if notes else ""
        return head.removesuffix("\n}") + f',\n  "problems": {listed}{tail}\n}}\n'

    def to_text(self) -> str:
        notes = "".join(f"{de} / {en}\n" for de, en in self.notes)
        if self.ok and not self.warnings:
            files = ", ".join(f"{f} ({n} rows)" for f, n in sorted(self.rows.items()))
            return f"valid: {files}\n{notes}"
        out: list[str] = []
        for file, group in _grouped(self.errors + self.warnings):
            out.append(f"{file}:")
            for rule, problems in group:
                out.append(f"  {rule} ({len(problems)}): {problems[0].message_en}")
                for p in problems:
                    out.append(f"    {_location(p)}  {p.message_de} / {p.message_en}")
        out.append(self.summary_line())
        return "\n".join(out) + "\n" + notes

    def to_markdown(self) -> str:
        """Every value from the input (file, column, value, key, messages) is escaped
        (flows.common.markdown): rendered, it shows as text and makes no element."""
        out = ["# Validierungsbericht / Validation report", "", self.summary_line(), ""]
        if self.notes:
            out += ["## Hinweise / Notes", ""]
            out += [f"- {markdown.text(de)} / {markdown.text(en)}" for de, en in self.notes] + [""]
        for file, group in _grouped(self.errors + self.warnings):
            out += [f"## {markdown.text(file)}", ""]
            for rule, problems in group:
                out += [f"### {rule} ({len(problems)})", ""]  # a rule id is ours: [a-z_]
                out += [
                    "| Zeile / line | Spalte / column | Wert / value | Schlüssel / key "
                    "| Regel / rule |",
                    "|---|---|---|---|---|",
                ]
                for p in problems:
                    cells = [p.line, p.column, p.value, p.key, f"{p.message_de} / {p.message_en}"]
                    out.append("| " + " | ".join(markdown.text(c) for c in cells) + " |")
                out.append("")
        return "\n".join(out) + "\n"

    def summary_line(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        files = len({p.file for p in self.errors})
        verdict = "valid" if self.ok else "INVALID"
        return f"{verdict}: {errors} error(s) in {files} file(s), {warnings} warning(s)"


def _grouped(problems: list[Problem]) -> list[tuple[str, list[tuple[str, list[Problem]]]]]:
    by_file: dict[str, dict[str, list[Problem]]] = {}
    for p in problems:
        by_file.setdefault(p.file, {}).setdefault(p.rule, []).append(p)
    return [(f, sorted(rules.items())) for f, rules in sorted(by_file.items())]


def _location(p: Problem) -> str:
    parts = [p.where if p.line or p.sheet else "file"]
    if p.cell and p.row:
        parts.append(f"row {p.row}")
    if p.column:
        parts.append(f"column {p.column}")
    if p.value is not None:
        parts.append(f"value {p.value!r}")
    if p.key:
        parts.append(f"key {p.key}")
    return ", ".join(parts) + ":"
