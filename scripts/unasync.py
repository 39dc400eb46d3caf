"""Generate the blocking half of ``runs_adapters`` from its async half.

``src/runs_adapters/_async/*.py`` is written by hand; each module (but
``_primitives.py``, written in both flavours) is rewritten into
``src/runs_adapters/_sync/`` by the rules below, then tidied (unused imports dropped,
imports sorted) and formatted with ruff, so the generated files pass the project's lint
and format checks as they are.

    python scripts/unasync.py           # write the generated modules
    python scripts/unasync.py --check   # exit 1 if one is stale or a rule went unused

A line ending in ``# async only`` (an ``aclose = close`` alias, say) has no blocking
counterpart and is dropped. After the rules, a generated module must not say ``async``
or ``await`` anywhere in its code: that fails too.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "runs_adapters" / "_async"
TARGET = ROOT / "src" / "runs_adapters" / "_sync"
HAND_WRITTEN = {"_primitives.py", "__init__.py"}

HEADER = (
    "# Generated from runs_adapters/_async/{name} by scripts/unasync.py: do not edit.\n"
    "# Change the async source and run `python scripts/unasync.py`.\n"
)
ASYNC_ONLY = "# async only"

# (pattern, replacement), applied in order to every line. Specific names come before the
# general ``Async`` prefix rule.
RULES: list[tuple[str, str]] = [
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\b__aiter__\b", "__iter__"),
    (r"\b__anext__\b", "__next__"),
    (r"\baclose\b", "close"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\bAsyncGenerator\[(.+?), None\]", r"Generator[\1, None, None]"),
    (r"\bAsyncGenerator\b", "Generator"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncCursorPage\b", "SyncCursorPage"),
    (r"\bAsyncPaginator\b", "SyncCursorPage"),
    (r"\bAsyncTransportResponse\b", "SyncTransportResponse"),
    (r"\bAsyncTransport\b", "SyncTransport"),
    (r"\basync_transport\b", "sync_transport"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in RULES]
_AWAITABLE = re.compile(r"\bAwaitable\[")
_LEFTOVER = re.compile(r"\b(async|await)\b(?!`)")


def strip_awaitable(line: str) -> tuple[str, int]:
    """``Awaitable[X]`` -> ``X``, brackets matched (X may hold brackets of its own)."""
    count = 0
    while match := _AWAITABLE.search(line):
        depth, end = 1, match.end()
        while depth:
            depth += {"[": 1, "]": -1}.get(line[end], 0)
            end += 1
        line = line[: match.start()] + line[match.end() : end - 1] + line[end:]
        count += 1
    return line, count


def unasync_text(text: str, used: dict[str, int]) -> str:
    """The blocking text of one async module (before tidying); counts rule uses."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.rstrip().endswith(ASYNC_ONLY):
            used[ASYNC_ONLY] += 1
            continue
        line, count = strip_awaitable(line)
        used["Awaitable[...]"] += count
        for (pattern, replacement), (raw, _) in zip(_COMPILED, RULES, strict=True):
            line, n = pattern.subn(replacement, line)
            used[raw] += n
        out.append(line)
    return "".join(out)


def _ruff(args: list[str], text: str, path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(path), "-"],
        input=text, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    if result.returncode not in (0, 1) or not result.stdout:
        raise SystemExit(f"ruff {' '.join(args)} failed on {path}:\n{result.stderr}")
    return result.stdout


def tidy(text: str, path: Path) -> str:
    """Drop what the rules left unused (``Awaitable``), sort imports, turn a loop that only
    re-yields into ``yield from`` (what ``async for`` forbids), format."""
    fix = ["check", "--fix", "--unsafe-fixes", "--select", "F401,I,UP028", "--quiet", "--exit-zero"]
    fixed = _ruff(fix, text, path)
    return _ruff(["format"], fixed, path)


def generate(used: dict[str, int]) -> dict[Path, str]:
    """Every generated module's path and text."""
    generated = {}
    for source in sorted(SOURCE.glob("*.py")):
        if source.name in HAND_WRITTEN:
            continue
        target = TARGET / source.name
        text = unasync_text(source.read_text(), used)
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            if _LEFTOVER.search(code) and '"""' not in code and "``" not in code:
                raise SystemExit(f"{target}:{number}: no rule removed {line.strip()!r}")
        generated[target] = HEADER.format(name=source.name) + tidy(text, target)
    return generated


def main(argv: list[str] | None = None, *, report: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    used = dict.fromkeys([raw for raw, _ in RULES] + ["Awaitable[...]", ASYNC_ONLY], 0)
    generated = generate(used)
    problems = [f"rule never used: {rule!r}" for rule, count in used.items() if count == 0]
    stale = sorted({p for p in TARGET.glob("*.py") if p.name not in HAND_WRITTEN} ^ set(generated))
    problems += [f"{p.relative_to(ROOT)} has no async source" for p in stale if p.exists()]
    for target, text in generated.items():
        current = target.read_text() if target.exists() else None
        if current == text:
            continue
        if args.check:
            problems.append(f"{target.relative_to(ROOT)} differs from its async source")
        else:
            target.write_text(text)
            report(f"wrote {target.relative_to(ROOT)}")
    for problem in problems:
        report(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
