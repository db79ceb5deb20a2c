"""The state database: one SQLAlchemy engine for runtime state, migrated by Alembic.

A SQLite file under the workspace by default, so `headway serve` works with nothing to set up;
a PostgreSQL URL from `HEADWAY_STATE_URL` in production, so several servers share one state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from headway.errors import HeadwayError
from headway.store import migrate

STATE_URL_ENV = "HEADWAY_STATE_URL"
STATE_DIR = ".headway"
STATE_FILE = "state.db"


class StateError(HeadwayError):
    """The state database cannot be used as asked: a bad URL, no driver, unreachable, or broken keys."""

    code = "state_error"
    status = 503


def state_url(workspace_root: Path, env: Mapping[str, str] | None = None) -> str:
    """`HEADWAY_STATE_URL` when set, else a SQLite file at `<workspace>/.headway/state.db`."""
    env = os.environ if env is None else env
    configured = env.get(STATE_URL_ENV, "").strip()
    if configured:
        return configured
    path = workspace_root.resolve() / STATE_DIR / STATE_FILE
    return f"sqlite:///{path.as_posix()}"


def _normalise(url: URL) -> URL:
    # `postgresql://` alone would pick psycopg2, which Headway does not install; psycopg 3 is the driver.
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def _sqlite_file(url: URL) -> Path | None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the server read while a writer commits; SQLite leaves foreign keys off unless asked."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


class StateStore:
    """One handle on the state database: engine, sessions and schema revision."""

    def __init__(self, url: str) -> None:
        try:
            self.url = _normalise(make_url(url))
        except (ArgumentError, ValueError):
            raise StateError(
                f"{STATE_URL_ENV} is not a database URL",
                "Write e.g. postgresql+psycopg://user@host/db or sqlite:////var/lib/headway/state.db, or unset it.",
            ) from None
        self.backend = self.url.get_backend_name()
        if self.backend == "sqlite" and (path := _sqlite_file(self.url)) is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StateError(
                    f"cannot create the state folder {path.parent}: {error.strerror or error}",
                    f"Set {STATE_URL_ENV} to a writable place, e.g. sqlite:////tmp/headway-state.db.",
                ) from None
        try:
            self.engine: Engine = create_engine(self.url)
        except (NoSuchModuleError, ImportError) as error:
            raise StateError(
                f"the database driver for {self.url.drivername} is not installed ({type(error).__name__})",
                "Headway keeps its state in SQLite or PostgreSQL; for PostgreSQL: pip install 'headway[postgres]'.",
            ) from None
        if self.backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> StateStore:
        """A store migrated to head, ready for use."""
        store = cls(url)
        try:
            store.upgrade()
        except SQLAlchemyError as error:
            store.dispose()
            where = store.url.render_as_string(hide_password=True)
            lines = str(getattr(error, "orig", None) or error).strip().splitlines()
            raise StateError(
                f"cannot open the state database at {where}: {lines[0] if lines else type(error).__name__}",
                f"Check that it is reachable and writable, or set {STATE_URL_ENV} to another database.",
            ) from None
        except BaseException:
            store.dispose()
            raise
        return store

    @classmethod
    def for_workspace(cls, workspace_root: Path, env: Mapping[str, str] | None = None) -> StateStore:
        return cls.open(state_url(workspace_root, env))

    def __repr__(self) -> str:
        return f"StateStore({self.url.render_as_string(hide_password=True)!r})"

    def upgrade(self, target: str = "head") -> None:
        self._migrate(command.upgrade, target)

    def downgrade(self, target: str = "base") -> None:
        self._migrate(command.downgrade, target)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        return migrate.head_revision()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (psycopg and sqlite3 warn about connections left open)."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.dispose()

    def _migrate(self, step: Callable[[Config, str], None], target: str) -> None:
        with self.engine.connect() as conn:
            if self.backend != "sqlite":
                with conn.begin():
                    step(migrate.alembic_config(connection=conn), target)
                return
            _sqlite_migrate(conn, step, target)


def _sqlite_migrate(conn: Connection, step: Callable[[Config, str], None], target: str) -> None:
    """Batch mode rebuilds tables, which must not cascade: foreign keys off, then checked, then on."""
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    try:
        with conn.begin():
            step(migrate.alembic_config(connection=conn), target)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StateError(f"migration to {target!r} leaves rows with broken foreign keys: {broken[:5]}")
    finally:
        conn.rollback()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
