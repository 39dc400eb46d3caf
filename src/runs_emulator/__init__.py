"""A local Assistants Runs API emulator served over real HTTP, for tests and benchmarks.

It is an independent oracle: it never imports the library it is used to test, and builds
every response from plain dicts shaped by the wire contract.
"""

from ._assistants import ASSISTANTS
from ._faults import Fault, parse_fault
from ._stats import RequestRecord, Stats
from .server import EmulatorServer, EmulatorThread, start_in_thread

__all__ = [
    "ASSISTANTS",
    "EmulatorServer",
    "EmulatorThread",
    "Fault",
    "RequestRecord",
    "Stats",
    "parse_fault",
    "start_in_thread",
]
