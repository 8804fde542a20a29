"""Fixtures of the template's own tests: a plain snapshot of the template, and renders."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_copier.plugin import CopierFixture

from extensions import catalog
from tests.contract.live import stop_leftover_servers

# The matrix plugin (below) is imported here first: its asserts are still rewritten.
pytest.register_assert_rewrite("tests.matrix")
from tests.matrix import combination_id  # noqa: E402

pytest_plugins = ["tests.matrix"]

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PARTS = ("copier.yml", "extensions", "partials", "template")


def snapshot(destination: Path) -> Path:
    """The template as plain files (no git): copier renders it without cloning."""
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache", ".venv")
    destination.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=ignore)
        else:
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture(scope="session")
def copier_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Overrides pytest-copier's git-initialised copy with a plain snapshot."""
    return snapshot(tmp_path_factory.mktemp("template"))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the cores, as the matrix often waits on servers.

    Measured on 2 cores, 12 combinations of tests/test_run.py and the contract:
    403 s with 2 workers, 360 s with 3.
    """
    return len(os.sched_getaffinity(0)) + 1


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, once per run
        stop_leftover_servers()


def worker_environment_folder(worker_id: str) -> Path:
    """The xdist worker's virtual environment and mypy cache, reused across combinations.

    The contract's live servers and the rendered suites of a combination run on
    the same worker one after the other, so they share one environment: the
    second `uv sync` of a combination finds everything in place.
    """
    # MATRIX_ENVS_DIR: another place, so that two runs on one machine do not share one.
    return Path(os.environ.get("MATRIX_ENVS_DIR", ROOT / ".matrix" / "envs")) / worker_id


@pytest.fixture(scope="session")
def worker_environment(worker_id: str) -> dict[str, str]:
    """One virtual environment and mypy cache per xdist worker, reused across combinations.

    `uv sync` is exact: it installs what a combination's pyproject asks for and
    removes everything else, so a dependency missing from a rendered pyproject
    still fails. Reusing the folder keeps unchanged packages (and mypy's cache of
    them) in place, which is most of what a fresh environment would cost.
    """
    folder = worker_environment_folder(worker_id)
    return {
        "UV_PROJECT_ENVIRONMENT": str(folder / "venv"),
        "MYPY_CACHE_DIR": str(folder / "mypy-cache"),
    }


def render(copier: CopierFixture, destination: Path, **answers: Any) -> Path:
    copier.copy(destination, **answers)
    return destination


class Renders:
    """Each combination rendered once per worker, for its static checks, suite and live server.

    The static checks read the render itself; the suite and the live server,
    which write into their project (caches, logs, SQLite files), get a copy.
    """

    def __init__(self, template: Path, base: Path) -> None:
        self.template, self.base = template, base
        self.done: dict[str, tuple[Path, float]] = {}

    def pristine(self, answers: dict[str, str]) -> tuple[Path, float]:
        """The render of `answers`, and the seconds it took; not to be written to."""
        extras = sorted((q, v) for q, v in answers.items() if q not in catalog.STACK_QUESTIONS)
        key = "-".join([combination_id(answers), *(f"{q}={v}" for q, v in extras)])
        if key not in self.done:
            copier = CopierFixture(self.template, {}, pytest.MonkeyPatch())
            started = time.perf_counter()
            project = render(copier, self.base / key, **answers)
            self.done[key] = (project, round(time.perf_counter() - started, 2))
        return self.done[key]

    def copy(self, answers: dict[str, str], destination: Path) -> Path:
        shutil.copytree(self.pristine(answers)[0], destination)
        return destination


@pytest.fixture(scope="session")
def renders(copier_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Renders:
    return Renders(copier_template, tmp_path_factory.mktemp("renders"))
