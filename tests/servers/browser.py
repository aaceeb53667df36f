"""Debian's headless Chromium, driven by Playwright, with the network cut.

Every page a person reads (report.html, the release's website) is loaded the way a
reader would open it, from a file or from a server on loopback. Any request that leaves
the machine is aborted and counted as a failure; console errors, failed requests and
axe-core's serious and critical findings (WCAG 2.1 AA) are collected per page, and a
screenshot is saved at each width for a person to look at.

    def test_page(chromium, artifacts):
        visit = chromium.visit(page_path, name="report", screenshots=artifacts)
        assert visit.clean, visit.problems()

Playwright's own browser downloads are not used: it starts /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from servers import REPO, SERVERS_DIR, not_installed

CHROMIUM = Path(os.environ.get("PARTNERSHIPS_CHROMIUM", "/usr/bin/chromium"))
AXE = SERVERS_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: where screenshots are kept as test artifacts (CI may collect the folder)
ARTIFACTS = Path(os.environ.get("PARTNERSHIPS_TEST_ARTIFACTS", REPO / ".cache" / "artifacts"))
WIDTHS = (1280, 390)
#: the WCAG 2.1 A and AA rules that BITV 2.0 asks of German public bodies
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: requests that never leave the machine
LOCAL = re.compile(r"^(file:|data:|about:|blob:|https?://(127\.0\.0\.1|localhost|\[::1\])[:/])")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@dataclass
class PageVisit:
    """What one page did when loaded, and where its screenshots are."""

    url: str
    title: str = ""
    lang: str = ""
    text: str = ""
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    axe_violations: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    #: the document's scroll width at each viewport width: wider means the page overflows
    scroll_widths: dict[int, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (
            self.failed_requests
            or self.outside_requests
            or self.console_errors
            or self.axe_violations
        )

    def problems(self) -> str:
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in self.axe_violations
        ]
        return json.dumps(
            {
                "url": self.url,
                "failed requests": self.failed_requests,
                "requests leaving the machine": self.outside_requests,
                "console errors": self.console_errors,
                "axe (serious, critical)": serious,
            },
            indent=2,
            ensure_ascii=False,
        )


class Chromium:
    """One headless Chromium; each visit gets a fresh context with the network cut."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def visit(
        self,
        page: Path | str,
        *,
        name: str | None = None,
        screenshots: Path | None = None,
        widths: tuple[int, ...] = WIDTHS,
        accessibility: bool = True,
    ) -> PageVisit:
        url = page.resolve().as_uri() if isinstance(page, Path) else page
        visit = PageVisit(url)
        context = self._browser.new_context(
            viewport={"width": widths[0], "height": 900}, java_script_enabled=True
        )

        def route(request_route) -> None:
            if LOCAL.match(request_route.request.url):
                request_route.continue_()
            else:
                visit.outside_requests.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        tab = context.new_page()
        tab.on(
            "requestfailed",
            lambda request: visit.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        tab.on(
            "console",
            lambda message: message.type == "error" and visit.console_errors.append(message.text),
        )
        tab.on("pageerror", lambda error: visit.console_errors.append(str(error)))
        try:
            response = tab.goto(url, wait_until="load")
            if response is not None and response.status >= 400:
                visit.failed_requests.append(f"{url}: HTTP {response.status}")
            visit.title = tab.title()
            visit.lang = tab.evaluate("document.documentElement.lang")
            visit.text = tab.inner_text("body")
            visit.links = tab.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
            if accessibility:
                visit.axe_violations = run_axe(tab)
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
            for width in widths:
                tab.set_viewport_size({"width": width, "height": 900})
                visit.scroll_widths[width] = tab.evaluate("document.documentElement.scrollWidth")
                if screenshots is not None:
                    shot = screenshots / f"{name or Path(url).stem}-{width}.png"
                    tab.screenshot(path=str(shot), full_page=True)
                    visit.screenshots.append(shot)
        finally:
            context.close()
        return visit


def run_axe(tab) -> list[dict]:
    """axe-core's serious and critical violations of WCAG 2.1 A and AA on the open page."""
    # injected as text: the page's own network stays cut
    tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    """One browser per test module: Playwright's sync API keeps an event loop running in
    the main thread while it is open, and Prefect then takes every later call in the
    same process for async code (its sync calls return coroutines)."""
    if not CHROMIUM.exists():
        not_installed(f"Chromium ({CHROMIUM})")
    if not AXE.is_file():
        not_installed("axe-core (npm)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        not_installed("playwright (PyPI)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield Chromium(browser)
        finally:
            browser.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """A folder for this test's screenshots, kept after the run: .cache/artifacts/<test>."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
