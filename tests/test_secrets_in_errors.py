"""No secret is reachable from any error, on all five transports.

A planted API key and a custom sensitive header (``sensitive_headers``) go out with every
request; every kind of error a client raises (status errors, connection errors, timeouts,
validation errors, stream errors, limits, refused requests) is then walked as an object
graph (attributes, ``__dict__``, slots, ``args``, containers, ``__cause__`` and
``__context__``, with the ``repr()`` and ``str()`` of everything visited) looking for
either secret. Transports still send the real values (the emulator accepts only the key).
"""

from __future__ import annotations

import types
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from tests._helpers.unified import make_client, run_scenario

import runs_core
from runs_adapters import AsyncClient, Client
from runs_emulator import EmulatorThread, start_in_thread

KEY = f"sk-planted-{uuid.uuid4().hex}"
CUSTOM = f"custom-secret-{uuid.uuid4().hex}"
SECRETS = (KEY, CUSTOM)
CLOSED_PORT = "http://127.0.0.1:9/v1"

_LEAVES = (int, float, complex, bool, type(None), type, types.ModuleType, types.FunctionType,
           types.BuiltinFunctionType, types.MethodType, types.CodeType, types.FrameType,
           types.TracebackType)  # fmt: skip


def find_secrets(root: object, secrets: tuple[str, ...], max_depth: int = 12) -> list[str]:
    """Paths (``error.request.headers[0]``...) under ``root`` whose value, ``repr()`` or
    ``str()`` contains one of ``secrets``. Frames and tracebacks are not followed."""
    found: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[object, str, int]] = [(root, "error", 0)]
    while stack:
        obj, path, depth = stack.pop()
        if id(obj) in seen or depth > max_depth:
            continue
        seen.add(id(obj))
        if isinstance(obj, bytes | bytearray | memoryview):
            data = bytes(obj)
            found += [path for s in secrets if s.encode() in data]
            continue
        texts = []
        for show in (repr, str):
            try:
                texts.append(show(obj))
            except Exception as exc:  # a broken repr is not a leak, but say so
                texts.append(f"<{show.__name__} failed: {exc!r}>")
        found += [f"{path} ({text[:80]!r}...)" for text in texts for s in secrets if s in text]
        if isinstance(obj, (str, *_LEAVES)):
            continue
        children: list[tuple[object, str]] = []
        if isinstance(obj, BaseException):
            children += [(obj.args, f"{path}.args"), (obj.__cause__, f"{path}.__cause__")]
            children.append((obj.__context__, f"{path}.__context__"))
        if isinstance(obj, dict):
            for key, value in obj.items():
                children += [(key, f"{path}.keys()"), (value, f"{path}[{key!r}]")]
        elif isinstance(obj, list | tuple | set | frozenset):
            children += [(item, f"{path}[{i}]") for i, item in enumerate(obj)]
        attributes = getattr(obj, "__dict__", None)
        if isinstance(attributes, dict):
            children += [(value, f"{path}.{name}") for name, value in attributes.items()]
        for cls in type(obj).__mro__:
            slots = cls.__dict__.get("__slots__", ())
            for name in (slots,) if isinstance(slots, str) else slots:
                if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                    children.append((getattr(obj, name), f"{path}.{name}"))
        stack += [(child, where, depth + 1) for child, where in children]
    return found


# -- the walker finds what is there -------------------------------------------------------


class _Slotted:
    __slots__ = ("inner",)

    def __init__(self, inner: object) -> None:
        self.inner = inner


class _Holder:
    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "_Holder(...)"  # hides its value: only the walk into it can find the secret


def test_the_walker_finds_a_secret_planted_deep_in_a_chain() -> None:
    planted = _Holder({"list": [1, (_Slotted(_Holder(b"Bearer " + KEY.encode())),)]})
    inner = ValueError("inner")
    inner.planted = planted  # type: ignore[attr-defined]
    try:
        try:
            raise inner
        except ValueError:
            raise runs_core.APIConnectionError("outer") from None
    except runs_core.APIConnectionError as error:
        outer = error
    assert find_secrets(outer, SECRETS) == [
        "error.__context__.planted.value['list'][1][0].inner.value"
    ]
    assert find_secrets(ValueError(KEY), SECRETS)
    assert not find_secrets(runs_core.APIConnectionError("outer"), SECRETS)


def test_a_request_keeps_its_secrets_but_errors_keep_a_redacted_copy() -> None:
    config = runs_core.ClientConfig(
        api_key=KEY, default_headers=(("X-Custom", CUSTOM),), sensitive_headers=["X-CUSTOM"]
    )
    request = runs_core.RequestBuilder(config).retrieve_run("run_1", thread_id="thread_1")
    assert request.header("Authorization") == f"Bearer {KEY}"
    assert request.header("x-custom") == CUSTOM
    assert not find_secrets(repr(request), SECRETS)
    copy = request.redacted()
    assert copy.header("Authorization") == "<redacted>" and copy.header("X-Custom") == "<redacted>"
    assert copy.url == request.url and copy == request.redacted()
    error = runs_core.APITimeoutError(request=request)
    assert error.request is not None and error.request.header("X-Custom") == "<redacted>"
    assert not find_secrets(error, SECRETS)
    assert request.header("Authorization") == f"Bearer {KEY}"  # the original is untouched


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_key_that_cannot_be_sent_is_refused_without_quoting_it(kind: str) -> None:
    key = f"sk-it\u2019s-{uuid.uuid4().hex}"
    client_class = Client if kind == "sync" else AsyncClient
    with pytest.raises(runs_core.InvalidRequestError, match="not Latin-1") as caught:
        client_class(api_key=key, base_url=CLOSED_PORT)
    assert not find_secrets(caught.value, (key,))
    custom = f"secret\u2014{uuid.uuid4().hex}"
    with pytest.raises(runs_core.InvalidRequestError, match="X-Custom") as caught:
        client_class(
            api_key=KEY, base_url=CLOSED_PORT,
            default_headers={"X-Custom": custom}, sensitive_headers=["x-custom"],
        )  # fmt: skip
    assert not find_secrets(caught.value, (custom, KEY))


# -- every error of every transport ---------------------------------------------------------


@pytest.fixture(scope="module")
def keyed() -> Iterator[EmulatorThread]:
    """An emulator that accepts only the planted key: the real key went on the wire."""
    with start_in_thread(api_key=KEY) as server:
        yield server


def _fault(spec: str) -> dict[str, Any]:
    return {"extra_headers": {"X-Emulator-Fault": spec}}


async def _errors(client: Any, closed: Any, small: Any) -> list[BaseException]:
    errors: list[BaseException] = []

    async def attempt(call: Any) -> None:
        try:
            result = await call
            if hasattr(result, "__aiter__"):
                async for _ in result:
                    pass
        except runs_core.RunsError as error:
            errors.append(error)

    thread = f"thread_{uuid.uuid4().hex[:12]}"
    runs = client.runs
    run = await runs.create(thread, assistant_id="asst_text")  # the real key works
    assert run.thread_id == thread
    await attempt(runs.retrieve("run_missing", thread_id=thread))  # 404
    await attempt(runs.retrieve(run.id, thread_id=thread, **_fault("status=500")))
    await attempt(runs.retrieve(run.id, thread_id=thread, **_fault("status=401")))
    await attempt(runs.retrieve(run.id, thread_id=thread, **_fault("status=429")))
    await attempt(runs.list(thread, limit=1000))  # the server's 400
    await attempt(closed.runs.retrieve(run.id, thread_id=thread))  # connection refused
    await attempt(runs.retrieve(run.id, thread_id=thread, timeout=0.3, **_fault("stall=2")))
    await attempt(runs.retrieve(run.id, thread_id=thread, **_fault("malformed-json")))
    await attempt(runs.retrieve(run.id, thread_id=thread, **_fault("drop-after-bytes=10")))
    await attempt(runs.create(thread, assistant_id="asst_text", **_fault("drop-response")))
    stream = {"assistant_id": "asst_text", "stream": True}
    await attempt(runs.create(thread, **stream, **_fault("error-event")))
    await attempt(runs.create(thread, **stream, **_fault("no-done")))
    await attempt(runs.create(thread, **stream, **_fault("malformed-sse")))
    await attempt(runs.create(thread, **stream, **_fault("drop-after-events=2")))
    await attempt(runs.create(thread, **stream, timeout=0.3, **_fault("stall=2")))
    await attempt(small.runs.create(thread, **stream))  # an event over max_event_size
    await attempt(small.runs.list(thread))  # a body over max_body_bytes
    try:
        await runs.retrieve("", thread_id=thread)  # refused before sending
    except runs_core.InvalidRequestError as error:
        errors.append(error)
    return errors


def test_no_secret_is_reachable_from_any_error(
    keyed: EmulatorThread, transport: tuple[str, str]
) -> None:
    errors: list[BaseException] = []
    secrets = {"default_headers": {"X-Custom-Secret": CUSTOM}, "api_key": KEY}
    options = {**secrets, "sensitive_headers": ["x-custom-secret"], "max_retries": 0}

    async def scenario() -> None:
        client = make_client(transport, keyed.base_url, **options)
        closed = make_client(transport, CLOSED_PORT, **options)
        small = make_client(
            transport, keyed.base_url, **options, max_event_size=64, max_body_bytes=64
        )
        try:
            errors.extend(await _errors(client, closed, small))
        finally:
            for each in (client, closed, small):
                await each.close()

    run_scenario(transport, scenario)
    kinds = {type(error).__name__ for error in errors}
    assert {"NotFoundError", "InternalServerError", "AuthenticationError", "RateLimitError",
            "BadRequestError", "APIConnectionError", "APITimeoutError",
            "APIResponseValidationError", "StreamErrorEvent", "StreamIncompleteError",
            "StreamEventDecodeError", "LimitExceededError",
            "InvalidRequestError"} <= kinds, kinds  # fmt: skip
    leaks = {f"{type(error).__name__}: {path}" for error in errors
             for path in find_secrets(error, SECRETS)}  # fmt: skip
    assert not leaks, sorted(leaks)[:5]


# -- the same on Azure-style clients: the api-key header, and an AD token ----------------------


@pytest.fixture(scope="module")
def azure_keyed() -> Iterator[EmulatorThread]:
    """An emulator in Azure mode accepting only the planted key (as ``api-key`` or as a
    Bearer token)."""
    with start_in_thread(api_key=KEY, azure=True) as server:
        yield server


@pytest.mark.parametrize("credential", ["api_key", "azure_ad_token_provider"])
def test_no_secret_is_reachable_from_any_error_of_an_azure_client(
    azure_keyed: EmulatorThread, transport: tuple[str, str], credential: str
) -> None:
    from tests._helpers.unified import Unified

    from runs_adapters import AsyncAzureClient, AzureClient

    name, kind = transport
    cls = AzureClient if kind == "sync" else AsyncAzureClient
    secret: dict[str, Any] = (
        {"api_key": KEY} if credential == "api_key" else {"azure_ad_token_provider": lambda: KEY}
    )
    options = {**secret, "api_version": "2024-05-01-preview", "max_retries": 0,
               "default_headers": {"X-Custom-Secret": CUSTOM},
               "sensitive_headers": ["x-custom-secret"], "transport": name}  # fmt: skip
    errors: list[BaseException] = []

    async def scenario() -> None:
        client = Unified(cls(azure_endpoint=azure_keyed.endpoint, **options))
        closed = Unified(cls(azure_endpoint=CLOSED_PORT.removesuffix("/v1"), **options))
        small = Unified(cls(azure_endpoint=azure_keyed.endpoint, **options,
                            max_event_size=64, max_body_bytes=64))  # fmt: skip
        try:
            errors.extend(await _errors(client, closed, small))
        finally:
            for each in (client, closed, small):
                await each.close()

    run_scenario(transport, scenario)
    kinds = {type(error).__name__ for error in errors}
    assert {"NotFoundError", "InternalServerError", "APIConnectionError", "APITimeoutError",
            "StreamErrorEvent", "LimitExceededError"} <= kinds, kinds  # fmt: skip
    leaks = {f"{type(error).__name__}: {path}" for error in errors
             for path in find_secrets(error, SECRETS)}  # fmt: skip
    assert not leaks, sorted(leaks)[:5]
