"""The rendered service's CI (GitHub Actions, GitLab CI): valid, complete, on the right servers.

Each CI file is validated offline against the schema check-jsonschema vendors (the
schemas loaded once, a file's result kept by its text, as most combinations share one).
Its test job gets exactly the servers the combination's suite needs, as
tests/servers.py gives them to the matrix, each with a health check and with the
variables pointing the suite at it; its commands lint, format-check, type-check and
test (with the rendered pyproject's coverage gate), each with a tool the service has.
"""

from __future__ import annotations

import functools
import re
import shlex
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

# jsonschema ships no type information (and there are no stubs among the dev dependencies).
from referencing.exceptions import Unresolvable
from ruamel.yaml import YAML

from extensions import catalog, context
from tests import schemas
from tests.conftest import Renders

GITHUB = ".github/workflows/ci.yml"
GITLAB = ".gitlab-ci.yml"
FILES = {"github": (GITHUB,), "gitlab": (GITLAB,), "both": (GITHUB, GITLAB)}
SCHEMAS = {GITHUB: "github-workflows.json", GITLAB: "gitlab-ci.json"}
# The servers' images (as docker-compose.yml runs them) and standard ports.
IMAGES = {"postgres": "postgresql", "mariadb": "mysql", "redis": "redis", "rabbitmq": "rabbitmq"}
PORTS = {"postgresql": 5432, "mysql": 3306, "redis": 6379, "rabbitmq": 5672}
# What CI must run, each through `uv run`; pytest takes its coverage gate from pyproject.toml.
REQUIRED_COMMANDS = ("ruff check .", "ruff format --check .", "mypy .", "pytest")
# An action at a major tag or, where the action publishes none (setup-uv since v8), a release.
ACTION_REF = re.compile(r"^[\w.-]+/[\w.-]+@v\d+(\.\d+\.\d+)?$")
RELEASE_ONLY_ACTIONS = ("astral-sh/setup-uv",)
# YAML 1.2, as GitHub reads it: `on:` is a key, not PyYAML's True.
YAML_12 = YAML(typ="safe", pure=True)


@functools.cache
def load(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML_12.load(text)
    return loaded


@functools.cache
def schema_errors(name: str, text: str) -> tuple[str, ...]:
    return schemas.errors(name, load(text))


def references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


@pytest.mark.parametrize("name", SCHEMAS.values())
def test_schemas_resolve_offline(name: str) -> None:
    """Every `$ref` of the vendored schema resolves within it, so validating needs no network."""
    contents = schemas.schema(name)
    resolver = schemas.validator(name)._resolver  # jsonschema exposes no public resolver
    found = sorted(set(references(contents)))
    assert found, f"{name} has no $ref: is it the schema we think?"
    for reference in found:
        resolver.lookup(reference)
    with pytest.raises(Unresolvable) as remote:
        resolver.lookup("https://example.com/remote.json")
    causes = [remote.value.__cause__, getattr(remote.value.__cause__, "__cause__", None)]
    assert any(isinstance(cause, schemas.RemoteReferenceError) for cause in causes), (
        "it went online"
    )


@dataclass(frozen=True)
class Service:
    """A server the CI starts for the tests, as either provider declares it."""

    server: str
    host: str
    port: int
    env: dict[str, str]
    health_check: str


def github_services(workflow: dict[str, Any]) -> list[Service]:
    services = []
    for declared in workflow["jobs"]["test"].get("services", {}).values():
        server = IMAGES[declared["image"].partition(":")[0]]
        host_port, _, container_port = str(declared["ports"][0]).partition(":")
        assert host_port == container_port, declared["ports"]
        health = re.search(r"--health-cmd (\"[^\"]+\"|\S+)", declared.get("options", ""))
        services.append(
            Service(
                server,
                "127.0.0.1",
                int(host_port),
                declared.get("env", {}),
                health.group(1) if health else "",
            )
        )
    return services


def gitlab_services(pipeline: dict[str, Any]) -> list[Service]:
    services = []
    for declared in pipeline["test"].get("services", []):
        env = dict(declared.get("variables", {}))
        port = env.pop("HEALTHCHECK_TCP_PORT", "")
        server = IMAGES[declared["name"].partition(":")[0]]
        services.append(Service(server, declared["alias"], int(port or 0), env, port))
    return services


def github_commands(workflow: dict[str, Any]) -> list[str]:
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    return [line for step in steps if "run" in step for line in step["run"].splitlines()]


def gitlab_commands(pipeline: dict[str, Any]) -> list[str]:
    jobs = [pipeline["default"], *(pipeline[name] for name in pipeline["stages"])]
    scripts = [job.get(key, []) for job in jobs for key in ("before_script", "script")]
    return [line for script in scripts for entry in script for line in entry.splitlines()]


def answers_of(project: Path) -> dict[str, Any]:
    """The render's answers; the catalog's defaults fill in a question not asked (broker)."""
    recorded: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return {**catalog.DEFAULTS, **recorded}


def expected_variables(answers: dict[str, Any]) -> set[str]:
    """The variables tests/servers.py gives the rendered suite of these answers in the matrix."""
    derived = context.derive(answers)
    expected = {"REDIS_URL"} if "redis" in derived["servers"] else set()
    if catalog.option("database", answers["database"]).servers:
        expected.add("DATABASE_URL")
    if catalog.broker_of(answers):
        expected.add("BROKER_URL")
    return expected


def check_services(
    services: list[Service], variables: dict[str, str], answers: dict[str, Any]
) -> None:
    """The servers the suite needs, healthy-checked, and the variables that reach each one."""
    derived = context.derive(answers)
    by_server = {service.server: service for service in services}
    assert sorted(by_server) == derived["servers"], "the CI's servers are not the suite's"
    assert len(services) == len(by_server), f"a server declared twice: {services}"
    assert set(variables) == expected_variables(answers), variables
    for service in services:
        assert service.health_check, f"{service.server}: no health check"
        assert service.port == PORTS[service.server], service
    urls = {name: urlsplit(value) for name, value in variables.items()}
    if "DATABASE_URL" in urls:
        url = urls["DATABASE_URL"]
        database = by_server[catalog.option("database", answers["database"]).servers[0]]
        assert url.scheme == derived["database_scheme"], url
        assert (url.hostname, url.port) == (database.host, database.port), url
        assert url.path == f"/{answers['package_name']}", "not the database the server creates"
        if database.server == "postgresql":
            assert url.username == database.env["POSTGRES_USER"], url
            assert url.password == database.env["POSTGRES_PASSWORD"], url
        else:  # The tests create databases beside it: root may.
            assert url.username == "root", url
            assert url.password == database.env["MARIADB_ROOT_PASSWORD"], url
    for name in ("REDIS_URL", "BROKER_URL"):
        if name in urls and urls[name].scheme == "redis":
            redis = by_server["redis"]
            assert (urls[name].hostname, urls[name].port) == (redis.host, redis.port), name
    if "BROKER_URL" in urls and urls["BROKER_URL"].scheme == "amqp":
        url, rabbitmq = urls["BROKER_URL"], by_server["rabbitmq"]
        assert (url.hostname, url.port) == (rabbitmq.host, rabbitmq.port), url
        credentials = (rabbitmq.env["RABBITMQ_DEFAULT_USER"], rabbitmq.env["RABBITMQ_DEFAULT_PASS"])
        assert (url.username, url.password) == credentials, "guest may not connect from outside"


def check_commands(commands: list[str], project: Path) -> None:
    """Lint, format, types and tests run, each with a tool the service depends on."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    declared = [*pyproject["project"]["dependencies"], *pyproject["dependency-groups"]["dev"]]
    tools = {re.split(r"[\[<>=!~ ;]", requirement)[0].lower() for requirement in declared}
    run = [shlex.split(line.strip())[2:] for line in commands if line.strip().startswith("uv run")]
    for words in run:
        assert words, "`uv run` alone"
        assert words[0] in tools, f"`uv run {' '.join(words)}`: not a dependency"
    ran = {" ".join(words) for words in run}
    missing = [command for command in REQUIRED_COMMANDS if command not in ran]
    assert not missing, f"CI never runs: {missing}"
    assert "--cov-fail-under=" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    assert any(line.strip() == "uv sync --locked" for line in commands), "the lock is not used"


def check_github(project: Path) -> None:
    text = (project / GITHUB).read_text()
    assert not (errors := schema_errors(SCHEMAS[GITHUB], text)), "\n".join(errors)
    workflow, answers = load(text), answers_of(project)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    for reference in [step["uses"] for step in steps if "uses" in step]:
        assert ACTION_REF.match(reference), f"{reference}: not pinned to a version"
        if reference.startswith(RELEASE_ONLY_ACTIONS):
            assert reference.count(".") == 2, f"{reference}: the action publishes no major tag"
    test_job = workflow["jobs"]["test"]
    check_services(github_services(workflow), test_job.get("env", {}), answers)
    check_commands(github_commands(workflow), project)


def check_gitlab(project: Path) -> None:
    text = (project / GITLAB).read_text()
    assert not (errors := schema_errors(SCHEMAS[GITLAB], text)), "\n".join(errors)
    pipeline, answers = load(text), answers_of(project)
    python = (project / ".python-version").read_text().strip()
    assert f":python{python}-" in pipeline["default"]["image"], "not the service's Python"
    assert pipeline["default"]["interruptible"] is True
    check_services(gitlab_services(pipeline), pipeline["test"].get("variables", {}), answers)
    check_commands(gitlab_commands(pipeline), project)


CHECKS = {GITHUB: check_github, GITLAB: check_gitlab}


def test_default_ci_is_github(combination: dict[str, str], renders: Renders) -> None:
    project = renders.pristine(combination)[0]
    assert not (project / GITLAB).exists(), "GitLab CI without being asked for"
    check_github(project)


def check_choice(project: Path, ci: str) -> None:
    """Only the chosen providers' files, each checked, and no empty .github folder."""
    rendered = {name for name in (GITHUB, GITLAB) if (project / name).exists()}
    assert rendered == set(FILES[ci])
    assert (project / ".github").exists() == (GITHUB in rendered), "an empty .github folder"
    for name in FILES[ci]:
        CHECKS[name](project)


# A render per combination is the cost here: the servers differ by database and broker
# (the queue's own Redis, or none, counted with "none"), so those are covered.
@pytest.mark.covering("database", "broker")
def test_both_providers(combination: dict[str, str], renders: Renders) -> None:
    check_choice(renders.pristine({**combination, "ci": "both"})[0], "both")


@pytest.mark.covering("database")
def test_gitlab_only(combination: dict[str, str], renders: Renders) -> None:
    check_choice(renders.pristine({**combination, "ci": "gitlab"})[0], "gitlab")
