"""The comparison as terminal text and as JSON, German first with English beside it.

`Report` holds a comparison with what a reader needs around it (the home item, the
endpoint, the day the city's pages count as retrieved); the HTML page
(flows.wikidata.report_html) reads the same object. Output is deterministic: the same
comparison gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flows.wikidata import quickstatements
from flows.wikidata.model import DECIDE, EDIT, KINDS, NOTE, Comparison, Difference, Statement
from schemas.codelists import labelled

ITEM_PAGE = "https://www.wikidata.org/wiki/"
SECTIONS = (
    (EDIT, "Ergänzungen (QuickStatements)", "additions (QuickStatements)"),
    (DECIDE, "Zu entscheiden", "to decide"),
    (NOTE, "Hinweise", "notes"),
)


#: the kinds whose city value is the row's codes (type, status) rather than a date
CODED = frozenset({"missing_end", "suspended", "end_in_wikidata", "not_twinned"})


def city_text(d: Difference) -> str | None:
    """The city's value as a reader sees it: a code as its German and English label."""
    if d.kind not in CODED or not d.city_value:
        return d.city_value
    labels = {
        c.code: f"{c.label_de} / {c.label_en}"
        for codelist in ("partnership_type", "partnership_status")
        for c in labelled(codelist)
    }
    return ", ".join(labels.get(part, part) for part in d.city_value.split(", "))


@dataclass(frozen=True)
class Report:
    comparison: Comparison
    home_name: str
    endpoint: str
    retrieved: date

    @property
    def home(self) -> str:
        return self.comparison.home

    def of(self, action: str) -> list[Difference]:
        return [d for d in self.comparison.differences if d.action == action]

    def partner(self, d: Difference) -> str:
        """The item that is not the home item: the partner (or the stranger)."""
        return d.value if d.subject == self.home else d.subject

    def name(self, item: str, fallback: str | None = None) -> str:
        """A partner's name: the city's name for it, else Wikidata's German or English label."""
        if item == self.home:
            return self.home_name
        found = self.comparison.answer.items.get(item)
        labels = (found.label_de, found.label_en) if found else (None, None)
        return fallback or next((x for x in labels if x), None) or item

    def direction(self, d: Difference) -> str:
        partner_name = self.name(self.partner(d), d.partner_name)
        names = {self.home: self.home_name, self.partner(d): partner_name}
        return f"{names.get(d.subject, d.subject)} → {names.get(d.value, d.value) or '–'}"

    def quickstatements(self) -> str:
        return quickstatements.render(self.comparison.edits, self.retrieved)

    def counts(self) -> dict[str, int]:
        return {action: len(self.of(action)) for action, _, _ in SECTIONS}


def to_text(report: Report, written: dict[str, str] | None = None) -> str:
    counts = report.counts()
    lines = [
        f"Wikidata-Abgleich / Wikidata comparison: {report.home_name} ({report.home})",
        f"Endpunkt / endpoint: {report.endpoint}",
        f"{counts[EDIT]} Ergänzungen / additions, {counts[DECIDE]} zu entscheiden / to decide, "
        f"{counts[NOTE]} Hinweise / notes",
    ]
    if not report.comparison.findings:
        lines.append("Wikidata stimmt mit der Liste der Stadt überein. / "
                     "Wikidata agrees with the city's list.")  # fmt: skip
    for action, german, english in SECTIONS:
        found = report.of(action)
        if not found:
            continue
        lines.append(f"\n{german} / {english}:")
        for d in found:
            kind = KINDS[d.kind]
            values = []
            if d.city_value:
                values.append(f"Stadt / city: {city_text(d)}")
            if d.wikidata_value:
                values.append(f"Wikidata: {d.wikidata_value}")
            lines.append(
                f"  {d.partnership_id or '–'}: {report.direction(d)} — "
                f"{kind.title_de} / {kind.title_en}" + (f" ({'; '.join(values)})" if values else "")
            )
            if d.source_url:
                lines.append(f"    Quelle der Stadt / city's source: {d.source_url}")
    for what, path in (written or {}).items():
        lines.append(f"{what}: {path}")
    return "\n".join(lines) + "\n"


def difference_json(report: Report, d: Difference) -> dict:
    kind = KINDS[d.kind]
    partner = report.partner(d)
    item = report.comparison.answer.items.get(partner)
    return {
        "kind": d.kind,
        "action": d.action,
        "title_de": kind.title_de,
        "title_en": kind.title_en,
        "partnership_id": d.partnership_id,
        "partner_name": d.partner_name,
        "partner_item": partner or None,
        "partner_label_de": item.label_de if item else None,
        "partner_label_en": item.label_en if item else None,
        "subject": d.subject,
        "value": d.value or None,
        "city_value": d.city_value,
        "wikidata_value": d.wikidata_value,
        "statement": d.statement,
        "source_url": d.source_url,
        "item_page": f"{ITEM_PAGE}{d.subject}" if d.subject else None,
    }


def statement_json(s: Statement) -> dict:
    return {
        "statement": s.uri,
        "subject": s.subject,
        "value": s.value,
        "rank": s.rank,
        "starts": [d.text() for d in s.starts],
        "ends": [d.text() for d in s.ends],
        "has_end": s.has_end,
        "references": list(s.references),
    }


def to_json(report: Report) -> str:
    document = {
        "home": {"item": report.home, "name": report.home_name},
        "endpoint": report.endpoint,
        "retrieved": report.retrieved.isoformat(),
        "counts": report.counts(),
        "differences": [difference_json(report, d) for d in report.comparison.differences],
        "quickstatements": report.quickstatements().splitlines(),
        "statements": [statement_json(s) for s in report.comparison.answer.statements],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
