"""Where a request's key is expected, and the Azure OpenAI way of serving the API.

Three ways of presenting a key are served, because clients are pointed at three kinds
of server:

- OpenAI (the default): ``Authorization: Bearer <key>``.
- Azure OpenAI (``azure=True``): ``api-key: <key>``, or ``Authorization: Bearer <token>``
  (Microsoft Entra ID tokens; the official ``AzureOpenAI`` client sends one or the
  other). The API is served under ``/openai`` and every request must name an
  ``api-version`` query parameter, as Azure's does.
- A gateway or proxy (``auth_header="X-Api-Key"``): the key alone in that header, or
  ``<scheme> <key>`` when ``auth_scheme`` is given.

Without a configured key any non-empty key (or token) is accepted; with one, the key
presented (a bearer token included) must be that key. The HTTP layer compares keys as
digests, in constant time; none is ever shown whole in an error.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

from ._errors import ApiError, missing_key, wrong_key

# What ``check`` needs of a request: its first value of a header, by lower-case name.
HeaderLookup = Callable[[str], "str | None"]
# Whether a presented key is the server's (always true when it has none).
KeyCheck = Callable[[str], bool]
AZURE_PREFIX = "/openai"
API_PREFIX = "/v1"
# What Azure OpenAI answers for a bad or missing key: the same message either way.
AZURE_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
    "provide a valid key for an active subscription and use a correct regional API "
    "endpoint for your resource."
)


def azure_denied() -> ApiError:
    return ApiError(401, AZURE_DENIED, code="401")


def azure_not_found() -> ApiError:
    """Azure's answer to a request outside ``/openai/...`` or without ``api-version``."""
    return ApiError(404, "Resource not found", code="404")


@dataclass(frozen=True)
class AuthScheme:
    """How keys are presented (see the module docstring); the key itself is kept apart,
    as a digest."""

    azure: bool = False
    header: str | None = None  # a gateway's header (lower case); None: the default
    scheme: str | None = None  # with ``header``: the word before the key, if any

    def __post_init__(self) -> None:
        if self.azure and self.header is not None:
            raise ValueError("auth_header cannot be combined with azure (Azure uses api-key)")
        if self.scheme is not None and self.header is None:
            raise ValueError("auth_scheme needs auth_header")
        if self.header is not None and (not self.header or not _is_token(self.header)):
            raise ValueError(f"auth_header {self.header!r} is not an HTTP header name")
        if self.scheme is not None and (not self.scheme or not _is_token(self.scheme)):
            raise ValueError(f"auth_scheme {self.scheme!r} is not a single word")

    @classmethod
    def of(cls, *, azure: bool, header: str | None, scheme: str | None) -> AuthScheme:
        return cls(azure, header.lower() if header is not None else None, scheme)

    @property
    def secret_header(self) -> str | None:
        """The gateway header carrying the key, masked in the request log like the rest."""
        return self.header

    def check(self, headers: HeaderLookup, matches: KeyCheck) -> None:
        """Raise the server's 401 unless the request presents a key ``matches`` accepts
        (the HTTP layer compares it with the configured key, if there is one)."""
        if self.header is not None:
            self._check_header(headers, matches)
        elif self.azure:
            self._check_azure(headers, matches)
        else:
            key = _bearer(headers("authorization"))
            if key is None:
                raise missing_key()
            if not matches(key):
                raise wrong_key(key)

    def _check_header(self, headers: HeaderLookup, matches: KeyCheck) -> None:
        assert self.header is not None
        raw = (headers(self.header) or "").strip()
        key: str | None = raw or None
        if self.scheme is not None:
            word, _, rest = raw.partition(" ")
            key = rest.strip() if word.lower() == self.scheme.lower() and rest.strip() else None
        if key is None:
            shown = f"{self.scheme} <key>" if self.scheme is not None else "<key>"
            raise ApiError(
                401,
                f"You didn't provide an API key. Provide it in the {self.header} header "
                f"({self.header}: {shown}).",
            )
        if not matches(key):
            raise wrong_key(key)

    def _check_azure(self, headers: HeaderLookup, matches: KeyCheck) -> None:
        api_key = (headers("api-key") or "").strip()
        key = api_key or _bearer(headers("authorization"))
        if key is None or not matches(key):
            raise azure_denied()


def _bearer(value: str | None) -> str | None:
    scheme, _, key = (value or "").partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)


def _is_token(text: str) -> bool:
    return all(char in _TOKEN_CHARS for char in text)
