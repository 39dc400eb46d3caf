"""A profile saved with the benchmark results must name no folder of the machine it ran
on (the results are committed: a reader's checkout has none of them)."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_e2e  # noqa: E402


def test_profile_paths_are_cut_to_the_checkout_and_named_folders() -> None:
    paths = sysconfig.get_paths()
    text = "\n".join(
        [
            f"{ROOT}{os.sep}src{os.sep}runs_core{os.sep}_sse.py:245(feed)",
            f"{paths['purelib']}{os.sep}httpcore{os.sep}_sync{os.sep}http11.py:209(x)",
            f"{paths['stdlib']}{os.sep}socket.py:1(recv)",
        ]
    )
    short = bench_e2e._short_paths(text)
    assert str(ROOT) not in short
    assert paths["purelib"] not in short and paths["stdlib"] not in short
    assert short.splitlines() == [
        f"src{os.sep}runs_core{os.sep}_sse.py:245(feed)",
        f"<site-packages>/httpcore{os.sep}_sync{os.sep}http11.py:209(x)",
        "<stdlib>/socket.py:1(recv)",
    ]
