"""API errors shaped like the real service's, so clients exercise their real error paths.

Handlers raise `ApiError`; the HTTP layer turns it into a status line and the
`{"error": {...}}` body that OpenAI sends, with the same messages where they are known.
"""

from __future__ import annotations

from typing import Any

NO_KEY_MESSAGE = (
    "You didn't provide an API key. You need to provide your API key in an Authorization "
    "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field "
    "(with blank username) if you're accessing the API from your browser and are prompted for "
    "a username. You can obtain an API key from https://platform.openai.com/account/api-keys."
)

BAD_JSON_MESSAGE = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
    "us through our help center at help.openai.com.)"
)


class ApiError(Exception):
    """An error response the emulator deliberately sends, as the real API would."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or []

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def redact_key(key: str) -> str:
    """Mask a key the way the real API echoes it back: enough to recognise, not to reuse.

    Keys shorter than 20 characters are masked whole (showing 7 characters of a short key
    would give most of it away); the mask never shows the length of the hidden part.
    """
    if len(key) < 20:
        return "****"
    return f"{key[:3]}****{key[-4:]}"


def missing_key() -> ApiError:
    return ApiError(401, NO_KEY_MESSAGE)


def wrong_key(key: str) -> ApiError:
    return ApiError(
        401,
        f"Incorrect API key provided: {redact_key(key)}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def not_found(kind: str, object_id: str) -> ApiError:
    return ApiError(404, f"No {kind} found with id '{object_id}'.")


def invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


def bad_json() -> ApiError:
    return ApiError(400, BAD_JSON_MESSAGE)


def missing_param(name: str) -> ApiError:
    return ApiError(
        400,
        f"Missing required parameter: '{name}'.",
        param=name,
        code="missing_required_parameter",
    )


def unknown_param(name: str) -> ApiError:
    return ApiError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")


def json_kind(value: object) -> str:
    """The JSON type of a parsed value, as JSON Schema names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_GOT = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a decimal",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


def invalid_type(name: str, expected: str, got: object) -> ApiError:
    return ApiError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {_GOT[json_kind(got)]} instead.",
        param=name,
        code="invalid_type",
    )


def injected(status: int) -> ApiError:
    """The body a fault-injected status carries: what the real API says for that status."""
    if status == 429:
        return ApiError(
            429,
            "Rate limit reached for requests. Please try again later.",
            type="requests",
            code="rate_limit_exceeded",
        )
    if status >= 500:
        message = (
            "The server is overloaded or not ready yet."
            if status == 503
            else "The server had an error while processing your request. Sorry about that!"
        )
        return ApiError(status, message, type="server_error")
    return ApiError(status, f"Injected error with status {status}.")
