"""Wiring of the automation features into the cloud, and what must stay consistent across them.

:func:`install` registers the event handlers (sequence steps, scheduler firings) and the
linkage engine's feed subscription; the cloud calls it once per reset, after building its
stores. The other functions keep groups, scenes, scheduler tasks and devices consistent
when one of them goes away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import common_schedulers, linkage, sequences, task_schedulers
from .sequences import SEQUENCE_EVENT

if TYPE_CHECKING:
    from ..context import GizwitsContext
    from .groups import Group
    from .scenes import Scene


def install(cloud: GizwitsContext) -> None:
    sequences.install(cloud)
    linkage.install(cloud)
    common_schedulers.install(cloud)
    task_schedulers.install(cloud)


def delete_group(cloud: GizwitsContext, group: Group) -> None:
    """Delete a group and the common scheduler tasks aimed at it (scene tasks naming it will fail)."""
    common_schedulers.remove_targeting(cloud, "group_id", group.id)
    cloud.groups.delete(group)


def delete_scene(cloud: GizwitsContext, scene: Scene) -> None:
    """Delete a scene, stop a run in progress, and remove the common scheduler tasks that run it."""
    cloud.events.cancel_where(SEQUENCE_EVENT, scene_id=scene.id)
    common_schedulers.remove_targeting(cloud, "scene_id", scene.id)
    cloud.scenes.delete(scene)


def device_unbound(cloud: GizwitsContext, did: str, uid: str) -> None:
    """A user unbound ``did``: it leaves the user's groups and the user's common tasks on it go."""
    cloud.groups.drop_device(did, uid)
    common_schedulers.remove_targeting(cloud, "did", did, uid)


def forget_device(cloud: GizwitsContext, did: str) -> None:
    """A device is deregistered: it leaves the cloud with its bindings, tasks, group places and history."""
    cloud.devices.remove(did)
    cloud.bindings.drop_device(did)
    cloud.schedulers.drop_device(did)
    cloud.groups.drop_device(did)
    common_schedulers.remove_targeting(cloud, "did", did)
    cloud.history.forget(did)
