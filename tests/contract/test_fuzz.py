"""Schemathesis against each live server's own /openapi.json, with its checks on.

The fuzzer gets a second instance of the service whose auth rate limit is
raised, so that it reaches the logic behind login and register instead of a
wall of 429s; the limit itself is proven by test_auth_password.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.contract.conftest import API_KEY_HEADER, SESSION_COOKIE, Services, sign_in
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


def credentials_as_their_scheme(
    api: httpx.Client, headers: dict[str, str], folder: Path
) -> list[str]:
    """Options that give the fuzzer the session cookie or the API key (out of `headers`) as
    the security scheme the document declares for it.

    As a plain header the fuzzer could not leave it out, and would take a request it
    means to send without credentials, answered 200, for one it let in.
    """
    schemes = api.get("/openapi.json").json()["components"]["securitySchemes"]
    if "Cookie" in headers:
        where, named = "cookie", SESSION_COOKIE
        value = headers.pop("Cookie").removeprefix(f"{SESSION_COOKIE}=")
    else:
        where, named, value = "header", API_KEY_HEADER, headers.pop(API_KEY_HEADER)
    name = next(
        name
        for name, scheme in schemes.items()
        if scheme.get("in") == where and scheme.get("name") == named
    )
    config = folder / "schemathesis.toml"
    config.write_text(f"[auth.openapi.{json.dumps(name)}]\napi_key = {json.dumps(value)}\n")
    return ["--config-file", str(config)]


def test_schemathesis_finds_nothing(
    request: pytest.FixtureRequest,
    combination: dict[str, str],
    fuzz_target: LiveService,
    tmp_path: Path,
) -> None:
    with httpx.Client(base_url=fuzz_target.base_url) as client:
        headers = sign_in(client, fuzz_target.auth, ADMIN_EMAIL)
        session = fuzz_target.auth == "session"
        in_a_scheme = fuzz_target.auth in ("session", "api_key")
        options = credentials_as_their_scheme(client, headers, tmp_path) if in_a_scheme else []
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        *options,
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
    if session:
        # Its logout would end the one session every later request signs in with; what
        # logout does is proven by test_auth_session.py.
        command += ["--exclude-path", "/api/v1/auth/logout"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    record(request, combination, fuzz_s=round(time.perf_counter() - started, 1))
    assert result.returncode == 0, (
        result.stdout[-8000:]
        + result.stderr[-2000:]
        + "\nserver log:\n"
        + fuzz_target.log()[-3000:]
    )
