"""The calls of one file by the name they spell: last, through an aliased import
(``from pkg import ask as query``: ``query()`` is ``ask``), and as written (``f()``,
``x.f()``: ``f``), each found without testing every call."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Set

__all__ = ["CallNames"]


class CallNames:
    """``calls`` (in source order) indexed by final name and by spelled name."""

    def __init__(self, calls: list[ast.Call], imports: dict[str, str]) -> None:
        self._calls = calls
        self.by_final_name: dict[str, list[ast.Call]] = {}
        """The calls by the name they spell last, each list in source order."""
        self._places: dict[str, list[int]] = {}  # places in ``calls`` by spelled name
        by_final_name, places = self.by_final_name, self._places
        for place, call in enumerate(calls):
            func = call.func
            if type(func) is ast.Attribute:
                name = spelled = func.attr
            elif type(func) is ast.Name:
                spelled = func.id
                name = imports[spelled].rpartition(".")[2] if spelled in imports else spelled
            else:
                continue
            by_final_name.setdefault(name, []).append(call)
            places.setdefault(spelled, []).append(place)

    def named(self, names: frozenset[str]) -> Iterator[ast.Call]:
        """The calls spelling one of ``names`` last, name by name."""
        by_final_name = self.by_final_name
        for name in names & by_final_name.keys():
            yield from by_final_name[name]

    def spelling(self, names: Set[str]) -> list[ast.Call]:
        """The calls of a plain name or an attribute in ``names``, in source order."""
        places = self._places
        found = [place for name in places.keys() & names for place in places[name]]
        found.sort()
        calls = self._calls
        return [calls[place] for place in found]
