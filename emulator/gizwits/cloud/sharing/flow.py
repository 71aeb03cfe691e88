"""Device sharing as the cloud lives it: invitations, answers, guests, transfers, messages.

Every operation checks everything first and raises the documented error (seed 001,
9080-9101) before it changes anything. The order of the checks, where the docs give
none, goes from the record (9084) to the caller's right to act (9093/9096/9100) to the
record's state (9094, 9089, 9088) to the device's state (9090, 9083).

Choices where the docs are silent (also in ``docs/fidelity-users.md``):

- accepting gives the guest a binding with the owner's ``dev_alias``, so the device
  shows under the same name;
- when a ``duration`` ends, the guest is unbound, the record turns to 3 (cancelled) and
  both users get a message;
- an accepted QR share cannot be taken back with ``DELETE /app/sharing/{id}`` (seed 001:
  "二维码分享的设备无法收回"): 9089; the owner removes such a guest with
  ``DELETE /app/{did}/bindings``;
- ``transfer`` follows the swagger: the old owner stays as a guest (seed 001 says it is
  unbound; the swagger is the versioned contract, and keeping access can be undone);
- whenever a guest's binding goes (unbound, removed, owner gone), its accepted records
  turn to 3 and any pending end of access is cancelled.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ....core import unguessable
from ...errors import ApiError
from ..identity.users import User
from .bindings import GUEST, OWNER, SHARERS, Binding
from .messages import compose
from .records import ACCEPTED, CANCELLED, NORMAL_SHARE, QR_PREFIX, QR_SHARE, REFUSED, WAITING, SharingRecord

if TYPE_CHECKING:
    from ..context import GizwitsContext

EXPIRE_EVENT = "sharing.expire"
ACCESS_END_EVENT = "sharing.access_end"
#: Ways to name the user a device is shared with (seed 001: "uid/username/email/phone 四选一").
TARGET_KEYS = ("uid", "username", "email", "phone")


def register(cloud: GizwitsContext) -> None:
    """Register the handlers of the sharing events on ``cloud.events``."""
    cloud.events.handle(EXPIRE_EVENT, partial(_on_expire, cloud))
    cloud.events.handle(ACCESS_END_EVENT, partial(_on_access_end, cloud))


# -- creating ---------------------------------------------------------------------------------
def find_target(cloud: GizwitsContext, appid: str, key: str, value: str) -> User:
    """The user a share names by ``uid``, ``username``, ``email`` or ``phone``: 9082 if none."""
    user = cloud.users.in_app(appid, value) if key == "uid" else cloud.users.find(appid, **{key: value})
    if user is None:
        raise ApiError(9082, f"no user with {key} {value!r}")
    return user


def create(cloud: GizwitsContext, owner: User, did: str, share_type: int, *, target: tuple[str, str] | None = None,
           duration: int | None = None) -> SharingRecord:
    """Share ``did``: a normal share (type 0) to the user ``target`` names (one of :data:`TARGET_KEYS`
    and its value), or a QR share (type 1)."""
    device, binding = cloud.bound_device(owner, did)
    if not device.product.sharing:
        raise ApiError(9081, f"device sharing is not enabled for the product {device.product.name}")
    if binding.role not in SHARERS:
        raise ApiError(9081, f"your role on this device is {binding.role}")
    guest: User | None = None
    if share_type == NORMAL_SHARE:
        if target is None:
            raise ValueError("a normal share needs a target user")
        guest = find_target(cloud, owner.appid, *target)
        if guest.uid == owner.uid:
            raise ApiError(9080)
        if cloud.bindings.get(guest.uid, did) is not None:
            raise ApiError(9083, "the user is already bound to this device")
        if cloud.sharing.waiting(did, guest.uid) is not None:
            raise ApiError(9087)
    now = cloud.now()
    cloud.bindings.share_from(owner.uid, did)
    record = cloud.sharing.create(share_type, did, owner.uid, now, guest_uid=guest.uid if guest else None,
                                  duration=duration, code=unguessable.token_hex() if share_type == QR_SHARE else None)
    cloud.events.schedule(record.expired_at, EXPIRE_EVENT, {"id": record.id})
    if share_type == NORMAL_SHARE:
        _tell_both(cloud, record, now, owner_kind="share_sent", guest_kind="share_received")
    return record


# -- answering --------------------------------------------------------------------------------
def respond(cloud: GizwitsContext, guest: User, record_id: int, accept: bool) -> SharingRecord:
    """The invited user accepts (status 1) or refuses (status 2) a normal share."""
    record = cloud.sharing.require(record_id)
    if record.type != NORMAL_SHARE or record.guest_uid != guest.uid:
        raise ApiError(9096, "only the invited user answers a share")
    _check_waiting(record)
    now = cloud.now()
    if accept:
        _join(cloud, record, guest, now)
    else:
        _close(cloud, record, REFUSED, now)
        _tell(cloud, record.owner_uid, "share_refused", guest.uid, record.did, now, record.id)
    return record


def qr_invitation(cloud: GizwitsContext, user: User, code: str) -> SharingRecord:
    """The waiting QR share of ``code`` (the bare code or the whole ``qr_content``), for a would-be guest."""
    if code.startswith(QR_PREFIX):
        code = code[len(QR_PREFIX):]
    record = cloud.sharing.by_code(code)
    if record.owner_uid == user.uid:
        raise ApiError(9096, "the owner cannot use its own QR share")
    _check_waiting(record)
    return record


def accept_qr(cloud: GizwitsContext, user: User, code: str) -> SharingRecord:
    record = qr_invitation(cloud, user, code)
    _join(cloud, record, user, cloud.now())
    return record


def _check_waiting(record: SharingRecord) -> None:
    if record.status == CANCELLED:
        raise ApiError(9094)
    if record.status != WAITING:
        raise ApiError(9089, f"the share is {'accepted' if record.status == ACCEPTED else 'refused'}")
    if record.expired:
        raise ApiError(9088)


def _join(cloud: GizwitsContext, record: SharingRecord, guest: User, now: float) -> None:
    owner_binding = cloud.bindings.get(record.owner_uid, record.did)
    if owner_binding is None or owner_binding.role != OWNER:
        raise ApiError(9090, "the user who shared the device is no longer its owner")
    if cloud.bindings.get(guest.uid, record.did) is not None:
        raise ApiError(9083, "you are already bound to this device")
    cloud.bindings.bind(guest.uid, record.did, now, role=GUEST, dev_alias=owner_binding.dev_alias)
    record.guest_uid = guest.uid
    _close(cloud, record, ACCEPTED, now)
    if record.duration:
        record.access_until = now + record.duration * 60
        cloud.events.schedule(record.access_until, ACCESS_END_EVENT, {"id": record.id})
    _tell_both(cloud, record, now, owner_kind="share_accepted", guest_kind="share_joined")


def _close(cloud: GizwitsContext, record: SharingRecord, status: int, now: float) -> None:
    """The share gets its answer: no expiry any more."""
    record.status = status
    record.updated_at = now
    cloud.events.cancel_where(EXPIRE_EVENT, id=record.id)


# -- the owner's side -------------------------------------------------------------------------
def require_owner(cloud: GizwitsContext, user: User, did: str) -> Binding:
    _, binding = cloud.bound_device(user, did)
    if binding.role != OWNER:
        raise ApiError(9093, f"your role on this device is {binding.role}")
    return binding


def cancel(cloud: GizwitsContext, owner: User, record_id: int) -> SharingRecord:
    """Cancel a waiting share, or take back an accepted normal share (the guest is unbound)."""
    record = cloud.sharing.require(record_id)
    if record.owner_uid != owner.uid:
        raise ApiError(9093, "this share was made by another user")
    require_owner(cloud, owner, record.did)
    if record.status == CANCELLED:
        raise ApiError(9094)
    if record.status == REFUSED or (record.status == ACCEPTED and record.type == QR_SHARE):
        raise ApiError(9089, "a refused share, or an accepted QR share, cannot be cancelled")
    now = cloud.now()
    if record.status == WAITING:
        _close(cloud, record, CANCELLED, now)
        if record.guest_uid:
            _tell(cloud, owner.uid, "share_cancelled", record.guest_uid, record.did, now, record.id)
        return record
    guest = cloud.users.get(record.guest_uid or "")
    if guest is not None and cloud.bindings.get(guest.uid, record.did) is not None:
        cloud.unbind(guest, record.did, now)
    _close(cloud, record, CANCELLED, now)
    _tell_both(cloud, record, now, owner_kind="share_revoked", guest_kind="share_lost")
    return record


def set_alias(cloud: GizwitsContext, user: User, record_id: int, alias: str) -> SharingRecord:
    """The owner names the guest, or the guest names the owner (9100 for anyone else)."""
    record = cloud.sharing.require(record_id)
    if user.uid == record.owner_uid:
        record.guest_alias = alias
    elif record.guest_uid is not None and user.uid == record.guest_uid:
        record.owner_alias = alias
    else:
        raise ApiError(9100)
    return record


def guests(cloud: GizwitsContext, owner: User, did: str) -> list[Binding]:
    """The guests of ``did``, for its owner (9093 for anyone else)."""
    require_owner(cloud, owner, did)
    return cloud.bindings.guests_of(did)


def _require_guest(cloud: GizwitsContext, did: str, uid: str) -> User:
    binding = cloud.bindings.get(uid, did)
    user = cloud.users.get(uid)
    if binding is None or binding.role != GUEST or user is None:
        raise ApiError(9082, f"{uid!r} is not a guest of this device")
    return user


def remove_guest(cloud: GizwitsContext, owner: User, did: str, guest_uid: str) -> None:
    """The owner unbinds one of its guests."""
    require_owner(cloud, owner, did)
    if guest_uid == owner.uid:
        raise ApiError(9095)
    guest = _require_guest(cloud, did, guest_uid)
    now = cloud.now()
    records = cloud.sharing.accepted(did, guest.uid)
    cloud.unbind(guest, did, now)
    _tell_pair(cloud, owner.uid, guest.uid, did, now, owner_kind="share_revoked", guest_kind="share_lost",
               sharing_id=records[0].id if records else None)


def transfer(cloud: GizwitsContext, owner: User, did: str, guest_uid: str) -> None:
    """The owner hands ``did`` to one of its guests and stays as a guest."""
    require_owner(cloud, owner, did)
    guest = _require_guest(cloud, did, guest_uid)
    cloud.bindings.transfer(did, owner.uid, guest.uid)
    for record in cloud.sharing.accepted(did, guest.uid):
        record.access_until = None
        cloud.events.cancel_where(ACCESS_END_EVENT, id=record.id)
    _tell_pair(cloud, owner.uid, guest.uid, did, cloud.now(), owner_kind="ownership_given",
               guest_kind="ownership_received")


# -- bindings going away and events -----------------------------------------------------------
def binding_removed(cloud: GizwitsContext, binding: Binding, now: float) -> None:
    """A guest's binding went: its accepted shares are over."""
    if binding.role != GUEST:
        return
    for record in cloud.sharing.accepted(binding.did, binding.uid):
        record.status = CANCELLED
        record.updated_at = now
        cloud.events.cancel_where(ACCESS_END_EVENT, id=record.id)


def _on_expire(cloud: GizwitsContext, data: dict[str, Any], due: float) -> None:
    record = cloud.sharing.get(data["id"])
    if record is not None and record.status == WAITING:
        record.expired = True


def _on_access_end(cloud: GizwitsContext, data: dict[str, Any], due: float) -> None:
    record = cloud.sharing.get(data["id"])
    if record is None or record.status != ACCEPTED or record.guest_uid is None:
        return
    guest = cloud.users.get(record.guest_uid)
    binding = cloud.bindings.get(record.guest_uid, record.did)
    if guest is None or binding is None or binding.role != GUEST:
        return
    cloud.unbind(guest, record.did, due)
    _tell_both(cloud, record, due, owner_kind="share_ended", guest_kind="access_ended")


# -- messages ---------------------------------------------------------------------------------
def _tell(cloud: GizwitsContext, uid: str, kind: str, other_uid: str, did: str, now: float,
          sharing_id: int | None = None) -> None:
    receiver, other = cloud.users.get(uid), cloud.users.get(other_uid)
    if receiver is None or other is None:
        return
    device = cloud.devices.get(did)
    content = compose(kind, receiver.lang, other=other.shown_as(), device=device.product.name if device else did)
    cloud.messages.post(receiver.uid, content, now, kind=kind, sharing_id=sharing_id)


def _tell_pair(cloud: GizwitsContext, owner_uid: str, guest_uid: str, did: str, now: float, *, owner_kind: str,
               guest_kind: str, sharing_id: int | None = None) -> None:
    _tell(cloud, owner_uid, owner_kind, guest_uid, did, now, sharing_id)
    _tell(cloud, guest_uid, guest_kind, owner_uid, did, now, sharing_id)


def _tell_both(cloud: GizwitsContext, record: SharingRecord, now: float, *, owner_kind: str, guest_kind: str) -> None:
    if record.guest_uid is not None:
        _tell_pair(cloud, record.owner_uid, record.guest_uid, record.did, now, owner_kind=owner_kind,
                   guest_kind=guest_kind, sharing_id=record.id)
