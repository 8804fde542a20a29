"""The matrix enumerates exactly what the questionnaire accepts, and --stack selects from it."""

from __future__ import annotations

import itertools
import os

import pytest
from pytest_copier.plugin import CopierFixture

from extensions import catalog
from tests.matrix import combination_id, covering_set, matches, parse_stack, select

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


def test_covering_set_has_one_per_group_and_varies_the_rest() -> None:
    combos = [
        {"framework": f, "auth": a, "queue": q}
        for f in ("fastapi", "flask")
        for a in ("jwt", "none")
        for q in ("none", "rq")
    ]
    chosen = covering_set(combos, ("framework", "auth"))
    assert sorted((c["framework"], c["auth"]) for c in chosen) == [
        ("fastapi", "jwt"),
        ("fastapi", "none"),
        ("flask", "jwt"),
        ("flask", "none"),
    ]
    assert {c["queue"] for c in chosen} == {"none", "rq"}


def test_each_combination_stays_on_one_worker(
    request: pytest.FixtureRequest, combination: dict[str, str]
) -> None:
    """pytest-xdist's loadgroup marks the node id; without it, combinations scatter."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("not running under pytest-xdist workers, so there is nothing to group")
    assert request.node.nodeid.endswith("@" + combination_id(combination))


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ({"auth": {"jwt"}}, True),
        ({"auth": {"jwt", "session"}}, True),
        ({"auth": {"!none"}}, True),
        ({"auth": {"!jwt"}}, False),
        ({"auth": {"none"}}, False),
        ({"database": {"postgresql", "mysql"}}, False),
    ],
)
def test_stack_marker_matching(wanted: dict[str, set[str]], expected: bool) -> None:
    answers = {"framework": "fastapi", "auth": "jwt", "database": "sqlite"}
    assert matches(answers, wanted) is expected


@pytest.mark.stack(queue="!none")
class TestStackMarkersCombine:
    """A test's own stack marker narrows its class's (or module's); it does not replace it."""

    @pytest.mark.covering("framework")
    @pytest.mark.stack(auth="!none")
    def test_both_markers_hold(self, combination: dict[str, str]) -> None:
        assert combination["queue"] != "none"
        assert combination["auth"] != "none"
