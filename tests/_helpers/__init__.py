"""Helpers shared by the tests; ``streams`` and ``fuzz`` also serve benchmarks/ and fuzz/.

* :mod:`tests._helpers.unified` - wraps a sync client so one ``async def`` scenario drives
  every transport;
* :mod:`tests._helpers.emulator` - the emulator tests' contract schemas, SSE parser, polling;
* :mod:`tests._helpers.streams` - deterministic, realistic run streams (the bytes a server
  sends), also the input of ``benchmarks/`` and of the fuzzer's seeds;
* :mod:`tests._helpers.fuzz` - the fuzz inputs, targets and driver, also run at length by
  ``fuzz/fuzz_decoders.py``.

Imported as ``tests._helpers.<module>``, with the repository root on ``sys.path``: pytest's
``pythonpath`` setting puts it there for the tests, ``benchmarks/_emulator_process.py`` for
the benchmarks and ``fuzz/fuzz_decoders.py`` for itself.
"""
