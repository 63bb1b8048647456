"""Log-in credentials for the web host: the library keeps no passwords, the host does.

One SQLite file holds, per member, the e-mail they log in with, a scrypt hash of their
password (a memory-hard key-derivation function, from the standard library) with its own
salt, whether they are an administrator, and the token of their e-mail verification link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from pathlib import Path

import attrs

# scrypt's cost: 2**14 × 8 × 128 bytes = 16 MiB of memory per hash (RFC 7914's interactive level)
_N, _R, _P = 2**14, 8, 1
PASSWORD_LENGTH = (8, 128)


def password_allowed(password: str) -> bool:
    """8 to 128 characters, at least 8 of them not spaces (eight spaces guard nothing)."""
    return (
        PASSWORD_LENGTH[0] <= len(password) <= PASSWORD_LENGTH[1]
        and len(password.strip()) >= PASSWORD_LENGTH[0]
    )


@attrs.frozen
class Account:
    """Who may log in as which member."""

    member_id: str
    email: str
    is_admin: bool
    verify_token: str


class Accounts:
    """The credentials store."""

    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS accounts (member_id TEXT PRIMARY KEY,"
            " email TEXT NOT NULL UNIQUE, salt BLOB NOT NULL, hash BLOB NOT NULL,"
            " is_admin INTEGER NOT NULL DEFAULT 0, verify_token TEXT NOT NULL UNIQUE)"
        )

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def add(self, member_id: str, email: str, password: str, *, is_admin: bool = False) -> Account:
        """Keep a new member's credentials; returns the account with its verification token."""
        salt = secrets.token_bytes(16)
        token = secrets.token_urlsafe(24)
        self._db.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)",
            (member_id, email.strip().lower(), salt, _hash(password, salt), int(is_admin), token),
        )
        return Account(member_id, email.strip().lower(), is_admin, token)

    def check(self, email: str, password: str) -> Account | None:
        """The account whose e-mail and password these are, or ``None`` (either is wrong)."""
        row = self._db.execute(
            "SELECT member_id, email, salt, hash, is_admin, verify_token FROM accounts"
            " WHERE email = ?",
            (email.strip().lower(),),
        ).fetchone()
        if row is None:
            _hash(password, b"-" * 16)  # the same work whether or not the e-mail exists
            return None
        member_id, stored_email, salt, stored, is_admin, token = row
        if not hmac.compare_digest(stored, _hash(password, salt)):
            return None
        return Account(member_id, stored_email, bool(is_admin), token)

    def by_token(self, token: str) -> Account | None:
        """The account a verification link belongs to."""
        row = self._db.execute(
            "SELECT member_id, email, is_admin, verify_token FROM accounts WHERE verify_token = ?",
            (token,),
        ).fetchone()
        return None if row is None else Account(row[0], row[1], bool(row[2]), row[3])

    def get(self, member_id: str) -> Account | None:
        """A member's account, if they have one."""
        row = self._db.execute(
            "SELECT member_id, email, is_admin, verify_token FROM accounts WHERE member_id = ?",
            (member_id,),
        ).fetchone()
        return None if row is None else Account(row[0], row[1], bool(row[2]), row[3])

    def count(self) -> int:
        """How many accounts there are."""
        return int(self._db.execute("SELECT count(*) FROM accounts").fetchone()[0])


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
