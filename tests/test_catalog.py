"""The stack catalog, its derived context and the project-question validators."""

from __future__ import annotations

import functools
import itertools

import pytest

from extensions import catalog, context, questions

PROJECT = {"package_name": "my_service"}


def test_every_option_value_is_unique_per_question() -> None:
    for question, options in catalog.CATALOG.items():
        values = [entry.value for entry in options]
        assert len(values) == len(set(values)), question


def test_defaults_are_catalog_choices_and_valid() -> None:
    for question, value in catalog.DEFAULTS.items():
        catalog.option(question, value)
    assert catalog.combination_error(catalog.DEFAULTS) == ""


def test_unknown_option_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: fastapi"):
        catalog.option("framework", "rails")


def test_combinations_are_exactly_the_valid_product() -> None:
    axes = [[entry.value for entry in catalog.CATALOG[q]] for q in catalog.STACK_QUESTIONS]
    expected = set()
    for values in itertools.product(*axes):
        answers = dict(zip(catalog.STACK_QUESTIONS, values, strict=True))
        if not catalog.asks_broker(answers["queue"]):
            answers.pop("broker")
        if not catalog.combination_error({**catalog.DEFAULTS, **answers}):
            expected.add(tuple(sorted(answers.items())))
    found = [tuple(sorted(c.items())) for c in catalog.all_combinations()]
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert found


def test_conflict_names_both_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = catalog.Option(
        "ponyorm", "Pony ORM", "Pony ORM", requires={"framework": frozenset({"other"})}
    )
    monkeypatch.setitem(catalog.CATALOG, "orm", (*catalog.CATALOG["orm"], extra))
    error = catalog.conflict({"framework": "fastapi"}, "orm", "ponyorm")
    assert error == "orm=ponyorm needs framework=other, not framework=fastapi"


def test_reverse_conflict_names_both_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    picky = catalog.Option("picky", "Picky", "Picky", requires={"orm": frozenset({"special"})})
    plain = catalog.Option("plain", "Plain", "Plain")
    monkeypatch.setitem(catalog.CATALOG, "framework", (picky,))
    monkeypatch.setitem(catalog.CATALOG, "orm", (plain,))
    error = catalog.conflict({"framework": "picky"}, "orm", "plain")
    assert error == "framework=picky needs orm=special, not orm=plain"


@pytest.mark.parametrize("answers", list(catalog.all_combinations()))
def test_derived_context_is_complete(answers: dict[str, str]) -> None:
    derived = context.derive({**catalog.DEFAULTS, **answers, **PROJECT})
    names = [var.name for var in derived["env_vars"]]
    assert len(names) == len(set(names))
    assert {"ENVIRONMENT", "SECRET_KEY", "DATABASE_URL"} <= set(names)
    assert derived["dependencies"] == sorted(derived["dependencies"], key=str.lower)
    database = catalog.option("database", answers["database"])
    if database.port:
        assert derived["database_url"].endswith(f":{database.port}/my_service")
    else:
        assert derived["database_url"].endswith("/my_service.db")
    assert derived["database_url"].startswith(f"{derived['database_scheme']}://")
    assert derived["has_auth"] is (answers["auth"] != "none")


@pytest.mark.parametrize(
    ("queue", "broker", "expected"),
    [
        ("none", "rabbitmq", ""),
        ("celery", "rabbitmq", "rabbitmq"),
        ("dramatiq", "redis", "redis"),
        ("rq", "rabbitmq", "redis"),
        ("arq", "rabbitmq", "redis"),
    ],
)
def test_the_broker_in_use_is_asked_or_the_queues_own(
    queue: str, broker: str, expected: str
) -> None:
    """RQ and arq bring Redis whatever `broker` says (copier keeps a default for it)."""
    answers = {**catalog.DEFAULTS, "queue": queue, "broker": broker, **PROJECT}
    assert catalog.broker_of(answers) == expected
    derived = context.derive(answers)
    assert derived.get("broker", "") == expected
    assert ("BROKER_URL" in [var.name for var in derived["env_vars"]]) is bool(expected)
    if expected:
        assert expected in derived["servers"]
        assert derived["broker_url"].startswith("redis://" if expected == "redis" else "amqp://")


@pytest.mark.parametrize(
    ("queue", "broker", "auth", "expected"),
    [
        ("none", "redis", "jwt", False),
        ("celery", "rabbitmq", "jwt", False),
        ("celery", "redis", "jwt", True),
        ("rq", "rabbitmq", "jwt", True),
        ("arq", "redis", "none", False),
        ("none", "redis", "session", False),
        ("dramatiq", "redis", "session", True),
        ("dramatiq", "rabbitmq", "session", False),
        # API keys have no login or register to limit.
        ("rq", "redis", "api_key", False),
    ],
)
def test_rate_limits_count_in_redis_where_there_is_redis_and_auth(
    queue: str, broker: str, auth: str, expected: bool
) -> None:
    """And auth=session keeps its sessions there too; elsewhere in the database."""
    answers = {**catalog.DEFAULTS, "queue": queue, "broker": broker, "auth": auth, **PROJECT}
    derived = context.derive(answers)
    assert derived["limits_in_redis"] is expected
    assert derived["sessions_in_redis"] is (expected and auth == "session")
    assert derived["sessions_in_database"] is (not expected and auth == "session")
    assert ("REDIS_URL" in [var.name for var in derived["env_vars"]]) is expected


@pytest.mark.parametrize(
    ("auth", "password_login"),
    [("none", False), ("jwt", True), ("session", True), ("api_key", False)],
)
def test_settings_follow_the_auth_mode(auth: str, password_login: bool) -> None:
    """Each mode reads its own settings and no other mode's."""
    derived = context.derive({**catalog.DEFAULTS, "auth": auth, **PROJECT})
    names = {var.name for var in derived["env_vars"]}
    assert derived["password_login"] is password_login
    assert ("ADMIN_PASSWORD" in names) is password_login
    assert ("JWT_ALGORITHM" in names) is (auth == "jwt")
    assert ("SESSION_IDLE_DAYS" in names) is (auth == "session")
    assert ("pyjwt>=2.10" in derived["dependencies"]) is (auth == "jwt")
    assert ("BOOTSTRAP_API_KEY" in names) is (auth == "api_key")
    assert ("argon2-cffi>=23.1" in derived["dependencies"]) is password_login
    assert derived["principal_table"] == ("api_keys" if auth == "api_key" else "users")


def test_arq_needs_fastapi() -> None:
    answers = {**catalog.DEFAULTS, "framework": "flask", "queue": "arq"}
    assert catalog.combination_error(answers) == (
        "queue=arq needs framework=fastapi, not framework=flask"
    )


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (questions.slug_error, "My Service", "must start with a lower-case letter"),
        (questions.slug_error, "9lives", "must start with a lower-case letter"),
        (questions.slug_error, "a--b", "single '-' or '_'"),
        (questions.slug_error, "json", "standard library module 'json'"),
        (questions.slug_error, "fastapi", "package 'fastapi'"),
        (questions.package_error, "my-service", "not a Python identifier"),
        (questions.package_error, "MyService", "lower case"),
        (questions.package_error, "class", "keyword"),
        (questions.package_error, "match", "keyword"),
        (questions.package_error, "asyncio", "standard library"),
        (questions.package_error, "src", "package 'src'"),
        (questions.package_error, "café", "not a Python identifier"),
        (questions.email_error, "nobody", "not an e-mail address"),
        (questions.email_error, "a@b", "not an e-mail address"),
        (questions.python_version_error, "3.9", "choose one of 3.11, 3.12, 3.13"),
        (questions.python_version_error, "three", "not supported"),
        (functools.partial(questions.text_error, name="project_name"), "  ", "must not be empty"),
    ],
)
def test_validators_name_the_problem(check: object, value: str, message: str) -> None:
    assert callable(check)
    assert message in check(value)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (questions.slug_error, "billing-api"),
        (questions.slug_error, "orders"),
        (questions.package_error, "billing_api"),
        (questions.email_error, "team.backend@example.co.uk"),
        (questions.python_version_error, "3.12"),
        (functools.partial(questions.text_error, name="project_name"), "Billing API"),
    ],
)
def test_validators_accept_good_values(check: object, value: str) -> None:
    assert callable(check)
    assert check(value) == ""


def test_text_error_refuses_quotes_and_long_values() -> None:
    assert "quotes" in questions.text_error('say "hi"', "description")
    assert "at most 5" in questions.text_error("toolong", "description", max_length=5)
