"""Every combination's own suite passes, and mypy is clean, in its own uv environment."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from tests import servers
from tests.conftest import Renders
from tests.matrix import AUTH_BLIND, combination_id, covering_set, record, selected

# No stage of one combination may take this long; a hung suite fails instead of eating CI.
STAGE_TIMEOUT = 600
COVERAGE = re.compile(r"Total coverage: ([\d.]+)%")
# Coverage (which slows a suite by a third to a half) is measured on one combination per
# distinct answer to these, the others varied among them; the rest run without it.
COVERAGE_QUESTIONS = ("framework", "orm", "queue", "broker")
PASSED = re.compile(r"(\d+) passed")
# The rendered tests that start real worker processes (and kill one mid-job) run on one
# combination per framework x ORM x database x queue x broker, auth varied among them:
# they take 4 to 15 s each, and auth only puts an owner on the job.
WORKER_PROCESS_TESTS = "tests/integration/test_worker_process.py"
# A rendered suite, in the environment `uv sync` made for it.
RENDERED_PYTEST = ("uv", "run", "--no-sync", "pytest", "-p", "no:cacheprovider")


def mypy_cache(worker_environment: dict[str, str], project: Path) -> str:
    """The worker's mypy cache; for Django, one per set of model modules.

    django-stubs' plugin records, with the unchanged `src/apps.py`, a dependency
    on each model module it found. A later combination without one of them then
    reads that entry from the cache and fails: `Cannot find ... "src.models.job"`
    (9 Django combinations in one CI run of 351).
    """
    cache = Path(worker_environment["MYPY_CACHE_DIR"])
    if not (project / "manage.py").exists():
        return str(cache)
    models = sorted(path.stem for path in (project / "src" / "models").glob("*.py"))
    return str(cache.with_name(f"{cache.name}-{'-'.join(models)}"))


def run(
    project: Path, *command: str, extra_env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run in the project's own environment, never the template's; a hang fails, not stalls."""
    env = servers.inherited_environment()
    env.update(UV_NO_PROGRESS="1", **extra_env)
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=STAGE_TIMEOUT,
    )
    return result, round(time.perf_counter() - started, 2)


@pytest.fixture(scope="session")
def measures_coverage(request: pytest.FixtureRequest) -> set[str]:
    chosen = covering_set(selected(request.config), COVERAGE_QUESTIONS)
    return {combination_id(answers) for answers in chosen}


@pytest.fixture(scope="session")
def runs_worker_processes(request: pytest.FixtureRequest) -> set[str]:
    chosen = covering_set(selected(request.config), AUTH_BLIND)
    return {combination_id(answers) for answers in chosen}


@pytest.mark.slow
def test_rendered_suite_passes(
    request: pytest.FixtureRequest,
    renders: Renders,
    tmp_path: Path,
    combination: dict[str, str],
    worker_id: str,
    worker_environment: dict[str, str],
    measures_coverage: set[str],
    runs_worker_processes: set[str],
) -> None:
    name = servers.resource_name(combination_id(combination))
    with servers.environment(combination, name) as server_env:
        project = renders.copy(combination, tmp_path / "svc")
        row: dict[str, object] = {"render_s": renders.pristine(combination)[1]}
        record(request, combination, **row)

        synced, row["env_s"] = run(project, "uv", "sync", "--quiet", extra_env=worker_environment)
        record(request, combination, **row)
        assert synced.returncode == 0, synced.stderr

        mypy_env = {**worker_environment, "MYPY_CACHE_DIR": mypy_cache(worker_environment, project)}
        typed, row["mypy_s"] = run(
            project, "uv", "run", "--no-sync", "mypy", ".", extra_env=mypy_env
        )
        record(request, combination, **row)
        assert typed.returncode == 0, typed.stdout + typed.stderr

        with_coverage = combination_id(combination) in measures_coverage
        with_workers = combination_id(combination) in runs_worker_processes
        row["worker_processes"] = with_workers and combination["queue"] != "none"
        tested, row["suite_s"] = run(
            project,
            *RENDERED_PYTEST,
            *([] if with_coverage else ["--no-cov"]),
            *([] if with_workers else [f"--deselect={WORKER_PROCESS_TESTS}"]),
            extra_env={**worker_environment, **server_env},
        )
        coverage = COVERAGE.search(tested.stdout)
        passed = PASSED.search(tested.stdout)
        row["tests_passed"] = int(passed.group(1)) if passed else 0
        row["coverage"] = float(coverage.group(1)) if coverage else None
        record(request, combination, **row)
        assert tested.returncode == 0, tested.stdout[-6000:] + tested.stderr[-2000:]
        assert (row["coverage"] is not None) is with_coverage, tested.stdout[-2000:]
        assert row["tests_passed"], tested.stdout[-2000:]
