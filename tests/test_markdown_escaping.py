"""Every Markdown output renders a value from the data as text, never as an element.

Each output (report.md, CHANGELOG.md, the sources of data-dictionary.md, the run
summary) is built twice: with hostile values, and with plain values (`x0`, `x1`, ...)
in their places. Both are rendered by markdown-it-py (CommonMark, tables, strikethrough,
linkify, raw HTML on) and by cmark-gfm (GitHub's renderer, every GFM extension, raw
HTML on) and parsed. The hostile rendering may lose an element the plain one has (a
key that cannot be a code span, an address that cannot be a link) but never have more
of any kind, and it shows every hostile value as its text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pyarrow as pa
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from flows.common import markdown
from flows.common.report import Problem, Report
from flows.common.urls import is_https_url
from flows.describe.sources import cited_rows, sources_markdown
from flows.release import summary
from flows.release.changelog import Changelog
from flows.release.diff import diff_tables

MARKDOWN_IT = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(
    ["table", "strikethrough", "linkify"]
)

#: what attackers and careless curators type: HTML, links, emphasis, block starts
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '"><svg onload=alert(1)>',
    "[klick](javascript:alert(1))",
    "![bild](https://evil.example/x.png)",
    "<https://evil.example/>",
    "www.evil.example",
    "https://evil.example/path",
    "*fett* _kursiv_ **sehr** ~~weg~~ `code`",
    "# Überschrift",
    "- Liste",
    "1. Liste",
    "> Zitat",
    "    eingerückt",
    "| a | b |",
    "a\n\n<div>neu</div>",
    "Zeile 1\r\nZeile 2\tTab",
    "&lt;b&gt; &amp; &#60;i&#62;",
    "\\*kein\\* \\",
    "---",
    "===",
    "[^1]: fußnote",
    "- [ ] aufgabe",
    ":smile: :+1:",
    "<!-- kommentar -->",
    "<?php ?>",
    "<![CDATA[ x ]]>",
    "  Leerzeichen  ",
    "Städte_Über *",
]


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    # a comment, a declaration or a processing instruction is an element from the data
    def handle_comment(self, data: str) -> None:
        self.tags.append(("!--", {}))

    def handle_decl(self, decl: str) -> None:
        self.tags.append(("!decl", {}))

    def handle_pi(self, data: str) -> None:
        self.tags.append(("?pi", {}))

    def unknown_decl(self, data: str) -> None:
        self.tags.append(("!cdata", {}))


def rendered(document: str, renderer: str) -> Elements:
    if renderer == "markdown-it":
        html = MARKDOWN_IT.render(document)
    else:
        html = cmarkgfm.github_flavored_markdown_to_html(document, options=Options.CMARK_OPT_UNSAFE)
        # cmark-gfm links an e-mail address after all escapes are resolved: no escaping
        # can prevent it, and such a link can do no more than open a mail client
        html = re.sub(r'<a href="mailto:[^"]*">([^<]*)</a>', r"\1", html)
    parsed = Elements()
    parsed.feed(html)
    parsed.close()
    return parsed


def gained(hostile: list[str], plain: list[str]) -> Counter:
    """Elements the hostile rendering has more of than the plain one."""
    return Counter(hostile) - Counter(plain)


def shown(value: str) -> str:
    """The text a value must show as: line breaks and tabs become spaces."""
    return re.sub(r"[\r\n\t]", " ", value).replace("\x00", "\ufffd")


def check(build, values: list[str], renderer: str) -> None:
    hostile = rendered(build(values), renderer)
    plain = rendered(build(PLAIN.get(build, [f"x{i}" for i in range(len(values))])), renderer)
    # a valid https address is linked on purpose (the sources' first column)
    links = {v for v in values if is_https_url(v)}
    more = gained([tag for tag, _ in hostile.tags], [tag for tag, _ in plain.tags])
    assert not more, f"{renderer}: elements from the data: {dict(more)}"
    for tag, attributes in hostile.tags:
        if tag == "a" and "href" in attributes:
            assert attributes["href"] in links | {"https://a.de/"}, attributes
        assert not any(name.startswith("on") for name in attributes), attributes
    text = re.sub(r"\s+", " ", "".join(hostile.text))
    for value in values:
        expected = re.sub(r"\s+", " ", shown(value)).strip()
        assert expected in text, f"{renderer}: {value!r} not shown as text"


def report_document(values: list[str]) -> str:
    file, column, value, key, message = values
    problem = Problem("events", file, "isin", message, message, 4, column, value, key)
    return Report([problem]).to_markdown()


def changelog_document(values: list[str]) -> str:
    key, old_value, new_value, added = values
    schema = pa.schema([("id", pa.string()), ("note", pa.string())])
    old = pa.Table.from_pylist([{"id": key, "note": old_value}], schema=schema)
    new = pa.Table.from_pylist(
        [{"id": key, "note": new_value}, {"id": added, "note": None}], schema=schema
    )
    changes = diff_tables("events", old, new, ["id"])
    return Changelog("2026-01-01-aaaaaaaaaa", "2026-01-02-bbbbbbbbbb", [changes]).to_markdown()


def sources_document(values: list[str]) -> str:
    key, url = values
    table = pa.table(
        {
            "partnership_id": [key, "leeds"],
            "source_url": [url, "https://a.de/"],
            "coordinates_source_url": [None, None],
        }
    )
    return "\n".join(sources_markdown(cited_rows({"partnerships": table})))


def summary_document(values: list[str]) -> str:
    failure, target, message = values
    run = summary.RunSummary(summary.FAILED, "2026-01-01-abc", failure=failure)
    run.report_folder = Path("/srv") / failure.replace("\x00", "")
    run.target_results.append(summary.TargetResult(target, False, message=message))
    return run.to_markdown()


#: plain values where `x0`, `x1`, ... would not do: a source address is a link
PLAIN = {sources_document: ["x0", "https://x1.example/"]}
DOCUMENTS = {
    "report.md": (report_document, 5),
    "CHANGELOG.md": (changelog_document, 4),
    "data-dictionary.md sources": (sources_document, 2),
    "run summary": (summary_document, 3),
}
RENDERERS = ["markdown-it", "cmark-gfm"]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
    st.lists(st.sampled_from(HOSTILE + list("<>&[]()!*_`#|\\:.@ \n")), max_size=8).map("".join),
).filter(lambda v: v.strip() != "")


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("hostile", HOSTILE)
def test_each_hostile_value_shows_as_text(name: str, hostile: str, renderer: str) -> None:
    build, count = DOCUMENTS[name]
    values = [f"{hostile} {i}" for i in range(count)]  # distinct, so keys stay keys
    check(build, values, renderer)


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_any_text_shows_as_text(name: str, renderer: str, data: st.DataObject) -> None:
    build, count = DOCUMENTS[name]
    values = data.draw(st.lists(hostile_text, min_size=count, max_size=count, unique=True))
    check(build, values, renderer)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_valid_https_source_stays_a_link_with_its_address(renderer: str) -> None:
    url = "https://www.dortmund.de/a_(b)?c=1&copy=2#x*y"
    page = rendered(sources_document(["leeds-x", url]), renderer)
    assert url in [a.get("href") for tag, a in page.tags if tag == "a"]
    assert url in "".join(page.text)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://plain.example/",  # only https becomes a link
        'https://a.de/"onmouseover="alert(1)',
        "https://a.de/<script>",
        "https://a.de/x y",
    ],
)
def test_any_other_address_is_text(url: str) -> None:
    for renderer in RENDERERS:
        page = rendered(sources_document(["k", url]), renderer)
        hrefs = [a["href"] for tag, a in page.tags if tag == "a" and "href" in a]
        assert hrefs == ["https://a.de/"]
        assert url in "".join(page.text)


def test_text_leaves_words_readable() -> None:
    assert markdown.text("event_id=rostow-1974-offer") == "event_id=rostow-1974-offer"
    assert markdown.text('Städte, Dörfer; 50 % "echt"?') == 'Städte, Dörfer; 50 % "echt"?'
    assert markdown.text("<b>") == "&lt;b&gt;"
    assert markdown.text(" a\nb ") == "&#32;a b&#32;"
    assert markdown.code("rostow-am-don") == "`rostow-am-don`"
    assert markdown.code("a`b") == "a\\`b"


def test_the_committed_dictionary_has_no_element_from_its_sources() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text(
        encoding="utf-8"
    )
    for renderer in RENDERERS:
        tags = {tag for tag, _ in rendered(page, renderer).tags}
        assert tags <= {"h1", "h2", "h3", "p", "em", "code", "a", "ul", "li", "table"} | {
            "thead", "tbody", "tr", "th", "td", "strong",
        }  # fmt: skip


def test_dates_in_the_changelog_are_text() -> None:
    schema = pa.schema([("id", pa.string()), ("on", pa.date32())])
    old = pa.Table.from_pylist([{"id": "a", "on": dt.date(2020, 1, 1)}], schema=schema)
    new = pa.Table.from_pylist([{"id": "a", "on": dt.date(2021, 1, 1)}], schema=schema)
    page = Changelog("r1", "r2", [diff_tables("t", old, new, ["id"])]).to_markdown()
    assert "| id=a | on | 2020-01-01 | 2021-01-01 |" in page
