"""The Gizwits cloud's state, grouped by concern; ``cloud.Cloud`` assembles the stores and engines."""
