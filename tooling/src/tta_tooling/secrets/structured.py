"""The sensitive-name detector: a value stored under a sensitive header, JSON key or query
parameter in a JSON, YAML or JSON-lines file, other than the redaction marker.

Keploy test cases keep HTTP bodies as JSON strings inside YAML, so JSON embedded in a
string value is searched too, and URLs are searched for sensitive query parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml
from detect_secrets.core.potential_secret import PotentialSecret

from tta_tooling.secrets.detection import Detection
from tta_tooling.secrets.names import SensitiveNames

__all__ = ["DETECTOR", "STRUCTURED_SUFFIXES", "sensitive_values"]

DETECTOR = "Sensitive Name"
STRUCTURED_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".jsonl", ".ndjson", ".log"})
_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson", ".log"})
_NULL_TAG = "tag:yaml.org,2002:null"
# A reference to a secret, not a secret: ${{ secrets.X }}, ${VAR}, $VAR.
_REFERENCE = re.compile(r"\$\{\{[^}]*\}\}|\$\{\w+\}|\$\w+")
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def sensitive_values(file: str, text: str, names: SensitiveNames) -> Iterator[Detection]:
    """Every unredacted value under a sensitive name in ``text`` (the contents of ``file``)."""
    checker = _Checker(file, names)
    try:
        found = list(_detections(checker, file, text))
    except RecursionError:
        # Too deep to walk is too deep to trust: a value could hide below the limit.
        found = [checker.detection(1, "<document>", "", "nested too deeply to check")]
    yield from found


def _detections(checker: _Checker, file: str, text: str) -> Iterator[Detection]:
    if file.endswith(tuple(_LINE_SUFFIXES)):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith(("{", "[")):
                yield from checker.embedded(line, number, line)
        return
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError:
        return  # not structured after all; the line-based detectors still read it
    for document in documents:
        if document is not None:
            yield from checker.node(document, text)


class _Checker:
    def __init__(self, file: str, names: SensitiveNames) -> None:
        self._file = file
        self._names = names
        self._seen: set[int] = set()  # aliases share nodes: walk each once

    def node(self, node: yaml.Node, text: str) -> Iterator[Detection]:
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value.lower() if isinstance(key, yaml.ScalarNode) else None
                if name in self._names.keys and not self._harmless_node(value):
                    raw = text[value.start_mark.index : value.end_mark.index]
                    yield self.detection(value.start_mark.line + 1, name, raw)
                else:
                    yield from self.node(value, text)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from self.node(item, text)
        elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
            raw = text[node.start_mark.index : node.end_mark.index]
            yield from self.embedded(node.value, node.start_mark.line + 1, raw)

    def embedded(self, value: str, line: int, raw: str) -> Iterator[Detection]:
        """Sensitive names in a string: a JSON document in it, or a URL's query."""
        stripped = value.strip()
        if stripped.startswith(("{", "[")):
            try:
                document = json.loads(stripped)
            except ValueError:
                document = None
            if document is not None:
                yield from self._json(document, line, raw)
                return
        yield from self._query(value, line)

    def _json(self, node: Any, line: int, raw: str) -> Iterator[Detection]:
        if isinstance(node, dict):
            for key, value in node.items():
                name = str(key).lower()
                if name in self._names.keys and not self._harmless(value):
                    where = raw.find(str(key))
                    at = line + (raw[:where].count("\n") if where >= 0 else 0)
                    yield self.detection(at, name, json.dumps(value))
                else:
                    yield from self._json(value, line, raw)
        elif isinstance(node, list):
            for item in node:
                yield from self._json(item, line, raw)
        elif isinstance(node, str):
            yield from self._query(node, line)

    def _query(self, value: str, line: int) -> Iterator[Detection]:
        if "?" not in value or "=" not in value:
            return
        try:
            query = urlsplit(value.strip()).query
        except ValueError:
            return
        for key, param in parse_qsl(query, keep_blank_values=True):
            name = key.lower()
            if name in self._names.query_params and not self._harmless(param):
                yield self.detection(line, name, param)

    def _harmless_node(self, node: yaml.Node) -> bool:
        if isinstance(node, yaml.ScalarNode):
            return node.tag == _NULL_TAG or self._harmless(node.value)
        return False

    def _harmless(self, value: object) -> bool:
        if value is None or value in ("", self._names.marker):
            return True
        return isinstance(value, str) and _REFERENCE.fullmatch(value.strip()) is not None

    def detection(self, line: int, name: str, value: str, detail: str = "") -> Detection:
        """A finding at ``line`` for the value under ``name`` (hashed, never kept)."""
        detail = detail or f"value under {name!r} is not the redaction marker"
        return Detection(self._file, line, DETECTOR, PotentialSecret.hash_secret(value), detail)
