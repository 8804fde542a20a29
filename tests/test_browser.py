"""The /docs page of a live rendered service, opened in headless Chromium, renders.

One combination per framework, on SQLite without a queue: the service needs no
other server, so it runs beside the contract's server of the same combination
without sharing a database with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Browser, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, visit_docs
from tests.conftest import Renders
from tests.contract.conftest import Services
from tests.contract.live import LiveService

pytestmark = [pytest.mark.covering("framework"), pytest.mark.stack(database="sqlite", queue="none")]

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# Where the page's own script lives in a rendered project, served at /docs/init.js.
INIT_SCRIPT = Path("src/static/docs/init.js")
# Enough for a page that has loaded everything it asked for to show what it will ever show.
SETTLED_TIMEOUT_MS = 2_000


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One browser for the whole session; each visit gets a fresh context."""
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live(
    renders: Renders,
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    combination: dict[str, str],
) -> Iterator[LiveService]:
    """The combination's server as the contract starts it, stopped once its tests are done."""
    registry = Services(renders, tmp_path_factory.mktemp("browser"), worker_id)
    try:
        yield registry.get(combination)
    finally:
        registry.close()


def test_docs_page_renders_every_operation_from_the_service_alone(
    live: LiveService, chromium: Browser, tmp_path: Path
) -> None:
    document = httpx.get(f"{live.base_url}/openapi.json").json()
    documented = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }
    answers = yaml.safe_load((live.project / ".copier-answers.yml").read_text())
    assert document["info"]["title"] == answers["project_name"]

    visit = visit_docs(chromium, live.base_url, screenshot=tmp_path / "docs.png")

    assert not visit.problems, "\n".join(visit.problems)
    assert visit.title.startswith(answers["project_name"]), visit.title
    assert ("get", "/api/v1/items") in visit.operations
    assert visit.operations == documented


def test_a_missing_asset_is_reported(live: LiveService, chromium: Browser) -> None:
    """The check itself: with the page's script gone, the visit names it and the blank page.

    The status differs by framework (FastAPI answers 500 for a file that vanished,
    Flask and Django 404); any error status for the script must be reported.
    """
    script = live.project / INIT_SCRIPT
    hidden = script.rename(script.with_suffix(".hidden"))
    try:
        visit = visit_docs(chromium, live.base_url, render_timeout_ms=SETTLED_TIMEOUT_MS)
    finally:
        hidden.rename(script)

    missing = re.compile(rf"HTTP [45]\d\d: {re.escape(live.base_url)}/docs/init\.js")
    assert any(missing.fullmatch(problem) for problem in visit.problems), visit.problems
    assert f"no operation rendered within {SETTLED_TIMEOUT_MS} ms" in visit.problems
    assert not visit.operations
