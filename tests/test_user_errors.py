"""A user's mistake gets one clear, typed error, the same on every transport, and the
command line never answers one with a traceback."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
import trio

from runs_adapters import AsyncClient, Client, InvalidRequestError, TransportUnavailableError

TRANSPORT_NAMES = [
    ("httpx", "sync"),
    ("requests", "sync"),
    ("httpx", "async"),
    ("aiohttp", "async"),
    ("trio", "async"),
]
BAD_BASE_URLS = [
    ("", "empty"),
    ("   ", "empty"),
    ("api.openai.com/v1", "scheme"),
    ("http://[::1/v1", "IPv6"),
    ("http://localhost:99999/v1", "Port out of range"),
    ("http://localhost:http/v1", "Port could not be cast"),
    ("ftp://files.example/v1", "scheme"),
    ("http:///v1", "no host"),
]


def _build(transport: tuple[str, str], **options: object) -> None:
    name, kind = transport
    if kind == "sync":
        Client(api_key="sk-test", transport=name, **options)  # type: ignore[arg-type]
    else:
        AsyncClient(api_key="sk-test", transport=name, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "why"), BAD_BASE_URLS)
def test_a_bad_base_url_is_refused_when_the_client_is_built(url: str, why: str) -> None:
    messages = set()
    for transport in TRANSPORT_NAMES:
        with pytest.raises(InvalidRequestError) as caught:
            _build(transport, base_url=url)
        messages.add(str(caught.value))
    assert len(messages) == 1  # one message, whatever the transport
    message = messages.pop()
    assert f"invalid base_url {url!r}" in message and why in message


def test_an_empty_openai_base_url_variable_is_refused_not_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    with pytest.raises(InvalidRequestError, match="empty"):
        Client(api_key="sk-test")
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert Client(api_key="sk-test").base_url == "https://api.openai.com/v1"


@pytest.mark.parametrize("timeout", [float("nan"), "5", -1, 0, True])
def test_a_timeout_that_is_not_a_positive_number_is_refused(timeout: object) -> None:
    for transport in TRANSPORT_NAMES:
        with pytest.raises(InvalidRequestError, match="timeout"):
            _build(transport, base_url="http://127.0.0.1:9/v1", timeout=timeout)


def test_an_infinite_timeout_means_no_limit() -> None:
    assert Client(api_key="k", base_url="http://x/v1", timeout=float("inf")).timeout is None


def test_the_async_httpx_transport_answers_to_both_of_its_names() -> None:
    for name in ("httpx", "httpx-async"):
        client = AsyncClient(api_key="k", transport=name)
        assert type(client._caller.transport).__name__ == "HttpxAsyncTransport"
    with pytest.raises(TransportUnavailableError, match="async transport: use AsyncClient"):
        Client(api_key="k", transport="aiohttp")
    with pytest.raises(TransportUnavailableError, match="blocking transport: use Client"):
        AsyncClient(api_key="k", transport="requests")


def test_aiohttp_under_trio_says_which_loop_it_needs() -> None:
    async def call() -> None:
        client = AsyncClient(api_key="k", base_url="http://127.0.0.1:9/v1", transport="aiohttp")
        with pytest.raises(RuntimeError, match=r"runs on asyncio.*use transport='trio'"):
            await client.runs.retrieve("run_1", thread_id="thread_1")

    trio.run(call)


def test_the_trio_transport_under_asyncio_says_which_loop_it_needs() -> None:
    async def call() -> None:
        client = AsyncClient(api_key="k", base_url="http://127.0.0.1:9/v1", transport="trio")
        with pytest.raises(RuntimeError, match=r"runs on trio.*transport='aiohttp'"):
            await client.runs.retrieve("run_1", thread_id="thread_1")

    asyncio.run(call())


@pytest.mark.parametrize(
    "argv",
    [
        ["stream", "--api-key", "k", "--base-url", ""],
        ["stream", "--api-key", "k", "--base-url", "http://[::1"],
        ["stream", "--api-key", "k", "--base-url", "http://127.0.0.1:99999/v1"],
        ["demo", "--transport", "nope"],
        ["emulator", "--port", "99999"],
        ["emulator", "--step-ms", "-5"],
        ["emulator", "--idle-timeout", "nan"],
    ],
)
def test_the_command_line_answers_mistakes_without_a_traceback(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "runs_adapters.cli", *argv],
        capture_output=True, text=True, timeout=20,
    )  # fmt: skip
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip(), "the mistake is explained on stderr"
