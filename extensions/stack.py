"""Jinja glue between copier.yml, the templates and the stack catalog.

Copier loads this file by path (copier-template-extensions). It imports the
catalog package from the template checkout it sits in, under a name unique to
that checkout: `copier update` renders an old and a new template version in one
process, and each must see its own catalog.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import secrets
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context


def _load_package() -> str:
    folder = Path(__file__).resolve().parent
    name = "copier_backend_" + hashlib.sha1(str(folder).encode()).hexdigest()[:12]
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load the stack catalog from {folder}")
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return name


_PACKAGE = _load_package()
catalog: ModuleType = importlib.import_module(f"{_PACKAGE}.catalog")
context: ModuleType = importlib.import_module(f"{_PACKAGE}.context")
questions: ModuleType = importlib.import_module(f"{_PACKAGE}.questions")


@pass_context
def stack_choices(ctx: Context, question: str) -> str:
    """The catalog's choices for one question, as YAML for copier's `choices`.

    A choice that conflicts with an earlier answer stays listed but disabled,
    with the reason naming both choices; copier refuses it with that reason.
    """
    answers = {q: ctx.get(q) for q in catalog.STACK_QUESTIONS if ctx.get(q) is not None}
    choices = []
    for entry in catalog.CATALOG[question]:
        reason = catalog.conflict(answers, question, entry.value)
        choices.append([entry.label, {"value": entry.value, "validator": reason}])
    return json.dumps(choices)


@pass_context
def stack_default(ctx: Context, question: str) -> str:
    """The catalog's default for one question, or its first choice that fits earlier answers."""
    answers = {q: ctx.get(q) for q in catalog.STACK_QUESTIONS if ctx.get(q) is not None}
    default: str = catalog.default_for(answers, question)
    return default


def new_secret_key() -> str:
    """A random SECRET_KEY for a new service's .env: 64 URL-safe characters (48 bytes)."""
    return secrets.token_urlsafe(48)


def new_api_key() -> str:
    """A random API key in the rendered service's shape: <12 hex prefix>.<secret>."""
    return f"{secrets.token_hex(6)}.{secrets.token_urlsafe(32)}"


class StackExtension(Extension):
    """Globals and filters that copier.yml uses to ask and validate."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["stack_choices"] = stack_choices
        environment.globals["asks_broker"] = catalog.asks_broker
        environment.globals["stack_default"] = stack_default
        environment.globals["new_secret_key"] = new_secret_key
        environment.globals["new_api_key"] = new_api_key
        environment.filters["slug_error"] = questions.slug_error
        environment.filters["package_error"] = questions.package_error
        environment.filters["email_error"] = questions.email_error
        environment.filters["python_version_error"] = questions.python_version_error
        environment.filters["text_error"] = questions.text_error


class StackContext(ContextHook):
    """Adds the derived context (extensions/context.py) to every rendered file."""

    def hook(self, ctx: dict[str, Any]) -> None:
        needed = ("package_name", "framework", "orm", "database", "queue", "auth")
        if not all(name in ctx for name in needed):
            return
        answers = tuple(
            (name, ctx.get(name)) for name in ("package_name", *catalog.STACK_QUESTIONS)
        )
        try:
            ctx.update(derived(answers))
        except KeyError:
            # An answer outside the catalog: copier refuses it by name when it asks.
            return


@functools.lru_cache(maxsize=16)
def derived(answers: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """The derived context, once per set of answers: copier asks for it for every path and file."""
    result: dict[str, Any] = context.derive(dict(answers))
    return result
