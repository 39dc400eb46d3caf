"""The project's static rules, run as tests so the README's one test command enforces them."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "src" / "runs_core"
EMULATOR = ROOT / "src" / "runs_emulator"

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

# The emulator must not depend on the library it is used to test.
LIBRARY = {"runs_core", "runs_adapters"}


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every module an absolute import names (relative imports stay in their package)."""
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _imported_roots(tree: ast.AST) -> set[str]:
    return {module.split(".")[0] for module in _imported_modules(tree)}


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


def test_emulator_imports_nothing_from_the_library() -> None:
    # The emulator stands in for the real API: code shared with the client could make a
    # bug on both sides cancel out instead of failing a test.
    paths = sorted(EMULATOR.rglob("*.py"))
    assert paths, f"no modules under {EMULATOR}"
    offenders = {}
    for path in paths:
        bad = _imported_roots(ast.parse(path.read_text(), str(path))) & LIBRARY
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_import_checker_catches_library_imports() -> None:
    tree = ast.parse(
        "import runs_core.models\n"
        "from runs_adapters.cli import main\n"
        "import runs_emulator._sse\n"
        "from . import _store\n"
    )
    assert _imported_roots(tree) & LIBRARY == {"runs_core", "runs_adapters"}


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


ADAPTERS = ROOT / "src" / "runs_adapters"
UNASYNC = ROOT / "scripts" / "unasync.py"


def _private_core_imports(tree: ast.AST) -> set[str]:
    """``runs_core._x`` modules imported (``runs_core`` and ``runs_core.models`` are public)."""
    return {
        module
        for module in _imported_modules(tree)
        if module.startswith("runs_core.")
        and any(part.startswith("_") for part in module.split(".")[1:])
    }


def test_adapters_import_only_the_cores_public_names() -> None:
    offenders = {}
    for path in sorted(ADAPTERS.rglob("*.py")):
        bad = _private_core_imports(ast.parse(path.read_text(), str(path)))
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_private_import_checker_catches_private_core_modules() -> None:
    tree = ast.parse(
        "from runs_core._flow import Send\nimport runs_core._sse\n"
        "from runs_core import Request\nfrom runs_core.models import Run\n"
    )
    assert _private_core_imports(tree) == {"runs_core._flow", "runs_core._sse"}


def test_resources_need_no_casts_and_errors_no_ignores() -> None:
    resources = sorted(ADAPTERS.glob("_*sync/resources.py"))
    assert len(resources) == 2
    assert [p.name for p in resources if "cast(" in p.read_text()] == []
    errors = (ROOT / "src" / "runs_core" / "_errors.py").read_text()
    ignored = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "src").rglob("*.py"))
        if "type: ignore[attr-defined]" in p.read_text()
    ]
    assert ignored == [] and "type: ignore" not in errors


def _unasync(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "unasync.py"), *args],
        cwd=root,
        capture_output=True,
        text=True,
    )


def test_generated_sync_code_is_current() -> None:
    result = _unasync(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_unasync_check_fails_after_a_hand_edit(tmp_path: Path) -> None:
    # A copy of the sources and the script: the check must notice an edited generated file.
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert _unasync(tmp_path, "--check").returncode == 0
    generated = sorted((tmp_path / "src" / "runs_adapters" / "_sync").glob("[!_]*.py"))
    assert generated
    for path in generated:
        original = path.read_text()
        path.write_text(original.replace("\n\n", "\n\n# edited by hand\n", 1))
        result = _unasync(tmp_path, "--check")
        assert result.returncode == 1, path.name
        assert f"{path.name} differs from its async source" in result.stdout
        path.write_text(original)


def test_unasync_check_fails_when_a_rule_goes_unused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    script = tmp_path / "scripts" / "unasync.py"
    script.write_text(
        script.read_text().replace(
            '    (r"\\b__anext__\\b", "__next__"),\n',
            '    (r"\\b__anext__\\b", "__next__"),\n    (r"\\bnever_written_anywhere\\b", "x"),\n',
        )
    )
    result = _unasync(tmp_path, "--check")
    assert result.returncode == 1
    assert "rule never used" in result.stdout and "never_written_anywhere" in result.stdout


def test_unasync_rewrites_awaitables_with_nested_brackets() -> None:
    spec = importlib.util.spec_from_file_location("unasync", UNASYNC)
    assert spec is not None and spec.loader is not None
    unasync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(unasync)
    line = "def f() -> Awaitable[RawResponse[dict[str, int]]] | Awaitable[AsyncStream]:\n"
    assert unasync.strip_awaitable(line) == (
        "def f() -> RawResponse[dict[str, int]] | AsyncStream:\n",
        2,
    )
    used = dict.fromkeys([raw for raw, _ in unasync.RULES] + ["Awaitable[...]", "# async only"], 0)
    text = (
        "    async def close(self) -> None:\n"
        "        await self.aclose()\n"
        "    aclose = close  # async only\n"
    )
    assert (
        unasync.unasync_text(text, used) == "    def close(self) -> None:\n        self.close()\n"
    )
