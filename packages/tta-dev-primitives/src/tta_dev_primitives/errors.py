"""Exceptions raised by primitives at run time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["UnknownRouteError", "record_secondary_errors", "secondary_errors"]

_SECONDARY = "__tta_secondary_errors__"


class UnknownRouteError(LookupError):
    """A router function chose a route that does not exist and no default was set."""

    def __init__(self, router: str, route: object, routes: Iterable[str]) -> None:
        self.router = router
        self.route = route
        self.routes = tuple(routes)
        super().__init__(
            f"{router}: router_fn returned unknown route {route!r}; "
            f"known routes: {', '.join(self.routes)}"
        )


def secondary_errors(error: BaseException) -> tuple[BaseException, ...]:
    """Errors raised alongside ``error`` that did not propagate (e.g. by other
    branches of a failed :class:`~tta_dev_primitives.ParallelPrimitive`), oldest first."""
    found: tuple[BaseException, ...] = getattr(error, _SECONDARY, ())
    return found


def record_secondary_errors(error: BaseException, others: Sequence[BaseException]) -> None:
    """Attach ``others`` to ``error``: readable with :func:`secondary_errors` and shown
    as notes in its traceback."""
    if not others:
        return
    setattr(error, _SECONDARY, (*secondary_errors(error), *others))
    for other in others:
        error.add_note(f"also raised while it propagated: {type(other).__name__}: {other}")
