"""Cold start: ``import`` plus client construction, each in a fresh interpreter.

Each case is a one-line program run as ``python -c``; its wall time, minus the median
wall time of an empty interpreter (``pass``) started the same way, is what the import and
construction cost a user's process. Each of our rows has a floor row (``FLOORS``): the
same transport library's own import and client, what the user pays without us. Cases
take turns within each repeat and the medians are reported. The child also times its own
statement with ``perf_counter`` (``in_child``), which excludes interpreter start-up noise
altogether; both are recorded.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from _emulator_process import median, progress, subprocess_env

_TEMPLATE = (
    "import time, warnings; warnings.simplefilter('ignore'); t0 = time.perf_counter()\n"
    "{stmt}\n"
    "print(time.perf_counter() - t0)"
)

CASES: dict[str, tuple[str, str]] = {
    # name -> (module that must be importable, statement)
    "empty interpreter": ("", "pass"),
    "runs_core (import only)": ("", "import runs_core"),
    "runs Client (httpx)": ("httpx", "import runs_adapters; runs_adapters.Client(api_key='x')"),
    "httpx Client (bare)": ("httpx", "import httpx; httpx.Client()"),
    "runs Client (requests)": (
        "requests",
        "import runs_adapters; runs_adapters.Client(api_key='x', transport='requests')",
    ),
    "requests Session (bare)": ("requests", "import requests; requests.Session()"),
    "runs AsyncClient (httpx)": (
        "httpx",
        "import runs_adapters; runs_adapters.AsyncClient(api_key='x', transport='httpx')",
    ),
    "httpx AsyncClient (bare)": ("httpx", "import httpx; httpx.AsyncClient()"),
    # aiohttp makes a session only inside a running loop, so both rows run one.
    "runs AsyncClient (aiohttp)": (
        "aiohttp",
        "import asyncio, runs_adapters\n"
        "async def main():\n"
        "    async with runs_adapters.AsyncClient(api_key='x', transport='aiohttp'): pass\n"
        "asyncio.run(main())",
    ),
    "aiohttp ClientSession (bare)": (
        "aiohttp",
        "import asyncio, aiohttp\n"
        "async def main():\n"
        "    async with aiohttp.ClientSession(): pass\n"
        "asyncio.run(main())",
    ),
    # The trio stack has no client object: its floor is importing the two libraries.
    "runs AsyncClient (trio)": (
        "trio",
        "import runs_adapters; runs_adapters.AsyncClient(api_key='x', transport='trio')",
    ),
    "trio + h11 (bare)": ("trio", "import trio, h11"),
    "openai OpenAI": ("openai", "import openai; openai.OpenAI(api_key='x')"),
}
# our row -> the same transport library's own import + client (the floor for that row)
FLOORS: dict[str, str] = {
    "runs Client (httpx)": "httpx Client (bare)",
    "runs Client (requests)": "requests Session (bare)",
    "runs AsyncClient (httpx)": "httpx AsyncClient (bare)",
    "runs AsyncClient (aiohttp)": "aiohttp ClientSession (bare)",
    "runs AsyncClient (trio)": "trio + h11 (bare)",
}
BASELINE = "empty interpreter"
OURS = "runs Client (httpx)"
SDK = "openai OpenAI"


@dataclass
class StartupResult:
    case: str
    statement: str
    repeats: int
    wall_s: float  # median wall time of the whole subprocess
    net_s: float  # wall_s minus the empty interpreter's median
    in_child_s: float  # median of the child's own perf_counter around the statement


# Children may write bytecode, into a cache of their own: with PYTHONDONTWRITEBYTECODE
# set (as in CI sandboxes) and no __pycache__ next to ``src``, every run would compile
# all of runs' modules from source (~40 ms) while the SDK loads the .pyc files its
# install wrote. The warm-up run fills this cache, so both sides load bytecode, as they
# do from any pip install.
_PYCACHE = tempfile.mkdtemp(prefix="runs-bench-pycache-")
atexit.register(shutil.rmtree, _PYCACHE, ignore_errors=True)


def _child_env() -> dict[str, str]:
    env = subprocess_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    return env


def _once(stmt: str) -> tuple[float, float]:
    code = _TEMPLATE.format(stmt=stmt)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_child_env()
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{stmt!r} failed: {done.stderr.strip()[-500:]}")
    return wall, float(done.stdout.strip().splitlines()[-1])


def run_all(repeats: int) -> tuple[list[StartupResult], dict[str, str]]:
    skipped: dict[str, str] = {}
    cases: dict[str, str] = {}
    for name, (module, stmt) in CASES.items():
        if module:
            try:
                __import__(module)
            except ImportError as exc:
                skipped[name] = f"not installed ({exc})"
                progress(f"startup: skipped {name}: {skipped[name]}")
                continue
        cases[name] = stmt
    walls: dict[str, list[float]] = {name: [] for name in cases}
    inner: dict[str, list[float]] = {name: [] for name in cases}
    for stmt in cases.values():  # warm the OS file cache and .pyc files
        _once(stmt)
    for i in range(repeats):
        progress(f"startup: round {i + 1}/{repeats}")
        for name, stmt in cases.items():
            wall, child = _once(stmt)
            walls[name].append(wall)
            inner[name].append(child)
    base = median(walls[BASELINE])
    results = [
        StartupResult(
            case=name,
            statement=stmt,
            repeats=repeats,
            wall_s=median(walls[name]),
            net_s=median(walls[name]) - base,
            in_child_s=median(inner[name]),
        )
        for name, stmt in cases.items()
    ]
    return results, skipped


if __name__ == "__main__":
    found, missing = run_all(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    print(json.dumps({"results": [r.__dict__ for r in found], "skipped": missing}, indent=2))
