"""Azure OpenAI's way of addressing and authenticating the same API, resolved into an
ordinary :class:`ClientConfig`.

The official SDK's ``AzureOpenAI`` options and environment variables, with its rules:
the key goes in an ``api-key`` header, an Azure AD token (or a provider of one, called
for every request so tokens can refresh) as ``Authorization: Bearer``; ``api_version``
is sent as the ``api-version`` query parameter on every request; the Assistants paths
live under ``{azure_endpoint}/openai``. ``azure_deployment`` names a model deployment:
the SDK routes only some other APIs through it, never the Assistants API, so it does not
change these URLs (accepted so that SDK code moves over unchanged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ._config import ClientConfig, TimeoutArg
from ._errors import InvalidRequestError
from ._types import NOT_GIVEN

__all__ = ["azure_config"]


def azure_config(
    environ: Mapping[str, str],
    *,
    azure_endpoint: str | None = None,
    azure_deployment: str | None = None,
    api_version: str | None = None,
    api_key: str | None = None,
    azure_ad_token: str | None = None,
    azure_ad_token_provider: Callable[[], str] | None = None,
    base_url: str | None = None,
    organization: str | None = None,
    project: str | None = None,
    default_headers: Mapping[str, str] | None = None,
    default_query: Mapping[str, object] | None = None,
    timeout: TimeoutArg = NOT_GIVEN,
    max_retries: int | None = None,
    sensitive_headers: Iterable[str] | None = None,
) -> ClientConfig:
    """A client configuration for an Azure OpenAI resource (or a server that speaks as
    one), from explicit options first, then ``AZURE_OPENAI_API_KEY``,
    ``AZURE_OPENAI_AD_TOKEN``, ``AZURE_OPENAI_ENDPOINT`` and ``OPENAI_API_VERSION``.

    Raises :class:`InvalidRequestError` for a missing credential, version or endpoint,
    or a ``base_url`` given with ``azure_endpoint``, naming what to pass.
    """
    explicit = api_key is not None or azure_ad_token is not None
    if not explicit and azure_ad_token_provider is None:
        # With nothing passed, the SDK prefers an AD token from the environment to a key.
        azure_ad_token = environ.get("AZURE_OPENAI_AD_TOKEN") or None
        if azure_ad_token is None:
            api_key = environ.get("AZURE_OPENAI_API_KEY") or None
    if api_key is None and azure_ad_token is None and azure_ad_token_provider is None:
        raise InvalidRequestError(
            "no credentials: pass api_key, azure_ad_token or azure_ad_token_provider, or set "
            "AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN"
        )
    version = api_version if api_version is not None else environ.get("OPENAI_API_VERSION")
    if not version:
        raise InvalidRequestError(
            "no API version: pass api_version=... or set OPENAI_API_VERSION "
            "(for example '2024-05-01-preview')"
        )
    if base_url is not None and azure_endpoint is not None:
        raise InvalidRequestError("pass base_url or azure_endpoint, not both")
    if base_url is None:
        endpoint = azure_endpoint or environ.get("AZURE_OPENAI_ENDPOINT")
        if not endpoint:
            raise InvalidRequestError(
                "no endpoint: pass azure_endpoint=... (https://<resource>.openai.azure.com), "
                "base_url=..., or set AZURE_OPENAI_ENDPOINT"
            )
        base_url = f"{endpoint.rstrip('/')}/openai"
    query = {**(default_query or {}), "api-version": version}
    if azure_ad_token is not None or azure_ad_token_provider is not None:
        token = azure_ad_token
        header, scheme, key, provider = "Authorization", "Bearer", token or "", None
        if token is None:
            provider = azure_ad_token_provider
    else:
        header, scheme, key, provider = "api-key", "", api_key or "", None
    return ClientConfig.from_env(
        {},  # every value is resolved here: no OPENAI_* variable applies
        api_key=key,
        base_url=base_url,
        organization=organization,
        project=project,
        default_headers=default_headers,
        default_query=query,
        timeout=timeout,
        max_retries=max_retries,
        sensitive_headers=sensitive_headers,
        auth_header=header,
        auth_scheme=scheme,
        token_provider=provider,
    )
