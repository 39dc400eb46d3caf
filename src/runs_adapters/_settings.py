"""What both clients share and that does no I/O: options, configuration, request
building, the flows a call runs, and turning a response into a result.

:class:`Settings` is built once per client from its keyword arguments
(:class:`ClientOptions`) and the environment; the callers in ``_async/client.py`` and the
generated ``_sync/client.py`` hold one and add only the I/O.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict, Unpack, cast

from runs_core import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_TRAILING_BYTES,
    NOT_GIVEN,
    ClientConfig,
    Flow,
    NotGiven,
    PoolLimits,
    Request,
    RequestBuilder,
    Response,
    RetryPolicy,
    TimeoutArg,
    configure_logging,
    send_with_retries,
)

if TYPE_CHECKING:
    from runs_core import AssistantStreamDecoder
    from runs_core.models import Run

__all__ = ["AzureClientOptions", "ClientOptions", "Settings"]


class _CommonOptions(TypedDict, total=False):
    """The keyword arguments every client takes, Azure-style or not."""

    api_key: str | None
    base_url: str | None
    organization: str | None
    project: str | None
    timeout: TimeoutArg
    max_retries: int | None
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    max_body_bytes: int
    max_event_size: int
    max_trailing_bytes: int
    sensitive_headers: Iterable[str] | None
    max_connections: int | None
    max_keepalive: int


class ClientOptions(_CommonOptions, total=False):
    """Keyword arguments shared by :class:`Client` and :class:`AsyncClient`.

    ``api_key``, ``base_url``, ``organization`` and ``project`` default to the
    ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``
    environment variables; ``timeout`` (seconds, default 600) bounds connecting and each
    read; ``max_retries`` defaults to 2. The ``max_*`` limits bound what a server can make
    the client hold: a buffered body (32 MiB), one stream event (16 Mi characters) and the
    bytes read after a stream's ``done`` (64 KiB). ``sensitive_headers`` names headers
    (any case) whose values are secrets, besides ``Authorization``, ``api-key``,
    ``openai-api-key`` and ``proxy-authorization``: they are sent, but masked in reprs and
    in the requests errors keep. ``max_connections`` (default 1,000) bounds the
    connections open at once, and a call waiting for one waits at most its timeout;
    ``max_keepalive`` (default 100) is how many idle ones are kept (the official SDK's
    defaults; see :class:`~runs_core.PoolLimits`). They size the pool of the transport the
    client creates, so they cannot be combined with a transport instance.
    ``auth_header`` and ``auth_scheme`` are for compatible servers that want the key
    another way: ``auth_header="X-Api-Key", auth_scheme=""`` sends ``X-Api-Key: <key>``
    (default: ``Authorization: Bearer <key>``); that header is then masked like the key.
    """

    auth_header: str | None
    auth_scheme: str | None


class AzureClientOptions(_CommonOptions, total=False):
    """Keyword arguments of :class:`AzureClient` and :class:`AsyncAzureClient`: the
    official SDK's ``AzureOpenAI`` options, plus this library's own (pool limits, body
    and event limits, ``sensitive_headers``), as for :class:`ClientOptions`.

    ``api_key`` is sent as an ``api-key`` header; ``azure_ad_token`` as
    ``Authorization: Bearer``, and ``azure_ad_token_provider`` is called for every
    request, so a token can refresh. ``api_version`` is sent as the ``api-version`` query
    parameter on every request. Unset, they come from ``AZURE_OPENAI_API_KEY``,
    ``AZURE_OPENAI_AD_TOKEN``, ``AZURE_OPENAI_ENDPOINT`` and ``OPENAI_API_VERSION``.
    """

    azure_endpoint: str | None
    azure_deployment: str | None
    api_version: str | None
    azure_ad_token: str | None
    azure_ad_token_provider: Callable[[], str] | None


# What ``azure_config`` takes, of an Azure client's options; the rest are the client's own.
_AZURE_CONFIG_KEYS = (
    "azure_endpoint", "azure_deployment", "api_version", "api_key", "azure_ad_token",
    "azure_ad_token_provider", "base_url", "organization", "project", "default_headers",
    "default_query", "timeout", "max_retries", "sensitive_headers",
)  # fmt: skip


_POLICIES: dict[int, RetryPolicy] = {}
# ``parse_response`` once imported: it imports the models, which wait for the first response.
_PARSE: dict[str, Callable[[Request, int, Any, bytes], Any]] = {}


class Settings:
    """A client's configuration and the sans-I/O steps of a call (no I/O here)."""

    def __init__(
        self, client: str, options: ClientOptions | AzureClientOptions, azure: bool = False
    ) -> None:
        known = (AzureClientOptions if azure else ClientOptions).__optional_keys__
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"{client}() got unexpected keyword arguments: {unknown}")
        configure_logging(os.environ)
        if azure:
            given: dict[str, Any] = dict(options)
            picked = {key: given[key] for key in _AZURE_CONFIG_KEYS if key in given}
            from runs_core import azure_config  # Azure clients only

            self.config = azure_config(os.environ, **picked)
        else:
            plain = cast("ClientOptions", options)
            self.config = ClientConfig.from_env(
                os.environ,
                api_key=plain.get("api_key"),
                base_url=plain.get("base_url"),
                organization=plain.get("organization"),
                project=plain.get("project"),
                timeout=plain.get("timeout", NOT_GIVEN),
                max_retries=plain.get("max_retries"),
                default_headers=plain.get("default_headers"),
                default_query=plain.get("default_query"),
                sensitive_headers=plain.get("sensitive_headers"),
                auth_header=plain.get("auth_header"),
                auth_scheme=plain.get("auth_scheme"),
            )
        self.builder = RequestBuilder(self.config)
        self.max_body_bytes = options.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)
        # Its default lives with the SSE decoder, loaded with the first stream.
        self._max_event_size = options.get("max_event_size")
        self.max_trailing_bytes = options.get("max_trailing_bytes", DEFAULT_MAX_TRAILING_BYTES)
        # Only the limits given: a transport keeps its own defaults for the rest.
        self.pool_limits: dict[str, Any] = {
            name: options[name] for name in ("max_connections", "max_keepalive") if name in options
        }
        PoolLimits.of(**self.pool_limits)  # refused here, whatever the transport

    @property
    def max_event_size(self) -> int:
        if self._max_event_size is None:
            from runs_core import DEFAULT_MAX_EVENT_SIZE

            return DEFAULT_MAX_EVENT_SIZE
        return self._max_event_size

    @classmethod
    def build(cls, client: str, **options: Unpack[ClientOptions]) -> Settings:
        """Settings from a client's keyword arguments (unknown ones are refused)."""
        return cls(client, options)

    def new_decoder(self, request: Request, request_id: str | None) -> AssistantStreamDecoder:
        """A decoder for one stream, with this client's limits; its errors name
        ``request`` and the response's ``request_id``."""
        from runs_core import AssistantStreamDecoder

        return AssistantStreamDecoder(
            max_event_size=self.max_event_size,
            max_trailing_bytes=self.max_trailing_bytes,
            request=request,
            request_id=request_id,
        )

    @staticmethod
    def idempotency_key() -> str:
        """A fresh key per call; every retry of that call repeats it."""
        import uuid  # on the first call that needs a key, not at import

        return f"runs-{uuid.uuid4().hex}"

    @staticmethod
    def send_flow(request: Request) -> Flow[Response]:
        """Send ``request``, retrying as its ``max_retries`` and the server allow."""
        policy = _POLICIES.get(request.max_retries)
        if policy is None:  # frozen, so one per retry count serves every call
            policy = _POLICIES[request.max_retries] = RetryPolicy(max_retries=request.max_retries)
        return send_with_retries(request, policy, now=time.time, jitter=random.random)

    def poll_flow(
        self, request: Request, interval_ms: int | NotGiven, deadline: float | None
    ) -> Flow[Run]:
        """Send ``request`` (which returns a run), then poll the run until it stops."""
        from runs_core import send_and_poll

        interval = None if isinstance(interval_ms, NotGiven) else interval_ms / 1000.0
        return send_and_poll(
            self.builder, request, interval=interval, timeout=deadline,
            now=time.time, monotonic=time.monotonic, jitter=random.random,
        )  # fmt: skip

    @staticmethod
    def parse(request: Request, response: Response) -> Any:
        """The typed result of a buffered response (the models load on first use)."""
        parse = _PARSE.get("parse")
        if parse is None:
            from runs_core import parse_response

            parse = _PARSE["parse"] = parse_response
        return parse(request, response.status, response.headers, response.body or b"")

    def __repr__(self) -> str:
        return f"Settings(base_url={self.config.base_url!r})"
