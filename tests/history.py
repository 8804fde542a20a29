"""Template history for the update tests: the template as 1.0.0, a standards change as 1.1.0.

The change is what a real version of the standard brings: a changed line in a
shared file, a new file, a renamed file with its `_migrations` entry, a new
question with a default, and a dependency bump. Every edit finds its anchor or
fails, so a template that drifts away from the fixture breaks the test loudly.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import snapshot

OLD, NEW = "1.0.0", "1.1.0"
# settings.yaml: a line the template changes alone, and one the team changes too.
HEADER = "# Non-secret configuration of {{ project_name }}."
NEW_HEADER = "# Non-secret configuration of {{ project_name }}, by the 1.1 standard."
WORKERS, NEW_WORKERS = "workers: 1", "workers: 2"
# The renamed file, and two lines the new version changes in it (the team changes the first).
RENAMED = ("docs/API.md", "docs/HTTP-API.md")
API_TITLE = "# {{ project_name }}: HTTP API (v1)"
NEW_API_TITLE = "# {{ project_name }}: the HTTP API, version 1"
CONVENTIONS, NEW_CONVENTIONS = "## Conventions\n", "## Conventions of every route\n"
BUMP = ('"httpx>=0.28"', '"httpx>=0.28.1"')
ON_CALL = "#backend-on-call"
QUESTION = f"""
on_call:
  type: str
  help: Where the team that runs the service is reached
  default: "{ON_CALL}"
"""
MIGRATION = f"""
_migrations:
  - version: "{NEW}"
    command:
      - "{{{{ _copier_python }}}}"
      - "{{{{ _copier_conf.src_path }}}}/extensions/migrate.py"
      - rename
      - "{{{{ _copier_conf.src_path }}}}"
      - {RENAMED[0]}
      - {RENAMED[1]}
"""
RUNBOOK = """# Runbook of {{ project_name }}

On call: {{ on_call }}. Liveness is `/health/live`, readiness `/health/ready`.
"""


def git(folder: Path, *arguments: str) -> str:
    identity = ("-c", "user.name=Test", "-c", "user.email=test@example.com")
    done = subprocess.run(
        ["git", *identity, *arguments], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"git {' '.join(arguments)}: {done.stderr}"
    return done.stdout


def commit_all(folder: Path, message: str) -> None:
    git(folder, "add", "--all")
    git(folder, "commit", "--quiet", "--no-verify", "-m", message)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path}: the fixture's anchor {old!r} is gone"
    path.write_text(text.replace(old, new))


def standards_change(template: Path) -> None:
    """Version 1.1.0 of the standard, on a checkout of 1.0.0."""
    files = template / "template"
    replace(files / "config/settings.yaml.jinja", HEADER, NEW_HEADER)
    replace(files / "config/settings.yaml.jinja", WORKERS, NEW_WORKERS)
    (files / "docs/RUNBOOK.md.jinja").write_text(RUNBOOK)
    old, new = (files / f"{name}.jinja" for name in RENAMED)
    git(template, "mv", str(old), str(new))
    replace(new, API_TITLE, NEW_API_TITLE)
    replace(new, CONVENTIONS, NEW_CONVENTIONS)
    replace(files / "README.md.jinja", RENAMED[0], RENAMED[1])
    replace(template / "extensions/catalog.py", *BUMP)
    with (template / "copier.yml").open("a") as config:
        config.write(QUESTION + MIGRATION)


def build(folder: Path) -> Path:
    """A git repository of the template with the tags 1.0.0 and 1.1.0."""
    template = snapshot(folder)
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, "the standard as it is")
    git(template, "tag", OLD)
    standards_change(template)
    commit_all(template, "the 1.1 standard")
    git(template, "tag", NEW)
    return template
