"""Schemathesis against each live server's own /openapi.json, with its checks on.

The fuzzer gets a second instance of the service whose auth rate limit is
raised, so that it reaches the logic behind login and register instead of a
wall of 429s; the limit itself is proven by test_auth_jwt.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.contract.conftest import Services, sign_in
from tests.contract.live import ADMIN_EMAIL, LiveService
from tests.matrix import record

# A fuzz run costs about 35 s (45 s under CI's load); one per framework x database,
# the other answers varied among them (auth, queue, ORM), keeps CI within its budget.
pytestmark = pytest.mark.covering("framework", "database")
MAX_EXAMPLES = 30
MAX_TIME_S = 30
SEED = 20261121


@pytest.fixture
def fuzz_target(services: Services, combination: dict[str, str]) -> LiveService:
    contract = services.get(combination)
    env = {**contract.env, "RATE_LIMIT_AUTH": "100000/minute"}
    if combination["database"] == "sqlite":
        env["DATABASE_URL"] = contract.database_url_for("fuzz.db")
    target = LiveService(contract.project, combination, env)
    return services.attach(target.start())


def test_schemathesis_finds_nothing(
    request: pytest.FixtureRequest,
    combination: dict[str, str],
    fuzz_target: LiveService,
    tmp_path: Path,
) -> None:
    with httpx.Client(base_url=fuzz_target.base_url) as client:
        headers = sign_in(client, fuzz_target.auth, ADMIN_EMAIL)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{fuzz_target.base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_TIME_S),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    record(request, combination, fuzz_s=round(time.perf_counter() - started, 1))
    assert result.returncode == 0, (
        result.stdout[-8000:]
        + result.stderr[-2000:]
        + "\nserver log:\n"
        + fuzz_target.log()[-3000:]
    )
