"""Fuzz the three receive paths of the core with random and mutated bytes: the long run.

The inputs, targets and driver live in ``tests/_helpers/fuzz.py``, shared with
``tests/test_fuzz.py`` (which runs the targets under hypothesis, a few hundred inputs):

* ``target_sse`` - ``SSEDecoder`` fed the input cut at random points, then ``end()``;
  when it does not hit its limit, the events must not depend on the cuts;
* ``target_stream`` - ``AssistantStreamDecoder`` (typed events, ``error``/``done``
  handling, the bound on bytes after ``done``), fed the same way;
* ``target_response`` - ``parse_response`` with every ``ResultKind`` and a status code.

The contract checked: nothing escapes but the library's own errors (subclasses of
``runs_core.RunsError``), and memory stays bounded (the tracemalloc peak is reported).

Usage (pure Python, no atheris needed)::

    nice -n 19 .venv/bin/python fuzz/fuzz_decoders.py                 # 1,000,000 inputs
    nice -n 19 .venv/bin/python fuzz/fuzz_decoders.py -n 20000 --seed 7
    .venv/bin/python fuzz/fuzz_decoders.py --no-tracemalloc             # about 2x faster

Inputs are random bytes (a quarter) or mutations of real streams and bodies from
``tests/_helpers/streams.py`` (flips, interesting bytes, SSE/JSON tokens, deletions,
duplications, splices, long runs of one byte). An input whose exception is not a
``RunsError`` is written to ``fuzz/crashes/`` and counted; the run exits 1 if any was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as a script: ``tests._helpers`` lives under the root
    sys.path.insert(0, str(ROOT))

from tests._helpers.fuzz import run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--report-every", type=int, default=50_000)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    summary = run(
        args.inputs,
        args.seed,
        track_memory=not args.no_tracemalloc,
        report_every=args.report_every,
        crashes=HERE / "crashes",
    )
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if summary["escaped"] else 0


if __name__ == "__main__":
    sys.exit(main())
