"""The questionnaire through Copier itself: defaults, validators, refused choices."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pytest_copier.plugin import CopierFixture

from extensions import catalog
from tests.conftest import render, snapshot


def answers_of(project: Path) -> dict[str, object]:
    answers: dict[str, object] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def test_defaults_render_a_runnable_default_stack(copier: CopierFixture, tmp_path: Path) -> None:
    answers = answers_of(render(copier, tmp_path / "svc"))
    assert answers["_src_path"]
    for question, value in catalog.DEFAULTS.items():
        if question != "broker":
            assert answers[question] == value
    assert "broker" not in answers, "broker is asked only for queues that need one"
    assert answers["project_slug"] == "my-service"
    assert answers["package_name"] == "my_service"


def test_orm_default_follows_the_framework(copier: CopierFixture, tmp_path: Path) -> None:
    """`--defaults -d framework=django` must not default to an ORM Django cannot use."""
    answers = answers_of(render(copier, tmp_path / "svc", framework="django"))
    assert answers["orm"] == "django"
    assert catalog.default_for({"framework": "fastapi"}, "orm") == "sqlalchemy"
    assert catalog.default_for({"framework": "flask"}, "orm") == "sqlalchemy"


def test_slug_and_package_follow_the_project_name(copier: CopierFixture, tmp_path: Path) -> None:
    answers = answers_of(render(copier, tmp_path / "svc", project_name="Billing API (v2)"))
    assert answers["project_slug"] == "billing-api-v2"
    assert answers["package_name"] == "billing_api_v2"


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("project_name", "", "project_name must not be empty"),
        ("project_slug", "Bad Slug", "project_slug 'Bad Slug' must start"),
        ("project_slug", "logging", "standard library module 'logging'"),
        ("package_name", "import", "package_name 'import' is a Python keyword"),
        ("package_name", "pydantic", "would shadow the package 'pydantic'"),
        ("author_email", "someone", "author_email 'someone' is not an e-mail address"),
        ("python_version", "2.7", "python_version '2.7' is not supported"),
        ("description", 'a "quoted" line', "description must not contain quotes"),
    ],
)
def test_bad_answers_are_refused_by_name(
    copier: CopierFixture, tmp_path: Path, question: str, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        copier.copy(tmp_path / "svc", **{question: value})
    assert not (tmp_path / "svc" / "src").exists()


@pytest.mark.parametrize("question", catalog.STACK_QUESTIONS)
def test_choices_outside_the_catalog_are_refused(
    copier: CopierFixture, tmp_path: Path, question: str
) -> None:
    data = {question: "not-a-choice"}
    if question == "broker":
        data["queue"] = next((o.value for o in catalog.CATALOG["queue"] if o.uses_broker), "none")
        if data["queue"] == "none":
            pytest.skip("no queue in the catalog uses a broker yet, so broker is never asked")
    with pytest.raises(ValueError, match=f"Invalid choice for '{question}'"):
        copier.copy(tmp_path / "svc", **data)


def test_incompatible_choice_is_refused_naming_both(tmp_path: Path) -> None:
    """copier.yml asks the catalog: an entry that excludes FastAPI is refused with both names."""
    template = snapshot(tmp_path / "template")
    with (template / "extensions" / "catalog.py").open("a") as source:
        source.write(
            '\nCATALOG["orm"] += (Option("other", "Other ORM", "Other",'
            ' requires=_needs(framework="elsewhere")),)\n'
        )
    copier = CopierFixture(template=template, defaults={}, monkeypatch=pytest.MonkeyPatch())
    expected = "orm=other needs framework=elsewhere, not framework=fastapi"
    with pytest.raises(ValueError, match=expected):
        copier.copy(tmp_path / "svc", orm="other")


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_tortoise_is_refused_outside_fastapi(
    copier: CopierFixture, tmp_path: Path, framework: str
) -> None:
    """Tortoise ORM is async only: the catalog offers it with FastAPI alone."""
    expected = f"orm=tortoise needs framework=fastapi, not framework={framework}"
    with pytest.raises(ValueError, match=expected):
        copier.copy(tmp_path / "svc", framework=framework, orm="tortoise")
