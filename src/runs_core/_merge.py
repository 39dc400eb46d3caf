"""Merging a delta into a snapshot, as plain data: :func:`merge_dict` and its skeletons.

The rules (the official SDK's generic merge gets the first one wrong):

* a number or boolean in a delta *replaces* the snapshot's value, never adds to it;
* strings append only where the API streams fragments (text ``value``, ``refusal``,
  function ``arguments``, code interpreter ``input`` and ``logs``); any other string
  replaces; ``index`` picks the list item and is not kept; ``type`` is never appended.

:class:`~runs_core._accumulate.RunAccumulator` merges the hot paths (text, refusals,
function arguments, code) field by field on the models, and uses this generic merge for
the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel

__all__ = [
    "ANNOTATION_SKELETONS",
    "APPEND_KEYS",
    "CALL_SKELETONS",
    "PART_SKELETONS",
    "dump_delta",
    "merge_dict",
    "new_item",
    "skeleton_for",
]

APPEND_KEYS: Final = frozenset({"value", "refusal", "arguments", "input", "logs"})
"""Keys whose string fragments are concatenated; every other scalar replaces."""

# Required fields a first fragment may lack, so a new item always validates.
CALL_SKELETONS: Final[Mapping[str, dict[str, Any]]] = {
    "function": {"id": "", "function": {"name": "", "arguments": "", "output": None}},
    "code_interpreter": {"id": "", "code_interpreter": {"input": "", "outputs": []}},
    "file_search": {"id": "", "file_search": {}},
}
PART_SKELETONS: Final[Mapping[str, dict[str, Any]]] = {
    "text": {"text": {"value": "", "annotations": []}},
    "image_file": {"image_file": {"file_id": ""}},
    "image_url": {"image_url": {"url": ""}},
    "refusal": {"refusal": ""},
}
ANNOTATION_SKELETONS: Final[Mapping[str, dict[str, Any]]] = {
    "file_citation": {"text": "", "start_index": 0, "end_index": 0, "file_citation": {}},
    "file_path": {"text": "", "start_index": 0, "end_index": 0, "file_path": {}},
}
_NESTED_SKELETONS: Final[Mapping[str, dict[str, Any]]] = {
    "file_citation": {"file_id": ""},
    "file_path": {"file_id": ""},
    "image": {"file_id": ""},
}


def merge_dict(acc: dict[str, Any], delta: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a delta (as plain data) into ``acc`` in place, by the rules above."""
    for key, value in delta.items():
        if key == "index":
            continue
        old = acc.get(key)
        if value is None:
            acc.setdefault(key, None)
        elif isinstance(value, dict):
            acc[key] = merge_dict(old if isinstance(old, dict) else {}, value)
        elif isinstance(value, list):
            acc[key] = _merge_list(old if isinstance(old, list) else [], value)
        elif isinstance(value, str) and isinstance(old, str) and key in APPEND_KEYS:
            acc[key] = old + value
        else:
            acc[key] = value
    return acc


def _merge_list(acc: list[Any], delta: list[Any]) -> list[Any]:
    for entry in delta:
        if isinstance(entry, dict) and isinstance(entry.get("index"), int):
            index = entry["index"]
            if index < len(acc) and isinstance(acc[index], dict):
                merge_dict(acc[index], entry)
            else:
                acc.append(merge_dict(skeleton_for(entry), entry))
        else:
            acc.append(entry)  # a plain list only ever grows
    return acc


def skeleton_for(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A fresh skeleton for a new list item (annotation or code output) of ``entry``'s type."""
    kind = entry.get("type")
    if kind == "logs":
        return {"type": "logs", "logs": ""}
    if kind == "image":
        return {"type": "image", "image": {"file_id": ""}}
    return dict(ANNOTATION_SKELETONS.get(kind, {})) if isinstance(kind, str) else {}


def dump_delta(model: BaseModel) -> dict[str, Any]:
    """A delta model as plain data: only the fields the server sent."""
    return model.model_dump(exclude_unset=True)


def new_item(skeleton: Mapping[str, Any] | None, delta: BaseModel) -> dict[str, Any]:
    """The data of a new item: a copy of ``skeleton`` with its first ``delta`` merged in."""
    data: dict[str, Any] = {}
    for key, value in (skeleton or {}).items():
        data[key] = dict(value) if isinstance(value, dict) else value
    for key, nested in _NESTED_SKELETONS.items():
        if isinstance(data.get(key), dict):
            data[key] = {**nested, **data[key]}
    return merge_dict(data, dump_delta(delta))
