"""Exceptions raised by primitives at run time."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["UnknownRouteError"]


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
