"""The member primitives a composition is built from, checked once for every composition."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from tta_dev_primitives.base import WorkflowPrimitive

__all__ = ["checked_members"]

P = TypeVar("P", bound="WorkflowPrimitive[Any, Any]")


def checked_members(members: Iterable[P], what: str) -> tuple[P, ...]:
    """``members`` as a tuple; ``ValueError`` naming ``what`` if one is not a primitive or
    there are none."""
    checked = tuple(members)
    for member in checked:
        if not isinstance(member, WorkflowPrimitive):
            raise ValueError(f"{what} must be WorkflowPrimitive instances, got {member!r}")
    if not checked:
        raise ValueError(f"{what} must contain at least one primitive")
    return checked
