"""App tokens, captchas and SMS verification codes.

- ``POST /app/request_token`` issues an *app token* (no user behind it) that the
  verification routes require; it lives as long as a user token.
- A *captcha* (``GET /app/verify/codes``) guards sending an SMS code; solving it
  (``POST /app/verify/codes``) sends one.
- An *SMS code* (``POST /app/sms_code``, or a solved captcha) proves a phone number:
  phone registration, phone change, password reset by phone. Codes are valid for 24 hours
  (seed 001: "默认有效期为 24 小时") and single-use ("正确校验后立即失效"); a new code for
  a phone replaces the previous one.

Nothing is sent anywhere: every code is recorded in the :class:`~.outbox.Outbox`, where
tests and the admin API read it. A code that does not match, was used, or was never sent
is 9010 (code invalid); the right code after its expiry is 9009 (code expired).

Tokens and codes are secrets (:mod:`emulator.core.unguessable`), compared in constant
time. An expired app token or captcha still answers 9006 / 9009 for :data:`EXPIRED_KEPT`,
then it is forgotten. A record store (:mod:`emulator.core.persist`).
"""

from __future__ import annotations

import hmac
from typing import Any

from msgspec import Struct

from ....core import unguessable
from ....core.expiry import Expiry
from ....core.outbox import Message, Outbox
from ....core.persist import RecordMaps, Touched, from_rows, rows
from ...errors import ApiError

SMS_CODE_TTL = 24 * 3600
#: The docs give no lifetime for captchas; ten minutes is the usual order for image captchas.
CAPTCHA_TTL = 10 * 60
SMS_CODE_DIGITS = 6
CAPTCHA_DIGITS = 4
#: How long an expired app token or captcha is still known, before it is forgotten.
EXPIRED_KEPT = 24 * 3600


class AppToken(Struct, frozen=True):
    token: str
    appid: str
    expire_at: int


class Captcha(Struct):
    id: str
    appid: str
    code: str
    expire_at: float
    used: bool = False


class SmsCode(Struct):
    appid: str
    phone: str
    code: str
    sent_at: float
    expire_at: float
    used: bool = False


def _check(record: Captcha | SmsCode | None, code: str, now: float, what: str) -> None:
    """9010 unless ``code`` is the code of ``record`` and unused; 9009 if it has expired."""
    if record is None or record.used or not hmac.compare_digest(record.code.encode(), code.encode()):
        raise ApiError(9010, f"{what} does not match a valid code")
    if record.expire_at <= now:
        raise ApiError(9009, f"{what} has expired")


class VerificationStore(RecordMaps):
    def __init__(self, outbox: Outbox, token_ttl: int) -> None:
        self._outbox = outbox
        self._token_ttl = token_ttl
        self._tokens: dict[str, AppToken] = {}
        self._captchas: dict[str, Captcha] = {}
        self._sms: dict[tuple[str, str], SmsCode] = {}
        #: ("tokens", token) and ("captchas", id) by the instant they are forgotten.
        self._expiry = Expiry()
        #: Keys ("tokens", token), ("captchas", id) and ("sms", (appid, phone)), as :class:`RecordMaps` reads them.
        self.touched = Touched()

    def _forget_expired(self, now: float) -> None:
        for kind, key in self._expiry.due(now):  # type: ignore[misc]
            if (self._tokens if kind == "tokens" else self._captchas).pop(key, None) is not None:
                self.touched.touch((kind, key))

    # -- app tokens ------------------------------------------------------------------------
    def issue_app_token(self, appid: str, now: float) -> AppToken:
        self._forget_expired(now)
        token = AppToken(unguessable.token_hex(), appid, int(now) + self._token_ttl)
        self._tokens[token.token] = token
        self._expiry.add(token.expire_at + EXPIRED_KEPT, ("tokens", token.token))
        self.touched.touch(("tokens", token.token))
        return token

    def check_app_token(self, appid: str, token: str | None, now: float) -> AppToken:
        """9004 if missing, unknown or of another application; 9006 if expired."""
        if not token:
            raise ApiError(9004, "missing X-Gizwits-Application-Token header (POST /app/request_token gives one)")
        record = self._tokens.get(token)
        if record is None or record.appid != appid:
            raise ApiError(9004, "not an app token of this application (POST /app/request_token gives one)")
        if record.expire_at <= now:
            raise ApiError(9006)
        return record

    # -- captchas --------------------------------------------------------------------------
    def new_captcha(self, appid: str, now: float) -> Captcha:
        self._forget_expired(now)
        captcha = Captcha(unguessable.token_hex(40), appid, unguessable.digits(CAPTCHA_DIGITS),
                          now + CAPTCHA_TTL)
        self._captchas[captcha.id] = captcha
        self._expiry.add(captcha.expire_at + EXPIRED_KEPT, ("captchas", captcha.id))
        self.touched.touch(("captchas", captcha.id))
        self._outbox.send(Message(kind="captcha", to=captcha.id, subject="Captcha", body=captcha.code, at=now,
                                  data={"appid": appid, "captcha_id": captcha.id, "code": captcha.code}))
        return captcha

    def captcha(self, captcha_id: str) -> Captcha | None:
        self.touched.touch(("captchas", captcha_id))
        return self._captchas.get(captcha_id)

    def solve_captcha(self, appid: str, captcha_id: str, code: str, now: float) -> None:
        captcha = self._captchas.get(captcha_id)
        if captcha is not None and captcha.appid != appid:
            captcha = None
        _check(captcha, code, now, "captcha_code")
        assert captcha is not None
        captcha.used = True
        self.touched.touch(("captchas", captcha_id))

    # -- SMS codes -------------------------------------------------------------------------
    def send_sms_code(self, appid: str, phone: str, now: float) -> SmsCode:
        sms = SmsCode(appid, phone, unguessable.digits(SMS_CODE_DIGITS), now, now + SMS_CODE_TTL)
        self._sms[(appid, phone)] = sms
        self.touched.touch(("sms", (appid, phone)))
        self._outbox.send(Message(kind="sms", to=phone, subject="Verification code",
                                  body=f"Your verification code is {sms.code}. It is valid for 24 hours.", at=now,
                                  data={"appid": appid, "code": sms.code}))
        return sms

    def check_sms_code(self, appid: str, phone: str, code: str, now: float) -> None:
        """9010 / 9009 unless ``code`` is the valid code last sent to ``phone``; does not use it up."""
        _check(self._sms.get((appid, phone)), code, now, f"the code for {phone}")

    def redeem_sms_code(self, appid: str, phone: str, code: str, now: float) -> None:
        """Check the code and use it up."""
        self.check_sms_code(appid, phone, code, now)
        self._sms[(appid, phone)].used = True
        self.touched.touch(("sms", (appid, phone)))

    # -- snapshots -------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {"tokens": rows(self._tokens.values()), "captchas": rows(self._captchas.values()),
                "sms": rows(self._sms.values())}

    def load(self, data: dict[str, Any]) -> None:
        self._tokens = {t.token: t for t in from_rows(AppToken, data["tokens"])}
        self._captchas = {c.id: c for c in from_rows(Captcha, data["captchas"])}
        self._sms = {(s.appid, s.phone): s for s in from_rows(SmsCode, data["sms"])}
        self._expiry = Expiry([*((t.expire_at + EXPIRED_KEPT, ("tokens", t.token)) for t in self._tokens.values()),
                               *((c.expire_at + EXPIRED_KEPT, ("captchas", c.id)) for c in self._captchas.values())])
        self.touched.reload()

    def record_maps(self) -> dict[str, dict[Any, Any]]:
        return {"tokens": self._tokens, "captchas": self._captchas, "sms": self._sms}
