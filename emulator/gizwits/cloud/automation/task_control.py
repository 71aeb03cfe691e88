"""Firing a control from a task: a rule output, a scene task, a cloud scheduler task.

The cloud sends the control on behalf of the user who owns the task, through
:meth:`Cloud.control` — the same checks as an app's request (device known, bound to that
user, enabled, online, attrs valid) — with the task's ``source`` on the published change.
A task never raises: a control that cannot be delivered is a failed step, returned as the
:class:`ApiError` the app would have received.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...errors import ApiError

if TYPE_CHECKING:
    from ..context import GizwitsContext
    from .groups import Group


def fire_control(cloud: GizwitsContext, uid: str, did: str, *, attrs: Mapping[str, Any] | None = None,
                 raw: list[int] | None = None, source: str, now: float | None = None) -> ApiError | None:
    """Control ``did`` as user ``uid`` at ``now`` (default: the clock); None when delivered, else the error."""
    user = cloud.users.get(uid)
    if user is None:
        return ApiError(9005, f"the owner {uid!r} of the task no longer exists")
    try:
        cloud.control(user, user.appid, did, attrs=dict(attrs) if attrs is not None else None, raw=raw,
                      source=source, now=now)
    except ApiError as error:
        return error
    return None


def fire_group_control(cloud: GizwitsContext, uid: str, group: Group, *, attrs: Mapping[str, Any] | None = None,
                       raw: list[int] | None = None, source: str, now: float | None = None) -> list[tuple[str, bool]]:
    """Control every device of ``group`` in turn; ``(did, delivered)`` for each, in group order."""
    return [(did, fire_control(cloud, uid, did, attrs=attrs, raw=raw, source=source, now=now) is None)
            for did in list(group.dids)]
