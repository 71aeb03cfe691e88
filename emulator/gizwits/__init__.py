"""The Gizwits cloud (the one behind Heatzy): its REST routes (``api``), its state (``cloud``), the
Heatzy product families (``devices``) and its 9xxx error model (``errors``)."""
