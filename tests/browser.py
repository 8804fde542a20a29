"""A visit of a live service's /docs page in headless Chromium, and what went wrong on it.

The page must render from the service alone: every request the browser makes is
routed here, and one to another origin is refused and reported, as is a request
that fails, an asset answered with an error status, and anything the page logs
as an error (a script that throws, a Content-Security-Policy violation).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, Route
from playwright.sync_api import Error as PlaywrightError

from tests.servers import IN_CI

CHROMIUM = Path(os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium"))
# The machine may have no network: nothing that Chromium would fetch on its own.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
# Long enough for Swagger UI to fetch the OpenAPI document and draw it on a busy CI runner.
RENDER_TIMEOUT_MS = 15_000
# Schemes whose "requests" never leave the page (Swagger UI's inline icons).
LOCAL_SCHEMES = frozenset({"data", "blob"})
FIRST_ERROR_STATUS = 400
# Reads what Swagger UI drew: the title of the document and each operation's method and path.
RENDERED_OPERATIONS = """els => els.map(e => [
  e.querySelector('.opblock-summary-method')?.textContent ?? '',
  e.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
])"""


def require_chromium() -> None:
    """Fail under CI=true (.ci/run installs it), skip loudly elsewhere, without Chromium."""
    if CHROMIUM.is_file():
        return
    reason = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set TEST_CHROMIUM)"
    if IN_CI:
        pytest.fail(f"{reason}; CI=true: the /docs page must be tested in a browser")
    pytest.skip(reason)


@dataclass
class DocsVisit:
    """What the browser showed at /docs, and every problem it met on the way."""

    title: str = ""
    operations: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def watch(self, page: Page, origin: str) -> None:
        """Route every request of `page`: only `origin` is reached, the rest recorded."""

        def route(route: Route) -> None:
            url = urlsplit(route.request.url)
            if url.scheme in LOCAL_SCHEMES or f"{url.scheme}://{url.netloc}" == origin:
                route.continue_()
                return
            self.problems.append(f"request to another origin, refused: {route.request.url}")
            route.abort("blockedbyclient")

        def failed(request: Request) -> None:
            self.problems.append(f"request failed ({request.failure}): {request.url}")

        def answered(response: Response) -> None:
            if response.status >= FIRST_ERROR_STATUS:
                self.problems.append(f"HTTP {response.status}: {response.url}")

        def logged(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(f"console error: {message.text}")

        page.route("**/*", route)
        page.on("requestfailed", failed)
        page.on("response", answered)
        page.on("console", logged)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def read(self, page: Page, timeout_ms: int) -> None:
        """The title and operations Swagger UI drew, once it drew any."""
        try:
            page.wait_for_selector(".swagger-ui .opblock", state="visible", timeout=timeout_ms)
        except PlaywrightError:
            self.problems.append(f"no operation rendered within {timeout_ms} ms")
            return
        self.title = page.locator(".swagger-ui .info .title").inner_text()
        drawn = page.eval_on_selector_all(".swagger-ui .opblock-summary", RENDERED_OPERATIONS)
        self.operations = {(method.lower(), path) for method, path in drawn}


def visit_docs(
    browser: Browser,
    base_url: str,
    screenshot: Path | None = None,
    render_timeout_ms: int = RENDER_TIMEOUT_MS,
) -> DocsVisit:
    """Open `base_url`/docs in a fresh context and report what rendered and what went wrong."""
    visit = DocsVisit()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        visit.watch(page, base_url)
        page.goto(f"{base_url}/docs", wait_until="networkidle")
        visit.read(page, render_timeout_ms)
        if screenshot is not None:
            page.screenshot(path=screenshot, full_page=True)
    finally:
        context.close()
    return visit
