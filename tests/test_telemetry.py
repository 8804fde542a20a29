"""The optional integrations, sentry and opentelemetry: there only when asked for, and working.

One combination per framework (with a worker each, so every framework's worker
hook is rendered) is rendered with both on; the static checks read it, and the
slow test runs its suite, whose own tests send a crash to an in-memory Sentry
transport and a request's span to an in-memory exporter.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extensions import catalog
from tests import servers
from tests.conftest import Renders
from tests.matrix import combination_id
from tests.test_render import MAX_LINES, RUFF, ruff_failures, variables_read
from tests.test_run import RENDERED_PYTEST, WORKER_PROCESS_TESTS, mypy_cache, run

COMBINATIONS = {
    "fastapi": {
        "framework": "fastapi",
        "orm": "sqlalchemy",
        "database": "sqlite",
        "queue": "arq",
        "auth": "api_key",
    },
    "flask": {
        "framework": "flask",
        "orm": "sqlmodel",
        "database": "postgresql",
        "queue": "rq",
        "auth": "jwt",
    },
    "django": {
        "framework": "django",
        "orm": "django",
        "database": "mysql",
        "queue": "celery",
        "broker": "rabbitmq",
        "auth": "session",
    },
}
# Copier casts answers given as data to the question's type: "true" becomes True.
BOTH = {"sentry": "true", "opentelemetry": "true"}
VARIABLES = {
    "sentry": {"SENTRY_DSN", "SENTRY_TRACES_SAMPLE_RATE"},
    "opentelemetry": {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"},
}
# What each integration leaves in the rendered code and dependencies.
MENTIONS = {
    "sentry": re.compile(r"sentry", re.I),
    "opentelemetry": re.compile(r"opentelemetry|otel_"),
}
COVERAGE = re.compile(r"Total coverage: ([\d.]+)%")
# The rendered suite's own tests of the integrations, as `pytest -rA` lists them passed.
OWN_TESTS = re.compile(r"^PASSED tests/integration/test_(sentry|tracing)\.py::", re.MULTILINE)
UV_RUN = ("uv", "run", "--no-sync")
# One integration alone, on the framework whose hook differs most for it (its full suite
# runs only with both on: the slow test below).
ONE_ON = [("flask", "sentry"), ("django", "opentelemetry")]


def dependencies(project: Path) -> list[str]:
    text = (project / "pyproject.toml").read_text()
    block = text.split("dependencies = [", 1)[1].split("]\n", 1)[0]
    return re.findall(r'"([^"]+)"', block)


def code(project: Path) -> str:
    """Everything the service runs or installs: its Python files and pyproject.toml."""
    paths = [project / "pyproject.toml", project / "main.py", *(project / "src").rglob("*.py")]
    return "\n".join(path.read_text() for path in paths)


@pytest.fixture(
    scope="module",
    params=[
        # With the matrix's own tests of the combination: one render of it per run.
        pytest.param(name, marks=pytest.mark.xdist_group(combination_id(answers)))
        for name, answers in sorted(COMBINATIONS.items())
    ],
)
def stack(request: pytest.FixtureRequest) -> dict[str, str]:
    """Not `combination`: that name would bring the whole matrix (tests/matrix.py)."""
    answers = COMBINATIONS[request.param]
    assert catalog.combination_error(answers) == "", answers
    return answers


def test_answers_reach_the_render_as_booleans(stack: dict[str, str], renders: Renders) -> None:
    """Copier casts the data it is given to the question's type: True, not "True"."""
    answers = (renders.pristine({**stack, **BOTH})[0] / ".copier-answers.yml").read_text()
    assert "sentry: true" in answers
    assert "opentelemetry: true" in answers


def test_both_on_brings_their_dependencies_settings_and_hooks(
    stack: dict[str, str], renders: Renders
) -> None:
    project = renders.pristine({**stack, **BOTH})[0]
    framework, queue = stack["framework"], stack["queue"]
    wanted = {
        f"sentry-sdk[{framework},{queue}]",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp-proto-http",
        f"opentelemetry-instrumentation-{framework}",
    }
    names = {re.split(r"[<>=]", dependency)[0] for dependency in dependencies(project)}
    assert wanted <= names, wanted - names
    listed = (project / ".env.example").read_text()
    for name in VARIABLES["sentry"] | VARIABLES["opentelemetry"]:
        assert f"\n{name}=" in listed, name
        assert name in variables_read(project), f"{name} is listed but read by nothing"
    assert "install_telemetry(" in (project / "src/main.py").read_text()
    assert "install_worker_telemetry(settings)" in (project / "src/worker.py").read_text()
    for path in [*(project / "src").rglob("*.py"), *(project / "tests").rglob("*.py")]:
        lines = len(path.read_text().splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(project)}: {lines} lines"


@pytest.mark.parametrize(
    ("framework", "question"),
    [
        pytest.param(
            framework,
            question,
            marks=pytest.mark.xdist_group(combination_id(COMBINATIONS[framework])),
        )
        for framework, question in ONE_ON
    ],
)
def test_one_on_leaves_no_trace_of_the_other(
    renders: Renders, framework: str, question: str
) -> None:
    other = next(name for name in MENTIONS if name != question)
    project = renders.pristine({**COMBINATIONS[framework], question: "true"})[0]
    assert MENTIONS[question].search(code(project))
    assert not MENTIONS[other].search(code(project)), f"{other} is off, yet in the code"
    listed = (project / ".env.example").read_text()
    assert all(f"\n{name}=" in listed for name in VARIABLES[question])
    assert not any(name in listed for name in VARIABLES[other])
    for command in RUFF.values():
        assert not ruff_failures(project, command)


def test_both_off_leaves_no_trace(stack: dict[str, str], renders: Renders) -> None:
    project = renders.pristine(stack)[0]
    for question, mention in MENTIONS.items():
        assert not mention.search(code(project)), f"{question} is off, yet in the code"
    assert not (project / "src/core/telemetry.py").exists()
    assert not list((project / "tests").rglob("test_sentry.py"))
    assert not list((project / "tests").rglob("test_tracing.py"))


@pytest.mark.slow
def test_rendered_suite_passes_with_both_on(
    stack: dict[str, str],
    renders: Renders,
    tmp_path: Path,
    worker_environment: dict[str, str],
) -> None:
    """ruff, mypy and the suite (coverage gate included) in the project's own environment."""
    answers = {**stack, **BOTH}
    name = servers.resource_name(f"{combination_id(stack)}-telemetry")
    with servers.environment(stack, name) as server_env:
        project = renders.copy(answers, tmp_path / "svc")
        synced, _ = run(project, "uv", "sync", "--quiet", extra_env=worker_environment)
        assert synced.returncode == 0, synced.stderr
        for command in (("ruff", "check", "."), ("ruff", "format", "--check", ".")):
            linted, _ = run(
                project, "uv", "run", "--no-sync", *command, extra_env=worker_environment
            )
            assert linted.returncode == 0, linted.stdout + linted.stderr
        mypy_env = {**worker_environment, "MYPY_CACHE_DIR": mypy_cache(worker_environment, project)}
        typed, _ = run(project, *UV_RUN, "mypy", ".", extra_env=mypy_env)
        assert typed.returncode == 0, typed.stdout + typed.stderr
        tested, _ = run(
            project,
            *RENDERED_PYTEST,
            "-rA",
            f"--deselect={WORKER_PROCESS_TESTS}",
            extra_env={**worker_environment, **server_env},
        )
    assert tested.returncode == 0, tested.stdout[-6000:] + tested.stderr[-2000:]
    assert COVERAGE.search(tested.stdout), tested.stdout[-2000:]
    ran = set(
        re.findall(
            r"^PASSED (tests/integration/test_(?:sentry|tracing)\.py)::", tested.stdout, re.M
        )
    )
    assert ran == {"tests/integration/test_sentry.py", "tests/integration/test_tracing.py"}
