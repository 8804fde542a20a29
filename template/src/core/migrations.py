"""Alembic migrations, applied from code (start-up and tests)."""

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from src.core.config import ROOT_DIR


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT_DIR / "config" / "alembic"))
    # ConfigParser treats % as interpolation; URLs may hold percent-encoded parts.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Apply every pending migration."""
    command.upgrade(alembic_config(database_url), "head")


def downgrade_to_base(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "base")


@cache
def head_revision() -> str:
    """The revision a database must be at for this code: the latest migration."""
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if head is None:
        raise RuntimeError("config/alembic/versions holds no migration")
    return head
