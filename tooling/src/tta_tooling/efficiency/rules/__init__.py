"""The rule checks, one module per concern; :data:`CHECKS` runs them all on one file."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules import caching, context, limits, loops, routing
from tta_tooling.efficiency.rules.scan import FileScan

__all__ = ["CHECKS", "FileScan"]

CHECKS: tuple[Callable[[FileScan], Iterator[Violation]], ...] = (
    loops.check,
    caching.check,
    routing.check,
    context.check_accumulation,
    context.check_whole_documents,
    limits.check,
)
