"""Secrets: what nobody may guess — user and app tokens, QR share codes, SMS and captcha codes,
password salts.

They come from the operating system (:mod:`secrets`), never from the seeded generator of
:mod:`emulator.core.ids`: a seed makes identifiers reproducible, so whatever it draws is
predictable, and two fresh servers would hand out the same first token. Identifiers (dids,
MACs, uids, object ids) stay seeded.
"""

from __future__ import annotations

import secrets
import string


def token_hex(length: int = 32) -> str:
    """``length`` lower-case hex digits (a user or app token is 32, like the real cloud's)."""
    return secrets.token_hex((length + 1) // 2)[:length]


def digits(length: int) -> str:
    """``length`` decimal digits (SMS and captcha codes)."""
    return "".join(secrets.choice(string.digits) for _ in range(length))

