"""Every combination's own suite passes, and mypy is clean, in its own uv environment."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from pytest_copier.plugin import CopierFixture

from tests.conftest import COMBINATIONS, combination_id, render

PARAMS = [
    pytest.param(c, id=combination_id(c), marks=pytest.mark.xdist_group(combination_id(c)))
    for c in COMBINATIONS
]
COVERAGE = re.compile(r"Total coverage: ([\d.]+)%")
PASSED = re.compile(r"(\d+) passed")


def run(project: Path, *command: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run in the project's own environment, never the template's."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env["UV_NO_PROGRESS"] = "1"
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    return result, time.perf_counter() - started


@pytest.mark.slow
@pytest.mark.parametrize("answers", PARAMS)
def test_rendered_suite_passes(
    copier: CopierFixture, tmp_path: Path, answers: dict[str, str]
) -> None:
    project = render(copier, tmp_path / "svc", **answers)

    synced, sync_time = run(project, "uv", "sync", "--quiet")
    assert synced.returncode == 0, synced.stderr

    typed, mypy_time = run(project, "uv", "run", "--no-sync", "mypy", ".")
    assert typed.returncode == 0, typed.stdout + typed.stderr

    tested, suite_time = run(project, "uv", "run", "--no-sync", "pytest", "-p", "no:cacheprovider")
    assert tested.returncode == 0, tested.stdout[-6000:] + tested.stderr[-2000:]
    coverage = COVERAGE.search(tested.stdout)
    passed = PASSED.search(tested.stdout)
    assert coverage, tested.stdout[-2000:]
    assert float(coverage.group(1)) >= 90, tested.stdout[-2000:]
    assert passed
    print(
        f"\n{combination_id(answers)}: env {sync_time:.1f}s, mypy {mypy_time:.1f}s, "
        f"suite {suite_time:.1f}s, {passed.group(1)} passed, coverage {coverage.group(1)}%"
    )
