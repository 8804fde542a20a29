"""The matrix as a pytest plugin: choosing combinations (--stack) and the report.

Tests that take a `combination` argument are parametrised with every valid
stack combination of the catalog, or those `--stack` selects; a test marked
`@pytest.mark.stack(auth="jwt+session")` (or `auth="!none"`) runs only for
combinations that match,
and one marked `@pytest.mark.covering("framework", "auth", "database")` runs on
one combination per distinct framework x auth x database. Tests record
what they measured with `record(request, ...)`; the controller gathers it (also
from pytest-xdist workers) into one row per combination, writes the report as
markdown and JSON, and prints the totals.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from extensions import catalog

ROW_KEY = "matrix"
COLUMNS = (
    "render_s",
    "env_s",
    "mypy_s",
    "suite_s",
    "contract_s",
    "fuzz_s",
    "tests_passed",
    "coverage",
    "worker_processes",
)
TIMES = COLUMNS[:6]
# Every question but auth: what tests of the jobs and the worker processes can differ on
# (an owner on each job is all that auth changes for them).
AUTH_BLIND = tuple(question for question in catalog.STACK_QUESTIONS if question != "auth")
# covering_set's stride through a group's members.
SPREAD = 17


def combination_id(answers: dict[str, str]) -> str:
    return "-".join(answers[q] for q in catalog.STACK_QUESTIONS if q in answers)


def parse_stack(text: str) -> dict[str, set[str]]:
    """`framework=fastapi,auth=jwt+none` -> {"framework": {"fastapi"}, "auth": {"jwt", "none"}}."""
    wanted: dict[str, set[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        question, _, values = part.partition("=")
        if question not in catalog.STACK_QUESTIONS or not values:
            raise pytest.UsageError(
                f"--stack {part!r}: expected question=value with a question among "
                f"{', '.join(catalog.STACK_QUESTIONS)}"
            )
        known = {entry.value for entry in catalog.CATALOG[question]}
        for value in values.split("+"):
            if value not in known:
                raise pytest.UsageError(
                    f"--stack {question}={value}: not in the catalog ({', '.join(sorted(known))})"
                )
        wanted.setdefault(question, set()).update(values.split("+"))
    return wanted


def select(combinations: list[dict[str, str]], texts: list[str]) -> list[dict[str, str]]:
    """The combinations matching any of the `--stack` texts (all of them when none)."""
    filters = [parse_stack(text) for text in texts]
    if not filters:
        return combinations
    return [
        answers
        for answers in combinations
        if any(all(answers.get(q) in values for q, values in f.items()) for f in filters)
    ]


def selected(config: pytest.Config) -> list[dict[str, str]]:
    return select(list(catalog.all_combinations()), config.getoption("stack") or [])


def matches(answers: dict[str, str], wanted: dict[str, set[str]]) -> bool:
    """Whether answers fit a stack marker: `auth="jwt+session"`, or `auth="!none"` for all but."""
    for question, values in wanted.items():
        excluded = {value[1:] for value in values if value.startswith("!")}
        included = values - {f"!{value}" for value in excluded}
        answer = answers.get(question)
        if answer in excluded or (included and answer not in included):
            return False
    return True


def covering_set(
    combinations: list[dict[str, str]], questions: tuple[str, ...]
) -> list[dict[str, str]]:
    """One combination per distinct answer to `questions`, the others varied in turn.

    For each group (say framework x database) the n-th group takes its member
    number 17n, wrapping, so the remaining answers are spread across the
    groups instead of always being the first. The stride is a prime above the
    14 queue x auth variants that follow an ORM in a group, so the ORMs vary too.
    """
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for answers in combinations:
        groups.setdefault(tuple(answers.get(q, "") for q in questions), []).append(answers)
    return [members[n * SPREAD % len(members)] for n, members in enumerate(groups.values())]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("matrix")
    group.addoption(
        "--stack",
        action="append",
        metavar="Q=V[+V],...",
        help="run only these combinations, e.g. framework=fastapi,auth=jwt (repeatable: union)",
    )
    group.addoption(
        "--matrix-report",
        default=".matrix",
        metavar="DIR",
        help="where to write report.md and report.json (default .matrix)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "combination" not in metafunc.fixturenames:
        return
    # A test's marker adds to its module's: stack(auth="!none") inside a module
    # marked stack(queue="!none") runs where both hold (the closer wins a question).
    kwargs: dict[str, str] = {}
    for marker in metafunc.definition.iter_markers("stack"):
        kwargs = {**marker.kwargs, **kwargs}
    wanted = {q: set(v.split("+")) for q, v in kwargs.items()}
    if unknown := set(wanted) - set(catalog.STACK_QUESTIONS):
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: stack marker names {unknown}")
    combinations = [c for c in selected(metafunc.config) if matches(c, wanted)]
    covering = metafunc.definition.get_closest_marker("covering")
    if covering:
        combinations = covering_set(combinations, covering.args)
    params = [
        pytest.param(c, id=combination_id(c), marks=pytest.mark.xdist_group(combination_id(c)))
        for c in combinations
    ]
    if not params and wanted:
        reason = f"no combination in the catalog has {kwargs}"
        params = [pytest.param({}, id="none-applicable", marks=pytest.mark.skip(reason=reason))]
    metafunc.parametrize("combination", params, scope="module")


def record(request: pytest.FixtureRequest, combination: dict[str, str], **values: Any) -> None:
    request.node.user_properties.append((ROW_KEY, {"id": combination_id(combination), **values}))


@pytest.fixture(autouse=True)
def _in_the_report(request: pytest.FixtureRequest) -> None:
    """Every test of a combination counts (time and result) towards that combination's row."""
    if "combination" in request.fixturenames:
        record(request, request.getfixturevalue("combination"))


class Report:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rows: dict[str, dict[str, Any]] = {}
        self.started = time.perf_counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        values = [v for k, v in report.user_properties if k == ROW_KEY and isinstance(v, dict)]
        if not values:
            return
        row = self.rows.setdefault(values[0]["id"], {"id": values[0]["id"], "result": "passed"})
        for value in values:
            row.update({k: v for k, v in value.items() if k != "id"})
        if report.nodeid.startswith("tests/contract/") and "test_fuzz.py" not in report.nodeid:
            row["contract_s"] = round(row.get("contract_s", 0) + report.duration, 2)
        self.outcome(row, report)

    @staticmethod
    def outcome(row: dict[str, Any], report: pytest.TestReport) -> None:
        if report.failed:
            row["result"] = "failed"
            row.setdefault("failures", []).append(report.nodeid.split("::")[-1].split("@")[0])
        elif report.skipped and row["result"] == "passed":
            row["result"] = "skipped"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.rows:
            return
        rows = sorted(self.rows.values(), key=lambda row: row["id"])
        folder = Path(self.config.getoption("matrix_report"))
        folder.mkdir(parents=True, exist_ok=True)
        totals = self.totals(rows)
        (folder / "report.json").write_text(json.dumps({"rows": rows, "totals": totals}, indent=2))
        (folder / "report.md").write_text(self.markdown(rows, totals))
        write = terminalreporter.write_line
        write("")
        write(
            f"matrix: {totals['combinations']} combinations, {totals['passed']} passed, "
            f"{totals['failed']} failed, {totals['skipped']} skipped; "
            f"{totals['tests_passed']} rendered tests passed"
        )
        write(
            "matrix: time per stage, summed over combinations: "
            + ", ".join(f"{column[:-2]} {totals[column]}s" for column in TIMES)
            + f"; wall {totals['wall_s']}s"
        )
        write(f"matrix: report in {folder / 'report.md'} and {folder / 'report.json'}")

    def totals(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        counts = {
            r: sum(row["result"] == r for row in rows) for r in ("passed", "failed", "skipped")
        }
        sums = {c: round(sum(row.get(c) or 0 for row in rows), 1) for c in TIMES}
        return {
            "combinations": len(rows),
            **counts,
            **sums,
            "tests_passed": sum(row.get("tests_passed") or 0 for row in rows),
            "wall_s": round(time.perf_counter() - self.started, 1),
        }

    @staticmethod
    def markdown(rows: list[dict[str, Any]], totals: dict[str, Any]) -> str:
        header = "| combination | " + " | ".join(COLUMNS) + " | result |"
        lines = ["# Matrix report", "", header, "|" + "---|" * (len(COLUMNS) + 2)]
        for row in rows:
            cells = [str(row.get(column, "")) for column in COLUMNS]
            result = row["result"] + (
                f" ({', '.join(row['failures'])})" if "failures" in row else ""
            )
            lines.append(f"| {row['id']} | " + " | ".join(cells) + f" | {result} |")
        lines += ["", "Totals: " + ", ".join(f"{k} {v}" for k, v in totals.items()), ""]
        return "\n".join(lines)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller, or a run without xdist
        config.pluginmanager.register(Report(config), "matrix-report")
