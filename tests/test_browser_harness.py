"""The browser harness itself: the network is really cut, and problems are really seen.

Every page test relies on `servers.browser`; this shows it can fail.
"""

from __future__ import annotations

from pathlib import Path

from servers.browser import artifacts, chromium  # noqa: F401 - fixtures

CLEAN = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Probe</title></head>
<body><main><h1>Probe</h1><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></main></body></html>"""

BROKEN = """<!doctype html><html><head><meta charset="utf-8"><title>Probe</title></head>
<body><img src="https://example.org/tracker.png"><script>undefined_function()</script>
<a href="#"><img src="data:,"></a></body></html>"""


def test_a_clean_page_is_clean(chromium, artifacts, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "clean.html"
    page.write_text(CLEAN, encoding="utf-8")
    visit = chromium.visit(page, screenshots=artifacts)
    assert visit.clean, visit.problems()
    assert visit.lang == "de"
    assert "<script>alert(1)</script>" in visit.text
    assert [shot.name for shot in visit.screenshots] == ["clean-1280.png", "clean-390.png"]
    assert all(shot.stat().st_size > 0 for shot in visit.screenshots)


def test_requests_leaving_the_machine_errors_and_violations_are_seen(
    chromium,  # noqa: F811
    tmp_path: Path,
) -> None:
    page = tmp_path / "broken.html"
    page.write_text(BROKEN, encoding="utf-8")
    visit = chromium.visit(page)
    assert visit.outside_requests == ["https://example.org/tracker.png"]
    assert visit.failed_requests
    assert any("undefined_function" in error for error in visit.console_errors)
    found = {violation["id"] for violation in visit.axe_violations}
    assert {"html-has-lang", "image-alt"} <= found, visit.problems()
    assert not visit.clean
