"""The contract suite: the same tests against the emulator and the real Gizwits cloud (see docs/contract.md)."""
