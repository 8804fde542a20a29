"""The real servers the matrix runs against, and a private corner of each per combination.

Addresses come from the environment (standard local ports by default). Each
combination gets its own PostgreSQL and MySQL database, its own Redis
database number (claimed through a lock file, so test runs side by side never
share one; flushed before and after) and its own RabbitMQ vhost, and everything
is removed afterwards.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pymysql
import pytest
import redis

from extensions import catalog, context

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ADDRESSES = {
    "postgresql": os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"),
    "mysql": os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306"),
    "redis": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379"),
    "rabbitmq": os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672"),
}
CONNECT_TIMEOUT = 2
# Redis databases 1..14 go to combinations, one at a time each; 15 is the harness's own.
REDIS_DATABASES = range(1, 15)
HARNESS_REDIS_DATABASE = 15
# A DROP DATABASE waits this long for locks, then fails instead of hanging.
LOCK_WAIT_S = 10


@dataclass(frozen=True)
class Address:
    scheme: str
    user: str
    password: str
    host: str
    port: int

    @classmethod
    def of(cls, server: str) -> Address:
        url = urlsplit(ADDRESSES[server])
        return cls(
            url.scheme, url.username or "", url.password or "", url.hostname or "", url.port or 0
        )


def reachable(server: str) -> bool:
    address = Address.of(server)
    try:
        with socket.create_connection((address.host, address.port), timeout=CONNECT_TIMEOUT):
            return True
    except OSError:
        return False


def require(servers: list[str]) -> None:
    """Fail under CI=true, skip loudly elsewhere, when a needed server is down."""
    down = [server for server in servers if not reachable(server)]
    if not down:
        return
    reason = f"server(s) not reachable: {', '.join(f'{s} at {ADDRESSES[s]}' for s in down)}"
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: every server must be up; .ci/run starts them)")
    warnings.warn(f"SKIPPED, {reason}", stacklevel=2)
    pytest.skip(reason)


def resource_name(combination: str) -> str:
    """A short name every server accepts, unique per combination: cb_<readable>_<hash>.

    It leaves room for suffixes a rendered suite adds (PostgreSQL allows 63
    characters, MySQL 64), and two combinations never truncate to one name.
    """
    digest = hashlib.sha1(combination.encode()).hexdigest()[:8]
    return f"cb_{re.sub(r'[^a-z0-9]+', '_', combination.lower())[:20]}_{digest}"


@contextmanager
def claimed_redis_database() -> Iterator[int]:
    """A Redis database number no other user of this machine's tests holds until exit.

    A lock file per number (not the xdist worker's name) decides, so two test
    runs side by side, or a suite and its live server, never share a database.
    """
    port = Address.of("redis").port
    for number in REDIS_DATABASES:
        lock = Path(tempfile.gettempdir()) / f"copier-backend-redis-{port}-{number}.lock"
        with lock.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            yield number
            return
    raise pytest.UsageError(
        f"all {len(REDIS_DATABASES)} Redis databases are held by other test runs on this machine"
    )


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    a = Address.of("postgresql")
    admin = f"postgresql://{a.user}:{a.password}@{a.host}:{a.port}/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{a.user}:{a.password}@{a.host}:{a.port}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def mysql_database(name: str) -> Iterator[str]:
    a = Address.of("mysql")

    def execute(statement: str) -> None:
        connection = pymysql.connect(
            host=a.host,
            port=a.port,
            user=a.user,
            password=a.password,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=LOCK_WAIT_S * 3,
            autocommit=True,
        )
        with connection, connection.cursor() as cursor:
            cursor.execute(f"SET SESSION lock_wait_timeout = {LOCK_WAIT_S}")
            cursor.execute(statement)

    execute(f"DROP DATABASE IF EXISTS `{name}`")
    execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        yield f"{a.user}:{a.password}@{a.host}:{a.port}/{name}"
    finally:
        execute(f"DROP DATABASE IF EXISTS `{name}`")


@contextmanager
def redis_db() -> Iterator[str]:
    a = Address.of("redis")
    with claimed_redis_database() as number:
        client = redis.Redis(host=a.host, port=a.port, db=number, socket_timeout=CONNECT_TIMEOUT)
        with client:
            client.flushdb()
            try:
                yield f"redis://{a.host}:{a.port}/{number}"
            finally:
                client.flushdb()


def rabbitmqctl(*arguments: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *arguments], check=True, capture_output=True, text=True)


@contextmanager
def rabbitmq_vhost(name: str) -> Iterator[str]:
    a = Address.of("rabbitmq")
    with suppress(subprocess.CalledProcessError):
        rabbitmqctl("delete_vhost", name)
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, a.user, ".*", ".*", ".*")
    try:
        yield f"amqp://{a.user}:{a.password}@{a.host}:{a.port}/{name}"
    finally:
        rabbitmqctl("delete_vhost", name)


def inherited_environment() -> dict[str, str]:
    """This process's environment without what would steer a rendered service or suite.

    Every variable a service reads (the catalog's), the template's virtualenv and
    pytest's own variables are dropped; the harness sets what a run needs.
    """
    service_variables = catalog.service_variable_names()
    return {
        key: value
        for key, value in os.environ.items()
        if key not in service_variables
        and key != "VIRTUAL_ENV"
        and not key.startswith(("PYTEST_", "COV_CORE_"))
    }


@contextmanager
def environment(answers: dict[str, str], name: str) -> Iterator[dict[str, str]]:
    """The variables that point one combination's suite at its own corner of each server."""
    derived = context.derive({**catalog.DEFAULTS, **answers, "package_name": "service"})
    require(derived["servers"])
    database_servers = catalog.option("database", answers["database"]).servers
    env: dict[str, str] = {}
    with ExitStack() as stack:
        if "postgresql" in database_servers:
            where = stack.enter_context(postgres_database(name))
            env["DATABASE_URL"] = f"{derived['database_scheme']}://{where}"
        if "mysql" in database_servers:
            where = stack.enter_context(mysql_database(name))
            env["DATABASE_URL"] = f"{derived['database_scheme']}://{where}"
        if "redis" in derived["servers"]:
            env["REDIS_URL"] = stack.enter_context(redis_db())
        broker = catalog.broker_of({**catalog.DEFAULTS, **answers})
        if broker:
            env["BROKER_URL"] = (
                env["REDIS_URL"] if broker == "redis" else stack.enter_context(rabbitmq_vhost(name))
            )
        yield env
