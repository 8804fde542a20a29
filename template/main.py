"""Entry point: `uv run python main.py` migrates (when configured) and serves the app."""

import sys

import uvicorn
from pydantic import ValidationError

from src.core.config import get_settings
from src.core.logging import configure_logging, logging_config
from src.core.migrations import upgrade_to_head


def main() -> None:
    try:
        settings = get_settings()
    except ValidationError as error:
        sys.exit(f"Invalid configuration:\n{error}")
    configure_logging(settings)
    if settings.migrate_on_start:
        upgrade_to_head(settings.database_url)
    uvicorn.run(
        "src.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # uvicorn applies this in every worker process, not only in this one.
        log_config=logging_config(settings),
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
