"""The packages' lazy exports: complete, consistent, and really lazy."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "src"
PACKAGES = ["runs_core", "runs_adapters"]


def _declared(package: str) -> tuple[set[str], set[str], set[str]]:
    """Names in the TYPE_CHECKING imports, in the lazy table, and in ``__all__``."""
    tree = ast.parse((ROOT / package / "__init__.py").read_text())
    typed: set[str] = set()
    table: set[str] = set()
    listed: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If):
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom):
                    typed.update(alias.name for alias in inner.names)
        elif isinstance(node, ast.Assign) and node.targets[0].id == "__all__":  # type: ignore[attr-defined]
            listed.update(ast.literal_eval(node.value))
        elif isinstance(node, ast.Assign) and node.targets[0].id == "__getattr__":  # type: ignore[attr-defined]
            mapping = ast.literal_eval(node.value.args[1])  # type: ignore[attr-defined]
            table.update(name for names in mapping.values() for name in names)
        elif isinstance(node, ast.AnnAssign) and node.target.id == "_EXPORTS":  # type: ignore[attr-defined]
            mapping = ast.literal_eval(node.value)  # type: ignore[arg-type]
            table.update(name for names in mapping.values() for name in names)
    return typed, table, listed


@pytest.mark.parametrize("package", PACKAGES)
def test_type_checking_imports_lazy_table_and_all_agree(package: str) -> None:
    typed, table, listed = _declared(package)
    assert typed and typed == table
    assert listed - {"__version__"} == table - {"__version__"}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_resolves(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_an_unknown_name_is_an_attribute_error() -> None:
    import runs_core

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        runs_core.Nope  # noqa: B018


def test_building_a_client_imports_no_model_code() -> None:
    script = (
        "import sys, runs_adapters\n"
        "runs_adapters.Client(api_key='x', transport='requests')\n"
        "runs_adapters.AsyncClient(api_key='x')\n"
        "print(sorted(m for m in ('pydantic', 'runs_core.models', 'runs_core._events')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
