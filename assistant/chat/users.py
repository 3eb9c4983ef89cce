"""Chat users: a JSON file of user names and scrypt password hashes (never plain passwords)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

# scrypt parameters (RFC 7914 interactive-login strength): memory-hard, so a stolen file
# cannot be brute-forced cheaply.
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = hash_password(password, base64.b64decode(salt_b64)).split("$")[2]
    return hmac.compare_digest(expected, digest_b64)


class UserStore:
    def __init__(self, path: Path):
        self.path = path

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def add(self, username: str, password: str) -> None:
        if not username.strip() or len(password) < 8:
            raise ValueError("Användarnamnet får inte vara tomt och lösenordet måste ha minst 8 tecken.")
        users = self._load()
        users[username.strip()] = hash_password(password)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(users, indent=2, ensure_ascii=False), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    def check(self, username: str, password: str) -> bool:
        stored = self._load().get(username)
        return bool(stored) and verify_password(password, stored)

    def names(self) -> list[str]:
        return sorted(self._load())


def ensure_first_user(store: UserStore, username: str = "admin") -> str | None:
    """On a fresh install, create one user with a random password and return the password."""
    if store.names():
        return None
    password = secrets.token_urlsafe(12)
    store.add(username, password)
    return password


def auth_secret(settings) -> str:
    """The token-signing secret: from settings, else generated once and kept in the data dir."""
    if settings.auth_secret:
        return settings.auth_secret
    path = settings.data_dir / ".auth_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    return path.read_text().strip()
