"""What the Gizwits engines and flows are given to work on: the stores they use and the few
cloud operations they call (control, binding, registering a device).

Sharing, automation, device-side registration, scenarios and test accounts take this
interface, not the :class:`~emulator.gizwits.cloud.cloud.Cloud` that assembles them:
they depend on the core and on these stores, and ``cloud.py`` imports them without any
module importing it back. ``Cloud`` implements it; so may a test double.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ...config import EmulatorConfig
    from ...core.changes import ChangeFeed
    from ...core.events import EventQueue
    from ...core.history import History
    from ...core.ids import IdFactory
    from ..devices import Device
    from ..devices.catalog import Catalog, Product
    from .automation.common_schedulers import CommonSchedulerStore
    from .automation.groups import GroupStore
    from .automation.linkage import RuleStore
    from .automation.scenes import SceneStore
    from .automation.schedulers import SchedulerStore
    from .automation.task_schedulers import TaskListStore
    from .devicedata.registry import DeviceRegistry
    from .identity.apps import AppRegistry
    from .identity.users import User, UserStore
    from .sharing.bindings import Binding, BindingStore
    from .sharing.messages import MessageStore
    from .sharing.records import SharingStore


class GizwitsContext(Protocol):
    """The stores and operations of the Gizwits cloud its engines use."""

    # the core pieces
    @property
    def config(self) -> EmulatorConfig: ...
    @property
    def lock(self) -> threading.RLock: ...
    @property
    def events(self) -> EventQueue: ...
    @property
    def feed(self) -> ChangeFeed: ...
    @property
    def history(self) -> History: ...

    # the stores
    ids: IdFactory
    catalog: Catalog
    apps: AppRegistry
    users: UserStore
    devices: DeviceRegistry
    bindings: BindingStore
    schedulers: SchedulerStore
    sharing: SharingStore
    messages: MessageStore
    groups: GroupStore
    rules: RuleStore
    scenes: SceneStore
    common_schedulers: CommonSchedulerStore
    task_schedulers: TaskListStore

    # the operations
    def now(self) -> float: ...

    def register_device(self, product: Product, **options: Any) -> Device: ...

    def bind(self, user: User, device: Device, *, dev_alias: str = "", remark: str = "",
             set_owner: bool = False) -> Binding: ...

    def unbind(self, user: User, did: str, now: float | None = None) -> bool: ...

    def bound_device(self, user: User, did: str, now: float | None = None) -> tuple[Device, Binding]: ...

    def control(self, user: User, appid: str, did: str, *, attrs: dict[str, Any] | None = None,
                raw: list[int] | None = None, source: str = "app", now: float | None = None) -> dict[str, Any]: ...
