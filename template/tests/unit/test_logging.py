"""Structured log lines carry the request id and never lose fields."""

import json
import logging
import sys

import pytest
import structlog

from src.core.config import Settings
from src.core.logging import (
    bind_request_id,
    clear_request_id,
    configure_logging,
    console_formatter,
    json_formatter,
)


def record(message: str, **extra: object) -> logging.LogRecord:
    return logging.makeLogRecord({"name": "test", "levelname": "INFO", "msg": message, **extra})


def test_json_line_has_request_id_and_extra_fields() -> None:
    bind_request_id("req-1")
    try:
        line = json_formatter().format(record("hello", status=201, color_message="x"))
    finally:
        clear_request_id()
    entry = json.loads(line)
    assert entry["message"] == "hello"
    assert entry["level"] == "INFO"
    assert entry["request_id"] == "req-1"
    assert entry["status"] == 201
    assert "color_message" not in entry


def test_request_id_is_forgotten_after_the_request() -> None:
    bind_request_id("req-2")
    clear_request_id()
    assert "request_id" not in json.loads(json_formatter().format(record("later")))


def test_exceptions_are_kept() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        entry = record("failed", exc_info=sys.exc_info())
    assert "ValueError: broken" in json.loads(json_formatter().format(entry))["exception"]


def test_console_line_is_for_people() -> None:
    line = console_formatter().format(record("hello", status=201))
    assert "hello" in line
    assert "status=201" in line


@pytest.mark.parametrize(("log_format", "is_json"), [("json", True), ("console", False)])
def test_configure_logging_applies_level_and_format(
    base_settings: Settings, log_format: str, is_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, root.handlers[:]
    try:
        configure_logging(
            base_settings.model_copy(update={"log_level": "WARNING", "log_format": log_format})
        )
        assert root.level == logging.WARNING
        structlog.get_logger("structured").warning("from structlog", answer=42)
    finally:
        root.setLevel(saved_level)
        root.handlers[:] = saved_handlers
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("{") is is_json
    assert "from structlog" in line
    assert "42" in line
