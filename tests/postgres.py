"""A private PostgreSQL server for tests: `initdb` and `pg_ctl` from the Debian/Ubuntu package,
listening on 127.0.0.1 only, in a temporary folder that is removed when it stops.

initdb refuses to run as root, and CI runs as root: then the server runs as the `postgres`
system user (through `runuser`), in a folder that user owns. As anyone else it runs as them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN = "sm_admin"
"""The cluster's superuser, which the tests use as the newsroom's administrator."""


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (PostgreSQL 15 or later)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: apt-get install postgresql (.ci/run does it)"
        )
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One private cluster: start, stop (also `-m immediate`, a crash), restart, databases."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="sourcemark-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.password = secrets.token_urlsafe(16)
        self._databases = 0
        if self.run_as is not None:
            user = pwd.getpwnam(self.run_as)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        password_file = self.folder / "pw"
        password_file.write_text(self.password)
        if self.run_as is not None:
            os.chown(password_file, pwd.getpwnam(self.run_as).pw_uid, -1)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            ADMIN,
            "--auth=scram-sha-256",
            f"--pwfile={password_file}",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        password_file.unlink()
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.folder}'\n"
                "fsync = on\nmax_connections = 200\nshared_buffers = 64MB\n"
                "log_min_messages = warning\n"
            )

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder, timeout=120)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; mode "immediate" is a crash (recovery runs at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def dsn(self, dbname: str = "postgres", user: str = ADMIN, password: str | None = None) -> str:
        """A libpq connection string; the admin's password unless another is given."""
        secret = self.password if password is None and user == ADMIN else password
        parts = [f"host=127.0.0.1 port={self.port} dbname={dbname} user={user}"]
        if secret is not None:
            parts.append(f"password={secret}")
        return " ".join(parts) + " connect_timeout=10"

    def url(self, dbname: str) -> str:
        """A passwordless postgresql:// URL for a database (what a reporter is given)."""
        return f"postgresql://127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        """A fresh empty database; its name."""
        self._databases += 1
        name = f"newsroom_{self._databases}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def wait_until_accepting(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.dsn()).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.destroy()
