"""eWeLink accounts and their tokens.

An account lives in one region, is known by its e-mail (lower case, L246) or phone number
(with country code) and has an ``apikey`` (its id). A login to an app gives an access token
``at`` (30 days, L668) and a refresh token ``rt`` (60 days); a new login of the same account
to the same app revokes the tokens it had there (the seed's 401: "the account is logged in by
someone else"). ``refresh`` trades an ``rt`` for a new pair; ``logout`` revokes the ``at``.
A revoked or unknown ``at`` is 401, an expired one 402.

A record store (:mod:`emulator.core.persist`): accounts and tokens handed out count as touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from msgspec import Struct

from ...core.persist import RecordMaps, Touched, from_rows, owned, rows
from ..errors import EwelinkError
from .ids import EwelinkIds

AT_TTL = 30 * 24 * 3600
RT_TTL = 60 * 24 * 3600
#: Account level of a free account (seed: 10 free, 20 advanced, 30 pro).
FREE = 10


class Account(Struct):
    apikey: str
    region: str
    password: str
    created_at: float
    country_code: str = ""
    email: str = ""
    phone: str = ""
    nickname: str = ""
    account_level: int = FREE
    accept_email_ad: bool = False
    account_consult: bool = False
    current_family: str = ""

    def profile(self) -> dict[str, Any]:
        """The ``user`` object of the seed (L417-440): the fields the account has."""
        user: dict[str, Any] = {"countryCode": self.country_code, "apikey": self.apikey, "nickname": self.nickname,
                                "accountLevel": self.account_level, "levelExpiredAt": 0, "denyRecharge": False,
                                "accountConsult": self.account_consult, "acceptEmailAd": self.accept_email_ad,
                                "ipCountry": "", "createdAt": int(self.created_at * 1000)}
        if self.email:
            user["email"] = self.email
        if self.phone:
            user["phoneNumber"] = self.phone
        return user

    @property
    def account(self) -> str:
        """How the account is named in operation logs and shares (its e-mail, else its phone)."""
        return self.email or self.phone


class Token(Struct):
    at: str
    rt: str
    apikey: str
    appid: str
    at_expires: float
    rt_expires: float
    revoked: bool = False


class AccountStore(RecordMaps):
    def __init__(self, ids: EwelinkIds) -> None:
        self._ids = ids
        self._accounts: dict[str, Account] = {}
        self._tokens: dict[str, Token] = {}
        self.touched = Touched()

    def __iter__(self) -> Iterator[Account]:
        self.touched.touch_all(("accounts", apikey) for apikey in self._accounts)
        return iter(self._accounts.values())

    def _handed(self, account: Account | None) -> Account | None:
        if account is not None:
            self.touched.touch(("accounts", account.apikey))
        return account

    def _handed_token(self, token: Token) -> Token:
        self.touched.touch(("tokens", token.at))
        return token

    def get(self, apikey: str | None) -> Account | None:
        return self._handed(self._accounts.get(apikey or ""))

    def find(self, *, email: str | None = None, phone: str | None = None) -> Account | None:
        """The account with this phone number (checked first, as the seed says) or e-mail."""
        if phone:
            return self._handed(next((a for a in self._accounts.values() if a.phone == phone), None))
        if email:
            wanted = email.lower()
            return self._handed(next((a for a in self._accounts.values() if a.email == wanted), None))
        return None

    def create(self, now: float, *, region: str, password: str, email: str = "", phone: str = "",
               country_code: str = "", nickname: str = "", apikey: str | None = None) -> Account:
        if self.find(email=email or None, phone=phone or None) is not None:
            raise EwelinkError(10009)
        account = Account(apikey or self._ids.uuid(), region, password, now, country_code, email.lower(), phone,
                          nickname)
        self._accounts[account.apikey] = account
        return self._handed(account)  # type: ignore[return-value]

    def remove(self, account: Account) -> None:
        self._accounts.pop(account.apikey, None)
        self._handed(account)
        for token in self._tokens.values():
            if token.apikey == account.apikey:
                self._handed_token(token).revoked = True

    # -- tokens ---------------------------------------------------------------------------------------
    def issue(self, account: Account, appid: str, now: float) -> Token:
        """A new pair for ``account`` on ``appid``; the pairs it had on that app are revoked."""
        for token in self._tokens.values():
            if token.apikey == account.apikey and token.appid == appid:
                self._handed_token(token).revoked = True
        token = Token(self._ids.token(), self._ids.token(), account.apikey, appid, now + AT_TTL, now + RT_TTL)
        self._tokens[token.at] = token
        return self._handed_token(token)

    def token(self, at: str, now: float) -> Token:
        """The live token ``at``: 401 when unknown or revoked, 402 when expired."""
        token = self._tokens.get(at)
        if token is None or token.revoked or token.apikey not in self._accounts:
            raise EwelinkError(401, "the access token is unknown or was revoked")
        if now >= token.at_expires:
            raise EwelinkError(402)
        return self._handed_token(token)

    def refresh(self, rt: str, now: float) -> Token:
        """A new pair for the live refresh token ``rt`` (401 if unknown or revoked, 402 expired)."""
        token = next((t for t in self._tokens.values() if t.rt == rt), None)
        if token is None or token.revoked:
            raise EwelinkError(401, "the refresh token is unknown or was revoked")
        if now >= token.rt_expires:
            raise EwelinkError(402, "the refresh token expired")
        account = self._accounts[token.apikey]
        return self.issue(account, token.appid, now)

    def revoke(self, at: str) -> None:
        token = self._tokens.get(at)
        if token is not None:
            self._handed_token(token).revoked = True

    def tokens_of(self, apikey: str) -> list[Token]:
        return [self._handed_token(t) for t in self._tokens.values() if t.apikey == apikey and not t.revoked]

    def record_maps(self) -> Mapping[str, Mapping[str, Any]]:
        return {"accounts": self._accounts, "tokens": self._tokens}

    def dump(self) -> dict[str, Any]:
        return {"accounts": rows(self._accounts.values()), "tokens": rows(self._tokens.values())}

    def load(self, data: dict[str, Any]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._accounts = {a.apikey: a for a in from_rows(Account, data["accounts"])}
        self._tokens = {t.at: t for t in from_rows(Token, data["tokens"])}
        self.touched.reload()
