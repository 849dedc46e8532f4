"""Send each input to one of several routes chosen by a function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.errors import UnknownRouteError
from tta_dev_primitives.hooks import PrimitiveEvent

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["RouterPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class RouterPrimitive(WorkflowPrimitive[TIn, TOut]):
    """Run the route that ``router_fn(input, context)`` names.

    An unknown route falls back to ``default_route``, or raises
    :class:`UnknownRouteError` listing the routes. Each decision is recorded on
    the context with its estimated cost saved against the most expensive route
    (from ``cost_per_route``, which must then price every route).
    """

    __slots__ = ("_cost_saved", "_default_route", "_router_fn", "_routes")

    def __init__(
        self,
        routes: Mapping[str, WorkflowPrimitive[TIn, TOut]],
        router_fn: Callable[[TIn, WorkflowContext], str],
        default_route: str | None = None,
        cost_per_route: Mapping[str, float] | None = None,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not routes:
            raise ValueError("routes must contain at least one route")
        for route, primitive in routes.items():
            if not isinstance(primitive, WorkflowPrimitive):
                raise ValueError(f"routes[{route!r}] must be a WorkflowPrimitive")
        if not callable(router_fn):
            raise ValueError("router_fn must be callable")
        if default_route is not None and default_route not in routes:
            raise ValueError(
                f"default_route {default_route!r} is not one of the routes: {', '.join(routes)}"
            )
        costs = dict(cost_per_route or {})
        if costs:
            unknown = [route for route in costs if route not in routes]
            if unknown:
                raise ValueError(f"cost_per_route names unknown routes: {', '.join(unknown)}")
            missing = [route for route in routes if route not in costs]
            if missing:
                raise ValueError(f"cost_per_route has no cost for routes: {', '.join(missing)}")
            for route, cost in costs.items():
                if cost < 0:
                    raise ValueError(f"cost_per_route[{route!r}] must be >= 0, got {cost}")
        self._routes = dict(routes)
        self._router_fn = router_fn
        self._default_route = default_route
        max_cost = max(costs.values(), default=0.0)
        self._cost_saved = {route: max_cost - costs.get(route, max_cost) for route in routes}

    @property
    def routes(self) -> Mapping[str, WorkflowPrimitive[TIn, TOut]]:
        """The routes by name."""
        return self._routes

    def cost_saved(self, route: str) -> float:
        """Estimated cost saved by taking ``route`` instead of the most expensive route."""
        return self._cost_saved[route]

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        route = self._router_fn(input_data, context)
        primitive = self._routes.get(route)
        if primitive is None:
            if self._default_route is None:
                raise UnknownRouteError(self.name, route, self._routes)
            route = self._default_route
            primitive = self._routes[route]
        cost_saved = self._cost_saved[route]
        context.record_route(self.name, route, cost_saved)
        hook = hooks.active
        if hook is not None:
            hook.on_event(
                self,
                context,
                PrimitiveEvent.ROUTE_CHOSEN,
                {"route": route, "cost_saved": cost_saved},
            )
        return await primitive.execute(input_data, context)
