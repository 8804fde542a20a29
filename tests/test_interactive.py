"""One real interactive run: Copier's prompts answered through a pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import yaml

UP = "\x1b[A"
# Text prompts start filled with the default; Ctrl-U clears the line first.
CLEAR = "\x15"
# prompt_toolkit ends each drawing of a prompt with this; keys sent earlier can be lost.
READY = r"\x1b\[\?7h"
TIMEOUT = 30


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect(prompt)
    child.expect(READY)
    child.send(keys)


def test_interactive_copy(copier_template: Path, tmp_path: Path) -> None:
    destination = tmp_path / "svc"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", str(copier_template), str(destination)],
        encoding="utf-8",
        dimensions=(50, 200),
        timeout=TIMEOUT,
        # A pty answers no cursor-position requests; without this each prompt waits ~1 s.
        env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"},
    )
    try:
        answer(child, "human name", CLEAR + "Interactive Demo\r")
        for prompt in ("distribution name", "name code uses", "what the service does"):
            answer(child, prompt, "\r")
        answer(child, "owning team", CLEAR + "Platform Team\r")
        answer(child, "Contact e-mail", CLEAR + "nobody\r")
        child.expect("is not an e-mail address")
        child.send(CLEAR + "platform@example.com\r")
        for prompt in ("lowest Python", "web framework", "ORM", "database", "job queue"):
            answer(child, prompt, "\r")
        answer(child, "How clients authenticate", UP + "\r")
        for prompt in ("CI runs", "Sentry", "OpenTelemetry"):
            answer(child, prompt, "\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Interactive Demo"
    assert answers["project_slug"] == "interactive-demo"
    assert answers["author_email"] == "platform@example.com"
    assert answers["auth"] == "none"
    assert (destination / "src" / "main.py").is_file()
