"""The developer experience of a rendered service: Makefile, pre-commit hooks, .editorconfig.

Per combination, in-process: the Makefile has the targets the stack calls for, the
README's two getting-started commands are among them, and the rendered tree already
passes the pre-commit hygiene hooks (a first commit changes nothing). On a covering
set: make itself parses the Makefile (`make help`, `make -n` of every target). Slow,
one combination per framework: `make install`, `make lint typecheck` for real.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from tests.conftest import Renders
from tests.test_run import mypy_cache, run

# The hooks the config may use from each repo at its pinned rev, written down by hand from
# that repo's .pre-commit-hooks.yaml (tests cannot fetch it): a rev bump must revisit this.
HOOKS_AT_REV = {
    ("https://github.com/pre-commit/pre-commit-hooks", "v6.0.0"): {
        "trailing-whitespace",
        "end-of-file-fixer",
        "check-yaml",
        "check-toml",
        "check-merge-conflict",
        "check-added-large-files",
        "detect-private-key",
    },
    ("https://github.com/astral-sh/ruff-pre-commit", "v0.17.6"): {"ruff-check", "ruff-format"},
}
PINNED_REV = re.compile(r"v\d+\.\d+\.\d+")
# pre-commit-hooks' detect-private-key looks for these; check-added-large-files' default (KB).
PRIVATE_KEY_MARKERS = (
    "BEGIN RSA PRIVATE KEY",
    "BEGIN DSA PRIVATE KEY",
    "BEGIN EC PRIVATE KEY",
    "BEGIN OPENSSH PRIVATE KEY",
    "BEGIN PRIVATE KEY",
    "PuTTY-User-Key-File-2",
    "BEGIN SSH2 ENCRYPTED PRIVATE KEY",
    "BEGIN PGP PRIVATE KEY BLOCK",
    "BEGIN ENCRYPTED PRIVATE KEY",
    "BEGIN OpenVPN Static key V1",
)
LARGE_FILE_KB = 500
CONFLICT_MARKER = re.compile(r"^(?:<<<<<<<|>>>>>>>) ", re.MULTILINE)
TRAILING_WHITESPACE = re.compile(r"[ \t]+$", re.MULTILINE)
# A target and its help: `name: prerequisites ## one line of help`.
TARGET = re.compile(r"^([a-z]+):[^=\n]*?## (.+)$", re.MULTILINE)
BASE_TARGETS = {"help", "install", "run", "test", "lint", "format", "typecheck", "check"}
BASE_TARGETS |= {"migrate", "makemigrations", "clean"}
MIGRATION_TOOL = {
    "alembic": "uv run alembic",
    "tortoise": "uv run tortoise",
    "django": "uv run python manage.py",
}
PYTHON_TOOLS = re.compile(r"\b(pytest|ruff|mypy|alembic|tortoise|python)\b")


@pytest.fixture
def project(combination: dict[str, str], renders: Renders) -> Path:
    return renders.pristine(combination)[0]


def targets(makefile: str) -> dict[str, str]:
    """Each documented target and its one line of help."""
    return dict(TARGET.findall(makefile))


def recipes(makefile: str) -> dict[str, list[str]]:
    """Each rule's recipe lines (tab-indented), by target."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in makefile.splitlines():
        if line.startswith("\t"):
            found.setdefault(current, []).append(line[1:].lstrip("@"))
        elif match := re.match(r"^([a-z]+):", line):
            current = match.group(1)
    return found


def tracked_files(project: Path) -> list[Path]:
    """The files git would track: all but those the rendered .gitignore names (simple patterns)."""
    patterns = [
        line.rstrip("/")
        for line in (project / ".gitignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    return sorted(
        path
        for path in project.rglob("*")
        if path.is_file()
        and not any(
            fnmatch.fnmatch(part, pattern)
            for part in path.relative_to(project).parts
            for pattern in patterns
        )
    )


VALIDATED: dict[str, str] = {}
# Texts check-yaml and check-toml would accept, parsed once per worker (most recur unchanged).
PARSED: set[str] = set()


def validated(config: Path) -> str:
    """pre-commit's own verdict on a config, once per distinct text ("" when valid)."""
    text = config.read_text()
    if text not in VALIDATED:
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
            capture_output=True,
            text=True,
            check=False,
        )
        VALIDATED[text] = result.stdout + result.stderr if result.returncode else ""
    return VALIDATED[text]


@pytest.mark.covering("framework")
def test_pre_commit_config_is_valid_and_pinned(project: Path) -> None:
    config = project / ".pre-commit-config.yaml"
    assert not validated(config), validated(config)
    repos = yaml.safe_load(config.read_text())["repos"]
    ruff = next(
        Requirement(line.strip().strip('",'))
        for line in (project / "pyproject.toml").read_text().splitlines()
        if line.strip().startswith('"ruff')
    )
    for repo in repos:
        ids = {hook["id"] for hook in repo["hooks"]}
        if repo["repo"] == "local":
            (mypy,) = repo["hooks"]
            assert mypy["entry"].startswith("uv run mypy"), mypy
            assert mypy["pass_filenames"] is False, "mypy reads its files from pyproject.toml"
            continue
        assert PINNED_REV.fullmatch(repo["rev"]), f"{repo['repo']}: not a pinned release"
        known = HOOKS_AT_REV.get((repo["repo"], repo["rev"]))
        assert known is not None, f"{repo['repo']}@{repo['rev']}: update HOOKS_AT_REV"
        assert ids == known, f"{repo['repo']}: {ids ^ known}"
        if "ruff-pre-commit" in repo["repo"]:
            assert ruff.specifier.contains(repo["rev"][1:]), f"{repo['rev']} not in {ruff}"


def test_rendered_tree_passes_the_hygiene_hooks(project: Path) -> None:
    assert_hygienic(project)


@pytest.mark.covering("framework")
def test_both_ci_files_pass_the_hygiene_hooks(
    combination: dict[str, str], renders: Renders
) -> None:
    """The GitHub and GitLab files too (ci=both), which the default render leaves out."""
    project = renders.pristine({**combination, "ci": "both"})[0]
    assert (project / ".gitlab-ci.yml").is_file()
    assert_hygienic(project)


def assert_hygienic(project: Path) -> None:
    """What pre-commit-hooks would change or refuse, checked on every tracked file."""
    for path in tracked_files(project):
        name = str(path.relative_to(project))
        assert path.stat().st_size < LARGE_FILE_KB * 1024, f"{name}: over {LARGE_FILE_KB} KB"
        text = path.read_text()
        assert not text or (text.endswith("\n") and not text.endswith("\n\n")), name
        assert not TRAILING_WHITESPACE.search(text), f"{name}: {TRAILING_WHITESPACE.search(text)}"
        assert not CONFLICT_MARKER.search(text), f"{name}: {CONFLICT_MARKER.search(text)}"
        assert not [m for m in PRIVATE_KEY_MARKERS if m in text], f"{name}: a private key"
        if text in PARSED:
            continue
        if path.suffix in {".yaml", ".yml"}:
            list(yaml.safe_load_all(text))
        elif path.suffix == ".toml":
            tomllib.loads(text)
        PARSED.add(text)


def test_makefile_matches_the_stack(project: Path, combination: dict[str, str]) -> None:
    makefile = (project / "Makefile").read_text()
    documented = targets(makefile)
    needs_servers = combination["database"] != "sqlite" or combination["queue"] != "none"
    expected = BASE_TARGETS | ({"worker"} if combination["queue"] != "none" else set())
    expected |= {"up", "down"} if needs_servers else set()
    assert set(documented) == expected
    phony = re.search(r"^\.PHONY: (.+)$", makefile, re.MULTILINE)
    assert phony, "no .PHONY line"
    assert set(phony.group(1).split()) == expected
    assert re.search(r"^\.DEFAULT_GOAL := help$", makefile, re.MULTILINE)
    steps = recipes(makefile)
    orm = {"sqlmodel": "sqlalchemy"}.get(combination["orm"], combination["orm"])
    tool = MIGRATION_TOOL["alembic" if orm == "sqlalchemy" else orm]
    for target in ("migrate", "makemigrations"):
        assert any(step.startswith(tool) for step in steps[target]), (target, steps[target])
    for step in (step for lines in steps.values() for step in lines):
        if PYTHON_TOOLS.search(step):
            assert step.startswith("uv run "), f"not through uv: {step}"
    if needs_servers:
        services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
        (up,) = steps["up"]
        assert set(up.split()[5:]) <= set(services), up
        assert ("db" in up.split()) is (combination["database"] != "sqlite"), up
        assert ("broker" in up.split()) is (combination["queue"] != "none"), up


@pytest.mark.covering("framework", "orm", "queue")
def test_make_reads_every_target(project: Path) -> None:
    """GNU make itself parses the Makefile: `make help` lists, `make -n` expands every target."""
    listed = subprocess.run(
        ["make", "--no-print-directory"], cwd=project, capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == list(targets((project / "Makefile").read_text())), listed.stdout
    dry = subprocess.run(
        ["make", "-n", "NAME=add_price", *names],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert "uv run pytest" in dry.stdout


def test_readme_gets_started_in_two_make_commands(project: Path) -> None:
    readme = (project / "README.md").read_text()
    start = re.search(r"two commands:\n\n```bash\n(.*?)```", readme, re.DOTALL)
    assert start, "README: no two-command start"
    commands = [line.split("#")[0].split() for line in start.group(1).splitlines()]
    assert [command[0] for command in commands] == ["make", "make"], commands
    documented = targets((project / "Makefile").read_text())
    assert {command[1] for command in commands} <= set(documented), commands
    for target in ("up", "worker"):
        assert (f"`make {target}`" in readme or f"make {target} " in readme) is (
            target in documented
        ), target


def editorconfig(text: str) -> dict[str, dict[str, str]]:
    """Sections of an .editorconfig (configparser refuses its section-less `root`)."""
    sections: dict[str, dict[str, str]] = {"": {}}
    current = ""
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = {}
        elif "=" in line and not line.startswith("#"):
            key, value = (part.strip() for part in line.split("=", 1))
            sections[current][key] = value
    return sections


@pytest.mark.covering("framework")
def test_editorconfig_agrees_with_ruff_and_the_files(project: Path) -> None:
    sections = editorconfig((project / ".editorconfig").read_text())
    ruff = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["ruff"]
    assert sections[""] == {"root": "true"}
    assert int(sections["*.py"]["max_line_length"]) == ruff["line-length"]
    assert sections["Makefile"] == {"indent_style": "tab"}
    yaml_indent = int(sections["*.{yaml,yml,json,js,html}"]["indent_size"])
    for suffix, width in ((".py", int(sections["*"]["indent_size"])), (".yaml", yaml_indent)):
        for path in project.rglob(f"*{suffix}"):
            indents = {len(line) - len(line.lstrip(" ")) for line in path.read_text().splitlines()}
            assert all(indent % width == 0 for indent in indents), (path, sorted(indents))


@pytest.mark.slow
@pytest.mark.covering("framework")
def test_make_install_lint_and_typecheck_run(
    renders: Renders,
    tmp_path: Path,
    combination: dict[str, str],
    worker_environment: dict[str, str],
) -> None:
    """For real, in a fresh git clone: `make install` hooks pre-commit in, lint and types pass."""
    project = renders.copy(combination, tmp_path / "svc")
    env = {**worker_environment, "MYPY_CACHE_DIR": mypy_cache(worker_environment, project)}
    for command in (("git", "init", "-q"), ("make", "install"), ("make", "lint", "typecheck")):
        result, seconds = run(project, *command, extra_env=env)
        assert result.returncode == 0, f"{command} ({seconds} s): {result.stdout}{result.stderr}"
    hook = (project / ".git" / "hooks" / "pre-commit").read_text()
    assert "pre-commit" in hook
