"""The comparison as one self-contained HTML page, German first, English beside it.

Built like report.html (flows.common.report_html, whose style it shares): no script, no
font, no image, nothing loaded from outside; every value, from raw/ or from Wikidata
(labels are anyone's to edit), goes through html.escape. Links lead to the items on
Wikidata and to the city's own pages; a reader follows them, the page loads none.
"""

from __future__ import annotations

from html import escape

from flows.common.report_html import STYLE, both
from flows.wikidata.model import EDIT, KINDS, Difference
from flows.wikidata.report import ITEM_PAGE, SECTIONS, Report, city_text

EXTRA_STYLE = """
pre.qs{background:#f6f6f6;border:1px solid #d0d0d0;padding:.75rem;overflow-x:auto;
white-space:pre;font-size:.85rem}
td.source{overflow-wrap:anywhere;min-width:10rem}td.partner{min-width:8rem}
dl.kinds{margin:.5rem 0}dl.kinds dt{font-weight:600;margin-top:.4rem}dl.kinds dd{margin:0 0 0 1rem}
"""

HEADINGS = (
    ("Partnerschaft", "partnership"),
    ("Angabe", "statement"),
    ("Was", "what"),
    ("Stadt", "city"),
    ("Wikidata", "Wikidata"),
    ("Quelle der Stadt", "city's source"),
)


def link(url: str | None, text: str | None = None) -> str:
    if not url:
        return ""
    return f'<a href="{escape(url)}">{escape(text or url)}</a>'


def item_link(report: Report, item: str) -> str:
    if not item:
        return ""
    name = report.name(item)
    label = name if name == item else f"{name} ({item})"
    return link(f"{ITEM_PAGE}{item}", label)


def row(report: Report, d: Difference) -> str:
    kind = KINDS[d.kind]
    partner = report.partner(d)
    who = escape(d.partnership_id or "–")
    if d.partner_name:
        who += f"<br>{escape(d.partner_name)}"
    statement = f"{item_link(report, d.subject)} → {item_link(report, d.value) or '–'}"
    what = (
        f"<strong>{escape(kind.title_de)}</strong> "
        f'<span lang="en" class="en">/ {escape(kind.title_en)}</span>'
    )
    cells = (
        who,
        statement,
        what,
        escape(city_text(d) or ""),
        escape(d.wikidata_value or ""),
        link(d.source_url),
    )
    out = [f'<tr data-kind="{escape(d.kind)}" data-partner="{escape(partner)}">']
    for (german, english), value, klass in zip(
        HEADINGS, cells, ("partner", "partner", "message", "value", "value", "source"), strict=True
    ):
        label = escape(f"{german} / {english}")
        out.append(f'<td class="{klass}" data-label="{label}">{value}</td>')
    out.append("</tr>")
    return "".join(out)


def legend(found: list[Difference]) -> str:
    """What each kind in a section means, once, instead of in every row."""
    kinds = sorted({d.kind for d in found}, key=list(KINDS).index)
    items = "".join(
        f"<dt>{both(KINDS[k].title_de, KINDS[k].title_en)}</dt>"
        f"<dd>{escape(KINDS[k].what_de)} "
        f'<span lang="en" class="en">{escape(KINDS[k].what_en)}</span></dd>'
        for k in kinds
    )
    return f'<dl class="kinds">{items}</dl>'


def section(report: Report, action: str, german: str, english: str) -> list[str]:
    found = report.of(action)
    if not found:
        return []
    out = [f"<section><h2>{both(german, english)} ({len(found)})</h2>"]
    if action == EDIT:
        out.append(
            "<p>Jede Ergänzung ist einer der Befehle unten; wie man sie prüft und "
            "einreicht, steht in docs/wikidata.md. Das Werkzeug selbst schreibt nie nach "
            'Wikidata. <span lang="en" class="en">Each addition is one of the commands '
            "below; docs/wikidata.md says how to review and submit them. The tool itself "
            "never writes to Wikidata.</span></p>"
        )
    out.append(legend(found))
    caption = both(german, english)
    out.append(f'<table class="problems"><caption>{caption}</caption><thead><tr>')
    out += [f'<th scope="col">{both(de, en)}</th>' for de, en in HEADINGS]
    out.append("</tr></thead><tbody>")
    out += [row(report, d) for d in found]
    out.append("</tbody></table>")
    if action == EDIT:
        commands = report.quickstatements()
        count = len(report.comparison.edits)
        heading = both(f"QuickStatements: {count} Befehle", f"{count} commands, version 1")
        out.append(
            f"<h3>{heading}</h3>"
            f'<pre class="qs" tabindex="0" aria-label="QuickStatements">{escape(commands)}</pre>'
        )
    out.append("</section>")
    return out


def summary(report: Report) -> str:
    counts = report.counts()
    agrees = not report.comparison.findings
    verdict = (
        both("Wikidata stimmt überein", "Wikidata agrees")
        if agrees
        else both("Wikidata weicht ab", "Wikidata differs")
    )
    return (
        f'<section class="verdict {"valid" if agrees else "invalid"}" aria-label="Ergebnis">'
        f"<p><strong>{verdict}</strong>: {counts[EDIT]} {both('Ergänzungen', 'additions')}, "
        f"{counts['decide']} {both('zu entscheiden', 'to decide')}, "
        f"{counts['note']} {both('Hinweise', 'notes')}</p>"
        f"<p>{both('Objekt der Stadt', 'city item')}: {item_link(report, report.home)}; "
        f"{both('Endpunkt', 'endpoint')}: {escape(report.endpoint)}; "
        f"{both('abgerufen', 'retrieved')}: {escape(report.retrieved.isoformat())}</p>"
        "</section>"
    )


def render(report: Report) -> str:
    title = f"Wikidata-Abgleich / Wikidata comparison: {report.home_name}"
    out = [
        '<!doctype html><html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}{EXTRA_STYLE}</style></head><body><main>",
        f"<h1>Wikidata-Abgleich <span lang='en' class='en'>/ Wikidata comparison</span>: "
        f"{escape(report.home_name)}</h1>",
        summary(report),
    ]
    for action, german, english in SECTIONS:
        out += section(report, action, german, english)
    out.append("</main></body></html>\n")
    return "".join(out)
