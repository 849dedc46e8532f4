from typing import Any

import pytest
from tta_dev_primitives import (
    MockPrimitive,
    PrimitiveEvent,
    RouteDecision,
    RouterPrimitive,
    UnknownRouteError,
)


def by_length(text: str, _ctx: object) -> str:
    return "fast" if len(text) < 10 else "smart"


def make_router(**kwargs: Any) -> RouterPrimitive[str, Any]:
    routes = {"fast": MockPrimitive("fast-answer"), "smart": MockPrimitive("smart-answer")}
    return RouterPrimitive(routes, kwargs.pop("router_fn", by_length), **kwargs)


async def test_routes_by_function(ctx):
    router = make_router()
    assert await router.execute("hi", ctx) == "fast-answer"
    assert await router.execute("a much longer question", ctx) == "smart-answer"
    assert [d.route for d in ctx.route_decisions] == ["fast", "smart"]


async def test_records_cost_saved_against_most_expensive_route(ctx):
    router = make_router(cost_per_route={"fast": 0.5, "smart": 3.0}, name="llm")
    await router.execute("hi", ctx)
    assert ctx.route_decisions == [RouteDecision("llm", "fast", 2.5)]
    assert router.cost_saved("smart") == 0.0
    assert make_router().cost_saved("fast") == 0.0


async def test_unknown_route_uses_default(ctx):
    router = make_router(router_fn=lambda _x, _c: "nope", default_route="smart")
    assert await router.execute("hi", ctx) == "smart-answer"
    assert ctx.route_decisions[0].route == "smart"


async def test_unknown_route_without_default_lists_routes(ctx):
    router = make_router(router_fn=lambda _x, _c: "nope", name="llm")
    with pytest.raises(UnknownRouteError, match=r"'nope'.*known routes: fast, smart") as info:
        await router.execute("hi", ctx)
    assert info.value.routes == ("fast", "smart")
    assert isinstance(info.value, LookupError)


async def test_route_errors_propagate(ctx):
    router = RouterPrimitive({"a": MockPrimitive(side_effect=RuntimeError)}, lambda _x, _c: "a")
    with pytest.raises(RuntimeError):
        await router.execute(0, ctx)


async def test_route_chosen_event(ctx, hook):
    router = make_router(cost_per_route={"fast": 1.0, "smart": 4.0})
    await router.execute("hi", ctx)
    assert hook.events(PrimitiveEvent.ROUTE_CHOSEN) == [{"route": "fast", "cost_saved": 3.0}]
    assert hook.starts() == ["RouterPrimitive", "MockPrimitive"]


def test_routes_property():
    router = make_router()
    assert set(router.routes) == {"fast", "smart"}


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"routes": {}}, "routes"),
        ({"routes": {"a": "x"}}, r"routes\['a'\]"),
        ({"router_fn": 3}, "router_fn"),
        ({"default_route": "missing"}, "default_route 'missing'"),
        ({"cost_per_route": {"fast": 1.0, "smart": 2.0, "other": 1.0}}, "cost_per_route"),
        ({"cost_per_route": {"fast": 1.0}}, "cost_per_route has no cost for routes: smart"),
        ({"cost_per_route": {"fast": -1.0, "smart": 1.0}}, r"cost_per_route\['fast'\]"),
    ],
)
def test_invalid_configuration(kwargs, argument):
    routes = kwargs.pop("routes", {"fast": MockPrimitive(), "smart": MockPrimitive()})
    router_fn = kwargs.pop("router_fn", by_length)
    with pytest.raises(ValueError, match=argument):
        RouterPrimitive(routes, router_fn, **kwargs)
