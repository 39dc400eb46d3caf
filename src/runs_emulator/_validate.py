"""Request-body checks with the real API's error shapes for the fields the emulator reads."""

from __future__ import annotations

import json
from typing import Any

from ._errors import ApiError, bad_json, invalid_type, missing_param, unknown_param

CREATE_RUN_FIELDS = frozenset({
    "assistant_id", "model", "reasoning_effort", "instructions", "additional_instructions",
    "additional_messages", "tools", "metadata", "temperature", "top_p", "stream",
    "max_prompt_tokens", "max_completion_tokens", "truncation_strategy", "tool_choice",
    "parallel_tool_calls", "response_format",
})  # fmt: skip

RUN_OPTION_DEFAULTS: dict[str, Any] = {
    "temperature": 1.0,
    "top_p": 1.0,
    "max_prompt_tokens": None,
    "max_completion_tokens": None,
    "truncation_strategy": {"type": "auto", "last_messages": None},
    "tool_choice": "auto",
    "parallel_tool_calls": True,
    "response_format": "auto",
}


def json_body(raw: bytes, *, required: bool = True) -> dict[str, Any]:
    if not raw.strip():
        if required:
            raise bad_json()
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_json() from None
    if not isinstance(body, dict):
        raise bad_json()
    return body


def only_fields(body: dict[str, Any], allowed: frozenset[str]) -> None:
    for name in body:
        if name not in allowed:
            raise unknown_param(name)


def metadata(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_type("metadata", "an object", value)
    if len(value) > 16:
        raise ApiError(
            400,
            "Invalid 'metadata': too many properties. Expected an object with at most 16 "
            f"properties, but got an object with {len(value)} properties instead.",
            param="metadata",
            code="object_above_max_properties",
        )
    for key, item in value.items():
        if len(key) > 64:
            raise ApiError(
                400,
                f"Invalid 'metadata': key '{key[:20]}...' is longer than 64 characters.",
                param="metadata",
                code="invalid_value",
            )
        if not isinstance(item, str):
            raise invalid_type(f"metadata.{key}", "a string", item)
        if len(item) > 512:
            raise ApiError(
                400,
                f"Invalid 'metadata.{key}': string too long. Expected a string with maximum "
                f"length 512, but got a string with length {len(item)} instead.",
                param=f"metadata.{key}",
                code="string_above_max_length",
            )
    return dict(value)


def optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid_type(name, "a string", value)
    return value


def required_str(body: dict[str, Any], name: str) -> str:
    value = optional_str(body, name)
    if value is None:
        raise missing_param(name)
    return value


def stream_flag(body: dict[str, Any]) -> bool:
    value = body.get("stream")
    if value is not None and not isinstance(value, bool):
        raise invalid_type("stream", "a boolean", value)
    return value is True


def run_options(body: dict[str, Any]) -> dict[str, Any]:
    return {
        name: default if body.get(name) is None else body[name]
        for name, default in RUN_OPTION_DEFAULTS.items()
    }


def tool_outputs(body: dict[str, Any]) -> list[dict[str, str]]:
    value = body.get("tool_outputs")
    if value is None:
        raise missing_param("tool_outputs")
    if not isinstance(value, list):
        raise invalid_type("tool_outputs", "an array", value)
    outputs: list[dict[str, str]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise invalid_type(f"tool_outputs[{index}]", "an object", item)
        outputs.append({k: str(v) for k, v in item.items() if v is not None})
    return outputs


def message_text(content: Any) -> str:
    """The text of a user message given as a string or as a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""
