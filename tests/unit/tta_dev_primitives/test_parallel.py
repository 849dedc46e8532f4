import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tta_dev_primitives import (
    LambdaPrimitive,
    MockPrimitive,
    ParallelPrimitive,
    RouterPrimitive,
    WorkflowContext,
    WorkflowPrimitive,
    secondary_errors,
)


class _ContextPrimitive(WorkflowPrimitive[Any, Any]):
    """Runs ``fn(input, context)``: a branch that reads and writes its context."""

    def __init__(self, fn: Callable[[Any, WorkflowContext], Awaitable[Any]]) -> None:
        super().__init__()
        self._fn = fn

    async def _execute(self, input_data: Any, context: WorkflowContext) -> Any:
        return await self._fn(input_data, context)


async def test_results_keep_branch_order(ctx):
    first_may_finish = asyncio.Event()

    async def slow(x: int) -> str:
        await first_may_finish.wait()
        return f"slow{x}"

    async def fast(x: int) -> str:
        first_may_finish.set()
        return f"fast{x}"

    fan = ParallelPrimitive([LambdaPrimitive(slow), LambdaPrimitive(fast)])
    assert await fan.execute(1, ctx) == ["slow1", "fast1"]


async def test_branches_run_concurrently(ctx):
    arrived = 0
    both = asyncio.Event()

    async def meet(_: object) -> int:
        nonlocal arrived
        arrived += 1
        if arrived == 2:
            both.set()
        await both.wait()
        return arrived

    assert await ParallelPrimitive([LambdaPrimitive(meet)] * 2).execute(0, ctx) == [2, 2]


async def test_first_failure_cancels_the_others_and_propagates(ctx):
    cancelled = asyncio.Event()
    started = asyncio.Event()

    async def long(_: object) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def fail(_: object) -> None:
        await started.wait()
        raise ValueError("boom")

    fan = ParallelPrimitive([LambdaPrimitive(long), LambdaPrimitive(fail)])
    with pytest.raises(ValueError, match="boom"):
        await fan.execute(0, ctx)
    assert cancelled.is_set()


async def test_return_exceptions_collects_failures(ctx):
    error = KeyError("k")
    fan = ParallelPrimitive(
        [MockPrimitive(1), MockPrimitive(side_effect=error)], return_exceptions=True
    )
    assert fan.return_exceptions
    assert await fan.execute(0, ctx) == [1, error]


async def test_cancelling_the_parallel_cancels_every_branch(ctx):
    started = 0
    all_started = asyncio.Event()
    cancelled: list[int] = []

    async def block(i: int) -> None:
        nonlocal started
        started += 1
        if started == 2:
            all_started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(i)
            raise

    fan = ParallelPrimitive([LambdaPrimitive(block), LambdaPrimitive(block)])
    task = asyncio.create_task(fan.execute(0, ctx))
    await all_started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(cancelled) == 2


def test_empty_and_invalid_branches_are_rejected():
    with pytest.raises(ValueError, match="branches"):
        ParallelPrimitive([])
    with pytest.raises(ValueError, match="branches"):
        ParallelPrimitive([MockPrimitive(), None])  # type: ignore[list-item]


def test_explicit_nesting_is_kept_named_or_not():
    a, b, c = MockPrimitive(), MockPrimitive(), MockPrimitive()
    unnamed = ParallelPrimitive([a, b])
    assert ParallelPrimitive([unnamed, c]).branches == (unnamed, c)
    named = ParallelPrimitive([a, b], name="fan")
    assert ParallelPrimitive([named, c]).branches == (named, c)


async def test_result_shape_does_not_depend_on_the_inner_name(ctx):
    """Regression: an unnamed inner ParallelPrimitive used to be flattened into the outer."""
    inner_unnamed = ParallelPrimitive([MockPrimitive(1), MockPrimitive(2)])
    inner_named = ParallelPrimitive([MockPrimitive(1), MockPrimitive(2)], name="inner")
    assert await ParallelPrimitive([inner_unnamed, MockPrimitive(3)]).execute(0, ctx) == [
        [1, 2],
        3,
    ]
    assert await ParallelPrimitive([inner_named, MockPrimitive(3)]).execute(0, ctx) == [[1, 2], 3]


async def test_the_operator_flattens_only_what_it_built(ctx):
    a, b, c, d = (MockPrimitive(n) for n in range(4))
    assert (a | b | c).branches == (a, b, c)
    assert (a | (b | c)).branches == (a, b, c)
    assert ((a | b) | (c | d)).branches == (a, b, c, d)
    explicit = ParallelPrimitive([b, c])
    assert (a | explicit).branches == (a, explicit)
    assert (explicit | a).branches == (explicit, a)
    assert await (a | explicit).execute(None, ctx) == [0, [1, 2]]


async def test_branches_get_their_own_context_and_the_parent_sees_each(ctx):
    """Regression: branches shared (and overwrote) one mutable context."""
    ctx.state["shared"] = "before"

    def writer(value: str):
        async def write(_: object, context: WorkflowContext) -> str:
            context.state["result"] = value
            await asyncio.sleep(0)
            return str(context.state["result"])

        return _ContextPrimitive(write)

    fan = ParallelPrimitive([writer("left"), writer("right")], name="fan")
    assert await fan.execute(0, ctx) == ["left", "right"]
    assert "result" not in ctx.state
    assert ctx.state == {"shared": "before"}
    left, right = ctx.branches["fan"]
    assert (left.state["result"], right.state["result"]) == ("left", "right")
    assert left.state["shared"] == "before"
    assert left is not right
    assert left.parent is ctx
    assert left.workflow_id == ctx.workflow_id


async def test_a_reused_context_keeps_only_the_latest_run_per_parallel(ctx):
    fan = ParallelPrimitive([MockPrimitive(1), MockPrimitive(2)], name="fan")
    other = ParallelPrimitive([MockPrimitive(3)], name="other")
    for _ in range(100):
        await fan.execute(0, ctx)
    earlier_run = ctx.branches["fan"]
    await fan.execute(0, ctx)
    await other.execute(0, ctx)
    assert set(ctx.branches) == {"fan", "other"}
    assert len(ctx.branches["fan"]) == 2
    assert ctx.branches["fan"] is not earlier_run


async def test_branch_route_decisions_count_towards_the_parent_cost_saved(ctx):
    routed = RouterPrimitive(
        {"cheap": MockPrimitive("c"), "dear": MockPrimitive("d")},
        router_fn=lambda _x, _c: "cheap",
        cost_per_route={"cheap": 1.0, "dear": 3.0},
    )
    await ParallelPrimitive([routed, routed]).execute(0, ctx)
    assert [decision.route for decision in ctx.route_decisions] == ["cheap", "cheap"]
    assert ctx.cost_saved == 4.0


async def test_secondary_branch_errors_are_attached_to_the_first(ctx):
    """Regression: when several branches failed, only the first error was kept."""
    both_running = asyncio.Event()
    arrived = 0

    async def fail(message: str) -> None:
        nonlocal arrived
        arrived += 1
        if arrived == 3:
            both_running.set()
        await both_running.wait()
        raise ValueError(message)

    async def slow(_: object) -> None:
        await asyncio.Event().wait()

    fan = ParallelPrimitive(
        [
            LambdaPrimitive(lambda _: fail("first")),
            LambdaPrimitive(lambda _: fail("second")),
            LambdaPrimitive(lambda _: fail("third")),
            LambdaPrimitive(slow),
        ]
    )
    with pytest.raises(ValueError, match=r"first|second|third") as caught:
        await fan.execute(0, ctx)
    others = secondary_errors(caught.value)
    assert len(others) == 2
    assert caught.value not in others
    assert sorted(str(e) for e in (caught.value, *others)) == ["first", "second", "third"]
    for other in others:
        assert f"ValueError: {other}" in "\n".join(caught.value.__notes__)


async def test_a_single_failure_has_no_secondary_errors(ctx):
    fan = ParallelPrimitive([MockPrimitive(1), MockPrimitive(side_effect=KeyError("k"))])
    with pytest.raises(KeyError) as caught:
        await fan.execute(0, ctx)
    assert secondary_errors(caught.value) == ()
    assert not hasattr(caught.value, "__notes__")


async def test_hook_sees_every_branch(ctx, hook):
    fan = ParallelPrimitive([MockPrimitive(1, name="a"), MockPrimitive(2, name="b")])
    await fan.execute(0, ctx)
    assert hook.starts() == ["ParallelPrimitive", "a", "b"]
    assert hook.ends()[-1] == ("ParallelPrimitive", None)
