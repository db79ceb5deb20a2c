"""Alembic environment: migrates the connection StateStore hands over, or a URL (CLI, offline SQL).

SQLite gets batch mode, so that ALTERs become copy-and-rename of the table.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, make_url

from headway.store.models import Base


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _offline(url: str) -> None:
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        render_as_batch=make_url(url).get_backend_name() == "sqlite",
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        if url is None:
            raise RuntimeError("offline migrations need sqlalchemy.url: use alembic_config(url)")
        _offline(url)
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    if url is None:
        raise RuntimeError("no connection and no sqlalchemy.url: use StateStore.upgrade() or alembic_config(url)")
    from headway.store.state import StateStore

    with StateStore(url) as store, store.engine.begin() as conn:
        _migrate(conn)


run()
