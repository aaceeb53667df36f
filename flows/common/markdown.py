"""Values from the data in Markdown: rendered as the text they are, never as an element.

Every Markdown output (data-dictionary.md, CHANGELOG.md, report.md, the run summary)
passes each value from the data through `text`, `code` or `link`. CommonMark lets any
ASCII punctuation be escaped with a backslash; `text` escapes all of it except a few
characters that start nothing inside a line (`,` `;` `'` `"` `?` `%` `/`; `-` and `=`
after the first character; `_` between two letters or digits), writes `<`, `>` and `&`
as entities, and turns line breaks and tabs into spaces, so a value can neither start
a block (list, heading, code block, table row) nor open an inline element (HTML, link,
image, emphasis, code span) nor be turned into a link by GitHub's or markdown-it's
autolinking of `www.` and `https://`. (cmark-gfm still links an e-mail address: it does
so after every escape is resolved, and such a link only opens a mail client.)
Spaces at the start and the end stay visible as `&#32;`.

An address becomes a link only when it is a valid https address (flows.common.urls);
its destination is escaped too. Checked by rendering every output with markdown-it-py
and GitHub's cmark-gfm (tests/test_markdown_escaping.py).
"""

from __future__ import annotations

import re
import string

from flows.common.urls import is_https_url

#: characters that start nothing inside a line of CommonMark or GFM
INERT = set(",;'\"?%/-=")
ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
ESCAPES = {
    **{c: "\\" + c for c in string.punctuation if c not in INERT},
    **ENTITIES,
    "\r": " ",
    "\n": " ",
    "\t": " ",
}
TABLE = str.maketrans(ESCAPES)
#: '_' between two letters or digits opens and closes no emphasis (CommonMark 6.2):
#: `event_id` stays as it is written
INTRAWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])\\_(?=[^\W_])")
#: what may stay a code span: no backtick, pipe, line break or space at the ends
CODE_SAFE = re.compile(r"[^`|\r\n\t]*")


def text(value: object) -> str:
    """value as Markdown text that renders as exactly that text (line breaks as spaces)."""
    if value is None:
        return ""
    escaped = INTRAWORD_UNDERSCORE.sub("_", str(value).translate(TABLE))
    if escaped[:1] in ("-", "="):
        escaped = "\\" + escaped  # a list item, a thematic break or an underline
    stripped = escaped.strip(" ")
    if stripped != escaped:
        lead = len(escaped) - len(escaped.lstrip(" "))
        trail = len(escaped) - len(escaped.rstrip(" "))
        escaped = "&#32;" * lead + stripped + "&#32;" * trail
    return escaped


def code(value: object) -> str:
    """value as a code span, whose content CommonMark shows literally; as `text` when a
    backtick, a pipe (a table cell's end) or a line break would break the span."""
    shown = "" if value is None else str(value)
    if shown and CODE_SAFE.fullmatch(shown) and shown == shown.strip():
        return f"`{shown}`"
    return text(shown)


def link(url: str, label: str | None = None) -> str:
    """A link to url when it is a valid https address, else the address as text."""
    if not is_https_url(url):
        return text(url)
    # inside <...> only '\\' and '&' still mean something; a valid address has no '\\'
    destination = url.replace("&", "\\&")
    return f"[{text(url if label is None else label)}](<{destination}>)"
