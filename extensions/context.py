"""The derived context: values computed once from the answers, used by name in templates."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from . import catalog

# Where the services' session class comes from, (orm, is_async) -> module. Tortoise has
# no session: src/core/database.py gives it a unit of work (`Session`) with the same commit().
SESSION_MODULES = {
    ("sqlalchemy", True): "sqlalchemy.ext.asyncio",
    ("sqlalchemy", False): "sqlalchemy.orm",
    ("sqlmodel", True): "sqlmodel.ext.asyncio.session",
    ("sqlmodel", False): "sqlmodel",
}


def derive(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Everything templates need to know about the chosen stack."""
    by_question = catalog.chosen_options(answers)
    chosen = list(by_question.values())
    framework, database = by_question["framework"], by_question["database"]
    orm = by_question["orm"]
    mode = "async" if framework.is_async else "sync"
    package = answers["package_name"]
    scheme = orm.url_scheme.get(database.value) or database.url_scheme[mode]
    if database.port:
        # The docker-compose database; locally, a server with this user and database.
        database_url = f"{scheme}://{package}:{package}@127.0.0.1:{database.port}/{package}"
    elif orm.url_scheme:
        # Tortoise reads the path right after `sqlite://`: `sqlite://./x.db` is relative.
        database_url = f"{scheme}://./{package}.db"
    else:
        database_url = f"{scheme}:///./{package}.db"
    env: dict[str, catalog.EnvVar] = {var.name: var for var in catalog.BASE_ENV}
    # The URL first, so that .env.example shows it before the pool settings.
    declared = next(var for var in database.env if var.name == "DATABASE_URL")
    env["DATABASE_URL"] = dataclasses.replace(declared, example=database_url)
    for entry in chosen:
        env.update({var.name: var for var in entry.env if var.name != "DATABASE_URL"})
    servers = sorted({server for entry in chosen for server in entry.servers})
    # Login and register are counted; API keys (256 random bits) are not worth guessing.
    limits_in_redis = "redis" in servers and answers["auth"] in ("jwt", "session")
    if limits_in_redis:
        env["REDIS_URL"] = catalog.RATE_LIMIT_REDIS_ENV
    dependencies = set(catalog.BASE_DEPENDENCIES)
    for entry in chosen:
        dependencies.update(entry.dependencies, entry.drivers.get(mode, ()))
        for question, chosen_entry in by_question.items():
            dependencies.update(entry.dependencies_with.get(f"{question}={chosen_entry.value}", ()))
    dev_dependencies = set(catalog.BASE_DEV_DEPENDENCIES)
    for entry in chosen:
        dev_dependencies.update(entry.dev_dependencies)
    broker_url = env["BROKER_URL"].example if "BROKER_URL" in env else ""
    redelivery = env.get("JOB_REDELIVERY_SECONDS")
    names = {f"{question}_name": entry.name for question, entry in by_question.items()}
    return {
        **names,
        # The broker in use: asked (Celery, Dramatiq) or the queue's own (RQ, arq: Redis).
        **({"broker": by_question["broker"].value} if "broker" in by_question else {}),
        "is_async": framework.is_async,
        # One source for async and sync code: `{{ async }}def`, `{{ await }}session.flush()`.
        "async": "async " if framework.is_async else "",
        "await": "await " if framework.is_async else "",
        "http_client": "AsyncClient" if framework.is_async else "Client",
        "session_class": "AsyncSession"
        if orm.value != "tortoise" and framework.is_async
        else "Session",
        "session_module": SESSION_MODULES.get((orm.value, framework.is_async), ""),
        # SQLModel sits on SQLAlchemy: the database module is the same.
        "orm_family": "sqlalchemy" if orm.value == "sqlmodel" else orm.value,
        # The services: one set over a session's commit() (SQLAlchemy, SQLModel, Tortoise).
        "service_layer": "django" if orm.value == "django" else "session",
        "migrations": orm.migrations,
        # The rendered tests: one suite through httpx (FastAPI, Flask), or Django's own client.
        "test_suite": "django" if answers["framework"] == "django" else "httpx",
        "has_auth": answers["auth"] != "none",
        # Users sign in with an e-mail and a password (register, login, users, timing).
        "password_login": answers["auth"] in ("jwt", "session"),
        # Who owns items and jobs: a user, or (auth=api_key) the key that made them.
        "principal_table": "api_keys" if answers["auth"] == "api_key" else "users",
        # auth=session keeps its sessions in Redis where the combination has Redis.
        "sessions_in_redis": limits_in_redis and answers["auth"] == "session",
        # ... and elsewhere in a table of the database (its models and migrations).
        "sessions_in_database": answers["auth"] == "session" and not limits_in_redis,
        "has_queue": answers["queue"] != "none",
        "broker_url": broker_url,
        # Seconds after which a vanished worker's jobs run again (Redis brokers).
        "job_redelivery_seconds": redelivery.example if redelivery else "",
        "job_redelivery_comment": redelivery.comment if redelivery else "",
        "uses_alembic": orm.migrations == "alembic",
        # Django hashes passwords with its own hashers (Argon2 first); the others use argon2-cffi.
        "django_passwords": answers["framework"] == "django",
        # Django counts auth attempts with Django REST framework's throttles; the others in-process.
        "throttles_with_drf": answers["framework"] == "django",
        # Django and Flask: gunicorn, queries validated by src/schemas/query.py, src/core/cors.py.
        "is_wsgi": answers["framework"] != "fastapi",
        "database_scheme": scheme,
        "database_url": database_url,
        "dependencies": sorted(dependencies, key=str.lower),
        "dev_dependencies": sorted(dev_dependencies, key=str.lower),
        "env_vars": list(env.values()),
        "servers": servers,
        "needs_redis": "redis" in servers,
        # The auth rate limits count in Redis (shared by all processes), else in each process.
        "limits_in_redis": limits_in_redis,
    }
