"""Migrations: they build the schema the models describe, and they reverse cleanly."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from src.core.migrations import downgrade_to_base, upgrade_to_head
from src.models import Base
from tests.conftest import sqlite_url


def tables(path: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "migrations.db"
    upgrade_to_head(sqlite_url(path))
    assert tables(path) == set(Base.metadata.tables)
    downgrade_to_base(sqlite_url(path))
    assert tables(path) == set()
    upgrade_to_head(sqlite_url(path))
    assert tables(path) == set(Base.metadata.tables)


def test_models_and_migrations_agree(migrated_database: Path) -> None:
    engine = create_engine(f"sqlite:///{migrated_database}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
