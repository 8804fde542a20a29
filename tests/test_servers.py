"""The matrix's server corners: each is created empty, usable, and removed afterwards."""

from __future__ import annotations

import subprocess

import psycopg
import pymysql
import pytest
import redis

from tests import servers

NAME = "cb_selftest"


def test_resource_names_are_safe_for_every_server() -> None:
    name = servers.resource_name("FastAPI-sqlalchemy-postgresql-celery-rabbitmq-jwt" * 3)
    assert name.startswith("cb_")
    assert len(name) <= 32
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")


def test_redis_databases_are_claimed_one_holder_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with servers.claimed_redis_database() as first, servers.claimed_redis_database() as second:
        assert first != second
        assert {first, second}.isdisjoint({0, servers.HARNESS_REDIS_DATABASE})
    monkeypatch.setattr(servers, "REDIS_DATABASES", range(first, first + 1))
    with servers.claimed_redis_database() as again:
        assert again == first, "a released database is free again"


def test_a_run_is_refused_when_every_redis_database_is_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with servers.claimed_redis_database() as held:
        monkeypatch.setattr(servers, "REDIS_DATABASES", range(held, held + 1))
        with pytest.raises(pytest.UsageError, match="held by other test runs"):
            servers.claimed_redis_database().__enter__()


def test_resource_names_are_short_and_distinct() -> None:
    long_a = "fastapi-sqlalchemy-postgresql-celery-rabbitmq-api_key-a"
    long_b = "fastapi-sqlalchemy-postgresql-celery-rabbitmq-api_key-b"
    assert servers.resource_name(long_a) != servers.resource_name(long_b)
    assert len(servers.resource_name(long_a)) <= 32


def test_postgres_database_is_private_and_removed() -> None:
    servers.require(["postgresql"])
    with (
        servers.postgres_database(NAME) as where,
        psycopg.connect(f"postgresql://{where}") as connection,
    ):
        connection.execute("CREATE TABLE probe (id int)")
        assert connection.execute("SELECT current_database()").fetchone() == (NAME,)
    with pytest.raises(psycopg.OperationalError, match=NAME):
        psycopg.connect(f"postgresql://{where}")


def test_mysql_database_is_private_and_removed() -> None:
    servers.require(["mysql"])
    address = servers.Address.of("mysql")
    with servers.mysql_database(NAME):
        connection = pymysql.connect(
            host=address.host, port=address.port, user=address.user, database=NAME
        )
        with connection, connection.cursor() as cursor:
            cursor.execute("CREATE TABLE probe (id int)")
    with pytest.raises(pymysql.err.OperationalError, match="Unknown database"):
        pymysql.connect(host=address.host, port=address.port, user=address.user, database=NAME)


def test_redis_database_is_flushed_before_and_after(monkeypatch: pytest.MonkeyPatch) -> None:
    servers.require(["redis"])
    address = servers.Address.of("redis")
    number = servers.HARNESS_REDIS_DATABASE
    monkeypatch.setattr(servers, "REDIS_DATABASES", range(number, number + 1))
    client = redis.Redis(host=address.host, port=address.port, db=number)
    with client:
        client.set("left-over", "1")
        with servers.redis_db() as url:
            assert url.endswith(f"/{number}")
            assert client.dbsize() == 0
            client.set("during", "1")
        assert client.dbsize() == 0


def test_rabbitmq_vhost_is_created_and_deleted() -> None:
    servers.require(["rabbitmq"])

    def vhosts() -> list[str]:
        listed = subprocess.run(
            ["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True, check=True
        )
        return listed.stdout.split()

    with servers.rabbitmq_vhost(NAME) as url:
        assert url.endswith(f"/{NAME}")
        assert NAME in vhosts()
    assert NAME not in vhosts()


def test_unreachable_server_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(servers.ADDRESSES, "redis", "redis://127.0.0.1:1")
    monkeypatch.setattr(servers, "IN_CI", False)
    with pytest.warns(UserWarning, match="SKIPPED"), pytest.raises(pytest.skip.Exception):
        servers.require(["redis"])


def test_unreachable_server_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(servers.ADDRESSES, "redis", "redis://127.0.0.1:1")
    monkeypatch.setattr(servers, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        servers.require(["redis"])
