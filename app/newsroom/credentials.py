"""Where a reporter's password lives: the operating system's keyring through `keyring` where
there is one, else PostgreSQL's own password file (~/.pgpass, mode 0600), which libpq reads by
itself. Never in the library or the desk's settings. A password in the DSN, or in PGPASSWORD,
is libpq's business and wins over both.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from psycopg.conninfo import conninfo_to_dict

SERVICE = "Sourcemark newsroom"


def account(dsn: str) -> str:
    """The keyring's name for a login: user@host:port/dbname."""
    parts = conninfo_to_dict(dsn)
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    return f"{parts.get('user', '')}@{host}:{parts.get('port') or 5432}/{parts.get('dbname', '')}"


def _usable_keyring() -> KeyringBackend | None:
    backend = keyring.get_keyring()
    priority = getattr(backend, "priority", 0)
    name = type(backend).__module__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")) or priority < 1:
        return None
    return backend


def store(dsn: str, password: str) -> str:
    """Keep a password for the DSN's login; says where it went."""
    backend = _usable_keyring()
    if backend is not None:
        try:
            backend.set_password(SERVICE, account(dsn), password)
            return "the system keyring"
        except keyring.errors.KeyringError:
            pass
    path = pgpass_path()
    _write_pgpass(path, dsn, password)
    return str(path)


def password_for(dsn: str) -> str | None:
    """The password the keyring holds for the DSN's login (None: libpq looks in ~/.pgpass)."""
    backend = _usable_keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, account(dsn))
    except keyring.errors.KeyringError:
        return None


def forget(dsn: str) -> None:
    """Remove the stored password from the keyring and ~/.pgpass."""
    backend = _usable_keyring()
    if backend is not None:
        with contextlib.suppress(keyring.errors.KeyringError):
            backend.delete_password(SERVICE, account(dsn))
    path = pgpass_path()
    if path.is_file():
        kept = [line for line in path.read_text().splitlines() if not _matches(line, dsn)]
        _replace(path, kept)


def pgpass_path() -> Path:
    configured = os.environ.get("PGPASSFILE")
    return Path(configured) if configured else Path.home() / ".pgpass"


def _entry_fields(dsn: str) -> list[str]:
    parts = conninfo_to_dict(dsn)
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    return [host, str(parts.get("port") or 5432), str(parts.get("dbname", "")), str(parts["user"])]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _matches(line: str, dsn: str) -> bool:
    prefix = ":".join(_escape(value) for value in _entry_fields(dsn)) + ":"
    return line.startswith(prefix)


def _write_pgpass(path: Path, dsn: str, password: str) -> None:
    lines = path.read_text().splitlines() if path.is_file() else []
    lines = [line for line in lines if not _matches(line, dsn)]
    lines.append(":".join(_escape(value) for value in [*_entry_fields(dsn), password]))
    _replace(path, lines)


def _replace(path: Path, lines: list[str]) -> None:
    """Write the file with mode 0600 from the start (libpq ignores a more open one)."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write("".join(line + "\n" for line in lines))
    os.chmod(partial, 0o600)
    partial.replace(path)
