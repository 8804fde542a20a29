"""Structured logging with structlog: one JSON object per line, each with the request id.

structlog formats the records of the standard library's loggers (the service's,
uvicorn's, gunicorn's, the queue workers'), so every line has the same shape;
the request id comes from structlog's context variables, bound per request.
"""

import logging
import logging.config
from contextvars import ContextVar
from typing import Any

import structlog
import yaml
from structlog.typing import EventDict, Processor

from src.core.config import ROOT_DIR, Settings

NO_REQUEST = "-"
# The id error handlers quote in their messages; logs read it from structlog's context.
request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# What every line gets, whether it comes from a stdlib logger or a structlog one.
SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    # The fields passed with `extra=` (method, path, status...).
    structlog.stdlib.ExtraAdder(),
]
# Duplicates of the message that uvicorn adds for terminals.
DROPPED_FIELDS = ("color_message",)


def bind_request_id(request_id: str) -> None:
    """Name the request being served: every line logged while serving it carries the id."""
    request_id_var.set(request_id)
    structlog.contextvars.bind_contextvars(request_id=request_id)


def clear_request_id() -> None:
    """Forget the request: a thread or task serving the next one must not inherit its id."""
    request_id_var.set(NO_REQUEST)
    structlog.contextvars.clear_contextvars()


def _tidy(_logger: object, _method: str, event: EventDict) -> EventDict:
    """Drop the terminal duplicates; the level in capitals, as log queries expect it."""
    for field in DROPPED_FIELDS:
        event.pop(field, None)
    event["level"] = str(event.get("level", "")).upper()
    return event


def _formatter(*last: Processor) -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _tidy,
            *last,
        ],
    )


def json_formatter() -> structlog.stdlib.ProcessorFormatter:
    """LOG_FORMAT=json: what log collectors read (`message`, `level`, `time`, the fields)."""
    return _formatter(
        structlog.processors.EventRenamer("message"),
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(),
    )


def console_formatter() -> structlog.stdlib.ProcessorFormatter:
    """LOG_FORMAT=console: the same fields, aligned for a person at a terminal."""
    return _formatter(structlog.dev.ConsoleRenderer(colors=False))


def logging_config(settings: Settings) -> dict[str, Any]:
    """config/logging.yaml with the level and format from settings (dictConfig schema)."""
    config: dict[str, Any] = yaml.safe_load((ROOT_DIR / "config" / "logging.yaml").read_text())
    config["root"]["level"] = settings.log_level
    config["handlers"]["console"]["formatter"] = settings.log_format
    return config


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))


# structlog's own loggers (`structlog.get_logger()`) hand their events to the
# standard library, so they reach the same handlers and formatters.
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        *SHARED_PROCESSORS[:-1],
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
