"""Validation of the project questions: each returns "" or a message naming the problem."""

from __future__ import annotations

import keyword
import re
import sys

SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")

# Import names a service's own package must not take: its layout and what it imports.
SHADOWED = frozenset(
    {
        "alembic",
        "app",
        "argon2",
        "asyncpg",
        "celery",
        "config",
        "django",
        "dramatiq",
        "email_validator",
        "fastapi",
        "flask",
        "httpx",
        "jwt",
        "main",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "redis",
        "rq",
        "arq",
        "sqlalchemy",
        "sqlmodel",
        "src",
        "starlette",
        "tests",
        "tortoise",
        "uvicorn",
        "yaml",
    }
)

_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _shadow_error(name: str, what: str) -> str:
    if name in sys.stdlib_module_names:
        return f"{what} {name!r} would shadow the standard library module {name!r}"
    if name in SHADOWED:
        return f"{what} {name!r} would shadow the package {name!r} that services import"
    return ""


def slug_error(slug: str) -> str:
    """A project slug is a lower-case distribution name: letters, digits, - or _."""
    if not _SLUG.match(slug or ""):
        return (
            f"project_slug {slug!r} must start with a lower-case letter and hold only "
            "lower-case letters, digits, and single '-' or '_' between them"
        )
    return _shadow_error(slug.replace("-", "_"), "project_slug")


def package_error(name: str) -> str:
    """A package name is imported by code, so it must be a usable identifier."""
    if not name or not name.isidentifier() or not name.isascii():
        return f"package_name {name!r} is not a Python identifier (letters, digits, _)"
    if name != name.lower():
        return f"package_name {name!r} must be lower case (PEP 8 package names)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"package_name {name!r} is a Python keyword"
    return _shadow_error(name, "package_name")


def email_error(email: str) -> str:
    if not _EMAIL.match(email or ""):
        return f"author_email {email!r} is not an e-mail address like name@example.com"
    return ""


def python_version_error(version: str) -> str:
    if version not in SUPPORTED_PYTHONS:
        return (
            f"python_version {version!r} is not supported; "
            f"choose one of {', '.join(SUPPORTED_PYTHONS)}"
        )
    return ""


def text_error(value: str, name: str, max_length: int = 200) -> str:
    if not value or not value.strip():
        return f"{name} must not be empty"
    if len(value) > max_length:
        return f"{name} is {len(value)} characters long; at most {max_length}"
    if any(char in value for char in '"\\\n'):
        return f"{name} must not contain quotes, backslashes or line breaks"
    return ""
