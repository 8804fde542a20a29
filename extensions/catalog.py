"""The stack catalog: the one place that knows the stack choices.

Every stack question's choices, what each choice brings (dependencies,
environment variables, servers) and which choices exclude which live here.
copier.yml asks it for choices and refusals (through extensions/stack.py),
templates read the context it derives, and the template's tests enumerate
the valid combinations from it. A new option is one entry here plus its files.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

STACK_QUESTIONS = ("framework", "orm", "database", "queue", "broker", "auth")


@dataclass(frozen=True)
class EnvVar:
    """An environment variable a rendered service reads, as .env.example shows it."""

    name: str
    example: str
    comment: str


@dataclass(frozen=True)
class Option:
    """One answer to a stack question and everything that answer brings."""

    value: str
    label: str
    name: str
    requires: Mapping[str, frozenset[str]] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()
    # The rendered service's development dependencies (tests, type stubs).
    dev_dependencies: tuple[str, ...] = ()
    # Extra dependencies by mode ("async" or "sync"), such as a database's driver.
    drivers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Extra dependencies with another answer, by "question=value" ("broker=rabbitmq").
    dependencies_with: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    env: tuple[EnvVar, ...] = ()
    servers: tuple[str, ...] = ()
    is_async: bool = False
    migrations: str = ""
    uses_broker: bool = False
    # A queue that works with one broker only, which is then not asked ("redis").
    fixed_broker: str = ""
    # A database's URL scheme by mode; an ORM's, by database, where it reads its own URLs.
    url_scheme: Mapping[str, str] = field(default_factory=dict)
    # The port of a database server; 0 for a database in a file.
    port: int = 0


def _needs(**allowed: str) -> dict[str, frozenset[str]]:
    return {question: frozenset(values.split()) for question, values in allowed.items()}


BASE_DEPENDENCIES = (
    "pydantic-settings>=2.7",
    "pyyaml>=6.0.2",
    "swagger-ui-py>=25.7",
)

BASE_DEV_DEPENDENCIES = (
    "httpx>=0.28",
    "mypy>=1.13",
    "pytest>=8.3",
    "pytest-cov>=6.0",
    "ruff>=0.8",
    "types-pyyaml>=6.0",
)

BASE_ENV = (
    EnvVar("ENVIRONMENT", "development", "development, test or production"),
    EnvVar(
        "SECRET_KEY",
        "change-me-to-a-random-string-of-32-bytes-or-more",
        "signing key; production refuses a short or example value",
    ),
    EnvVar("APP_NAME", "", "the name in docs and logs; empty keeps config/settings.yaml"),
    EnvVar("HOST", "127.0.0.1", "address the server binds"),
    EnvVar("PORT", "8000", "port the server listens on"),
    EnvVar("WORKERS", "1", "server worker processes; in-memory rate limits count per process"),
    EnvVar("MIGRATE_ON_START", "", "migrate at start-up; empty: yes except in production"),
    EnvVar("CORS_ORIGINS", "", "comma-separated allowed origins; none by default"),
    EnvVar("MAX_BODY_BYTES", "1048576", "request body limit in bytes"),
    EnvVar("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING, ERROR"),
    EnvVar("LOG_FORMAT", "json", "json or console"),
)

# Where a combination has Redis and auth, the auth rate limits (and, with auth=session,
# the sessions) live there, shared by every process and instance; it may be the
# broker's Redis or another one.
RATE_LIMIT_REDIS_ENV = EnvVar(
    "REDIS_URL", "redis://127.0.0.1:6379/0", "Redis for the auth rate limits and sessions"
)

# Every mode where users sign in with an e-mail and a password (jwt, session).
PASSWORD_LOGIN_ENV = (
    EnvVar("ADMIN_EMAIL", "", "admin created at start-up when set"),
    EnvVar("ADMIN_PASSWORD", "", "password of that admin (8 to 128 characters)"),
    EnvVar("RATE_LIMIT_AUTH", "5/minute", "limit on login and register per client"),
)
PASSWORD_HASH_ENV = (
    EnvVar("PASSWORD_HASH_TIME_COST", "3", "Argon2id passes"),
    EnvVar("PASSWORD_HASH_MEMORY_KIB", "65536", "Argon2id memory in KiB"),
)

SQLALCHEMY_POOL_ENV = (
    EnvVar("DATABASE_POOL_SIZE", "5", "connections each worker keeps open"),
    EnvVar("DATABASE_MAX_OVERFLOW", "10", "extra connections a worker opens at peaks"),
)

TORTOISE_POOL_ENV = (
    EnvVar("DATABASE_POOL_SIZE", "5", "connections each worker opens at most (PostgreSQL, MySQL)"),
)

# Every queue's jobs: where workers take them from, how often and how patiently they are tried.
JOB_ENV = (
    EnvVar("JOB_QUEUE", "jobs", "the queue the API sends jobs to and workers take them from"),
    EnvVar("JOB_MAX_ATTEMPTS", "3", "attempts of a failing job before it is marked failed"),
    EnvVar("JOB_RETRY_SECONDS", "1", "wait before the second attempt; it doubles each time"),
)


def job_env(redelivery_seconds: str, redelivery: str) -> tuple[EnvVar, ...]:
    """A queue's variables: the jobs' own, and when a vanished worker's job runs again."""
    return (*JOB_ENV, EnvVar("JOB_REDELIVERY_SECONDS", redelivery_seconds, redelivery))


CATALOG: dict[str, tuple[Option, ...]] = {
    "framework": (
        Option(
            "fastapi",
            "FastAPI (async, uvicorn)",
            "FastAPI",
            dependencies=("fastapi>=0.115", "uvicorn[standard]>=0.32"),
            dev_dependencies=("pytest-asyncio>=0.25",),
            is_async=True,
        ),
        Option(
            "django",
            "Django 5.2 with Django REST framework (gunicorn)",
            "Django",
            dependencies=(
                "django>=5.2,<5.3",
                "djangorestframework>=3.16",
                "drf-spectacular>=0.28",
                "gunicorn>=23.0",
            ),
            dev_dependencies=(
                "django-stubs[compatible-mypy]>=5.2",
                "djangorestframework-stubs[compatible-mypy]>=3.16",
                "pytest-django>=4.11",
            ),
        ),
        Option(
            "flask",
            "Flask 3 (gunicorn)",
            "Flask",
            dependencies=("flask>=3.1", "gunicorn>=23.0"),
        ),
    ),
    "orm": (
        Option(
            "sqlalchemy",
            "SQLAlchemy 2.0 with Alembic migrations",
            "SQLAlchemy 2.0",
            requires=_needs(framework="fastapi flask"),
            dependencies=("alembic>=1.14",),
            drivers={"async": ("sqlalchemy[asyncio]>=2.0.36",), "sync": ("sqlalchemy>=2.0.36",)},
            env=SQLALCHEMY_POOL_ENV,
            migrations="alembic",
        ),
        Option(
            "sqlmodel",
            "SQLModel (SQLAlchemy 2.0 and pydantic) with Alembic migrations",
            "SQLModel",
            requires=_needs(framework="fastapi flask"),
            dependencies=("alembic>=1.14", "sqlmodel>=0.0.24"),
            drivers={"async": ("sqlalchemy[asyncio]>=2.0.36",)},
            env=SQLALCHEMY_POOL_ENV,
            migrations="alembic",
        ),
        Option(
            "tortoise",
            "Tortoise ORM with its own migrations",
            "Tortoise ORM",
            requires=_needs(framework="fastapi"),
            dependencies=("tortoise-orm>=1.1.9",),
            env=TORTOISE_POOL_ENV,
            migrations="tortoise",
            # Tortoise names the driver, not the database: asyncpg://, mysql:// (aiomysql).
            url_scheme={"sqlite": "sqlite", "postgresql": "asyncpg", "mysql": "mysql"},
        ),
        Option(
            "django",
            "The Django ORM with Django migrations",
            "the Django ORM",
            requires=_needs(framework="django"),
            migrations="django",
        ),
    ),
    "database": (
        Option(
            "sqlite",
            "SQLite (a file; no server needed)",
            "SQLite",
            drivers={"async": ("aiosqlite>=0.20",)},
            env=(EnvVar("DATABASE_URL", "sqlite+aiosqlite:///./app.db", "the database"),),
            url_scheme={"async": "sqlite+aiosqlite", "sync": "sqlite"},
        ),
        Option(
            "postgresql",
            "PostgreSQL",
            "PostgreSQL",
            drivers={"async": ("asyncpg>=0.30",), "sync": ("psycopg[binary]>=3.2",)},
            env=(EnvVar("DATABASE_URL", "", "the database"),),
            servers=("postgresql",),
            url_scheme={"async": "postgresql+asyncpg", "sync": "postgresql+psycopg"},
            port=5432,
        ),
        Option(
            "mysql",
            "MySQL 8 or MariaDB 10.11+",
            "MySQL/MariaDB",
            # The rsa extra: MySQL 8's default sign-in (caching_sha2_password) needs it.
            drivers={"async": ("aiomysql[rsa]>=0.2",), "sync": ("pymysql[rsa]>=1.1",)},
            dev_dependencies=("types-pymysql>=1.1",),
            env=(EnvVar("DATABASE_URL", "", "the database"),),
            servers=("mysql",),
            url_scheme={"async": "mysql+aiomysql", "sync": "mysql+pymysql"},
            port=3306,
        ),
    ),
    "queue": (
        Option("none", "No background jobs", "no job queue"),
        Option(
            "celery",
            "Celery (Redis or RabbitMQ broker)",
            "Celery",
            dependencies=("celery>=5.5",),
            dev_dependencies=("celery-types>=0.23",),
            env=job_env(
                "300",
                "Redis broker: a job whose worker vanished runs again after this; "
                "longer than any job runs",
            ),
            uses_broker=True,
        ),
        Option(
            "dramatiq",
            "Dramatiq (Redis or RabbitMQ broker)",
            "Dramatiq",
            dependencies=("dramatiq>=2.2",),
            dependencies_with={"broker=rabbitmq": ("pika>=1.3",)},
            env=job_env(
                "60",
                "Redis broker: a worker silent this long is gone, and its jobs run again",
            ),
            uses_broker=True,
        ),
        Option(
            "rq",
            "RQ (Redis)",
            "RQ",
            dependencies=("rq>=3.0",),
            env=job_env(
                "60",
                "A worker silent this long after its last report (at most 30 s apart) "
                "is gone, and its job runs again",
            ),
            fixed_broker="redis",
        ),
        Option(
            "arq",
            "arq (asyncio, Redis; FastAPI only)",
            "arq",
            requires=_needs(framework="fastapi"),
            # arq asks for redis<6; the broker's redis>=5.2 meets it there.
            dependencies=("arq>=0.28",),
            env=job_env(
                "300",
                "A job running longer is stopped and tried again; "
                "a vanished worker's job runs again this plus 11 s after it started",
            ),
            fixed_broker="redis",
        ),
    ),
    "broker": (
        Option(
            "redis",
            "Redis",
            "Redis",
            dependencies=("redis>=5.2",),
            env=(EnvVar("BROKER_URL", "redis://127.0.0.1:6379/0", "the job broker"),),
            servers=("redis",),
        ),
        Option(
            "rabbitmq",
            "RabbitMQ",
            "RabbitMQ",
            env=(EnvVar("BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F", "the job broker"),),
            servers=("rabbitmq",),
        ),
    ),
    "auth": (
        Option("none", "No authentication: every route is public", "no authentication"),
        Option(
            "jwt",
            "JWT access tokens with rotating refresh tokens",
            "JWT bearer tokens",
            dependencies=("argon2-cffi>=23.1", "pyjwt>=2.10"),
            env=(
                *PASSWORD_LOGIN_ENV,
                EnvVar("ACCESS_TOKEN_MINUTES", "15", "access token lifetime"),
                EnvVar("REFRESH_TOKEN_DAYS", "7", "refresh token lifetime"),
                EnvVar("JWT_ALGORITHM", "HS256", "HS256, HS384 or HS512"),
                *PASSWORD_HASH_ENV,
            ),
        ),
        Option(
            "session",
            "Server-side sessions in an HttpOnly cookie, with a CSRF token",
            "cookie sessions",
            dependencies=("argon2-cffi>=23.1",),
            env=(
                *PASSWORD_LOGIN_ENV,
                EnvVar("SESSION_IDLE_DAYS", "14", "a session unused this long expires"),
                *PASSWORD_HASH_ENV,
            ),
        ),
        Option(
            "api_key",
            "API keys in an X-API-Key header, made and revoked by an admin",
            "API keys",
            env=(
                EnvVar(
                    "BOOTSTRAP_API_KEY",
                    "",
                    "admin key created at start-up when set: <prefix>.<secret>, see docs/API.md",
                ),
            ),
        ),
    ),
}

DEFAULTS = {
    "framework": "fastapi",
    "orm": "sqlalchemy",
    "database": "sqlite",
    "queue": "none",
    "broker": "redis",
    "auth": "jwt",
}


# Read where the sentry or opentelemetry question is on (template/.env.example.jinja lists them).
TELEMETRY_ENV_NAMES = frozenset(
    {"SENTRY_DSN", "SENTRY_TRACES_SAMPLE_RATE", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"}
)


def service_variable_names() -> set[str]:
    """Every environment variable some rendered service reads."""
    declared = [*BASE_ENV, RATE_LIMIT_REDIS_ENV]
    declared += [var for options in CATALOG.values() for entry in options for var in entry.env]
    return {var.name for var in declared} | TELEMETRY_ENV_NAMES


def option(question: str, value: str) -> Option:
    """The catalog entry for one answer; KeyError names an unknown one."""
    for entry in CATALOG[question]:
        if entry.value == value:
            return entry
    known = ", ".join(entry.value for entry in CATALOG[question])
    raise KeyError(f"{question}={value!r} is not in the catalog (known: {known})")


def broker_of(answers: Mapping[str, str]) -> str:
    """The broker a combination uses: the one asked, the queue's own, or "" without a queue."""
    queue = option("queue", answers["queue"])
    if queue.uses_broker:
        return answers["broker"]
    return queue.fixed_broker


def asks_broker(queue: str) -> bool:
    """Whether the broker question applies to this queue."""
    return option("queue", queue).uses_broker


def conflict(answers: Mapping[str, str], question: str, value: str) -> str:
    """Why `question=value` cannot go with the other answers, or "" when it can.

    Only answers to questions asked before `question` are considered, so the
    message always names a choice the person has already made.
    """
    candidate = option(question, value)
    earlier = STACK_QUESTIONS[: STACK_QUESTIONS.index(question)]
    for other in earlier:
        chosen = answers.get(other)
        if chosen is None or (other == "broker" and not asks_broker(answers["queue"])):
            continue
        allowed = candidate.requires.get(other)
        if allowed is not None and chosen not in allowed:
            needs = " or ".join(sorted(allowed))
            return f"{question}={value} needs {other}={needs}, not {other}={chosen}"
        reverse = option(other, chosen).requires.get(question)
        if reverse is not None and value not in reverse:
            needs = " or ".join(sorted(reverse))
            return f"{other}={chosen} needs {question}={needs}, not {question}={value}"
    return ""


def default_for(answers: Mapping[str, str], question: str) -> str:
    """The default answer, or the first choice that fits when earlier answers exclude it.

    `framework=django` thus defaults `orm` to `django`, and `--defaults` always renders.
    """
    preferred = DEFAULTS[question]
    candidates = [preferred, *(entry.value for entry in CATALOG[question])]
    fitting = (value for value in candidates if not conflict(answers, question, value))
    return next(fitting, preferred)


def combination_error(answers: Mapping[str, str]) -> str:
    """The first conflict in a full set of stack answers, or "" when valid."""
    for question in STACK_QUESTIONS:
        if question == "broker" and not asks_broker(answers["queue"]):
            continue
        if error := conflict(answers, question, answers[question]):
            return error
    return ""


def all_combinations() -> Iterator[dict[str, str]]:
    """Every valid stack combination; broker appears only where it is asked."""
    axes = [tuple(entry.value for entry in CATALOG[q]) for q in STACK_QUESTIONS]
    seen: set[tuple[tuple[str, str], ...]] = set()
    for values in itertools.product(*axes):
        answers = dict(zip(STACK_QUESTIONS, values, strict=True))
        if not asks_broker(answers["queue"]):
            answers.pop("broker")
        key = tuple(sorted(answers.items()))
        if key in seen or combination_error({**DEFAULTS, **answers}):
            continue
        seen.add(key)
        yield answers


def chosen_options(answers: Mapping[str, str]) -> dict[str, Option]:
    """The catalog entries of one combination, by question, in question order.

    The broker is there whenever the queue has one, asked or the queue's own.
    """
    chosen = {}
    for question in STACK_QUESTIONS:
        value = broker_of(answers) if question == "broker" else answers[question]
        if value:
            chosen[question] = option(question, value)
    return chosen
