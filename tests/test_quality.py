"""The project's static rules, run as tests so the README's one test command enforces them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "src" / "runs_core"

LINTED = ["src", "tests", "benchmarks", "fuzz", "examples"]

FORBIDDEN = {
    "socket",
    "ssl",
    "selectors",
    "asyncio",
    "trio",
    "anyio",
    "httpx",
    "httpcore",
    "aiohttp",
    "requests",
    "urllib3",
    "h11",
    "threading",
    "subprocess",
}


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_imports_no_io_library() -> None:
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        bad = _imported_roots(ast.parse(path.read_text(), str(path))) & FORBIDDEN
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_core_never_sleeps() -> None:
    sleepers = [p.name for p in CORE.rglob("*.py") if "time.sleep(" in p.read_text()]
    assert sleepers == []


def test_import_checker_catches_io_imports() -> None:
    tree = ast.parse("import socket\nfrom asyncio import sleep\nimport json\n")
    assert _imported_roots(tree) & FORBIDDEN == {"socket", "asyncio"}


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_src_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
