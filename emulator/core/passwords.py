"""Passwords, kept as salted scrypt hashes (:func:`hashlib.scrypt`) and checked in constant time.

A hash is one string, ``scrypt$<log2 N>$<r>$<p>$<salt>$<key>`` (salt and key in base64),
so its cost travels with it and :func:`verify` needs nothing else.

Two costs:

- :data:`USER_COST` (N = 2**14, r = 8, p = 1: scrypt's own recommendation for interactive
  logins, about 60 ms) for every password a user chooses through the app API (registration,
  change, reset);
- :data:`PUBLIC_COST` (N = 16: microseconds) for passwords that are no secret: those written
  in a fixture file (the banner prints them) and those of test accounts the control plane
  makes (its answer carries them). Loading the demo fixture then costs microseconds, not
  the 120 ms two scrypt hashes at full cost would add to every cold start and fixture load.

A user that does not exist is checked against a dummy hash at full cost, so a failed login
takes as long whether or not the login name exists.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

Cost = tuple[int, int, int]
USER_COST: Cost = (14, 8, 1)
PUBLIC_COST: Cost = (4, 8, 1)
_KEY_BYTES = 32
#: Costs a stored hash may ask for (a hash comes from a snapshot or state file: bounded work).
_MAX_LOG_N, _MAX_R, _MAX_P = 16, 16, 4
_SCHEME = "scrypt"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, cost: Cost) -> bytes:
    log_n, r, p = cost
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=1 << log_n, r=r, p=p,
                          maxmem=256 * r * (1 << log_n), dklen=_KEY_BYTES)


def hash_password(password: str, cost: Cost = USER_COST) -> str:
    salt = secrets.token_bytes(16)
    log_n, r, p = cost
    return f"{_SCHEME}${log_n}${r}${p}${_b64(salt)}${_b64(_derive(password, salt, cost))}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return None
    try:
        log_n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not (1 <= log_n <= _MAX_LOG_N and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P and salt and len(key) == _KEY_BYTES):
        return None
    return (log_n, r, p), salt, key


def is_hash(value: object) -> bool:
    return isinstance(value, str) and _parse(value) is not None


_DUMMY_SALT = secrets.token_bytes(16)


def verify(stored: str | None, password: str) -> bool:
    """True when ``password`` is the one ``stored`` was made from; constant time in the password.

    ``stored`` None (no password, no such user) or not a hash: checked against a dummy
    hash at full cost, and False.
    """
    parsed = _parse(stored) if stored else None
    if parsed is None:
        _derive(password, _DUMMY_SALT, USER_COST)
        return False
    cost, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, cost), key)
