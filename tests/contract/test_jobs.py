"""Jobs (API.md section 5) against a live server and a real worker on the real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from extensions import catalog
from tests.contract.conftest import Services, client_for, sign_in
from tests.contract.live import PIDS, LiveService, remember
from tests.matrix import AUTH_BLIND

# Once per framework x ORM x database x queue x broker, on a mode with owners (jwt or
# session, varied among them): auth=none jobs differ only in having none, which each
# combination's own suite tests.
pytestmark = [pytest.mark.stack(queue="!none", auth="!none"), pytest.mark.covering(*AUTH_BLIND)]
JOB_TIMEOUT = 60.0
POLL_INTERVAL = 0.1
STOP_TIMEOUT = 10.0
# Each queue's worker arguments for running one job at a time.
ONE_AT_A_TIME = {
    "celery": ["--concurrency=1"],
    "dramatiq": ["--threads=1"],
    "rq": [],
    "arq": ["--jobs=1"],
}
# Nothing listens on the discard port: a broker there is down.
UNREACHABLE = {"redis": "redis://127.0.0.1:9/0", "rabbitmq": "amqp://guest:guest@127.0.0.1:9/%2F"}


@pytest.fixture
def worker(services: Services, live: LiveService) -> Iterator[subprocess.Popen[bytes]]:
    """The combination's own worker command, on the live server's database and broker."""
    command = [
        "uv",
        "run",
        "--no-sync",
        "python",
        "-m",
        "src.worker",
        *ONE_AT_A_TIME[live.answers["queue"]],
    ]
    with (live.project / "worker.log").open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=live.project,
            env={**live.environment(), "LOG_FORMAT": "json"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    remember(process.pid)
    try:
        yield process
    finally:
        (PIDS / str(process.pid)).unlink(missing_ok=True)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def follow(api: httpx.Client, location: str, headers: dict[str, str]) -> dict[str, object]:
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        response = api.get(location, headers=headers)
        assert response.status_code == 200, response.text
        job: dict[str, object] = response.json()["data"]
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(POLL_INTERVAL)


def test_a_job_is_queued_run_and_succeeds(
    api: httpx.Client, live: LiveService, worker: subprocess.Popen[bytes]
) -> None:
    headers = sign_in(api, live.auth)
    mine = api.get("/api/v1/items", headers=headers).json()["meta"]["total"]
    created = api.post("/api/v1/items", json={"name": f"report-{time.time_ns()}"}, headers=headers)
    assert created.status_code == 201, created.text
    submitted = api.post("/api/v1/jobs", json={"kind": "item_report"}, headers=headers)
    assert submitted.status_code == 202, submitted.text
    body = submitted.json()["data"]
    assert body["status"] == "queued"
    assert submitted.headers["Location"] == f"/api/v1/jobs/{body['id']}"
    job = follow(api, submitted.headers["Location"], headers)
    log = (live.project / "worker.log").read_text(errors="replace")[-3000:]
    assert job["status"] == "succeeded", f"{job}\nworker log:\n{log}"
    assert job["attempts"] == 1
    assert job["result"] == {"item_count": mine + 1}
    assert job["error"] is None


def test_unknown_kind_is_400(api: httpx.Client, live: LiveService) -> None:
    headers = sign_in(api, live.auth)
    response = api.post("/api/v1/jobs", json={"kind": "nope"}, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_another_users_job_is_404(api: httpx.Client, live: LiveService) -> None:
    owner = sign_in(api, live.auth)
    submitted = api.post("/api/v1/jobs", json={"kind": "item_report"}, headers=owner)
    assert submitted.status_code == 202, submitted.text
    other = sign_in(api, live.auth)
    assert api.get(submitted.headers["Location"], headers=other).status_code == 404
    assert api.get(submitted.headers["Location"], headers=owner).status_code == 200


# A refused job's path is the queue client's: one combination per framework x queue x broker.
@pytest.mark.covering("framework", "queue", "broker")
def test_broker_down_is_503(
    services: Services, live: LiveService, combination: dict[str, str]
) -> None:
    broker = catalog.broker_of({**catalog.DEFAULTS, **combination})
    env = {**live.env, "BROKER_URL": UNREACHABLE[broker], "REDIS_URL": UNREACHABLE["redis"]}
    if live.derived["sessions_in_redis"]:
        # Without its Redis no session is found (503) before a job is reached: only the
        # broker goes down, so that the queue's own refusal is what answers.
        env["REDIS_URL"] = live.env["REDIS_URL"]
    service = LiveService(live.project, combination, env, expect_ready=False)
    services.attach(service.start())
    with client_for(service) as api:
        ready = api.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"] == "unavailable"
        headers = sign_in(api, service.auth)
        response = api.post("/api/v1/jobs", json={"kind": "item_report"}, headers=headers)
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
