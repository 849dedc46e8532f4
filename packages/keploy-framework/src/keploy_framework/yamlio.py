"""YAML in Keploy's own style: timestamps stay strings, bytes are ``!!binary``.

Keploy writes with Go's yaml.v3: four-space indentation, sequences indented under
their key, multi-line strings as literal blocks, and non-UTF-8 strings as
``!!binary``. RFC3339Nano timestamps are kept as the exact strings read, never
converted through ``datetime`` (which would drop nanoseconds).

Every input file (config, test cases, mocks, reports, an OpenAPI file) is read
through :func:`tta_process_support.input_files.read_input`, which refuses one over
``TTA_MAX_INPUT_BYTES`` (default 10 MiB) before parsing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from tta_process_support.input_files import read_input
from yaml.composer import ComposerError

from keploy_framework.errors import InputError
from keploy_framework.yaml_aliases import refuse_excessive_aliasing

__all__ = [
    "dump",
    "dump_all",
    "load",
    "load_all",
    "read_document",
    "read_documents",
]

MAX_NESTING = 100  # Keploy's documents nest a few levels: bodies are strings
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves timestamp-looking scalars as strings and refuses alias bombs."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # PyYAML composes recursively; past Python's recursion limit it would fail slowly.
        # yaml.v3 stops at 10,000 levels (scannerc.go, max_flow_level / max_indents).
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ComposerError(None, None, f"nested deeper than {MAX_NESTING} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_document(self, node: yaml.Node) -> Any:
        refuse_excessive_aliasing(node)
        return super().construct_document(node)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """SafeDumper in yaml.v3's layout; timestamp strings are written plain, as Go does."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _plain_tag(dumper: yaml.SafeDumper, value: str) -> str:
    """The tag a plain (unquoted) scalar ``value`` would be read back as."""
    tag: str = dumper.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if "\n" in value:
        style = "|"
    elif _plain_tag(dumper, value) != "tag:yaml.org,2002:str":
        style = '"'  # like yaml.v3: "44", "true", "null" are double-quoted
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def load(text: str, source: Path | str) -> Any:
    """Parse one YAML document; a syntax error names ``source``."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as error:
        raise InputError(source, f"invalid YAML: {_one_line(error)}") from error
    except RecursionError as error:
        raise InputError(source, "invalid YAML: nested too deeply") from error


def load_all(text: str, source: Path | str) -> list[Any]:
    """Parse every YAML document of a ``---`` separated stream."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]
    except yaml.YAMLError as error:
        raise InputError(source, f"invalid YAML: {_one_line(error)}") from error
    except RecursionError as error:
        raise InputError(source, "invalid YAML: nested too deeply") from error


def dump(document: Any) -> str:
    """One document in Keploy's YAML layout."""
    return yaml.dump(
        document, Dumper=_Dumper, indent=4, sort_keys=False, allow_unicode=True, width=2**31
    )


def dump_all(documents: list[Any]) -> str:
    """Documents separated by ``---``, as Keploy writes mocks.yaml."""
    return yaml.dump_all(
        documents, Dumper=_Dumper, indent=4, sort_keys=False, allow_unicode=True, width=2**31
    )


def read_document(path: Path) -> Any:
    """A YAML or JSON file's single document (``.json`` storage is accepted on read)."""
    text = read_input(path)
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(path, f"invalid JSON at line {error.lineno}: {error.msg}") from error
        except RecursionError as error:
            raise InputError(path, "invalid JSON: nested too deeply") from error
    return load(text, path)


def read_documents(path: Path) -> Iterator[Any]:
    """Every document of a YAML stream or a JSON file (one object or a list)."""
    if path.suffix == ".json":
        document = read_document(path)
        yield from document if isinstance(document, list) else [document]
        return
    yield from load_all(read_input(path), path)


def _one_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return str(problem)
