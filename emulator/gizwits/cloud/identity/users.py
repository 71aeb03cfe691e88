"""App users and their tokens.

Users belong to one application: the same e-mail can exist under two app ids, and a
token only works with the app id it was issued for. Every login issues a new token;
earlier tokens stay valid until their own ``expire_at``. An expired token answers 9006
for :data:`EXPIRED_KEPT` more, then it is forgotten (9004), so tokens do not pile up.

Login names: a user logs in with its username, e-mail or phone, so the three share one
namespace per application, compared without case: a username can never be another
user's e-mail or phone, nor the reverse (the code of a refusal is that of the field
asked for: 9019 username, 9022 e-mail, 9018 phone). Users are indexed by each login
name and by ``phone_id``: no lookup scans the users.

Passwords are kept as salted hashes (:mod:`emulator.core.passwords`), never as given.
Tokens are secrets (:mod:`emulator.core.unguessable`).

A record store (:mod:`emulator.core.persist`): users and tokens handed out count as touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct

from ....core import passwords, unguessable
from ....core.expiry import Expiry
from ....core.ids import IdFactory
from ....core.persist import Touched, as_row, from_rows, rows
from ...errors import ApiError

PROFILE_FIELDS = ("name", "gender", "birthday", "address", "lang", "remark")
MASK = "****"
#: How long an expired token is still known (and answers 9006) before it is forgotten.
EXPIRED_KEPT = 7 * 24 * 3600
#: The fields a user logs in with, and the error when one is taken.
LOGIN_FIELDS = {"username": 9019, "email": 9022, "phone": 9018}


def mask_name(value: str | None) -> str | None:
    """A username with its middle replaced: ``"gizwits"`` -> ``"g****s"`` (the docs' ``"G****s"``)."""
    if not value:
        return value
    return value[0] + MASK + (value[-1] if len(value) > 1 else "")


def mask_email(value: str | None) -> str | None:
    """The part before ``@`` masked like a username: ``"gizwits@x.com"`` -> ``"g****s@x.com"``."""
    if not value or "@" not in value:
        return mask_name(value)
    local, _, domain = value.partition("@")
    return f"{mask_name(local)}@{domain}"


def mask_phone(value: str | None) -> str | None:
    """Four digits in the middle replaced: ``"18812345678"`` -> ``"188****5678"``."""
    if not value or len(value) <= len(MASK):
        return mask_name(value)
    start = (len(value) - len(MASK)) // 2
    return value[:start] + MASK + value[start + len(MASK):]


class User(Struct):
    uid: str
    appid: str
    created_at: float
    username: str | None = None
    email: str | None = None
    phone: str | None = None
    #: A salted hash (:mod:`emulator.core.passwords`); None for users without a password.
    password_hash: str | None = None
    phone_id: str | None = None
    name: str | None = None
    gender: str | None = None
    birthday: str | None = None
    address: str | None = None
    lang: str = "en"
    remark: str | None = None
    is_anonymous: bool = False
    updated_at: float = 0.0

    def profile(self) -> dict[str, Any]:
        """The body of ``GET /app/users``."""
        return {
            "username": self.username,
            "uid": self.uid,
            "phone": self.phone,
            "birthday": self.birthday,
            "address": self.address,
            "lang": self.lang,
            "remark": self.remark,
            "name": self.name,
            "is_anonymous": self.is_anonymous,
            "gender": self.gender,
            "email": self.email,
        }

    def masked(self) -> dict[str, str | None]:
        """``username``, ``email`` and ``phone`` as the cloud shows them to other users."""
        return {"username": mask_name(self.username), "email": mask_email(self.email),
                "phone": mask_phone(self.phone)}

    def shown_as(self) -> str:
        """How the cloud names this user to others: phone, e-mail, username or uid, masked."""
        masked = self.masked()
        return masked["phone"] or masked["email"] or masked["username"] or self.uid

    def login_names(self) -> list[str]:
        return [value for value in (self.username, self.email, self.phone) if value]


class Token(Struct, frozen=True):
    token: str
    uid: str
    appid: str
    expire_at: int

    def body(self) -> dict[str, Any]:
        return {"token": self.token, "uid": self.uid, "expire_at": self.expire_at}


def _login_key(appid: str, name: str) -> tuple[str, str]:
    return appid, name.lower()


def _user_row(user: User) -> dict[str, Any]:
    return as_row(user)


def _user_from_row(row: dict[str, Any]) -> User:
    """A user from a snapshot row; a row of an older snapshot has its password in ``password``,
    which is hashed now (at the public cost: it was in the clear in the snapshot)."""
    (user,) = from_rows(User, [row])
    legacy = row.get("password")
    if user.password_hash is None and isinstance(legacy, str):
        user.password_hash = passwords.hash_password(legacy, passwords.PUBLIC_COST)
    return user


class UserStore:
    def __init__(self, ids: IdFactory, token_ttl: int) -> None:
        self._ids = ids
        self.token_ttl = token_ttl
        self._users: dict[str, User] = {}
        self._tokens: dict[str, Token] = {}
        #: (appid, login name in lower case) -> uid, for usernames, e-mails and phones alike.
        self._logins: dict[tuple[str, str], str] = {}
        self._phone_ids: dict[tuple[str, str], str] = {}
        #: Tokens by the instant they are forgotten.
        self._expiry = Expiry()
        #: Keys ("u", uid) and ("t", token).
        self.touched = Touched()

    def __iter__(self) -> Iterator[User]:
        self.touched.touch_all(("u", uid) for uid in self._users)
        return iter(self._users.values())

    def __len__(self) -> int:
        return len(self._users)

    def _handed_out(self, user: User | None) -> User | None:
        if user is not None:
            self.touched.touch(("u", user.uid))
        return user

    def get(self, uid: str) -> User | None:
        return self._handed_out(self._users.get(uid))

    def in_app(self, appid: str, uid: str) -> User | None:
        """The user ``uid`` if it belongs to application ``appid``."""
        user = self._users.get(uid)
        return self._handed_out(user) if user is not None and user.appid == appid else None

    # -- lookups -------------------------------------------------------------------------
    def _by_login(self, appid: str, name: str) -> User | None:
        uid = self._logins.get(_login_key(appid, name))
        return self._users.get(uid) if uid is not None else None

    def find(self, appid: str, *, username: str | None = None, email: str | None = None,
             phone: str | None = None) -> User | None:
        """The user of this app with this username (exact), e-mail (any case) or phone (exact)."""
        for value, matches in ((username, lambda u, v: u.username == v),
                               (email, lambda u, v: u.email is not None and u.email.lower() == v.lower()),
                               (phone, lambda u, v: u.phone == v)):
            if value is not None:
                user = self._by_login(appid, value)
                if user is not None and matches(user, value):
                    return self._handed_out(user)
        return None

    def by_phone_id(self, appid: str, phone_id: str) -> User | None:
        """The anonymous or third-party user of this app with ``phone_id``."""
        uid = self._phone_ids.get((appid, phone_id))
        return self._handed_out(self._users.get(uid)) if uid is not None else None

    def check_available(self, appid: str, *, username: str | None = None, email: str | None = None,
                        phone: str | None = None, exclude: User | None = None) -> None:
        """9019 / 9022 / 9018 when a username / e-mail / phone is already some other user's login
        name in this app, whichever field it is there (a username may not be someone's e-mail)."""
        for key, value in (("username", username), ("email", email), ("phone", phone)):
            if value is None:
                continue
            owner = self._logins.get(_login_key(appid, value))
            if owner is not None and (exclude is None or owner != exclude.uid):
                raise ApiError(LOGIN_FIELDS[key], f"{key} {value!r} is already registered")

    def _index(self, user: User) -> None:
        for name in user.login_names():
            self._logins.setdefault(_login_key(user.appid, name), user.uid)
        if user.phone_id:
            self._phone_ids.setdefault((user.appid, user.phone_id), user.uid)

    def _unindex(self, user: User) -> None:
        for name in user.login_names():
            key = _login_key(user.appid, name)
            if self._logins.get(key) == user.uid:
                del self._logins[key]
        if user.phone_id and self._phone_ids.get((user.appid, user.phone_id)) == user.uid:
            del self._phone_ids[(user.appid, user.phone_id)]

    # -- changes -------------------------------------------------------------------------
    def create(self, appid: str, now: float, *, password: str | None = None, public_password: bool = False,
               **fields: Any) -> User:
        """A new user. ``password`` is hashed (at the public cost with ``public_password``: a
        fixture's or a test account's, see :mod:`emulator.core.passwords`)."""
        self.check_available(appid, username=fields.get("username"), email=fields.get("email"),
                             phone=fields.get("phone"))
        password_hash = None
        if password is not None:
            password_hash = passwords.hash_password(
                password, passwords.PUBLIC_COST if public_password else passwords.USER_COST)
        user = User(uid=self._ids.uid(), appid=appid, created_at=now, updated_at=now, password_hash=password_hash,
                    **fields)
        self._users[user.uid] = user
        self._index(user)
        self.touched.touch(("u", user.uid))
        return user

    def update(self, user: User, now: float, **changes: Any) -> None:
        """Change fields of ``user`` (``password`` is hashed); login names are checked first."""
        self.check_available(user.appid, username=changes.get("username"), email=changes.get("email"),
                             phone=changes.get("phone"), exclude=user)
        if "password" in changes:
            changes["password_hash"] = passwords.hash_password(changes.pop("password"))
        self._unindex(user)
        for key, value in changes.items():
            setattr(user, key, value)
        user.updated_at = now
        self._index(user)
        self.touched.touch(("u", user.uid))

    def check_password(self, user: User, password: str) -> bool:
        return passwords.verify(user.password_hash, password)

    def authenticate_password(self, appid: str, login: str, password: str) -> User:
        """The user whose username, e-mail or phone is ``login`` and whose password matches (9020
        otherwise; as long whether or not the user exists)."""
        user = self.find(appid, username=login) or self.find(appid, email=login) or self.find(appid, phone=login)
        if not passwords.verify(user.password_hash if user is not None else None, password) or user is None:
            raise ApiError(9020)
        return user

    # -- snapshots -----------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {"users": [_user_row(u) for u in self._users.values()],
                "tokens": rows(self._tokens.values())}

    def load(self, data: dict[str, Any]) -> None:
        self._load([_user_from_row(row) for row in data["users"]], from_rows(Token, data["tokens"]))

    def _load(self, users: list[User], tokens: list[Token]) -> None:
        self._users = {u.uid: u for u in users}
        self._tokens = {t.token: t for t in tokens}
        self._logins, self._phone_ids = {}, {}
        for user in users:
            self._index(user)
        self._expiry = Expiry((t.expire_at + EXPIRED_KEPT, t.token) for t in tokens)
        self.touched.reload()

    def records(self) -> Iterator[tuple[str, Any]]:
        yield from ((f"u/{uid}", _user_row(user)) for uid, user in self._users.items())
        yield from ((f"t/{token}", as_row(record)) for token, record in self._tokens.items())

    def changed_records(self) -> dict[str, Any] | None:
        keys = self.touched.take()
        if keys is None:
            return None
        changed: dict[str, Any] = {}
        for kind, key in keys:  # type: ignore[misc]
            if kind == "u":
                user = self._users.get(key)
                changed[f"u/{key}"] = None if user is None else _user_row(user)
            else:
                token = self._tokens.get(key)
                changed[f"t/{key}"] = None if token is None else as_row(token)
        return changed

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        users, tokens = [], []
        for key, row in records:
            if key.startswith("u/"):
                users.append(_user_from_row(row))
            else:
                tokens.extend(from_rows(Token, [row]))
        self._load(users, tokens)

    # -- tokens --------------------------------------------------------------------------
    def issue_token(self, user: User, now: float) -> Token:
        self.prune_tokens(now)
        token = Token(unguessable.token_hex(), user.uid, user.appid, int(now) + self.token_ttl)
        self._tokens[token.token] = token
        self._expiry.add(token.expire_at + EXPIRED_KEPT, token.token)
        self.touched.touch(("t", token.token))
        return token

    def prune_tokens(self, now: float) -> int:
        """Forget tokens expired more than :data:`EXPIRED_KEPT` ago; return how many went."""
        pruned = 0
        for token in self._expiry.due(now):
            if self._tokens.pop(token, None) is not None:  # type: ignore[call-overload]
                self.touched.touch(("t", token))
                pruned += 1
        return pruned

    def tokens_of(self, uid: str) -> list[Token]:
        return [t for t in self._tokens.values() if t.uid == uid]

    def revoke(self, token: str) -> None:
        if self._tokens.pop(token, None) is not None:
            self.touched.touch(("t", token))

    def authenticate_token(self, appid: str, token: str | None, now: float) -> User:
        """The user of a ``X-Gizwits-User-token``: 9004 if missing/unknown/other app, 9006 if expired."""
        if not token:
            raise ApiError(9004, "missing X-Gizwits-User-token header")
        record = self._tokens.get(token)
        if record is None or record.appid != appid or record.uid not in self._users:
            raise ApiError(9004)
        if record.expire_at <= now:
            raise ApiError(9006)
        user = self._users[record.uid]
        self.touched.touch(("u", user.uid))
        return user
