"""A throw-away PostgreSQL server for tests: Debian's binaries, a temp data dir, 127.0.0.1 only.

`initdb` refuses to run as root, so as root every server command runs as the `postgres` user
(created by the Debian package) in folders that user owns. Not as root, they run as ourselves.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

BIN_GLOB = "/usr/lib/postgresql/*/bin"
INSTALL_HINT = (
    "PostgreSQL server binaries not found under {pattern}: install the Debian package `postgresql` "
    "(apt-get install -y postgresql). `make test` does this via scripts/system-deps.sh."
)
INITDB_ARGS = ("-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
# Durability is pointless for a server that lives as long as the test session.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def find_bin_dir(pattern: str = BIN_GLOB) -> Path | None:
    """The newest installed PostgreSQL's bin folder (the version differs between machines)."""
    dirs = [Path(d) for d in glob.glob(pattern) if (Path(d) / "initdb").is_file()]
    numeric = [d for d in dirs if d.parent.name.replace(".", "").isdigit()]
    return max(numeric, key=lambda d: [int(p) for p in d.parent.name.split(".")], default=None)


def require_bin_dir(pattern: str = BIN_GLOB) -> Path:
    """The bin folder, or a failed test naming the package to install (never a silent skip)."""
    bin_dir = find_bin_dir(pattern)
    if bin_dir is None:
        pytest.fail(INSTALL_HINT.format(pattern=pattern), pytrace=False)
    return bin_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One server on 127.0.0.1 with trust auth for user `postgres`; databases made on demand."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.owner = _postgres_user() if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="headway-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.port = 0
        self._names = count(1)
        for folder in (self.data, self.socket_dir):
            folder.mkdir()
        if self.owner is not None:
            for path in (self.root, self.data, self.socket_dir):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, tool: str, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.owner else []
        cmd = [*prefix, str(self.bin_dir / tool), *args]
        done = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, check=False, env=_env())
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}")

    def start(self, attempts: int = 3) -> None:
        self._run("initdb", "-D", str(self.data), *INITDB_ARGS)
        for attempt in range(attempts):
            self.port = free_port()
            options = ["-k", str(self.socket_dir), "-h", "127.0.0.1", "-p", str(self.port)]
            options += [arg for setting in FAST_SETTINGS for arg in ("-c", setting)]
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", shlex.join(options), "start")
                return
            except RuntimeError:
                # Another process may have taken the port between free_port() and the start: retry.
                if attempt == attempts - 1:
                    raise

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def create_database(self, prefix: str = "headway") -> str:
        """A new empty database; its URL."""
        name = f"{prefix}_{next(self._names)}"
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _postgres_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root but there is no `postgres` user: " + INSTALL_HINT.format(pattern=BIN_GLOB))


def _env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "LANG": "C"}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Started once per session (~1 s); stopped and deleted at the end."""
    server = PostgresServer(require_bin_dir())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database on the session's server, dropped after the test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
