"""`copier update` on real template history: a team's service takes the new standard, loses nothing.

Each framework's default service is rendered from 1.0.0 (the template as it
is), committed, edited the way a team edits it, and updated to 1.1.0 (a
standards change: tests/history.py) with inline conflicts. Then every edit must
still be there, every change of the standard must have arrived, the one edit
that collides with the standard must be marked inline with both sides, and,
once that conflict is settled, the service's own suite must pass. Changing an
answer later (`--vcs-ref=:current:`) is tested the same way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from copier import run_copy, run_update

from extensions import catalog
from tests import history, servers, team
from tests.history import git
from tests.test_run import RENDERED_PYTEST, run

CONFLICT = re.compile(
    r"^<<<<<<< before updating\n(.*?)^=======\n(.*?)^>>>>>>> after updating\n",
    re.MULTILINE | re.DOTALL,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return history.build(tmp_path_factory.mktemp("history"))


def stack(framework: str, **changes: str) -> dict[str, str]:
    """The framework's default service, with `changes`; every stack question answered."""
    answers = {"framework": framework, **changes}
    for question in catalog.STACK_QUESTIONS:
        answers.setdefault(question, catalog.default_for(answers, question))
    return answers


def copy(template: Path, project: Path, answers: dict[str, str], version: str) -> None:
    """`copier copy` of one version, then the team's first commit."""
    data = {"project_name": "svc", **answers}
    if not catalog.asks_broker(answers["queue"]):
        data.pop("broker")
    run_copy(
        str(template), project, data=data, vcs_ref=version, defaults=True, unsafe=True, quiet=True
    )
    git(project, "init", "--quiet", "--initial-branch=main")
    history.commit_all(project, "copier copy")


def sync(project: Path, worker_environment: dict[str, str]) -> None:
    synced, _ = run(project, "uv", "sync", "--quiet", extra_env=worker_environment)
    assert synced.returncode == 0, synced.stderr


def suite_passes(
    project: Path, answers: dict[str, str], worker_environment: dict[str, str]
) -> None:
    name = servers.resource_name(f"update-{project.parent.name}")
    with servers.environment(answers, name) as env:
        sync(project, worker_environment)
        suite = (*RENDERED_PYTEST, "--no-cov")
        tested, _ = run(project, *suite, extra_env={**worker_environment, **env})
        assert tested.returncode == 0, tested.stdout[-6000:] + tested.stderr[-2000:]


def answers_file(project: Path) -> dict[str, str]:
    answers: dict[str, str] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["fastapi", "flask", "django"])
def test_update_keeps_the_team_s_edits(
    template: Path, tmp_path: Path, framework: str, worker_environment: dict[str, str]
) -> None:
    project, answers = tmp_path / "svc", stack(framework)
    copy(template, project, answers, history.OLD)
    secrets = (project / ".env").read_text()
    added = team.edit(project, framework)
    history.commit_all(project, "our route, settings and notes")

    run_update(project, defaults=True, overwrite=True, conflict="inline", unsafe=True, quiet=True)

    # The team's own files and edits are all there.
    for name, text in added.items():
        assert (project / name).read_text() == text, name
    settings = (project / "config/settings.yaml").read_text()
    assert team.SETTING[1] in settings
    assert (project / ".env").read_text() == secrets, "the generated secrets were regenerated"
    assert not (project / team.DELETED).exists(), "a file the team deleted came back"
    # The standard's changes arrived.
    assert "by the 1.1 standard." in settings
    assert (project / "docs/RUNBOOK.md").read_text().count(history.ON_CALL) == 1
    recorded = answers_file(project)
    assert (recorded["on_call"], recorded["_commit"]) == (history.ON_CALL, history.NEW)
    assert '"httpx>=0.28.1"' in (project / "pyproject.toml").read_text()
    # The renamed file: one file, under the new name, with the team's edits and the new version's.
    old_name, new_name = history.RENAMED
    assert not (project / old_name).exists()
    renamed = (project / new_name).read_text()
    assert renamed.endswith(team.API_NOTES)
    assert "## Conventions of every route\n" in renamed
    assert "docs/HTTP-API.md" in (project / "README.md").read_text()
    # Each collision is marked inline with both sides, and git lists the file as unmerged.
    assert CONFLICT.findall(settings) == [(f"{team.CONFLICT[1]}\n", f"{history.NEW_WORKERS}\n")]
    assert CONFLICT.findall(renamed) == [
        (f"{team.API_TITLE[1]}\n", "# svc: the HTTP API, version 1\n")
    ]
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert unmerged == ["config/settings.yaml", new_name]
    assert not list(project.rglob("*.rej")), "a rejected hunk was left beside a file"

    for name in unmerged:  # the team settles both conflicts for its own side
        (project / name).write_text(CONFLICT.sub(r"\1", (project / name).read_text()))
    suite_passes(project, answers, worker_environment)


def settle_route_imports(routes: Path) -> None:
    """The team and the template both changed the line that imports the route modules
    (the team added `about`, the template `jobs`): marked inline with both sides; keep both."""
    text = routes.read_text()
    for ours, theirs in CONFLICT.findall(text):
        assert "about" in ours, ours
        assert "about" not in theirs, theirs
    importing = "from src.api.routes import "
    routes.write_text(
        CONFLICT.sub(lambda both: both[2].replace(importing, f"{importing}about, "), text)
    )


def alembic(project: Path, worker_environment: dict[str, str], *command: str) -> str:
    done, _ = run(
        project, "uv", "run", "--no-sync", "alembic", *command, extra_env=worker_environment
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def migrate(project: Path, worker_environment: dict[str, str]) -> str:
    """Bring the service's own database file up to date (in a synced environment); its revision."""
    alembic(project, worker_environment, "upgrade", "head")
    return alembic(project, worker_environment, "current")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("framework", "after", "gone"),
    [
        pytest.param("fastapi", {"queue": "celery", "broker": "redis"}, [], id="queue-celery"),
        pytest.param("django", {"auth": "session"}, ["src/core/tokens.py"], id="auth-session"),
    ],
)
def test_changing_an_answer(
    template: Path,
    tmp_path: Path,
    framework: str,
    after: dict[str, str],
    gone: list[str],
    worker_environment: dict[str, str],
) -> None:
    """`copier update --vcs-ref=:current: -d question=answer`: same version, another choice."""
    project, answers = tmp_path / "svc", stack(framework)
    copy(template, project, answers, history.OLD)
    added = team.add_route(project, framework)
    history.commit_all(project, "our route")
    database = framework == "fastapi"  # Alembic: the team's database file migrates forward
    if database:
        sync(project, worker_environment)
        assert migrate(project, worker_environment).startswith("0001")
        history.commit_all(project, "uv.lock")

    # The command docs/updating.md gives, as a team types it.
    changes = [argument for item in after.items() for argument in ("-d", "=".join(item))]
    command = ["update", "--trust", "--defaults", "--conflict=inline", "--vcs-ref=:current:"]
    updated = subprocess.run(
        [sys.executable, "-m", "copier", *command, *changes],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert updated.returncode == 0, updated.stderr

    recorded = answers_file(project)
    assert {question: recorded[question] for question in after} == after
    assert recorded["_commit"] == history.OLD
    for name, text in added.items():
        assert (project / name).read_text() == text, name
    for name in gone:
        assert not (project / name).exists(), f"{name} belongs to the old answer"
    settle_route_imports(
        project / "src/api" / ("urls.py" if framework == "django" else "router.py")
    )
    suite_passes(project, stack(framework, **after), worker_environment)  # syncs first
    if database:
        assert migrate(project, worker_environment).startswith("0002")
