"""YAML in Keploy's own style: timestamps stay strings, bytes are ``!!binary``.

Keploy writes with Go's yaml.v3: four-space indentation, sequences indented under
their key, multi-line strings as literal blocks, and non-UTF-8 strings as
``!!binary``. RFC3339Nano timestamps are kept as the exact strings read, never
converted through ``datetime`` (which would drop nanoseconds).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from keploy_framework.errors import InputError

__all__ = [
    "dump",
    "dump_all",
    "load",
    "load_all",
    "read_document",
    "read_documents",
]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves timestamp-looking scalars as strings."""


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


def load_all(text: str, source: Path | str) -> list[Any]:
    """Parse every YAML document of a ``---`` separated stream."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]
    except yaml.YAMLError as error:
        raise InputError(source, f"invalid YAML: {_one_line(error)}") from error


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
    text = _read_text(path)
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(path, f"invalid JSON at line {error.lineno}: {error.msg}") from error
    return load(text, path)


def read_documents(path: Path) -> Iterator[Any]:
    """Every document of a YAML stream or a JSON file (one object or a list)."""
    if path.suffix == ".json":
        document = read_document(path)
        yield from document if isinstance(document, list) else [document]
        return
    yield from load_all(_read_text(path), path)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text: {error.reason}") from error


def _one_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return str(problem)
