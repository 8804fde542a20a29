"""Migrations that `copier update` runs (copier.yml `_migrations`), so no edit is lost.

    python migrate.py rename TEMPLATE OLD NEW [OLD NEW ...]

When a template version renames a rendered file, Copier on its own deletes the
old file (with the team's edits in it) and writes the new one as the template
has it. Run after the update, in the service, this carries the team's edits
over: a three-way merge of the team's committed OLD (theirs to keep), the old
template version's OLD rendered again with the project's answers (the base) and
the new version's NEW. A conflict is written inline with Copier's own markers,
and OLD is gone afterwards. A file the team had deleted stays deleted under its
new name too.

Copier runs it with its own Python (`_copier_python`), which can import copier.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ANSWERS_FILE = ".copier-answers.yml"
# The labels copier's own inline conflicts use: the team's side first.
LABELS = ("before updating", "last update", "after updating")


def committed(path: str) -> bytes | None:
    """The file as the team last committed it (the update starts from a clean tree)."""
    shown = subprocess.run(["git", "show", f"HEAD:./{path}"], capture_output=True, check=False)
    return shown.stdout if shown.returncode == 0 else None


def render_old_version(template: str, destination: Path) -> None:
    """The version the project was on, rendered again with its answers: the merge's base."""
    from copier import run_copy  # Copier's own Python runs this script

    answers_text = committed(ANSWERS_FILE)
    if answers_text is None:
        raise SystemExit(f"migrate.py: {ANSWERS_FILE} is not committed; cannot find the base")
    answers: dict[str, Any] = yaml.safe_load(answers_text)
    run_copy(
        template,
        destination,
        data={key: value for key, value in answers.items() if not key.startswith("_")},
        vcs_ref=answers["_commit"],
        defaults=True,
        quiet=True,
        unsafe=True,
        skip_tasks=True,
    )


def merge(ours: bytes, base: Path, theirs: Path, scratch: Path) -> tuple[bytes, int]:
    """git merge-file of the team's file with the template's change; (result, conflicts)."""
    result = scratch / "merged"
    result.write_bytes(ours)
    labels = [argument for label in LABELS for argument in ("-L", label)]
    merged = subprocess.run(
        [
            "git",
            "merge-file",
            *labels,
            str(result),
            str(base if base.exists() else os.devnull),  # added by both: nothing in common
            str(theirs),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if merged.returncode > 127:  # git merge-file exits negative on error
        raise SystemExit(f"migrate.py: git merge-file failed: {merged.stderr.strip()}")
    return result.read_bytes(), merged.returncode


def mark_unmerged(path: str, base: Path, ours: bytes, theirs: bytes) -> None:
    """Record the conflict in git's index as copier does for its own: `git status` lists the
    file as unmerged and `git commit` refuses it until the team resolves it and adds it."""

    def stored(content: bytes) -> str:
        return (
            subprocess.run(
                ["git", "hash-object", "-w", "--stdin"],
                input=content,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .strip()
        )

    stages = {1: base.read_bytes()} if base.exists() else {}
    stages.update({2: ours, 3: theirs})
    entries = "".join(
        f"100644 {stored(content)} {stage}\t{path}\n" for stage, content in stages.items()
    )
    subprocess.run(["git", "update-index", "--index-info"], input=entries.encode(), check=True)


def rename(pairs: list[tuple[str, str]], template: str) -> None:
    with tempfile.TemporaryDirectory(prefix="copier-backend-migrate.") as folder:
        scratch = Path(folder)
        base_copy = scratch / "base"
        render_old_version(template, base_copy)
        for old, new in pairs:
            ours, target = committed(old), Path(new)
            Path(f"{old}.rej").unlink(missing_ok=True)  # copier's failed patch of the old name
            if ours is None:
                if (base_copy / old).exists():  # rendered before, then deleted by the team
                    target.unlink(missing_ok=True)
                    print(f"migrate.py: {old} was deleted here, so {new} is not kept")
                continue
            Path(old).unlink(missing_ok=True)
            if not target.exists():  # the new version no longer renders it here: keep the team's
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(ours)
                print(f"migrate.py: {old} moved to {new} as it was")
                continue
            theirs = target.read_bytes()
            result, conflicts = merge(ours, base_copy / old, target, scratch)
            target.write_bytes(result)
            if conflicts:
                mark_unmerged(new, base_copy / old, ours, theirs)
            state = f"{conflicts} conflict(s) marked inline" if conflicts else "merged"
            print(f"migrate.py: {old} -> {new}, your edits {state}")


def main(arguments: list[str]) -> None:
    """TEMPLATE is the template's git checkout (copier's `_copier_conf.src_path`)."""
    if len(arguments) < 4 or arguments[0] != "rename" or len(arguments) % 2 != 0:
        raise SystemExit("usage: migrate.py rename TEMPLATE OLD NEW [OLD NEW ...]")
    template, *names = arguments[1:]
    rename(list(zip(names[::2], names[1::2], strict=True)), template)


if __name__ == "__main__":
    main(sys.argv[1:])
