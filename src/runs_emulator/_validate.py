"""Strict request checks: JSON parsing, the contract's schemas, query parameters.

Every body is parsed strictly (no ``NaN``/``Infinity``, no number that overflows to
infinity, no unpaired surrogate, at most ``MAX_DEPTH`` levels of nesting) and then checked
against the operation's request schema from ``_contract``. The first problem found is
raised as an ``ApiError`` in the real API's shape, with ``param`` naming the offending
parameter by its path (``tools[0].function.name``).

Beyond the contract, the limits the real service enforces and the contract only
describes in prose: ``limit`` between 1 and 100; metadata with at most 16 keys, keys of at
most 64 characters and string values of at most 512.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from ._contract import EXTRA_OPERATIONS, EXTRA_SCHEMAS, OPERATIONS, SCHEMAS
from ._errors import ApiError, bad_json, invalid_type, json_kind, missing_param, unknown_param

MAX_DEPTH = 64
REF_PREFIX = "#/components/schemas/"
ALL_SCHEMAS: dict[str, Any] = {**SCHEMAS, **EXTRA_SCHEMAS}
ALL_OPERATIONS: dict[str, dict[str, Any]] = {**OPERATIONS, **EXTRA_OPERATIONS}

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

_KIND_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a decimal",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
}
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")


# -- parsing ------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:20]} overflows")
    return value


def too_deep() -> ApiError:
    return ApiError(
        400,
        f"The request body is nested too deeply: at most {MAX_DEPTH} levels of objects and "
        "arrays are accepted.",
        code="invalid_value",
    )


def parse_json(raw: bytes) -> Any:
    """Parse a body strictly; raise the real API's bad-JSON error for anything else."""
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise too_deep() from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, int too long, NaN, 1e400
        raise bad_json() from None
    _check_tree(value)
    return value


def _check_tree(value: Any) -> None:
    """Depth and text checks, without recursion (the tree may be arbitrarily deep)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
        elif isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise too_deep()
            if isinstance(node, dict):
                for key, item in node.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no UTF-8 for it
            raise bad_json() from None


def json_body(raw: bytes, *, required: bool = True) -> dict[str, Any]:
    if not raw.strip():
        if required:
            raise bad_json()
        return {}
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_json()
    return body


# -- schemas ------------------------------------------------------------------------------


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _quote_list(values: list[Any]) -> str:
    quoted = [f"'{value}'" for value in values]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def _matches_kind(kind: str | None, value: Any) -> bool:
    if kind is None:
        return True
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    return json_kind(value) == kind or (kind == "number" and json_kind(value) == "integer")


def _expected(kinds: list[str]) -> str:
    names = list(dict.fromkeys(_KIND_NAMES.get(kind, kind) for kind in kinds))
    if len(names) == 1:
        return names[0]
    return "one of " + ", ".join(names[:-1]) + f" or {names[-1]}"


def _type_error(path: str, kinds: list[str], value: Any) -> ApiError:
    return invalid_type(path, _expected(kinds), value)


def _range_error(path: str, value: Any, bound: Any, *, above: bool, integer: bool) -> ApiError:
    kind = "integer" if integer else "decimal"
    side, sign = ("above maximum", "<=") if above else ("below minimum", ">=")
    return ApiError(
        400,
        f"Invalid '{path}': {kind} {side} value. Expected a value {sign} {bound}, but got "
        f"{value} instead.",
        param=path,
        code=f"{kind}_{'above_max' if above else 'below_min'}_value",
    )


def invalid_value(path: str, value: Any, allowed: list[Any]) -> ApiError:
    shown = value if isinstance(value, str) else json.dumps(value)
    if len(shown) > 100:
        shown = shown[:100] + "..."
    return ApiError(
        400,
        f"Invalid value: '{shown}'. Supported values are: {_quote_list(allowed)}.",
        param=path,
        code="invalid_value",
    )


class Validator:
    """Checks a JSON value against the subset of JSON Schema the contract uses."""

    def __init__(
        self,
        schemas: dict[str, Any],
        hooks: dict[str, Callable[[Any, str], None]] | None = None,
    ) -> None:
        self.schemas = schemas
        self.hooks = hooks or {}

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].removeprefix(REF_PREFIX)]
        return schema

    def check(self, schema: dict[str, Any], value: Any, path: str) -> None:
        if "$ref" in schema:
            name = schema["$ref"].removeprefix(REF_PREFIX)
            self.check(self.schemas[name], value, path)
            hook = self.hooks.get(name)
            if hook is not None:
                hook(value, path)
            return
        if "allOf" in schema:
            for member in schema["allOf"]:
                self.check(member, value, path)
        if "anyOf" in schema:
            self._union(schema["anyOf"], value, path)
        if "oneOf" in schema:
            self._union(schema["oneOf"], value, path, exclusive=True)
        kind = schema.get("type")
        if kind is not None and not _matches_kind(kind, value):
            raise _type_error(path, [kind], value)
        if "enum" in schema and value not in schema["enum"]:
            raise invalid_value(path, value, schema["enum"])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            integer = kind == "integer"
            if "minimum" in schema and value < schema["minimum"]:
                raise _range_error(path, value, schema["minimum"], above=False, integer=integer)
            if "maximum" in schema and value > schema["maximum"]:
                raise _range_error(path, value, schema["maximum"], above=True, integer=integer)
        if isinstance(value, str) and "maxLength" in schema and len(value) > schema["maxLength"]:
            raise ApiError(
                400,
                f"Invalid '{path}': string too long. Expected a string with maximum length "
                f"{schema['maxLength']}, but got a string with length {len(value)} instead.",
                param=path,
                code="string_above_max_length",
            )
        if isinstance(value, list):
            self._array(schema, value, path)
        elif isinstance(value, dict):
            self._object(schema, value, path)

    def _array(self, schema: dict[str, Any], value: list[Any], path: str) -> None:
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise ApiError(
                400,
                f"Invalid '{path}': array too long. Expected an array with maximum length "
                f"{schema['maxItems']}, but got an array with length {len(value)} instead.",
                param=path,
                code="array_above_max_length",
            )
        if "minItems" in schema and len(value) < schema["minItems"]:
            raise ApiError(
                400,
                f"Invalid '{path}': empty array. Expected an array with minimum length "
                f"{schema['minItems']}, but got an empty array instead.",
                param=path,
                code="empty_array",
            )
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(value):
                self.check(items, item, f"{path}[{index}]")

    def _object(self, schema: dict[str, Any], value: dict[str, Any], path: str) -> None:
        properties: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if extra is False:
            for name in value:
                if name not in properties:
                    raise unknown_param(_join(path, name))
        for name in schema.get("required", ()):
            if name not in value:
                raise missing_param(_join(path, name))
        for name, item in value.items():
            if name in properties:
                self.check(properties[name], item, _join(path, name))
            elif isinstance(extra, dict):
                self.check(extra, item, _join(path, name))

    def _leaves(self, branches: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The alternatives of a union, nested unions flattened and references followed."""
        leaves: list[dict[str, Any]] = []
        for branch in branches:
            target = self.resolve(branch)
            nested = target.get("anyOf") or target.get("oneOf")
            if nested is not None and "type" not in target:
                leaves.extend(self._leaves(nested))
            elif "allOf" in target and len(target["allOf"]) == 1 and len(target) == 1:
                leaves.extend(self._leaves(target["allOf"]))
            else:
                leaves.append(branch)
        return leaves

    def _union(
        self, branches: list[dict[str, Any]], value: Any, path: str, *, exclusive: bool = False
    ) -> None:
        """``value`` must fit one of ``branches``; with ``exclusive`` (``oneOf``) exactly one.

        Exclusivity matters for alternatives told apart only by which properties they
        require (``file_search`` tool resources: ``vector_store_ids`` or
        ``vector_stores``, never both); typed or tagged alternatives never overlap.
        """
        leaves = self._leaves(branches)
        fitting = [b for b in leaves if _matches_kind(self.resolve(b).get("type"), value)]
        if not fitting:
            kinds = [self.resolve(b).get("type") or "any" for b in leaves]
            raise _type_error(path, [k for k in kinds if k != "null"] or kinds, value)
        if len(fitting) > 1 and isinstance(value, dict):
            fitting = self._by_discriminator(fitting, value, path)
        first_error: ApiError | None = None
        for index, branch in enumerate(fitting):
            try:
                self.check(branch, value, path)
            except ApiError as err:
                first_error = first_error or err
                continue
            if exclusive and any(self._fits(other, value) for other in fitting[index + 1 :]):
                raise ApiError(
                    400,
                    f"Invalid '{path}': the value matches more than one of the accepted "
                    "shapes; exactly one is allowed.",
                    param=path,
                    code="invalid_value",
                )
            return
        assert first_error is not None
        raise first_error

    def _fits(self, schema: dict[str, Any], value: Any) -> bool:
        try:
            self.check(schema, value, "")
        except ApiError:
            return False
        return True

    def _by_discriminator(
        self, branches: list[dict[str, Any]], value: dict[str, Any], path: str
    ) -> list[dict[str, Any]]:
        """Object alternatives told apart by their ``type`` property, as the API's are."""
        tags: list[tuple[list[Any], dict[str, Any]]] = []
        for branch in branches:
            enum = self.resolve(branch).get("properties", {}).get("type", {}).get("enum")
            if enum is None:
                return branches
            tags.append((enum, branch))
        if "type" not in value:
            raise missing_param(_join(path, "type"))
        chosen = [branch for enum, branch in tags if value["type"] in enum]
        if not chosen:
            allowed = [tag for enum, _ in tags for tag in enum]
            if not isinstance(value["type"], str):
                raise invalid_type(_join(path, "type"), "a string", value["type"])
            raise invalid_value(_join(path, "type"), value["type"], allowed)
        return chosen


# -- limits the contract states in prose ----------------------------------------------------


def metadata_limits(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        return
    if len(value) > 16:
        raise ApiError(
            400,
            f"Invalid '{path}': too many properties. Expected an object with at most 16 "
            f"properties, but got an object with {len(value)} properties instead.",
            param=path,
            code="object_above_max_properties",
        )
    for key, item in value.items():
        if len(key) > 64:
            raise ApiError(
                400,
                f"Invalid '{path}': key '{key[:20]}...' is longer than 64 characters.",
                param=path,
                code="invalid_value",
            )
        if isinstance(item, str) and len(item) > 512:
            raise ApiError(
                400,
                f"Invalid '{path}.{key}': string too long. Expected a string with maximum "
                f"length 512, but got a string with length {len(item)} instead.",
                param=f"{path}.{key}",
                code="string_above_max_length",
            )


VALIDATOR = Validator(ALL_SCHEMAS, {"Metadata": metadata_limits})


def body_for(operation: str, raw: bytes) -> dict[str, Any]:
    """The operation's JSON body, parsed and checked; ``{}`` for an operation without one.

    An operation the contract gives no body (cancel) accepts nothing or an empty object.
    """
    spec = ALL_OPERATIONS[operation]
    name = spec["body"]
    if name is None:
        body = json_body(raw, required=False)
        VALIDATOR.check({"type": "object", "additionalProperties": False}, body, "")
        return body
    body = json_body(raw, required=spec["body_required"])
    VALIDATOR.check({"$ref": REF_PREFIX + name}, body, "")
    return body


def query_for(operation: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The operation's query parameters, typed and checked; unknown ones are ignored.

    A scalar parameter given twice takes its first value; an array parameter
    (``include[]``) takes all of them.
    """
    params: dict[str, Any] = ALL_OPERATIONS[operation]["query"]
    out: dict[str, Any] = {}
    for name, schema in params.items():
        values = [value for key, value in pairs if key == name]
        if not values:
            continue
        if schema["type"] == "array":
            for item in values:  # the API names the parameter, not an index into it
                VALIDATOR.check(schema["items"], item, name)
            out[name] = values
            continue
        raw = values[0]
        typed: Any = raw
        if schema["type"] == "integer":
            if not _INTEGER.match(raw):
                raise ApiError(
                    400,
                    f"Invalid '{name}': expected an integer, but got '{raw[:100]}' instead.",
                    param=name,
                    code="invalid_type",
                )
            typed = int(raw)
        VALIDATOR.check(schema, typed, name)
        out[name] = typed
    limit = out.get("limit")
    if limit is not None:
        if limit < 1:
            raise _range_error("limit", limit, 1, above=False, integer=True)
        if limit > 100:
            raise _range_error("limit", limit, 100, above=True, integer=True)
    return out


# -- reading checked bodies -----------------------------------------------------------------


def run_options(body: dict[str, Any]) -> dict[str, Any]:
    """The sampling and tool options a run reports: given values, else the defaults."""
    options: dict[str, Any] = {}
    for name, default in RUN_OPTION_DEFAULTS.items():
        value = body.get(name)
        if isinstance(value, float) and name.startswith("max_"):
            value = int(value)  # 512.0 is an integer to the contract; report it as one
        options[name] = default if value is None else value
    return options


def message_content(content: Any) -> list[dict[str, Any]]:
    """A user message's content as the API returns it: a string becomes one text part,
    a request text part (``{"type": "text", "text": "..."}``) becomes a text part with
    ``value`` and no annotations, and image parts come back as they were sent.

    Only the contract's fields are kept (the body was checked against it already), so
    what a client reads back is exactly what it sent, in the response's shape.
    """
    if isinstance(content, str):
        return [_text_part(content)]
    parts: list[dict[str, Any]] = []
    for part in content:
        kind = part["type"]
        if kind == "text":
            parts.append(_text_part(part["text"]))
        elif kind == "image_file":
            image = part["image_file"]
            parts.append({"type": kind, kind: _pick(image, ("file_id", "detail"))})
        else:  # image_url: the only other part the contract allows
            image = part["image_url"]
            parts.append({"type": kind, kind: _pick(image, ("url", "detail"))})
    return parts


def message_attachments(value: Any) -> list[dict[str, Any]]:
    """A message's ``attachments`` as stored and returned (null or absent: none)."""
    if not isinstance(value, list):
        return []
    kept: list[dict[str, Any]] = []
    for item in value:
        # The contract requires neither field of an item (its ``required`` sits on the
        # array), so keep what was given, each tool reduced to its type.
        entry: dict[str, Any] = {}
        if "file_id" in item:
            entry["file_id"] = item["file_id"]
        if "tools" in item:
            entry["tools"] = [{"type": tool["type"]} for tool in item["tools"]]
        kept.append(entry)
    return kept


def _text_part(text: str) -> dict[str, Any]:
    return {"type": "text", "text": {"value": text, "annotations": []}}


def _pick(source: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: source[name] for name in names if name in source}
