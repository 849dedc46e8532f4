"""Refuse a YAML document whose aliases expand it beyond what Keploy's parser accepts.

A few anchors referring to each other ("billion laughs") make a small file stand
for billions of nodes; PyYAML builds it as shared references in no time, but
anything that walks the result (the schema check, the replayer) would never
finish. Keploy reads its files with Go's yaml.v3, which refuses such documents:
``(*decoder).unmarshal`` in ``decode.go`` counts every node decoded
(``decodeCount``) and those decoded inside an alias (``aliasCount``), and fails
with "document contains excessive aliasing" when ``aliasCount > 100``,
``decodeCount > 1000`` and their ratio exceeds ``allowedAliasRatio(decodeCount)``
(99% up to 400,000 decodes, falling to 10% at 4,000,000). The same rule is
applied here to the composed node graph, counted without expanding it: each
node's expanded size is computed once, so the check costs one pass over the
distinct nodes. A recursive alias (a node inside itself) is refused too.
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError

__all__ = ["refuse_excessive_aliasing"]

_RATIO_RANGE_LOW = 400_000
_RATIO_RANGE_HIGH = 4_000_000


def _allowed_alias_ratio(decode_count: int) -> float:
    """yaml.v3's ``allowedAliasRatio``."""
    if decode_count <= _RATIO_RANGE_LOW:
        return 0.99
    if decode_count >= _RATIO_RANGE_HIGH:
        return 0.10
    span = _RATIO_RANGE_HIGH - _RATIO_RANGE_LOW
    return 0.99 - 0.89 * (decode_count - _RATIO_RANGE_LOW) / span


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def refuse_excessive_aliasing(root: yaml.Node) -> None:
    """Raise ConstructorError if ``root`` expands as yaml.v3 would refuse, or contains itself."""
    sizes: dict[int, int] = {}  # id(node) -> nodes decoded when it is decoded once
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in open_nodes:  # reached again from inside itself
            raise ConstructorError(None, None, "recursive alias", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    decode_count = sizes[id(root)]
    alias_count = decode_count - len(sizes)  # every decode after a node's first is an alias's
    if (
        alias_count > 100
        and decode_count > 1000
        and alias_count / decode_count > _allowed_alias_ratio(decode_count)
    ):
        raise ConstructorError(None, None, "document contains excessive aliasing", root.start_mark)
