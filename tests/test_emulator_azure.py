"""Azure OpenAI mode (``--azure``) with the official ``AzureOpenAI`` client, and keys in a
gateway's header (``--auth-header``): where the API is served, which credentials pass,
what a refusal looks like, and that no credential reaches the request log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from tests._helpers.emulator import emulator_thread
from tests._helpers.emulator_command import EmulatorCommand

from runs_emulator import EmulatorServer, EmulatorThread, start_in_thread
from runs_emulator.cli import main as cli_main
from runs_emulator.pytest_plugin import RunsEmulator

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
AZURE_KEY = "azure-key-0123456789abcdef"
VERSION = "2024-05-01-preview"
DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
    "provide a valid key for an active subscription and use a correct regional API "
    "endpoint for your resource."
)


@pytest.fixture(scope="module")
def azure() -> Iterator[EmulatorThread]:
    yield from emulator_thread(api_key=AZURE_KEY, azure=True)


@pytest.fixture(scope="module")
def azure_open() -> Iterator[EmulatorThread]:
    """Azure mode with no key configured: any non-empty key or token passes."""
    yield from emulator_thread(azure=True)


def _client(emu: EmulatorThread, **auth: Any) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=emu.endpoint, api_version=VERSION, max_retries=0, **auth
    )


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, Any] = body["error"]
    return error


def test_the_base_url_and_endpoint_name_the_azure_paths(azure: EmulatorThread) -> None:
    assert azure.endpoint == f"http://127.0.0.1:{azure.port}"
    assert azure.base_url == azure.endpoint + "/openai"
    with start_in_thread() as ordinary:
        assert ordinary.base_url == ordinary.endpoint + "/v1"


def _program(client: openai.AzureOpenAI) -> dict[str, Any]:
    beta = client.beta
    assistant = beta.assistants.create(model="gpt-4o", name="On Azure", instructions="Echo.")
    thread = beta.threads.create(
        messages=[
            {"role": "user", "content": "first"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "hello azure"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/i.png"}},
                ],
            },
        ]
    )
    run = beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=5
    )
    replies = beta.threads.messages.list(thread.id, run_id=run.id).data
    with beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_weather") as stream:
        stream.until_done()
        waiting = stream.get_final_run()
    call = waiting.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    finished = beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=waiting.id,
        thread_id=thread.id,
        tool_outputs=[{"tool_call_id": call.id, "output": "22C"}],
        poll_interval_ms=5,
    )
    polled = beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "in one go"}]},
        poll_interval_ms=5,
    )
    deleted = [
        beta.threads.delete(thread.id).deleted,
        beta.assistants.delete(assistant.id).deleted,
    ]
    with pytest.raises(openai.NotFoundError):
        beta.assistants.delete(assistant.id)
    return {
        "run": (run.status, run.instructions),
        "replies": [(m.run_id, m.content[0].text.value) for m in replies],  # type: ignore[union-attr]
        "waiting": waiting.status,
        "finished": finished.status,
        "polled": polled.status,
        "deleted": deleted,
        "run_id": run.id,
    }


def test_azure_openai_with_a_key_does_everything(azure: EmulatorThread) -> None:
    before = azure.stats.requests
    with _client(azure, api_key=AZURE_KEY) as client:
        result = _program(client)
    assert result.pop("replies") == [(result["run_id"], "You said: hello azure")]
    assert result == {
        "run": ("completed", "Echo."),
        "waiting": "requires_action",
        "finished": "completed",
        "polled": "completed",
        "deleted": [True, True],
        "run_id": result["run_id"],
    }
    sent = list(azure.stats.log)[-(azure.stats.requests - before) :]
    assert sent and all(r.path.startswith("/openai/") for r in sent)
    assert all(f"api-version={VERSION}" in r.path for r in sent)
    assert {r.header("api-key") for r in sent} == {"azu****cdef"}  # masked, never whole
    assert all(r.header("authorization") is None for r in sent)


def test_azure_openai_with_a_token_provider(
    azure: EmulatorThread, azure_open: EmulatorThread
) -> None:
    calls: list[int] = []

    def provider() -> str:
        calls.append(1)
        return AZURE_KEY  # with a key configured, a bearer token must be that key

    with _client(azure, azure_ad_token_provider=provider) as client:
        assistant = client.beta.assistants.create(model="gpt-4o")
        assert client.beta.assistants.retrieve(assistant.id).id == assistant.id
    assert len(calls) >= 2  # asked per request, as the client does
    wrong = _client(azure, azure_ad_token_provider=lambda: "some-other-token")
    with wrong, pytest.raises(openai.AuthenticationError) as caught:
        wrong.beta.assistants.list()
    assert caught.value.body == {"message": DENIED, "type": "invalid_request_error",
                                 "param": None, "code": "401"}  # fmt: skip
    with _client(azure_open, azure_ad_token_provider=lambda: "any-entra-token") as client:
        run = client.beta.threads.create_and_run_poll(assistant_id="asst_text", poll_interval_ms=5)
        assert run.status == "completed"
    log = [r.header("authorization") for r in azure_open.stats.recent()]
    assert "Bearer ****" in log and not any("any-entra-token" in (v or "") for v in log)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"api-key": AZURE_KEY}, 200),
        ({"Authorization": f"Bearer {AZURE_KEY}"}, 200),
        ({"api-key": "wrong"}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": AZURE_KEY}, 401),  # no scheme
        ({"api-key": ""}, 401),
        ({}, 401),
    ],
)
def test_which_credentials_pass_with_a_key(
    azure: EmulatorThread, headers: dict[str, str], status: int
) -> None:
    response = httpx.get(f"{azure.base_url}/assistants?api-version={VERSION}", headers=headers)
    assert response.status_code == status, response.text
    if status == 401:
        assert _error(response, 401) == {"message": DENIED, "type": "invalid_request_error",
                                         "param": None, "code": "401"}  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"api-key": "anything"}, 200),
        ({"Authorization": "Bearer anything"}, 200),
        ({"api-key": ""}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({}, 401),
    ],
)
def test_which_credentials_pass_without_a_key(
    azure_open: EmulatorThread, headers: dict[str, str], status: int
) -> None:
    response = httpx.get(f"{azure_open.base_url}/assistants?api-version=v", headers=headers)
    assert response.status_code == status, response.text


def test_api_version_is_required_and_only_openai_paths_are_served(azure: EmulatorThread) -> None:
    key = {"api-key": AZURE_KEY}
    for url in (
        f"{azure.base_url}/assistants",  # no api-version
        f"{azure.base_url}/assistants?api-version=",
        f"{azure.endpoint}/v1/assistants?api-version={VERSION}",  # the OpenAI path
        f"{azure.endpoint}/openai?api-version={VERSION}",
    ):
        error = _error(httpx.get(url, headers=key), 404)
        assert (error["message"], error["code"]) == ("Resource not found", "404"), url
    with _client(azure, api_key=AZURE_KEY) as client:
        without = client.with_options(default_query={})  # still has api-version: the client adds it
        assert without.beta.assistants.list().object == "list"
    no_version = openai.OpenAI(base_url=azure.base_url, api_key="x", max_retries=0,
                               default_headers={"api-key": AZURE_KEY})  # fmt: skip
    with no_version, pytest.raises(openai.NotFoundError) as caught:
        no_version.beta.assistants.list()
    assert caught.value.body["message"] == "Resource not found"  # type: ignore[index]
    # ...and an unknown query parameter beside it is fine (a proxy's own, say)
    ok = httpx.get(f"{azure.base_url}/assistants?api-version=v&proxy=1", headers=key)
    assert ok.status_code == 200


def test_without_azure_the_openai_paths_are_not_served() -> None:
    with start_in_thread() as emu:
        response = httpx.get(
            f"{emu.endpoint}/openai/assistants?api-version={VERSION}",
            headers={"Authorization": "Bearer k"},
        )
        assert _error(response, 404)["message"].startswith("Invalid URL")
        refused = httpx.get(f"{emu.base_url}/assistants", headers={"api-key": "k"})
        assert _error(refused, 401)["message"].startswith("You didn't provide an API key")


def test_azure_ids_are_decoded_as_one_segment(azure: EmulatorThread) -> None:
    with _client(azure, api_key=AZURE_KEY) as client:
        message = client.beta.threads.messages.create("t/azure odd%", role="user", content="x")
        assert message.thread_id == "t/azure odd%"
        assert client.beta.threads.retrieve("t/azure odd%").id == "t/azure odd%"


# -- a gateway's header -------------------------------------------------------------------------


def test_a_gateway_header_carries_the_key() -> None:
    with start_in_thread(api_key="gw-secret-key-0123456789", auth_header="X-Api-Key") as emu:
        url = f"{emu.base_url}/assistants?gateway_default=1"
        assert httpx.get(url, headers={"X-Api-Key": "gw-secret-key-0123456789"}).status_code == 200
        assert _error(httpx.get(url, headers={"X-Api-Key": "wrong"}), 401)["message"].startswith(
            "Incorrect API key provided"
        )
        missing = _error(
            httpx.get(url, headers={"Authorization": "Bearer gw-secret-key-0123456789"}), 401
        )
        assert "x-api-key" in missing["message"]
        sdk = openai.OpenAI(
            base_url=emu.base_url, api_key="unused", max_retries=0,
            default_headers={"X-Api-Key": "gw-secret-key-0123456789"},
            default_query={"gateway_default": "1"},
        )  # fmt: skip
        with sdk:
            run = sdk.beta.threads.create_and_run_poll(assistant_id="asst_text", poll_interval_ms=5)
            assert run.status == "completed"
        logged = [r.header("x-api-key") for r in emu.stats.recent()]
        assert set(logged) == {"gw-****6789", "****", None}  # None: sent in Authorization
        served = httpx.get(
            f"{emu.endpoint}/_emulator/stats", headers={"X-Api-Key": "gw-secret-key-0123456789"}
        )
        assert "gw-secret-key" not in served.text and served.status_code == 200


def test_a_gateway_header_with_a_scheme_and_a_custom_name_is_masked() -> None:
    with start_in_thread(auth_header="X-Gateway-Token", auth_scheme="Token") as emu:
        url = f"{emu.base_url}/assistants"
        assert httpx.get(url, headers={"X-Gateway-Token": "Token abc"}).status_code == 200
        assert httpx.get(url, headers={"X-Gateway-Token": "token abc"}).status_code == 200
        assert httpx.get(url, headers={"X-Gateway-Token": "abc"}).status_code == 401
        assert httpx.get(url, headers={"X-Gateway-Token": "Bearer abc"}).status_code == 401
        assert {r.header("x-gateway-token") for r in emu.stats.recent()} == {
            "Token ****", "token ****", "****", "Bearer ****"
        }  # fmt: skip


@pytest.mark.parametrize(
    "options",
    [
        {"azure": True, "auth_header": "X-Api-Key"},
        {"auth_scheme": "Token"},
        {"auth_header": "Bad Header"},
        {"auth_header": ""},
        {"auth_header": "X-K", "auth_scheme": "two words"},
    ],
)
def test_auth_options_that_cannot_work_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="auth_"):
        EmulatorServer(**options)


# -- the command and the pytest plugin -----------------------------------------------------------


def test_the_command_serves_azure_mode() -> None:
    with EmulatorCommand("--azure", "--api-key", AZURE_KEY) as command:
        line = command.first_line
        assert "/openai (Azure OpenAI mode: azure_endpoint=http://127.0.0.1:" in line, line
        endpoint = line.rsplit("azure_endpoint=", 1)[1].strip().rstrip(")")
        with openai.AzureOpenAI(
            azure_endpoint=endpoint, api_version=VERSION, api_key=AZURE_KEY, max_retries=0
        ) as client:
            assert client.beta.assistants.retrieve("asst_text").id == "asst_text"


def test_the_command_refuses_azure_with_a_gateway_header(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main(["--azure", "--auth-header", "X-Api-Key", "--port", "0"])
    assert exited.value.code == 2
    assert "auth_header cannot be combined with azure" in capsys.readouterr().err


@pytest.fixture(scope="module")
def plain() -> Iterator[EmulatorThread]:
    yield from emulator_thread()


def test_the_plugin_handle_gives_azure_client_options(
    azure_open: EmulatorThread, plain: EmulatorThread
) -> None:
    handle = RunsEmulator(azure_open)
    assert handle.azure and handle.endpoint == azure_open.endpoint
    options = handle.client_options()
    assert set(options) == {"azure_endpoint", "api_key", "api_version"}
    with openai.AzureOpenAI(**options, max_retries=0) as client:
        assert client.beta.threads.create().object == "thread"
    ordinary = RunsEmulator(plain)
    assert not ordinary.azure and set(ordinary.client_options()) == {"base_url", "api_key"}
    assert ordinary.client_options()["base_url"] == plain.endpoint + "/v1"


pytest_plugins = ["pytester"]


def test_the_azure_fixture_works_in_a_users_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mine="""
import openai
from runs_adapters import AzureClient

def test_sdk(runs_emulator_azure):
    client = openai.AzureOpenAI(**runs_emulator_azure.client_options())
    run = client.beta.threads.create_and_run_poll(assistant_id="asst_text", poll_interval_ms=5)
    assert run.status == "completed"
    assert runs_emulator_azure.requests("POST")[0].path.startswith("/openai/threads/runs?")

def test_ours(runs_emulator_azure):
    with AzureClient(**runs_emulator_azure.client_options()) as client:
        run = client.runs.create_and_poll(thread_id="t", assistant_id="asst_text")
    assert run.status == "completed"
"""
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-W", "ignore")
    result.assert_outcomes(passed=2)
