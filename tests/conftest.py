"""Fixtures of the template's own tests: a plain snapshot of the template, and renders."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pytest_copier.plugin import CopierFixture

from tests.contract.live import stop_leftover_servers

pytest_plugins = ["tests.matrix"]

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PARTS = ("copier.yml", "extensions", "template")


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


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, once per run
        stop_leftover_servers()


def worker_environment_folder(worker_id: str) -> Path:
    """The xdist worker's virtual environment and mypy cache, reused across combinations.

    The contract's live servers and the rendered suites of a combination run on
    the same worker one after the other, so they share one environment: the
    second `uv sync` of a combination finds everything in place.
    """
    return ROOT / ".matrix" / "envs" / worker_id


def render(copier: CopierFixture, destination: Path, **answers: Any) -> Path:
    copier.copy(destination, **answers)
    return destination
