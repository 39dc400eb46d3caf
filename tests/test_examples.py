"""The core-alone example runs as documented against the local emulator."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from runs_core import AuthenticationError
from runs_emulator import EmulatorThread, start_in_thread

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "core_http_client.py"
KEY = "sk-example-test"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorThread]:
    with start_in_thread(api_key=KEY) as running:
        yield running


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("core_http_client", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_creates_retrieves_and_lists_a_run(
    emulator: EmulatorThread, example: ModuleType
) -> None:
    environ = {"OPENAI_BASE_URL": emulator.base_url, "OPENAI_API_KEY": KEY}
    created, fetched, listed = example.run_example(environ, "thread_example_1", "asst_text")
    assert created.thread_id == "thread_example_1"
    assert created.assistant_id == "asst_text"
    assert created.metadata == {"via": "core"}
    assert fetched.id == created.id
    assert listed == [created.id]


def test_the_example_surfaces_a_wrong_key_as_authentication_error(
    emulator: EmulatorThread, example: ModuleType
) -> None:
    environ = {"OPENAI_BASE_URL": emulator.base_url, "OPENAI_API_KEY": "sk-wrong"}
    with pytest.raises(AuthenticationError) as caught:
        example.run_example(environ, "thread_example_2", "asst_text")
    assert caught.value.status_code == 401
    assert "sk-wrong" not in str(caught.value)


def test_the_example_runs_as_a_script(emulator: EmulatorThread) -> None:
    env = {**os.environ, "OPENAI_BASE_URL": emulator.base_url, "OPENAI_API_KEY": KEY}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "thread_example_3", "asst_text"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    created = re.fullmatch(r"created (run_\w+) \((\w+)\); now (\w+)", lines[0])
    assert created is not None
    assert lines[1] == f"runs on thread_example_3: {created.group(1)}"
