"""SCRAM-SHA-256 password verifiers, as PostgreSQL stores them (RFC 5802, RFC 7677).

A reporter's password is turned into its verifier on the administrator's machine, so the
password itself never reaches the server, its statement log or its backups.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

ITERATIONS = 4096


def verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The `SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey` string for a password (ASCII
    passwords, as `generate_password` makes, need no SASLprep)."""
    salt = os.urandom(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
