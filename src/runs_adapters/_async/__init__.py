"""The async half of the clients, written by hand; ``runs_adapters._sync`` is generated
from it by ``scripts/unasync.py`` (only ``_primitives.py`` is written in both)."""
