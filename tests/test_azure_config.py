"""Azure-style and other compatible servers' settings, resolved by the core: where the key
goes, the ``api-version`` on every request, the environment variables and their order,
a token provider called per request, and errors that name what to pass (never a secret).

Each rule is also checked against the official SDK's ``AzureOpenAI`` where it has one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import openai
import pytest

from runs_adapters import AsyncAzureClient, AzureClient, Client, HttpxTransport, InternalServerError
from runs_core import ClientConfig, InvalidRequestError, RequestBuilder, azure_config

ENDPOINT = "https://res.openai.azure.com/"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _request(config: ClientConfig) -> tuple[str, dict[str, str]]:
    request = RequestBuilder(config).list_messages("thread_1", limit=2)
    return request.url, {k.lower(): v for k, v in request.headers}


def _sdk_request(**options: Any) -> tuple[str, dict[str, str]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})

    sdk = openai.AzureOpenAI(
        http_client=httpx.Client(transport=httpx.MockTransport(answer)), **options
    )
    sdk.beta.threads.messages.list("thread_1", limit=2)
    return str(seen[0].url), {k.lower(): v for k, v in seen[0].headers.items()}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in (
        "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT",
        "OPENAI_API_VERSION", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


@pytest.mark.parametrize(
    "options",
    [
        {"api_key": "k-azure"},
        {"azure_ad_token": "tok-azure"},
        {"api_key": "k-azure", "azure_deployment": "my-gpt"},
    ],
    ids=["api-key", "ad-token", "deployment"],
)
def test_url_and_credential_header_are_the_sdks(
    clean_env: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    common = {"azure_endpoint": ENDPOINT, "api_version": "2024-05-01-preview"}
    url, headers = _request(azure_config({}, **common, **options))
    sdk_url, sdk_headers = _sdk_request(**common, **options)
    assert urlsplit(url).path == urlsplit(sdk_url).path == "/openai/threads/thread_1/messages"
    assert sorted(parse_qsl(urlsplit(url).query)) == sorted(parse_qsl(urlsplit(sdk_url).query))
    for name in ("api-key", "authorization"):
        assert headers.get(name) == sdk_headers.get(name), name


def test_environment_variables_and_their_order(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    clean_env.setenv("OPENAI_API_VERSION", "2024-05-01-preview")
    clean_env.setenv("AZURE_OPENAI_API_KEY", "k-env")
    url, headers = _request(azure_config(dict(clean_env_environ())))
    assert url.startswith("https://res.openai.azure.com/openai/threads/")
    assert "api-version=2024-05-01-preview" in url and headers["api-key"] == "k-env"
    clean_env.setenv("AZURE_OPENAI_AD_TOKEN", "tok-env")  # preferred, as in the SDK
    _, headers = _request(azure_config(dict(clean_env_environ())))
    assert headers["authorization"] == "Bearer tok-env" and "api-key" not in headers
    _, headers = _request(azure_config(dict(clean_env_environ()), api_key="k-explicit"))
    assert headers["api-key"] == "k-explicit" and "authorization" not in headers


def clean_env_environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_a_token_provider_is_called_for_every_request() -> None:
    tokens = iter(["tok-1", "tok-2", "tok-3"])
    config = azure_config(
        {}, azure_endpoint=ENDPOINT, api_version="v1", azure_ad_token_provider=lambda: next(tokens)
    )
    seen = [_request(config)[1]["authorization"] for _ in range(3)]
    assert seen == ["Bearer tok-1", "Bearer tok-2", "Bearer tok-3"]


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        (lambda: "", "non-empty string"),
        (lambda: None, "non-empty string"),
        (lambda: "caf\u00e9\u2019", "not Latin-1"),
    ],
)
def test_a_bad_token_is_refused_without_quoting_it(provider: Any, message: str) -> None:
    config = azure_config(
        {}, azure_endpoint=ENDPOINT, api_version="v", azure_ad_token_provider=provider
    )
    with pytest.raises(InvalidRequestError, match=message) as caught:
        _request(config)
    assert "caf" not in str(caught.value)


def test_an_async_token_provider_gets_a_message_not_a_warning() -> None:
    async def provider() -> str:
        return "tok"

    config = azure_config(
        {}, azure_endpoint=ENDPOINT, api_version="v", azure_ad_token_provider=provider
    )  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="plain function"):
        _request(config)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"azure_endpoint": ENDPOINT, "api_version": "v"}, "no credentials"),
        ({"azure_endpoint": ENDPOINT, "api_key": "k"}, "no API version"),
        ({"api_key": "k", "api_version": "v"}, "no endpoint"),
        (
            {
                "api_key": "k",
                "api_version": "v",
                "azure_endpoint": ENDPOINT,
                "base_url": "http://x/v1",
            },
            "not both",
        ),
    ],
    ids=["credentials", "version", "endpoint", "both-urls"],
)
def test_missing_settings_name_what_to_pass(
    clean_env: pytest.MonkeyPatch, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        AzureClient(**options)


def test_base_url_instead_of_an_endpoint_is_used_as_given() -> None:
    config = azure_config({}, base_url="http://127.0.0.1:9/openai", api_key="k", api_version="v")
    assert _request(config)[0].startswith("http://127.0.0.1:9/openai/threads/")


def test_secrets_are_masked_in_requests_and_reprs() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500, json={"error": {"message": "boom"}})

    transport = HttpxTransport(httpx.Client(transport=httpx.MockTransport(answer)))
    client = AzureClient(
        azure_endpoint=ENDPOINT,
        api_version="v",
        api_key="k-secret-1",
        transport=transport,
        max_retries=0,
    )
    with pytest.raises(InternalServerError) as caught:
        client.beta.assistants.retrieve("asst_1")
    assert seen[0].headers["api-key"] == "k-secret-1"  # sent for real
    shown = repr(caught.value.request) + repr(client) + str(caught.value) + repr(client._caller)
    assert "k-secret-1" not in shown


def test_a_custom_auth_header_and_scheme_for_compatible_servers() -> None:
    config = ClientConfig.from_env({}, api_key="k-proxy", auth_header="X-Api-Key", auth_scheme="")
    request = RequestBuilder(config).retrieve_run("run_1", thread_id="t")
    assert request.header("X-Api-Key") == "k-proxy" and request.header("Authorization") is None
    assert "k-proxy" not in repr(request) and "k-proxy" not in repr(request.redacted())
    config = ClientConfig.from_env({}, api_key="k", auth_scheme="Token")
    assert (
        RequestBuilder(config).retrieve_run("r", thread_id="t").header("Authorization") == "Token k"
    )
    for bad in ({"auth_header": "X Api"}, {"auth_header": ""}, {"auth_scheme": "Bear er"}):
        with pytest.raises(InvalidRequestError):
            Client(api_key="k", base_url="http://127.0.0.1:9/v1", **bad)  # type: ignore[arg-type]


def test_azure_clients_refuse_options_that_are_not_theirs() -> None:
    with pytest.raises(TypeError, match="auth_header"):
        AsyncAzureClient(azure_endpoint=ENDPOINT, api_version="v", api_key="k", auth_header="x")  # type: ignore[call-arg]
