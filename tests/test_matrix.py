"""The matrix enumerates exactly what the questionnaire accepts, and --stack selects from it."""

from __future__ import annotations

import itertools

import pytest
from pytest_copier.plugin import CopierFixture

from extensions import catalog
from tests.matrix import combination_id, parse_stack, select

EXCLUDED_SAMPLE = 20


def excluded_combinations() -> list[dict[str, str]]:
    axes = [[entry.value for entry in catalog.CATALOG[q]] for q in catalog.STACK_QUESTIONS]
    excluded = []
    for values in itertools.product(*axes):
        answers = dict(zip(catalog.STACK_QUESTIONS, values, strict=True))
        if catalog.combination_error(answers):
            excluded.append(answers)
    step = max(1, len(excluded) // EXCLUDED_SAMPLE)
    return excluded[::step][:EXCLUDED_SAMPLE]


def test_every_enumerated_combination_passes_copiers_validators(copier: CopierFixture) -> None:
    for answers in catalog.all_combinations():
        context = copier.context(**answers)
        for question, value in answers.items():
            assert context[question] == value, combination_id(answers)


@pytest.mark.parametrize(
    "answers",
    excluded_combinations()
    or [
        pytest.param(
            {},
            marks=pytest.mark.skip(
                reason="the catalog excludes no combination yet; "
                "test_questionnaire.py refuses a patched-in one"
            ),
        )
    ],
)
def test_excluded_combinations_are_refused(copier: CopierFixture, answers: dict[str, str]) -> None:
    error = catalog.combination_error(answers)
    with pytest.raises(ValueError, match="Invalid choice") as refused:
        copier.context(**answers)
    assert error.split(" needs ")[0] in str(refused.value)


def test_parse_stack() -> None:
    assert parse_stack("framework=fastapi, auth=jwt+none") == {
        "framework": {"fastapi"},
        "auth": {"jwt", "none"},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [("colour=red", "question among"), ("auth", "question=value"), ("auth=magic", "not in")],
)
def test_parse_stack_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(pytest.UsageError, match=message):
        parse_stack(text)


def test_select_is_a_union_of_filters() -> None:
    everything = list(catalog.all_combinations())
    assert select(everything, []) == everything
    jwt_only = select(everything, ["auth=jwt"])
    assert jwt_only
    assert all(c["auth"] == "jwt" for c in jwt_only)
    both = select(everything, ["auth=jwt", "auth=none"])
    assert both == [c for c in everything if c["auth"] in {"jwt", "none"}]
