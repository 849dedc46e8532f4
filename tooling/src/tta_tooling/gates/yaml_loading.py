"""Load YAML files keeping the line number of every mapping, for precise findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError

try:  # libyaml's scanner and parser (PyYAML's Python ones are ports of it), a few times faster
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # a PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class LineDict(dict[Any, Any]):
    """A mapping loaded from YAML that remembers its 1-based line."""

    line: int = 0


class _LineLoader(_SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes :class:`InputError` with file and line."""
    text = read_input(path)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise InputError(path, f"invalid YAML: {problem}", line=line) from error
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid YAML: {error}") from error
