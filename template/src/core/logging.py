"""Structured logging: one JSON object per line, each with the request id."""

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import yaml

from src.core.config import ROOT_DIR, Settings

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else was passed with `extra=`.
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Duplicates of the message that uvicorn adds for terminals.
_DROPPED_ATTRS = frozenset({"color_message"})


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON, keeping fields passed with `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {
                key: value
                for key, value in record.__dict__.items()
                if key not in _STANDARD_ATTRS | _DROPPED_ATTRS
            }
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(settings: Settings) -> dict[str, Any]:
    """config/logging.yaml with the level and format from settings (dictConfig schema)."""
    config: dict[str, Any] = yaml.safe_load((ROOT_DIR / "config" / "logging.yaml").read_text())
    config["root"]["level"] = settings.log_level
    config["handlers"]["console"]["formatter"] = settings.log_format
    return config


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))
