"""The JSON schemas check-jsonschema vendors, as validators that never go online.

Used for the rendered files no engine here can run: docker-compose.yml and the
CI files. Each schema is loaded and checked once per worker.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

# jsonschema ships no type information (and there are no stubs among the dev dependencies).
from jsonschema import validators  # type: ignore[import-untyped]
from referencing import Registry, Resource


class RemoteReferenceError(Exception):
    """A schema asked for a `$ref` outside itself: these checks never go online."""


def offline(uri: str) -> Resource[Any]:
    raise RemoteReferenceError(f"{uri}: a remote $ref, and the schemas are checked offline")


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """A vendored schema by file name, e.g. compose-spec.json."""
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    loaded: dict[str, Any] = json.loads((vendor / name).read_text())
    return loaded


@functools.cache
def validator(name: str) -> Any:
    """The schema's validator, whose only resource is the schema itself (never fetched)."""
    contents = schema(name)
    kind = validators.validator_for(contents)
    kind.check_schema(contents)
    # Registry is an attrs class whose generated __init__ mypy does not see.
    registry: Registry[Any] = Registry(retrieve=offline).with_resource(  # type: ignore[call-arg]
        contents["$id"], Resource.from_contents(contents)
    )
    return kind(contents, registry=registry)


def errors(name: str, document: Any) -> tuple[str, ...]:
    """Where and how the document breaks the schema; empty when it is valid."""
    return tuple(
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator(name).iter_errors(document)
    )
