"""Client-level settings, resolved once from keyword arguments and the environment.

The core never reads ``os.environ`` itself: :meth:`ClientConfig.from_env` takes the mapping
as an argument, and the adapters' clients pass ``os.environ`` when they are built.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from ._errors import InvalidRequestError
from ._frozen import Frozen
from ._request import SECRET_HEADERS
from ._types import NOT_GIVEN, NotGiven, TimeoutLike

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ClientConfig",
    "TimeoutArg",
    "timeout_seconds",
]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 2


# What a caller may pass as ``timeout`` (client-wide or per call), as in the official SDK.
TimeoutArg = float | TimeoutLike | None | NotGiven

_TIMEOUT_PHASES = ("connect", "read", "write", "pool")


def timeout_seconds(value: float | TimeoutLike | None) -> float | None:
    """The one number of seconds a :class:`Request` carries for a caller's ``timeout``.

    A number is kept and ``None`` means no limit. An ``httpx.Timeout`` (anything with its
    ``connect``/``read``/``write``/``pool`` attributes; httpx is not imported) gives its
    ``read`` timeout. The core's timeout bounds connecting and each read alike, and
    ``read`` is the phase that decides when a slow answer or a quiet stream is given up
    on; it is also the value the SDK reports as a request's timeout
    (``X-Stainless-Read-Timeout``). The shorter ``connect`` (5 s in the SDK's default)
    would cut off every stream quiet for longer than that; ``read=None`` means reads may
    wait forever, so the result is ``None``.
    """
    seconds: float | None
    if isinstance(value, bool):
        seconds = -1.0  # refused below: True is not a number of seconds
    elif value is None or isinstance(value, int | float):
        seconds = value
    elif all(hasattr(value, phase) for phase in _TIMEOUT_PHASES):
        seconds = value.read
    else:
        raise InvalidRequestError(
            f"timeout must be a number of seconds, an httpx.Timeout or None, got {value!r}"
        )
    if seconds is not None and not seconds > 0:  # ``not >`` also refuses NaN
        raise InvalidRequestError(f"timeout must be positive or None, got {value!r}")
    # An infinite timeout is no limit: sockets and event loops take None, not inf.
    return None if seconds == math.inf else seconds


def check_base_url(url: str) -> None:
    """Refuse a base URL no request could go to, naming it.

    An empty one most often comes from an unset shell variable: falling back to the
    default would send the caller's key to a service they did not choose, so it is an
    error too. Checked once, when the client is built, so every transport refuses the
    same URLs with the same message.
    """
    problem = None
    if not isinstance(url, str) or not url.strip():
        problem = "it is empty (an unset variable?); pass the server's URL, e.g. https://host/v1"
    else:
        try:
            parts = urlsplit(url)
            port = parts.port  # raises ValueError for a port that is not a number 0-65535
        except ValueError as exc:
            problem = str(exc)
        else:
            if parts.scheme.lower() not in ("http", "https"):
                problem = "it needs an http:// or https:// scheme"
            elif not parts.hostname:
                problem = "it has no host"
            elif port == 0:
                problem = "port 0 cannot be connected to"
            elif parts.query or parts.fragment or any(c.isspace() for c in url):
                problem = "it may not carry a query, a fragment or white space"
    if problem is not None:
        raise InvalidRequestError(f"invalid base_url {url!r}: {problem}")


def secret_header_names(names: Iterable[str]) -> frozenset[str]:
    """The fixed secret header names plus ``names``, in lower case."""
    if isinstance(names, str | bytes):  # one name, not an iterable of its characters
        raise InvalidRequestError("sensitive_headers must be a collection of header names")
    return SECRET_HEADERS.union(str(name).lower() for name in names)


def check_sendable(what: str, value: str) -> None:
    """Refuse a secret that cannot go in an HTTP header (a character outside Latin-1, such
    as a curly apostrophe) when the client is built, without quoting it: the transport's
    ``UnicodeEncodeError`` would carry the whole value in its ``args``."""
    position = None
    try:
        value.encode("latin-1")
    except UnicodeEncodeError as exc:
        position = exc.start
    if position is not None:  # raised here, not in the except block: no chain to the value
        raise InvalidRequestError(
            f"{what} cannot be sent in an HTTP header: its character at index {position} "
            "is not Latin-1 (a typographic quote or dash pasted with it?)"
        )


def _resolve_base_url(explicit: str | None, environ: Mapping[str, str]) -> str:
    # An explicit "" (or an OPENAI_BASE_URL set to "") is refused, never replaced by the
    # default: see check_base_url.
    url = explicit if explicit is not None else environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL)
    return url.rstrip("/") if isinstance(url, str) and url.strip() else url


def _names(names: Iterable[str] | None) -> list[str]:
    if isinstance(names, str | bytes):  # one name, not an iterable of its characters
        raise InvalidRequestError("sensitive_headers must be a collection of header names")
    return list(names or ())


def _auth_header(name: str | None) -> str:
    if name is None:
        return "Authorization"
    if not isinstance(name, str) or not name or not _TOKEN_CHARS.issuperset(name):
        raise InvalidRequestError(f"auth_header must be an HTTP header name, got {name!r}")
    return name


def _auth_scheme(scheme: str | None) -> str:
    if scheme is None:
        return "Bearer"
    if not isinstance(scheme, str) or (scheme and not _TOKEN_CHARS.issuperset(scheme)):
        raise InvalidRequestError(f"auth_scheme must be a word such as 'Bearer', got {scheme!r}")
    return scheme


# RFC 9110's token characters: what a header name (and an auth scheme) may be made of.
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _callable(provider: Callable[[], str] | None) -> Callable[[], str] | None:
    if provider is not None and not callable(provider):
        raise InvalidRequestError("the token provider must be a function returning a token")
    return provider


def _awaitable(value: object) -> bool:
    import inspect  # only for a provider that returned something else than a str

    return inspect.isawaitable(value)


def _provided_token(provider: Callable[[], str]) -> str:
    token = provider()
    if not isinstance(token, str) and _awaitable(token):
        if hasattr(token, "close"):
            token.close()  # never awaited: say why instead of warning about it later
        raise InvalidRequestError(
            "the token provider returned an awaitable; pass a plain function returning the "
            "current token (refresh it in the background if your token source is async)"
        )
    if not isinstance(token, str) or not token:
        raise InvalidRequestError("the token provider must return a non-empty string")
    check_sendable("the token from the token provider", token)
    return token


def _pairs(mapping: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (mapping or {}).items())


class ClientConfig(Frozen):
    """Everything a request builder needs to know about the client that sends the request.

    ``repr()`` shows whether an API key is set, never the key itself.
    """

    __slots__ = (
        "api_key", "auth_header", "auth_scheme", "base_url", "default_headers",
        "default_query", "max_retries", "organization", "project", "sensitive_headers",
        "timeout", "token_provider",
    )  # fmt: skip
    _fields = (
        "api_key", "base_url", "auth_header", "auth_scheme", "token_provider", "organization",
        "project", "default_headers", "default_query", "timeout", "max_retries",
        "sensitive_headers",
    )  # fmt: skip
    _compared = tuple(name for name in _fields if name != "token_provider")

    api_key: str
    base_url: str
    # How the key goes out: ``Authorization: Bearer <key>`` by default; a compatible
    # server may want another header (``api-key``) or no scheme (``auth_scheme=""``).
    auth_header: str
    auth_scheme: str
    # Called for every request built, for a token that may have been refreshed (Azure AD
    # tokens); it is sent as ``Authorization: Bearer <token>`` and ``api_key`` is unused.
    token_provider: Callable[[], str] | None
    organization: str | None
    project: str | None
    default_headers: tuple[tuple[str, str], ...]
    default_query: tuple[tuple[str, str], ...]
    timeout: float | None
    max_retries: int
    # Lower-case names of the headers whose values are secrets: the fixed set plus the
    # client's ``sensitive_headers``. Every request built carries it (see Request.redacted).
    sensitive_headers: frozenset[str]

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        auth_header: str = "Authorization",
        auth_scheme: str = "Bearer",
        token_provider: Callable[[], str] | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: tuple[tuple[str, str], ...] = (),
        default_query: tuple[tuple[str, str], ...] = (),
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sensitive_headers: Iterable[str] = SECRET_HEADERS,
    ) -> None:
        self._fill(
            api_key,
            base_url,
            auth_header,
            auth_scheme,
            token_provider,
            organization,
            project,
            default_headers,
            default_query,
            timeout,
            max_retries,
            secret_header_names(sensitive_headers),
        )
        # The checks, in field order, once every field is set.
        self._check_key(api_key)
        check_base_url(base_url)
        self._check_secrets(default_headers)

    def _check_key(self, value: str) -> None:
        if self.token_provider is not None:
            return
        if not isinstance(value, str) or not value:
            raise InvalidRequestError(
                "no API key: pass api_key=... or set the OPENAI_API_KEY environment variable"
            )
        check_sendable("the API key", value)

    def _check_secrets(self, value: tuple[tuple[str, str], ...]) -> None:
        for name, text in value:
            if name.lower() in self.sensitive_headers:
                check_sendable(f"the value of the {name!r} header", text)

    def credential(self) -> tuple[str, str]:
        """The header that authenticates a request, built for each one (a token provider
        is called here, so every request carries a current token)."""
        if self.token_provider is not None:
            return "Authorization", f"Bearer {_provided_token(self.token_provider)}"
        scheme = self.auth_scheme
        return self.auth_header, f"{scheme} {self.api_key}" if scheme else self.api_key

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
        sensitive_headers: Iterable[str] | None = None,
        auth_header: str | None = None,
        auth_scheme: str | None = None,
        token_provider: Callable[[], str] | None = None,
    ) -> ClientConfig:
        """Resolve settings: explicit arguments win, then ``OPENAI_*`` variables, then defaults.

        ``timeout`` may be an ``httpx.Timeout``: its ``read`` timeout is used (see
        :func:`timeout_seconds`). ``auth_header`` / ``auth_scheme`` change how the key is
        sent (``Authorization`` / ``Bearer`` by default); the header is then a secret too.
        """
        if max_retries is not None and max_retries < 0:
            raise InvalidRequestError(f"max_retries must be >= 0, got {max_retries}")
        resolved_timeout = (
            DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout_seconds(timeout)
        )
        return cls(
            api_key=api_key if api_key is not None else environ.get("OPENAI_API_KEY", ""),
            base_url=_resolve_base_url(base_url, environ),
            organization=organization if organization is not None else environ.get("OPENAI_ORG_ID"),
            project=project if project is not None else environ.get("OPENAI_PROJECT_ID"),
            default_headers=_pairs(default_headers),
            default_query=_pairs(default_query),
            timeout=resolved_timeout,
            max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
            sensitive_headers=[*_names(sensitive_headers), auth_header or "Authorization"],
            auth_header=_auth_header(auth_header),
            auth_scheme=_auth_scheme(auth_scheme),
            token_provider=_callable(token_provider),
        )

    def __repr__(self) -> str:
        return (
            f"ClientConfig(api_key=<{'set' if self.api_key else 'missing'}>, "
            f"base_url={self.base_url!r}, organization={self.organization!r}, "
            f"project={self.project!r}, timeout={self.timeout!r}, max_retries={self.max_retries!r})"
        )
