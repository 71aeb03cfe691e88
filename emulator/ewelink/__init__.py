"""The eWeLink (CoolKit) cloud, API v2: its routes (``api/``), its state (``cloud/``), its devices
by UIID (``devices/``), its error codes (``errors``) and its hosts and regions (``regions``).

It lives in the same world as the Gizwits cloud (one clock, event queue, change feed,
simulation, fault rules and journal; see :mod:`emulator.core.world`) and imports nothing of it.
"""
