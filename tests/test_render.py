"""Every stack combination renders into a clean tree that follows the standard."""

from __future__ import annotations

import ast
import compileall
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extensions import catalog, context
from tests.conftest import Renders

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
# GitHub Actions' ${{ ... }} is not Jinja and is allowed.
JINJA_LEFTOVER = re.compile(r"(?<!\$)\{\{-?\s*[A-Za-z_(]|\{%-?\s*\w|\{#")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".ini", ".example", ".html", ".js", ""}


@pytest.fixture
def project(combination: dict[str, str], renders: Renders) -> Path:
    return renders.pristine(combination)[0]


def files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


def test_critical_files_and_layout(project: Path, combination: dict[str, str]) -> None:
    missing = [name for name in (*CRITICAL_FILES, *LAYOUT) if not (project / name).is_file()]
    assert not missing, f"missing: {missing}"
    derived = context.derive({**catalog.DEFAULTS, **combination, "package_name": "service"})
    assert (project / "alembic.ini").is_file() == derived["uses_alembic"]


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


def ruff_failures(project: Path, command: list[str]) -> str:
    """What `ruff <command>` reports on the project; empty when it is clean."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


@pytest.mark.parametrize("command", RUFF.values(), ids=RUFF.keys())
def test_ruff_is_clean(project: Path, command: list[str]) -> None:
    assert not ruff_failures(project, command)


def test_compiles(project: Path) -> None:
    for folder in ("src", "tests", "config"):
        assert compileall.compile_dir(project / folder, quiet=1, force=True), folder
    assert compileall.compile_file(project / "main.py", quiet=1, force=True)


ENV_READ = re.compile(r"""(?:getenv|environ\.get|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def variables_read(project: Path) -> set[str]:
    """Settings fields (each is read from the environment) and direct environment reads."""
    tree = ast.parse((project / "src/core/config.py").read_text())
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    names = {
        node.target.id.upper()
        for node in settings.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id != "model_config"
    }
    for path in [project / "main.py", *(project / "src").rglob("*.py")]:
        names.update(ENV_READ.findall(path.read_text()))
    return names


def test_env_example_lists_every_variable_the_code_reads(project: Path) -> None:
    lines = (project / ".env.example").read_text().splitlines()
    listed = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    read = variables_read(project)
    assert read, "found no settings: the check itself is broken"
    assert read - listed == set(), "read by the code but missing from .env.example"
    assert listed - read == set(), "listed in .env.example but read by nothing"


def test_env_has_secrets_of_its_own(project: Path, combination: dict[str, str]) -> None:
    """`copier copy` writes a .env with a random SECRET_KEY (and a first admin key for api_key)."""
    values = dict(
        line.split("=", 1)
        for line in (project / ".env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    example = (project / ".env.example").read_text()
    assert set(values) == {"SECRET_KEY"} | (
        {"BOOTSTRAP_API_KEY"} if combination["auth"] == "api_key" else set()
    )
    assert all(f"\n{name}=" in example for name in values)
    assert len(values["SECRET_KEY"]) >= 64
    assert values["SECRET_KEY"] not in (project / "config/settings.yaml").read_text()
    if "BOOTSTRAP_API_KEY" in values:
        assert re.fullmatch(r"[0-9a-f]{12}\.[A-Za-z0-9_-]{43}", values["BOOTSTRAP_API_KEY"])
