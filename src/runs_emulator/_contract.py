"""The request side of the wire contract, carried inside the package.

``SCHEMAS`` and ``OPERATIONS`` are the request schemas and query parameters of every
operation in the cut of OpenAI's OpenAPI description the tests keep in
``tests/contract/assistants.yaml`` (assistants, threads, messages, create-and-run, runs
and run steps), reduced to what validation needs: descriptions, examples, defaults,
formats and ``x-`` annotations dropped, and OpenAPI 3.0's ``nullable: true`` rewritten
as ``{"anyOf": [schema, {"type": "null"}]}``. A test recomputes both from the contract
file and compares, so they cannot drift apart. The emulator never reads that file: it
must run from an installed package.

``EXTRA_SCHEMAS`` and ``EXTRA_OPERATIONS`` are for anything served beyond the contract
(nothing, now that the contract covers every operation the emulator serves).
"""

from __future__ import annotations

from typing import Any

_CODE_INTERPRETER: dict[str, Any] = {
    "type": "object",
    "properties": {"file_ids": {"type": "array", "maxItems": 20, "items": {"type": "string"}}},
}
_VECTOR_STORE_IDS: dict[str, Any] = {"type": "array", "maxItems": 1, "items": {"type": "string"}}

_TOOL_RESOURCES: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "properties": {
                "code_interpreter": _CODE_INTERPRETER,
                "file_search": {
                    "type": "object",
                    "properties": {"vector_store_ids": _VECTOR_STORE_IDS},
                },
            },
        },
        {"type": "null"},
    ]
}
"""``tool_resources`` as a thread, assistant or run refers to existing vector stores."""

_TOOL_RESOURCES_CREATING_STORES: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "properties": {
                "code_interpreter": _CODE_INTERPRETER,
                "file_search": {
                    "type": "object",
                    "properties": {
                        "vector_store_ids": _VECTOR_STORE_IDS,
                        "vector_stores": {
                            "type": "array",
                            "maxItems": 1,
                            "items": {
                                "type": "object",
                                "properties": {
                                    "file_ids": {
                                        "type": "array",
                                        "maxItems": 100000000,
                                        "items": {"type": "string"},
                                    },
                                    "chunking_strategy": {
                                        "type": "object",
                                        "oneOf": [
                                            {
                                                "type": "object",
                                                "additionalProperties": False,
                                                "properties": {
                                                    "type": {
                                                        "type": "string",
                                                        "enum": ["auto"],
                                                    }
                                                },
                                                "required": ["type"],
                                            },
                                            {
                                                "type": "object",
                                                "additionalProperties": False,
                                                "properties": {
                                                    "type": {
                                                        "type": "string",
                                                        "enum": ["static"],
                                                    },
                                                    "static": {
                                                        "type": "object",
                                                        "additionalProperties": False,
                                                        "properties": {
                                                            "max_chunk_size_tokens": {
                                                                "type": "integer",
                                                                "minimum": 100,
                                                                "maximum": 4096,
                                                            },
                                                            "chunk_overlap_tokens": {
                                                                "type": "integer"
                                                            },
                                                        },
                                                        "required": [
                                                            "max_chunk_size_tokens",
                                                            "chunk_overlap_tokens",
                                                        ],
                                                    },
                                                },
                                                "required": ["type", "static"],
                                            },
                                        ],
                                    },
                                    "metadata": {"$ref": "#/components/schemas/Metadata"},
                                },
                            },
                        },
                    },
                    "oneOf": [
                        {"required": ["vector_store_ids"]},
                        {"required": ["vector_stores"]},
                    ],
                },
            },
        },
        {"type": "null"},
    ]
}
"""``tool_resources`` of a create request, which may also create vector stores."""

_RUN_SETTINGS: dict[str, Any] = {
    "metadata": {"$ref": "#/components/schemas/Metadata"},
    "temperature": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 2}, {"type": "null"}]},
    "top_p": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]},
    "stream": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
    "max_prompt_tokens": {"anyOf": [{"type": "integer", "minimum": 256}, {"type": "null"}]},
    "max_completion_tokens": {"anyOf": [{"type": "integer", "minimum": 256}, {"type": "null"}]},
    "truncation_strategy": {
        "anyOf": [
            {"allOf": [{"$ref": "#/components/schemas/TruncationObject"}]},
            {"type": "null"},
        ]
    },
    "tool_choice": {
        "anyOf": [
            {"allOf": [{"$ref": "#/components/schemas/AssistantsApiToolChoiceOption"}]},
            {"type": "null"},
        ]
    },
    "parallel_tool_calls": {"$ref": "#/components/schemas/ParallelToolCalls"},
    "response_format": {
        "anyOf": [
            {"$ref": "#/components/schemas/AssistantsApiResponseFormatOption"},
            {"type": "null"},
        ]
    },
}
"""The run settings a run request and a create-and-run request share, from ``metadata`` on."""

SCHEMAS: dict[str, Any] = {
    "AssistantSupportedModels": {
        "type": "string",
        "enum": [
            "gpt-5",
            "gpt-5-mini",
            "gpt-5-nano",
            "gpt-5-2025-08-07",
            "gpt-5-mini-2025-08-07",
            "gpt-5-nano-2025-08-07",
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "gpt-4.1-2025-04-14",
            "gpt-4.1-mini-2025-04-14",
            "gpt-4.1-nano-2025-04-14",
            "o3-mini",
            "o3-mini-2025-01-31",
            "o1",
            "o1-2024-12-17",
            "gpt-4o",
            "gpt-4o-2024-11-20",
            "gpt-4o-2024-08-06",
            "gpt-4o-2024-05-13",
            "gpt-4o-mini",
            "gpt-4o-mini-2024-07-18",
            "gpt-4.5-preview",
            "gpt-4.5-preview-2025-02-27",
            "gpt-4-turbo",
            "gpt-4-turbo-2024-04-09",
            "gpt-4-0125-preview",
            "gpt-4-turbo-preview",
            "gpt-4-1106-preview",
            "gpt-4-vision-preview",
            "gpt-4",
            "gpt-4-0314",
            "gpt-4-0613",
            "gpt-4-32k",
            "gpt-4-32k-0314",
            "gpt-4-32k-0613",
            "gpt-3.5-turbo",
            "gpt-3.5-turbo-16k",
            "gpt-3.5-turbo-0613",
            "gpt-3.5-turbo-1106",
            "gpt-3.5-turbo-0125",
            "gpt-3.5-turbo-16k-0613",
        ],
    },
    "AssistantToolsCode": {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["code_interpreter"]}},
        "required": ["type"],
    },
    "AssistantToolsFileSearch": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["file_search"]},
            "file_search": {
                "type": "object",
                "properties": {
                    "max_num_results": {"type": "integer", "minimum": 1, "maximum": 50},
                    "ranking_options": {"$ref": "#/components/schemas/FileSearchRankingOptions"},
                },
            },
        },
        "required": ["type"],
    },
    "AssistantToolsFileSearchTypeOnly": {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["file_search"]}},
        "required": ["type"],
    },
    "AssistantToolsFunction": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["function"]},
            "function": {"$ref": "#/components/schemas/FunctionObject"},
        },
        "required": ["type", "function"],
    },
    "AssistantsApiResponseFormatOption": {
        "oneOf": [
            {"type": "string", "enum": ["auto"]},
            {"$ref": "#/components/schemas/ResponseFormatText"},
            {"$ref": "#/components/schemas/ResponseFormatJsonObject"},
            {"$ref": "#/components/schemas/ResponseFormatJsonSchema"},
        ]
    },
    "AssistantsApiToolChoiceOption": {
        "oneOf": [
            {"type": "string", "enum": ["none", "auto", "required"]},
            {"$ref": "#/components/schemas/AssistantsNamedToolChoice"},
        ]
    },
    "AssistantsNamedToolChoice": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["function", "code_interpreter", "file_search"]},
            "function": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
        },
        "required": ["type"],
    },
    "CreateAssistantRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "model": {
                "anyOf": [
                    {"type": "string"},
                    {"$ref": "#/components/schemas/AssistantSupportedModels"},
                ]
            },
            "name": {"anyOf": [{"type": "string", "maxLength": 256}, {"type": "null"}]},
            "description": {"anyOf": [{"type": "string", "maxLength": 512}, {"type": "null"}]},
            "instructions": {"anyOf": [{"type": "string", "maxLength": 256000}, {"type": "null"}]},
            "reasoning_effort": {"$ref": "#/components/schemas/ReasoningEffort"},
            "tools": {
                "type": "array",
                "maxItems": 128,
                "items": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/AssistantToolsCode"},
                        {"$ref": "#/components/schemas/AssistantToolsFileSearch"},
                        {"$ref": "#/components/schemas/AssistantToolsFunction"},
                    ]
                },
            },
            "tool_resources": _TOOL_RESOURCES_CREATING_STORES,
            "metadata": {"$ref": "#/components/schemas/Metadata"},
            "temperature": {
                "anyOf": [{"type": "number", "minimum": 0, "maximum": 2}, {"type": "null"}]
            },
            "top_p": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]},
            "response_format": {
                "anyOf": [
                    {"$ref": "#/components/schemas/AssistantsApiResponseFormatOption"},
                    {"type": "null"},
                ]
            },
        },
        "required": ["model"],
    },
    "CreateMessageRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["role", "content"],
        "properties": {
            "role": {"type": "string", "enum": ["user", "assistant"]},
            "content": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "array",
                        "items": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/MessageContentImageFileObject"},
                                {"$ref": "#/components/schemas/MessageContentImageUrlObject"},
                                {"$ref": "#/components/schemas/MessageRequestContentTextObject"},
                            ]
                        },
                        "minItems": 1,
                    },
                ]
            },
            "attachments": {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "file_id": {"type": "string"},
                                "tools": {
                                    "type": "array",
                                    "items": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/AssistantToolsCode"},
                                            {
                                                "$ref": "#/components/schemas/AssistantToolsFileSearchTypeOnly"  # noqa: E501
                                            },
                                        ]
                                    },
                                },
                            },
                        },
                        "required": ["file_id", "tools"],
                    },
                    {"type": "null"},
                ]
            },
            "metadata": {"$ref": "#/components/schemas/Metadata"},
        },
    },
    "CreateRunRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "assistant_id": {"type": "string"},
            "model": {
                "anyOf": [
                    {
                        "anyOf": [
                            {"type": "string"},
                            {"$ref": "#/components/schemas/AssistantSupportedModels"},
                        ]
                    },
                    {"type": "null"},
                ]
            },
            "reasoning_effort": {"$ref": "#/components/schemas/ReasoningEffort"},
            "instructions": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "additional_instructions": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "additional_messages": {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/CreateMessageRequest"},
                    },
                    {"type": "null"},
                ]
            },
            "tools": {
                "anyOf": [
                    {
                        "type": "array",
                        "maxItems": 20,
                        "items": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/AssistantToolsCode"},
                                {"$ref": "#/components/schemas/AssistantToolsFileSearch"},
                                {"$ref": "#/components/schemas/AssistantToolsFunction"},
                            ]
                        },
                    },
                    {"type": "null"},
                ]
            },
            **_RUN_SETTINGS,
        },
        "required": ["assistant_id"],
    },
    "CreateThreadAndRunRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "assistant_id": {"type": "string"},
            "thread": {"$ref": "#/components/schemas/CreateThreadRequest"},
            "model": {
                "anyOf": [
                    {
                        "anyOf": [
                            {"type": "string"},
                            {
                                "type": "string",
                                "enum": [
                                    "gpt-5",
                                    "gpt-5-mini",
                                    "gpt-5-nano",
                                    "gpt-5-2025-08-07",
                                    "gpt-5-mini-2025-08-07",
                                    "gpt-5-nano-2025-08-07",
                                    "gpt-4.1",
                                    "gpt-4.1-mini",
                                    "gpt-4.1-nano",
                                    "gpt-4.1-2025-04-14",
                                    "gpt-4.1-mini-2025-04-14",
                                    "gpt-4.1-nano-2025-04-14",
                                    "gpt-4o",
                                    "gpt-4o-2024-11-20",
                                    "gpt-4o-2024-08-06",
                                    "gpt-4o-2024-05-13",
                                    "gpt-4o-mini",
                                    "gpt-4o-mini-2024-07-18",
                                    "gpt-4.5-preview",
                                    "gpt-4.5-preview-2025-02-27",
                                    "gpt-4-turbo",
                                    "gpt-4-turbo-2024-04-09",
                                    "gpt-4-0125-preview",
                                    "gpt-4-turbo-preview",
                                    "gpt-4-1106-preview",
                                    "gpt-4-vision-preview",
                                    "gpt-4",
                                    "gpt-4-0314",
                                    "gpt-4-0613",
                                    "gpt-4-32k",
                                    "gpt-4-32k-0314",
                                    "gpt-4-32k-0613",
                                    "gpt-3.5-turbo",
                                    "gpt-3.5-turbo-16k",
                                    "gpt-3.5-turbo-0613",
                                    "gpt-3.5-turbo-1106",
                                    "gpt-3.5-turbo-0125",
                                    "gpt-3.5-turbo-16k-0613",
                                ],
                            },
                        ]
                    },
                    {"type": "null"},
                ]
            },
            "instructions": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "tools": {
                "anyOf": [
                    {
                        "type": "array",
                        "maxItems": 20,
                        "items": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/AssistantToolsCode"},
                                {"$ref": "#/components/schemas/AssistantToolsFileSearch"},
                                {"$ref": "#/components/schemas/AssistantToolsFunction"},
                            ]
                        },
                    },
                    {"type": "null"},
                ]
            },
            "tool_resources": _TOOL_RESOURCES,
            **_RUN_SETTINGS,
        },
        "required": ["assistant_id"],
    },
    "CreateThreadRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "messages": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/CreateMessageRequest"},
            },
            "tool_resources": _TOOL_RESOURCES_CREATING_STORES,
            "metadata": {"$ref": "#/components/schemas/Metadata"},
        },
    },
    "FileSearchRanker": {"type": "string", "enum": ["auto", "default_2024_08_21"]},
    "FileSearchRankingOptions": {
        "type": "object",
        "properties": {
            "ranker": {"$ref": "#/components/schemas/FileSearchRanker"},
            "score_threshold": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["score_threshold"],
    },
    "FunctionObject": {
        "type": "object",
        "properties": {
            "description": {"type": "string"},
            "name": {"type": "string"},
            "parameters": {"$ref": "#/components/schemas/FunctionParameters"},
            "strict": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
        },
        "required": ["name"],
    },
    "FunctionParameters": {"type": "object", "additionalProperties": True},
    "MessageContentImageFileObject": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["image_file"]},
            "image_file": {
                "type": "object",
                "properties": {
                    "file_id": {"type": "string"},
                    "detail": {"type": "string", "enum": ["auto", "low", "high"]},
                },
                "required": ["file_id"],
            },
        },
        "required": ["type", "image_file"],
    },
    "MessageContentImageUrlObject": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["image_url"]},
            "image_url": {
                "type": "object",
                "properties": {
                    "url": {"type": "string"},
                    "detail": {"type": "string", "enum": ["auto", "low", "high"]},
                },
                "required": ["url"],
            },
        },
        "required": ["type", "image_url"],
    },
    "MessageRequestContentTextObject": {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["text"]}, "text": {"type": "string"}},
        "required": ["type", "text"],
    },
    "Metadata": {
        "anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, {"type": "null"}]
    },
    "ModifyAssistantRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "model": {
                "anyOf": [
                    {"type": "string"},
                    {"$ref": "#/components/schemas/AssistantSupportedModels"},
                ]
            },
            "reasoning_effort": {"$ref": "#/components/schemas/ReasoningEffort"},
            "name": {"anyOf": [{"type": "string", "maxLength": 256}, {"type": "null"}]},
            "description": {"anyOf": [{"type": "string", "maxLength": 512}, {"type": "null"}]},
            "instructions": {"anyOf": [{"type": "string", "maxLength": 256000}, {"type": "null"}]},
            "tools": {
                "type": "array",
                "maxItems": 128,
                "items": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/AssistantToolsCode"},
                        {"$ref": "#/components/schemas/AssistantToolsFileSearch"},
                        {"$ref": "#/components/schemas/AssistantToolsFunction"},
                    ]
                },
            },
            "tool_resources": _TOOL_RESOURCES,
            "metadata": {"$ref": "#/components/schemas/Metadata"},
            "temperature": {
                "anyOf": [{"type": "number", "minimum": 0, "maximum": 2}, {"type": "null"}]
            },
            "top_p": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]},
            "response_format": {
                "anyOf": [
                    {"$ref": "#/components/schemas/AssistantsApiResponseFormatOption"},
                    {"type": "null"},
                ]
            },
        },
    },
    "ModifyMessageRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"metadata": {"$ref": "#/components/schemas/Metadata"}},
    },
    "ModifyRunRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"metadata": {"$ref": "#/components/schemas/Metadata"}},
    },
    "ModifyThreadRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "tool_resources": _TOOL_RESOURCES,
            "metadata": {"$ref": "#/components/schemas/Metadata"},
        },
    },
    "ParallelToolCalls": {"type": "boolean"},
    "ReasoningEffort": {
        "anyOf": [
            {
                "type": "string",
                "enum": ["none", "minimal", "low", "medium", "high", "xhigh", "max"],
            },
            {"type": "null"},
        ]
    },
    "ResponseFormatJsonObject": {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["json_object"]}},
        "required": ["type"],
    },
    "ResponseFormatJsonSchema": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["json_schema"]},
            "json_schema": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "name": {"type": "string"},
                    "schema": {"$ref": "#/components/schemas/ResponseFormatJsonSchemaSchema"},
                    "strict": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
                },
                "required": ["name"],
            },
        },
        "required": ["type", "json_schema"],
    },
    "ResponseFormatJsonSchemaSchema": {"type": "object", "additionalProperties": True},
    "ResponseFormatText": {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["text"]}},
        "required": ["type"],
    },
    "SubmitToolOutputsRunRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "tool_outputs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "tool_call_id": {"type": "string"},
                        "output": {"type": "string"},
                    },
                },
            },
            "stream": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
        },
        "required": ["tool_outputs"],
    },
    "TruncationObject": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["auto", "last_messages"]},
            "last_messages": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
        },
        "required": ["type"],
    },
}
OPERATIONS: dict[str, dict[str, Any]] = {
    "listAssistants": {
        "query": {
            "limit": {"type": "integer"},
            "order": {"type": "string", "enum": ["asc", "desc"]},
            "after": {"type": "string"},
            "before": {"type": "string"},
        },
        "body": None,
        "body_required": False,
    },
    "createAssistant": {"query": {}, "body": "CreateAssistantRequest", "body_required": True},
    "getAssistant": {"query": {}, "body": None, "body_required": False},
    "modifyAssistant": {"query": {}, "body": "ModifyAssistantRequest", "body_required": True},
    "deleteAssistant": {"query": {}, "body": None, "body_required": False},
    "createThread": {"query": {}, "body": "CreateThreadRequest", "body_required": False},
    "createThreadAndRun": {"query": {}, "body": "CreateThreadAndRunRequest", "body_required": True},
    "getThread": {"query": {}, "body": None, "body_required": False},
    "modifyThread": {"query": {}, "body": "ModifyThreadRequest", "body_required": True},
    "deleteThread": {"query": {}, "body": None, "body_required": False},
    "listMessages": {
        "query": {
            "limit": {"type": "integer"},
            "order": {"type": "string", "enum": ["asc", "desc"]},
            "after": {"type": "string"},
            "before": {"type": "string"},
            "run_id": {"type": "string"},
        },
        "body": None,
        "body_required": False,
    },
    "createMessage": {"query": {}, "body": "CreateMessageRequest", "body_required": True},
    "getMessage": {"query": {}, "body": None, "body_required": False},
    "modifyMessage": {"query": {}, "body": "ModifyMessageRequest", "body_required": True},
    "deleteMessage": {"query": {}, "body": None, "body_required": False},
    "listRuns": {
        "query": {
            "limit": {"type": "integer"},
            "order": {"type": "string", "enum": ["asc", "desc"]},
            "after": {"type": "string"},
            "before": {"type": "string"},
        },
        "body": None,
        "body_required": False,
    },
    "createRun": {
        "query": {
            "include[]": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["step_details.tool_calls[*].file_search.results[*].content"],
                },
            }
        },
        "body": "CreateRunRequest",
        "body_required": True,
    },
    "getRun": {"query": {}, "body": None, "body_required": False},
    "modifyRun": {"query": {}, "body": "ModifyRunRequest", "body_required": True},
    "cancelRun": {"query": {}, "body": None, "body_required": False},
    "listRunSteps": {
        "query": {
            "limit": {"type": "integer"},
            "order": {"type": "string", "enum": ["asc", "desc"]},
            "after": {"type": "string"},
            "before": {"type": "string"},
            "include[]": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["step_details.tool_calls[*].file_search.results[*].content"],
                },
            },
        },
        "body": None,
        "body_required": False,
    },
    "getRunStep": {
        "query": {
            "include[]": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["step_details.tool_calls[*].file_search.results[*].content"],
                },
            }
        },
        "body": None,
        "body_required": False,
    },
    "submitToolOuputsToRun": {
        "query": {},
        "body": "SubmitToolOutputsRunRequest",
        "body_required": True,
    },
}

EXTRA_SCHEMAS: dict[str, Any] = {}

EXTRA_OPERATIONS: dict[str, dict[str, Any]] = {}
