"""Alembic configured in code: the migrations ship inside the package, no alembic.ini at runtime.

To write a new migration against a scratch database (autogenerate compares it with `models.py`)::

    python -c "from alembic import command; from headway.store.migrate import alembic_config; \\
        command.revision(alembic_config('sqlite:///scratch.db'), 'add alerts', autogenerate=True)"

after upgrading the scratch database to head. Name the new file `NNNN_<slug>.py` like the others.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """A Config whose env.py migrates `connection` if given, else a fresh engine on `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of Headway."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
