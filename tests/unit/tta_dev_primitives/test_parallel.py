import asyncio

import pytest
from tta_dev_primitives import LambdaPrimitive, MockPrimitive, ParallelPrimitive


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


def test_flattening_respects_names_and_options():
    a, b, c = MockPrimitive(), MockPrimitive(), MockPrimitive()
    assert ParallelPrimitive([ParallelPrimitive([a, b]), c]).branches == (a, b, c)
    named = ParallelPrimitive([a, b], name="fan")
    assert ParallelPrimitive([named, c]).branches == (named, c)
    collecting = ParallelPrimitive([a, b], return_exceptions=True)
    assert ParallelPrimitive([collecting, c]).branches == (collecting, c)


async def test_hook_sees_every_branch(ctx, hook):
    fan = ParallelPrimitive([MockPrimitive(1, name="a"), MockPrimitive(2, name="b")])
    await fan.execute(0, ctx)
    assert hook.starts() == ["ParallelPrimitive", "a", "b"]
    assert hook.ends()[-1] == ("ParallelPrimitive", None)
