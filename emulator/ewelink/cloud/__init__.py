"""The eWeLink cloud's state: apps, accounts and tokens, homes and rooms, things (devices and
groups) with their places, sharing, messages, operation history, device actions;
``cloud.EwelinkCloud`` assembles them on the world's core pieces."""
