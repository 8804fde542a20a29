"""A rendered combination's real server, started with its own `uv run python main.py`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from extensions import catalog, context
from tests import servers

START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
SYNC_TIMEOUT = 600
# Each running server (or worker) leaves its process group id here until stopped, the
# file holding the id of the test process that owns it, so that a run that dies (killed,
# timed out) has its servers stopped by the next run, and a run going on at the same
# time keeps its own.
PIDS = Path(__file__).resolve().parents[2] / ".matrix" / "servers"
POLL_INTERVAL = 0.1
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "contract-admin-password"
# auth=api_key: the admin key the server is started with, shaped <prefix>.<secret>.
BOOTSTRAP_API_KEY = "contractadmin.contract-suite-bootstrap-secret-of-43-characters"
# Not the example value: the suite forges tokens with it, and proves the example key fails.
CONTRACT_SECRET_KEY = "contract-suite-secret-key-of-more-than-32-bytes"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerDidNotStartError(AssertionError):
    pass


@dataclass
class LiveService:
    """One running server; `log` keeps everything it printed."""

    project: Path
    answers: dict[str, str]
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    # False for a server started with a dependency down: it answers, but is not ready.
    expect_ready: bool = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.project / f"server-{self.port}.log"

    @property
    def auth(self) -> str:
        return self.answers["auth"]

    @property
    def derived(self) -> dict[str, Any]:
        """The template's derived context of the combination (`sessions_in_redis`...)."""
        return context.derive({**catalog.DEFAULTS, **self.answers, "package_name": "service"})

    def database_url_for(self, filename: str) -> str:
        """A SQLite URL for a file of its own in the project, with the combination's driver."""
        return f"{self.derived['database_scheme']}:///{self.project / filename}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def environment(self) -> dict[str, str]:
        env = servers.inherited_environment()
        env.update(self.env, UV_NO_PROGRESS="1")
        return env

    def sync(self) -> LiveService:
        """Install the combination's own dependencies (exactly those) for its server."""
        synced = subprocess.run(
            ["uv", "sync", "--quiet"],
            cwd=self.project,
            env=self.environment(),
            capture_output=True,
            text=True,
            check=False,
            timeout=SYNC_TIMEOUT,
        )
        assert synced.returncode == 0, synced.stderr
        return self

    @contextmanager
    def running(self) -> Iterator[LiveService]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def start(self) -> LiveService:
        self.port = free_port()
        env = self.environment()
        env.update(
            HOST="127.0.0.1",
            PORT=str(self.port),
            ENVIRONMENT="development",
            ADMIN_EMAIL=ADMIN_EMAIL,
            ADMIN_PASSWORD=ADMIN_PASSWORD,
            BOOTSTRAP_API_KEY=BOOTSTRAP_API_KEY,
            SECRET_KEY=CONTRACT_SECRET_KEY,
            LOG_FORMAT="json",
            # Argon2id's cost is configuration, not contract: the cheapest valid one
            # keeps the hundreds of sign-ins of the suite fast.
            PASSWORD_HASH_TIME_COST="1",
            PASSWORD_HASH_MEMORY_KIB="1024",
        )
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                ["uv", "run", "--no-sync", "python", "main.py"],
                cwd=self.project,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        remember(self.process.pid)
        self.wait_until_ready()
        return self

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerDidNotStartError(
                    f"server exited with {self.process.returncode}; its log:\n{self.log()}"
                )
            try:
                ready = httpx.get(f"{self.base_url}/health/ready", timeout=5)
                if ready.status_code == 200 or not self.expect_ready:
                    return
            except httpx.TransportError:
                pass
            time.sleep(POLL_INTERVAL)
        self.stop()
        raise ServerDidNotStartError(
            f"not ready after {START_TIMEOUT:.0f} s; its log:\n{self.log()}"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        (PIDS / str(self.process.pid)).unlink(missing_ok=True)
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def remember(process_group: int) -> None:
    PIDS.mkdir(parents=True, exist_ok=True)
    (PIDS / str(process_group)).write_text(str(os.getpid()))


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_leftover_servers() -> None:
    """Stop the servers of an earlier run that died before it could stop them."""
    for marker in PIDS.glob("*") if PIDS.exists() else []:
        with suppress(OSError, ValueError):
            owner = marker.read_text().strip()
            if owner and is_running(int(owner)):
                continue
            os.killpg(int(marker.name), signal.SIGKILL)
        marker.unlink(missing_ok=True)
