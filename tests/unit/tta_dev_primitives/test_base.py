import asyncio
from collections.abc import Awaitable

import pytest
import tta_dev_primitives
from tta_dev_primitives import (
    LambdaPrimitive,
    MockPrimitive,
    ParallelPrimitive,
    SequentialPrimitive,
    WorkflowContext,
    WorkflowPrimitive,
    hooks,
)


async def inc(x: int) -> int:
    return x + 1


def double(x: int) -> int:
    return x * 2


class Echo(WorkflowPrimitive[str, str]):
    async def _execute(self, input_data: str, context: WorkflowContext) -> str:
        return input_data


async def test_name_defaults_to_class_name_and_can_be_set(ctx):
    assert Echo().name == "Echo"
    assert Echo(name="custom").name == "custom"
    assert Echo().primitive_type == "Echo"
    assert repr(Echo()) == "Echo(name='Echo')"
    assert await Echo().execute("x", ctx) == "x"


async def test_execute_returns_the_inner_coroutine_without_a_hook(ctx):
    echo = Echo()
    coro = echo.execute("x", ctx)
    assert coro.cr_code is Echo._execute.__code__  # type: ignore[attr-defined]
    assert await coro == "x"


async def test_hook_sees_start_and_end_with_same_token(ctx, hook):
    assert await Echo().execute("x", ctx) == "x"
    assert hook.calls[0][:2] == ("start", "Echo")
    assert hook.calls[1][:3] == ("end", "Echo", hook.calls[0][2])
    assert hook.calls[1][3] is None


async def test_hook_sees_errors(ctx, hook):
    failing = MockPrimitive(side_effect=KeyError("k"))
    with pytest.raises(KeyError):
        await failing.execute(1, ctx)
    [(name, error)] = hook.ends()
    assert name == "MockPrimitive"
    assert isinstance(error, KeyError)


async def test_hook_sees_cancellation(ctx, hook):
    started = asyncio.Event()

    async def wait_forever(_: object) -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(LambdaPrimitive(wait_forever).execute(1, ctx))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [(_, error)] = hook.ends()
    assert isinstance(error, asyncio.CancelledError)


async def test_hook_runs_in_the_task_that_runs_the_primitive(ctx):
    seen: list[tuple[str, asyncio.Task[object] | None]] = []

    class TaskHook:
        def on_start(self, primitive, context):
            seen.append(("start", asyncio.current_task()))

        def on_end(self, token, primitive, context, error):
            seen.append(("end", asyncio.current_task()))

        def on_event(self, primitive, context, event, attributes):
            pass

    hooks.install_hook(TaskHook())
    branches = ParallelPrimitive([LambdaPrimitive(inc), LambdaPrimitive(inc)])
    assert await branches.execute(1, ctx) == [2, 2]
    outer = asyncio.current_task()
    assert seen[0] == ("start", outer)
    assert seen[-1] == ("end", outer)
    inner = seen[1:-1]
    assert len(inner) == 4
    for phase in ("start", "end"):
        tasks = [task for p, task in inner if p == phase]
        assert outer not in tasks
        assert len(set(tasks)) == 2


async def test_lambda_sync_and_async(ctx):
    assert await LambdaPrimitive(inc).execute(1, ctx) == 2
    assert await LambdaPrimitive(double).execute(3, ctx) == 6
    assert LambdaPrimitive(double).name == "LambdaPrimitive"


async def test_lambda_sync_callable_returning_awaitable(ctx):
    def returns_awaitable(x: int) -> Awaitable[int]:
        return inc(x)

    assert await LambdaPrimitive(returns_awaitable).execute(1, ctx) == 2


async def test_lambda_instrumented(ctx, hook):
    assert await LambdaPrimitive(inc, name="inc").execute(1, ctx) == 2
    assert await LambdaPrimitive(double, name="double").execute(1, ctx) == 2
    assert hook.starts() == ["inc", "double"]


def test_lambda_rejects_non_callable():
    with pytest.raises(ValueError, match="fn must be callable"):
        LambdaPrimitive(42)  # type: ignore[call-overload]


async def test_rshift_builds_flat_sequence(ctx):
    a, b, c = LambdaPrimitive(inc), LambdaPrimitive(double), LambdaPrimitive(inc)
    chain = a >> b >> c
    assert isinstance(chain, SequentialPrimitive)
    assert chain.steps == (a, b, c)
    assert await chain.execute(1, ctx) == 5
    assert (a >> (b >> c)).steps == (a, b, c)


async def test_or_builds_flat_parallel(ctx):
    a, b, c = LambdaPrimitive(inc), LambdaPrimitive(double), LambdaPrimitive(inc)
    fan = a | b | c
    assert isinstance(fan, ParallelPrimitive)
    assert fan.branches == (a, b, c)
    assert await fan.execute(3, ctx) == [4, 6, 4]


def test_operators_reject_non_primitives():
    with pytest.raises(TypeError):
        LambdaPrimitive(inc) >> 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        LambdaPrimitive(inc) | 3  # type: ignore[operator]


def test_all_exports_exist_and_primitives_are_listed():
    for export in tta_dev_primitives.__all__:
        assert hasattr(tta_dev_primitives, export), export
    primitives = {
        name
        for name in tta_dev_primitives.__all__
        if isinstance(getattr(tta_dev_primitives, name), type)
        and issubclass(getattr(tta_dev_primitives, name), WorkflowPrimitive)
    }
    assert primitives == {
        "CachePrimitive",
        "ConditionalPrimitive",
        "FallbackPrimitive",
        "LambdaPrimitive",
        "MockPrimitive",
        "ParallelPrimitive",
        "RetryPrimitive",
        "RouterPrimitive",
        "SequentialPrimitive",
        "TimeoutPrimitive",
        "WorkflowPrimitive",
    }
