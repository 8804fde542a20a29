"""Alembic environment: runs migrations with the service's own async engine settings."""

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from src.core.config import get_settings
from src.models import Base

target_metadata = Base.metadata
database_url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url


def configure(**options: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=database_url.startswith("sqlite"),
        **options,  # type: ignore[arg-type]
    )


def run_in(connection: Connection) -> None:
    configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(run_in)
    await engine.dispose()


if context.is_offline_mode():
    configure(url=database_url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())
