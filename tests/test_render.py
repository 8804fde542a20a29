"""Every stack combination renders into a clean tree that follows the standard."""

from __future__ import annotations

import compileall
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_copier.plugin import CopierFixture

from tests.conftest import COMBINATIONS, combination_id, render

MAX_LINES = 150
CRITICAL_FILES = (
    "config/settings.yaml",
    ".env.example",
    "README.md",
    "docs/API.md",
    "docs/ARCHITECTURE.md",
    "CHANGELOG.md",
    "src/__init__.py",
    "src/core/config.py",
    "src/core/security.py",
    "src/main.py",
)
LAYOUT = (
    ".copier-answers.yml",
    "main.py",
    "pyproject.toml",
    "Dockerfile",
    "docker-compose.yml",
    "config/logging.yaml",
    "src/api/routes/health.py",
    "src/api/routes/items.py",
    "src/api/dependencies.py",
    "src/api/middleware.py",
    "src/core/exceptions.py",
    "src/models/base.py",
    "src/models/item.py",
    "src/schemas/common.py",
    "src/schemas/item.py",
    "src/services/item_service.py",
    "src/repositories/item_repository.py",
    "src/utils/__init__.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/unit/__init__.py",
    "tests/integration/__init__.py",
)
# A Jinja expression, statement or comment; JSON examples such as `{"a": {}}` do not match.
JINJA_LEFTOVER = re.compile(r"\{\{-?\s*[A-Za-z_(]|\{%-?\s*\w|\{#")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".ini", ".example", ".html", ".js", ""}

PARAMS = [
    pytest.param(c, id=combination_id(c), marks=pytest.mark.xdist_group(combination_id(c)))
    for c in COMBINATIONS
]


@pytest.fixture(scope="module", params=PARAMS)
def project(
    request: pytest.FixtureRequest,
    copier_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    copier = CopierFixture(template=copier_template, defaults={}, monkeypatch=pytest.MonkeyPatch())
    destination = tmp_path_factory.mktemp(combination_id(request.param))
    return render(copier, destination / "svc", **request.param)


def files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


def test_critical_files_and_layout(project: Path) -> None:
    missing = [name for name in (*CRITICAL_FILES, *LAYOUT) if not (project / name).is_file()]
    assert not missing, f"missing: {missing}"
    answers = (project / ".copier-answers.yml").read_text()
    if "auth: none" not in answers:
        assert (project / "src/api/routes/auth.py").is_file()
    assert (project / "alembic.ini").is_file() == ("orm: sqlalchemy" in answers)


def test_no_leftover_jinja_and_no_template_names(project: Path) -> None:
    for path in files(project):
        assert ".jinja" not in path.name, path
        assert "{" not in str(path), path
        if path.suffix in TEXT_SUFFIXES:
            text = path.read_text()
            assert not JINJA_LEFTOVER.search(text), f"{path}: {JINJA_LEFTOVER.search(text)}"
            assert text.endswith("\n") or not text, f"{path} lacks a final newline"


def test_no_file_over_the_line_limit(project: Path) -> None:
    long = {
        str(path.relative_to(project)): count
        for folder in ("src", "tests")
        for path in (project / folder).rglob("*.py")
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"over {MAX_LINES} lines: {long}"


RUFF = {"check": ["check", "--no-cache"], "format": ["format", "--check", "--no-cache"]}


@pytest.mark.parametrize("command", RUFF.values(), ids=RUFF.keys())
def test_ruff_is_clean(project: Path, command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiles(project: Path) -> None:
    for folder in ("src", "tests", "config"):
        assert compileall.compile_dir(project / folder, quiet=1, force=True), folder
    assert compileall.compile_file(project / "main.py", quiet=1, force=True)
