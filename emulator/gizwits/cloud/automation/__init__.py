"""What runs by itself: groups, linkage rules, scenes, device / common / legacy schedulers and the
sequences and task controls they share (``wiring`` connects them to the cloud)."""
