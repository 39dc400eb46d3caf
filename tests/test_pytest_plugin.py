"""The pytest plugin users get: its entry point, and the example test file in
``docs/testing.md`` run as a project of theirs would run it."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "testing.md"


def _example_test_file() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 1, "docs/testing.md holds one complete test file"
    return blocks[0]


def test_the_plugin_is_registered_for_pytest() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins.get("runs_emulator") == "runs_emulator.pytest_plugin"


def test_the_documented_example_tests_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_my_assistant=_example_test_file())
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    names = re.findall(r"^def (test_\w+)", _example_test_file(), re.M)
    result.assert_outcomes(passed=len(names))
    assert len(names) >= 6


def test_a_failing_user_test_fails_through_the_fixture(pytester: pytest.Pytester) -> None:
    # The fixture does not swallow failures: a wrong expectation is reported as one.
    pytester.makepyfile(
        test_wrong="""
from runs_adapters import Client

def test_expects_the_wrong_status(runs_emulator):
    with Client(**runs_emulator.client_options()) as client:
        run = client.runs.create_and_poll(thread_id="t", assistant_id="asst_fail")
    assert run.status == "completed"
"""
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
