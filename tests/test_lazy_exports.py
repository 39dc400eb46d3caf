"""The packages' lazy exports: complete, consistent, and really lazy."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
import typing
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


def _exception_classes(package: str) -> dict[str, type]:
    """Public exception classes defined in any of ``package``'s modules, by name."""
    found: dict[str, type] = {}
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found[name] = value
    return found


def _missing_or_different(package: str, expected: dict[str, object]) -> list[str]:
    """The names of ``expected`` that ``package`` does not export as that very object."""
    module = importlib.import_module(package)
    return sorted(
        name
        for name, value in expected.items()
        if name not in module.__all__ or getattr(module, name, None) is not value
    )


def test_everything_core_functions_return_or_raise_is_exported_by_runs_core() -> None:
    changes = importlib.import_module("runs_core._changes")
    expected: dict[str, object] = {name: getattr(changes, name) for name in changes.__all__}
    # The records RunAccumulator.apply() returns are the members of the Change union.
    expected.update((cls.__name__, cls) for cls in typing.get_args(changes.Change))
    for module, name in [
        ("runs_core._tool_loop", "ToolCallError"),
        ("runs_core._request", "Response"),
        ("runs_core._errors", "status_class"),
        ("runs_core._accumulate", "RunAccumulator"),
    ]:
        expected[name] = getattr(importlib.import_module(module), name)
    expected.update(_exception_classes("runs_core"))
    assert len(expected) > len(changes.__all__) + 4
    assert _missing_or_different("runs_core", expected) == []


def test_runs_adapters_exports_every_error_and_the_same_objects_as_runs_core() -> None:
    import runs_core

    core_errors = {
        name
        for name in runs_core.__all__
        if name.endswith("Error")
        and isinstance(cls := getattr(runs_core, name), type)
        and issubclass(cls, BaseException)
    }
    assert {"APIError", "ToolCallError", "StreamError"} <= core_errors
    expected: dict[str, object] = {
        name: getattr(runs_core, name) for name in core_errors | {"StreamErrorEvent"}
    }
    expected.update(_exception_classes("runs_adapters"))
    assert _missing_or_different("runs_adapters", expected) == []


def test_the_export_check_notices_a_missing_or_different_name() -> None:
    import runs_core

    assert _missing_or_different("runs_core", {"Response": runs_core.Response}) == []
    assert _missing_or_different("runs_core", {"Response": object()}) == ["Response"]
    assert _missing_or_different("runs_core", {"merge_dict": object()}) == ["merge_dict"]


def test_event_handler_module_keeps_the_sdks_names() -> None:
    # The official SDK keeps these in ``openai.lib.streaming``; code importing them from
    # ``runs_adapters.event_handler`` must get the root's objects.
    import runs_adapters
    from runs_adapters import event_handler

    names = {
        "AssistantEventHandler",
        "AssistantStreamManager",
        "AsyncAssistantEventHandler",
        "AsyncAssistantStreamManager",
    }
    assert names <= set(event_handler.__all__)
    for name in event_handler.__all__:
        assert getattr(event_handler, name) is getattr(runs_adapters, name), name
