"""Web addresses checked against the grammar of RFC 3986, not a loose pattern.

An address from metadata.toml becomes an IRI in the DCAT catalogue and a link in the
portals; an address from the data becomes a link in the Markdown outputs. rdflib
refuses `"`, `<`, `>`, spaces and braces that a loose pattern lets through, and a link
built from them can leave its element. The package rfc3986 (2.0) accepts exactly those
characters in a path, so the grammar is written out here from RFC 3986, appendix A:

    URI         = scheme ":" "//" authority path-abempty [ "?" query ] [ "#" fragment ]
    pchar       = unreserved / pct-encoded / sub-delims / ":" / "@"
    query       = *( pchar / "/" / "?" ), and fragment the same

narrowed to what a published address needs: the scheme http or https, a host that is
a domain name with at least two labels (no IP address, no user name or password), and
an optional port.
"""

from __future__ import annotations

import re

UNRESERVED = r"A-Za-z0-9\-._~"
SUB_DELIMS = r"!$&'()*+,;="
PCHAR = rf"(?:[{UNRESERVED}{SUB_DELIMS}:@]|%[0-9A-Fa-f]{{2}})"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
TOP_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HTTP_URL = re.compile(
    rf"(?P<scheme>[Hh][Tt][Tt][Pp][Ss]?)://(?:{LABEL}\.)+{TOP_LABEL}(?::(?P<port>[0-9]{{1,5}}))?"
    rf"(?:/{PCHAR}*)*(?:\?(?:{PCHAR}|[/?])*)?(?:#(?:{PCHAR}|[/?])*)?"
)
#: every character RFC 3986 allows anywhere in a URI (unreserved, reserved, '%')
URI_CHARACTER = re.compile(rf"[{UNRESERVED}{SUB_DELIMS}:/?#\[\]@%]")
PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: an e-mail address becomes a mailto: IRI: the dot-atom form of RFC 5322 that needs no
#: percent-encoding there, at a domain name
EMAIL = re.compile(rf"^[A-Za-z0-9._+-]+@(?:{LABEL}\.)+{TOP_LABEL}$")


def url_problem(url: str) -> tuple[str, str] | None:
    """None for a valid http(s) address, else what is wrong with it, German and English."""
    for position, character in enumerate(url, start=1):
        if not URI_CHARACTER.fullmatch(character):
            encoded = "".join(f"%{b:02X}" for b in character.encode("utf-8"))
            return (
                f"Zeichen {character!r} an Stelle {position} ist in einer Adresse nicht "
                f"erlaubt (RFC 3986), kodiert: {encoded}",
                f"character {character!r} at position {position} is not allowed in an "
                f"address (RFC 3986), encoded: {encoded}",
            )
    bad_percent = PERCENT.search(url)
    if bad_percent:
        at = bad_percent.start() + 1
        return (
            f"auf '%' an Stelle {at} folgen nicht zwei Hexadezimalziffern",
            f"'%' at position {at} is not followed by two hex digits",
        )
    found = HTTP_URL.fullmatch(url)
    if found is None:
        return (
            "ist keine Adresse der Form https://host.example/pfad (RFC 3986)",
            "is not an address of the form https://host.example/path (RFC 3986)",
        )
    if found["port"] is not None and not 0 < int(found["port"]) < 65536:
        return (
            f"Port {found['port']} liegt nicht zwischen 1 und 65535",
            f"port {found['port']} is not between 1 and 65535",
        )
    return None


def is_http_url(url: str) -> bool:
    return url_problem(url) is None


def is_https_url(url: str) -> bool:
    """A valid address whose scheme is https: the only kind the Markdown outputs link."""
    return url[:8].lower() == "https://" and is_http_url(url)
