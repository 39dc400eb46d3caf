"""A griffe extension for the API reference: Sphinx roles in docstrings become code spans.

The docstrings in ``src/`` cross-reference with Sphinx roles (``:class:`~runs_core.Request```),
which Markdown would show as literal text. This turns each one into a plain code span
(``Request``: the ``~`` form keeps the last component, as Sphinx shows it). Loaded by
``mkdocs.yml`` (``plugins.mkdocstrings.handlers.python.options.extensions``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|mod|exc|data|obj|const):`(~?)([^`]+)`")


def _code_span(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring's roles once the object is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(_code_span, obj.docstring.value)
