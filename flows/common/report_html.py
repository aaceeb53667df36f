"""The validation report as one self-contained HTML page, German first, English beside it.

No script, no font, no image: the page loads nothing and works offline, in a mail
client and on a phone. Every value from the data goes through html.escape. A report of
thousands of problems shows the first MAX_PER_RULE of each rule in each file with the
counts, and points to report.json for all of them, so the page stays small and is
written in milliseconds.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from flows.common.files import replace_file
from flows.common.report import Problem, Report
from schemas import dataset
from schemas.choices import choices

MAX_PER_RULE = 50

STYLE = """
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0;color:#1b1b1b;background:#fff;line-height:1.45}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem}
.en{color:#4a4a4a}
.verdict{padding:.75rem 1rem;border-left:.4rem solid;margin:1rem 0;overflow-wrap:anywhere}
.invalid{border-color:#b00020;background:#fdecee}.valid{border-color:#1b6e20;background:#e9f5ea}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #d0d0d0}
th{background:#f2f2f2}caption{text-align:left;font-weight:600;padding:.25rem 0}
td.value,td.example{font-family:ui-monospace,Consolas,monospace;white-space:pre-wrap;
overflow-wrap:break-word;min-width:7rem;max-width:20rem}td.where{white-space:nowrap}
tr.new-row td{border-top:2px solid #767676}
tr.warning td:first-child{border-left:.3rem solid #8a5a00}
tr.error td:first-child{border-left:.3rem solid #b00020}
.note{background:#fff8e1;padding:.5rem 1rem;border-left:.4rem solid #8a5a00}
@media (max-width:40rem){
 table.problems thead{position:absolute;left:-9999px}
 table.problems,table.problems caption,table.problems tbody,table.problems tr,
 table.problems td{display:block;width:auto}
 table.problems td:empty{display:none}
 table.problems tr{border:1px solid #d0d0d0;margin:0 0 .75rem;padding:.25rem}
 table.problems td{border:0;padding:.2rem .4rem;min-width:0;max-width:none;white-space:normal}
 table.problems td::before{content:attr(data-label);display:block;font-weight:600;
 font-family:system-ui,sans-serif;font-size:.85rem;color:#4a4a4a}
}
"""

#: the valid example of an address when the caller names no website
GENERIC_URL = "https://www.example.org/"
HEADINGS = (
    ("Ort", "where"),
    ("Spalte", "column"),
    ("Wert", "value"),
    ("Was ist falsch", "what is wrong"),
    ("Beispiel", "valid example"),
)


def both(german: str, english: str) -> str:
    return f'{escape(german)} / <span lang="en" class="en">{escape(english)}</span>'


def example(problem: Problem, example_url: str = GENERIC_URL) -> str:
    """A valid value of the problem's column, read off the schema; example_url for an
    address (the municipality's website, from the caller)."""
    try:
        spec = dataset(problem.dataset).column(problem.column or "")
    except StopIteration:
        return ""
    if spec.codelist:
        return code_example(spec.codelist, problem)
    if spec.pattern is not None:
        hint = spec.pattern.hint_en
        return hint.rsplit("e.g. ", 1)[1] if "e.g. " in hint else example_url
    if spec.type == "integer":
        lowest = [c.statistics.get("min_value") for c in spec.checks if c.statistics]
        return str(next((v for v in lowest if v is not None), 1))
    return {"number": "12.5", "date": "1977-07-04"}.get(spec.type, "")


def code_example(codelist: str, problem: Problem) -> str:
    """The code the wrong value most likely means (schemas.choices), else the first one;
    in a workbook, where labels are typed, its German label first."""
    found = choices(codelist)
    meant = found.suggestion(problem.value) if problem.value is not None else None
    if problem.sheet is None:
        return (meant or found.codes[0]).code
    meant = meant or found.in_german_order()[0]
    return f"{meant.label_de} ({meant.code})"


def column(problem: Problem) -> str:
    """The column by machine name and German label; in a workbook the label first."""
    if not problem.column:
        return ""
    try:
        headings = dataset(problem.dataset).headings
    except StopIteration:
        return problem.column
    return headings.shown(problem.column, labels_first=problem.sheet is not None)


def where(problem: Problem) -> str:
    if problem.cell:
        return f"{problem.sheet}!{problem.cell}"
    if problem.sheet:
        return f"Blatt / sheet {problem.sheet}"
    if problem.line is None:
        return "Datei / file"
    row = f" (Zeile in der Tabelle / row {problem.row})" if problem.row else ""
    return f"Zeile / line {problem.line}{row}"


def problem_row(p: Problem, new_row: bool = True, example_url: str = GENERIC_URL) -> str:
    cells = [
        where(p),
        column(p),
        "" if p.value is None else p.value,
        None,
        example(p, example_url),
    ]
    group = " new-row" if new_row else ""
    out = [f'<tr class="{escape(p.severity)}{group}" data-rule="{escape(p.rule)}">']
    for (german, english), value, kind in zip(
        HEADINGS, cells, ("where", "column", "value", "message", "example"), strict=True
    ):
        label = escape(f"{german} / {english}")
        if value is None:
            severity = "Fehler" if p.severity == "error" else "Warnung"
            value_html = (
                f"<strong>{severity}</strong> ({escape(p.rule)}): {escape(p.message_de)}"
                f' <span lang="en" class="en">/ {escape(p.message_en)}</span>'
            )
        else:
            value_html = escape(str(value))
        out.append(f'<td class="{kind}" data-label="{label}">{value_html}</td>')
    out.append("</tr>")
    return "".join(out)


def shown(problems: list[Problem]) -> tuple[list[Problem], dict[str, int]]:
    """The first MAX_PER_RULE problems of each rule, and how many each rule has."""
    count: dict[str, int] = {}
    kept = []
    for p in problems:
        count[p.rule] = count.get(p.rule, 0) + 1
        if count[p.rule] <= MAX_PER_RULE:
            kept.append(p)
    return kept, count


def by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for p in problems:
        grouped.setdefault(p.file, []).append(p)
    return grouped


def file_section(
    file: str, problems: list[Problem], json_name: str, example_url: str = GENERIC_URL
) -> list[str]:
    kept, count = shown(problems)
    kept.sort(key=lambda p: (p.sheet or "", p.row or p.line or 0, p.column or "", p.rule))
    sheets = {p.sheet for p in problems if p.sheet}
    heading = f"{' · '.join(sorted(sheets))} ({file})" if len(sheets) == 1 else file
    out = [f"<section><h2>{escape(heading)}</h2>"]
    rules = ", ".join(f"{escape(rule)}: {n}" for rule, n in sorted(count.items()))
    out.append(f"<p>{both('Regeln', 'rules')}: {rules}</p>")
    if len(kept) < len(problems):
        out.append(
            f'<p class="note">{len(kept)} von {len(problems)} gezeigt (die ersten {MAX_PER_RULE}'
            f' jeder Regel); alle stehen in <a href="{escape(json_name)}">{escape(json_name)}</a>.'
            f' <span lang="en" class="en">{len(kept)} of {len(problems)} shown (the first '
            f"{MAX_PER_RULE} of each rule); all are in {escape(json_name)}.</span></p>"
        )
    caption = both(f"Probleme in {file}", f"problems in {file}")
    out.append(f'<table class="problems"><caption>{caption}</caption><thead><tr>')
    out += [f'<th scope="col">{both(de, en)}</th>' for de, en in HEADINGS]
    out.append("</tr></thead><tbody>")
    # the problems of one row stay together: a stronger line above each row's first
    places = [(p.sheet, p.row or p.line) for p in kept]
    out += [
        problem_row(p, i == 0 or places[i] != places[i - 1], example_url)
        for i, p in enumerate(kept)
    ]
    out.append("</tbody></table></section>")
    return out


def summary(report: Report, errors: list[Problem], warnings: list[Problem], source: str) -> str:
    verdict = both("Gültig", "valid") if report.ok else both("Ungültig", "invalid")
    files = len({p.file for p in errors})
    rows = "".join(
        f"<tr><td>{escape(f)}</td><td>{n}</td></tr>" for f, n in sorted(report.rows.items())
    )
    source_line = f"<p>{both('Eingabe', 'input')}: {escape(source)}</p>" if source else ""
    return (
        f'<section class="verdict {"valid" if report.ok else "invalid"}" aria-label="Ergebnis">'
        f"<p><strong>{verdict}</strong>: {len(errors)} {both('Fehler', 'errors')} "
        f"in {files} {both('Dateien', 'files')}, {len(warnings)} "
        f"{both('Warnungen', 'warnings')}</p>{source_line}</section>"
        f"<table><caption>{both('Gelesene Zeilen', 'rows read')}</caption><thead><tr>"
        f'<th scope="col">{both("Datei", "file")}</th><th scope="col">'
        f"{both('Zeilen', 'rows')}</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def notes(report: Report) -> list[str]:
    """What else the run has to say (an alert nobody received), above the problems."""
    if not report.notes:
        return []
    items = "".join(f"<li>{both(de, en)}</li>" for de, en in report.notes)
    return [f'<section class="note"><h2>{both("Hinweise", "notes")}</h2><ul>{items}</ul></section>']


def render(
    report: Report,
    *,
    source: str = "",
    json_name: str = "report.json",
    example_url: str | None = None,
) -> str:
    errors, warnings = report.errors, report.warnings
    out = [
        '<!doctype html><html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Prüfbericht / Validation report</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<h1>Prüfbericht <span lang='en' class='en'>/ Validation report</span></h1>",
        summary(report, errors, warnings, source),
        *notes(report),
    ]
    for file, problems in sorted(by_file(errors + warnings).items()):
        out += file_section(file, problems, json_name, example_url or GENERIC_URL)
    out.append("</main></body></html>\n")
    return "".join(out)


def write_html(
    report: Report,
    path: Path,
    *,
    source: str = "",
    with_json: bool = True,
    example_url: str | None = None,
) -> Path:
    """Write the page atomically; with_json, also the JSON report it links to, beside it
    as `<stem>.json` (a run writes its report.json itself). example_url: the
    municipality's website, shown as the valid example of an address."""
    path.parent.mkdir(parents=True, exist_ok=True)
    json_path = path.with_suffix(".json")
    if with_json:
        replace_file(json_path, report.to_json())
    page = render(report, source=source, json_name=json_path.name, example_url=example_url)
    replace_file(path, page)
    return path
