"""Structured log lines carry the request id and never lose fields."""

import json
import logging
import sys

import pytest

from src.core.config import Settings
from src.core.logging import JsonFormatter, RequestIdFilter, configure_logging, request_id_var


def record(message: str, **extra: object) -> logging.LogRecord:
    entry = logging.makeLogRecord({"name": "test", "levelname": "INFO", "msg": message, **extra})
    RequestIdFilter().filter(entry)
    return entry


def test_json_line_has_request_id_and_extra_fields() -> None:
    token = request_id_var.set("req-1")
    try:
        line = JsonFormatter().format(record("hello", status=201))
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "hello"
    assert entry["request_id"] == "req-1"
    assert entry["status"] == 201


def test_exceptions_are_kept() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        entry = record("failed", exc_info=sys.exc_info())
    assert "ValueError: broken" in json.loads(JsonFormatter().format(entry))["exception"]


@pytest.mark.parametrize(("log_format", "is_json"), [("json", True), ("console", False)])
def test_configure_logging_applies_level_and_format(
    base_settings: Settings, log_format: str, is_json: bool
) -> None:
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, root.handlers[:]
    try:
        configure_logging(
            base_settings.model_copy(update={"log_level": "WARNING", "log_format": log_format})
        )
        assert root.level == logging.WARNING
        assert isinstance(root.handlers[0].formatter, JsonFormatter) is is_json
    finally:
        root.setLevel(saved_level)
        root.handlers[:] = saved_handlers
