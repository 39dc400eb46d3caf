"""Importing runs and building a client builds no pydantic validator; first use does.

Cold start is a benchmark target (docs/benchmarks.md), and it is kept by design rather
than by a timing: every model is ``defer_build``, the event parsers, response adapters
and accumulator adapters are built on first use, and ``CursorPage[Run]`` (which pydantic
builds as soon as it is parametrized) is created on first access. Each check runs in a
fresh interpreter, since this process has long since built everything.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_importing_and_building_a_client_builds_no_validator() -> None:
    _run(
        """
        import runs_core, runs_adapters
        from runs_core import _accumulate, _events, _response, models

        runs_adapters.Client(api_key="x").close()
        built = [
            name
            for name in dir(models)
            if isinstance(cls := getattr(models, name), type)
            and issubclass(cls, models.RunsModel)
            and cls.__pydantic_complete__
        ]
        assert built == [], built
        assert not _events._PARSERS and not _response._ADAPTERS
        assert not _accumulate._TOOL_CALL.pydantic_complete
        assert not _accumulate._CONTENT.pydantic_complete
        """
    )


def test_first_event_of_a_name_builds_its_validator_once_and_keeps_it() -> None:
    _run(
        """
        from runs_core import _events, parse_event
        from runs_core.models import MessageDeltaEvent, Run

        data = '{"id": "msg_1", "object": "thread.message.delta", "delta": {}}'
        first = parse_event("thread.message.delta", data)
        assert first.data.id == "msg_1"
        assert MessageDeltaEvent.__pydantic_complete__
        assert not Run.__pydantic_complete__
        entry = _events._PARSERS["thread.message.delta"]
        parse_event("thread.message.delta", data)
        assert _events._PARSERS["thread.message.delta"] is entry
        assert entry[1] == MessageDeltaEvent.__pydantic_validator__.validate_json
        """
    )


def test_page_aliases_are_created_on_access() -> None:
    _run(
        """
        from runs_core import models
        from runs_core.models import CursorPage, Run, RunStep

        assert models.RunList is CursorPage[Run]
        assert models.RunStepList is CursorPage[RunStep]
        from runs_core.models import RunList
        assert RunList is CursorPage[Run]
        """
    )


def test_building_a_client_loads_no_module_its_transport_library_does_not() -> None:
    # The cold-start floor target (docs/benchmarks.md): import + Client() within 10% of the
    # transport library's own import + client. Kept by design: past what the library
    # already loads, only this package's own modules are imported (no attrs, inspect,
    # dataclasses, json, uuid, datetime, certifi...), each record being a hand-written
    # slotted class (runs_core._frozen).
    for floor, client in (
        ("import requests; requests.Session()", "Client(api_key='x', transport='requests')"),
        ("import trio, h11", "AsyncClient(api_key='x', transport='trio')"),
        ("import httpx; httpx.Client()", "Client(api_key='x', transport='httpx')"),
        ("import httpx; httpx.AsyncClient()", "AsyncClient(api_key='x', transport='httpx')"),
        ("import aiohttp", "AsyncClient(api_key='x', transport='aiohttp')"),
    ):
        _run(
            f"""
            import sys
            {floor}
            before = set(sys.modules)
            import runs_adapters
            runs_adapters.{client}
            extra = sorted({{name.split(".")[0] for name in set(sys.modules) - before}})
            assert extra == ["runs_adapters", "runs_core"], extra
            """
        )
