import asyncio

import pytest
from tta_dev_primitives import LambdaPrimitive, MockPrimitive, PrimitiveEvent, TimeoutPrimitive


def blocking(cancelled: asyncio.Event | None = None) -> LambdaPrimitive[object, None]:
    async def block(_: object) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            if cancelled is not None:
                cancelled.set()
            raise

    return LambdaPrimitive(block)


async def test_fast_work_returns(ctx):
    timeout = TimeoutPrimitive(MockPrimitive("ok"), 5)
    assert await timeout.execute(0, ctx) == "ok"
    assert timeout.timeout_seconds == 5.0


async def test_expiry_cancels_inner_and_raises_builtin_timeout(ctx, hook):
    cancelled = asyncio.Event()
    timeout = TimeoutPrimitive(blocking(cancelled), 0.01, name="llm-timeout")
    with pytest.raises(TimeoutError, match=r"llm-timeout: timed out after 0\.01 seconds"):
        await timeout.execute(0, ctx)
    assert cancelled.is_set()
    assert hook.events(PrimitiveEvent.TIMEOUT) == [{"timeout_seconds": 0.01}]
    assert hook.events(PrimitiveEvent.FALLBACK_TAKEN) == []
    assert isinstance(hook.ends()[-1][1], TimeoutError)


async def test_expiry_runs_fallback(ctx, hook):
    timeout = TimeoutPrimitive(blocking(), 0.01, fallback=MockPrimitive("cached"))
    assert await timeout.execute(0, ctx) == "cached"
    assert hook.events() == [
        {"timeout_seconds": 0.01},
        {"error_type": "TimeoutError"},
    ]


async def test_expiry_runs_fallback_without_hook(ctx):
    timeout = TimeoutPrimitive(blocking(), 0.01, fallback=MockPrimitive("cached"))
    assert await timeout.execute(0, ctx) == "cached"


async def test_inner_timeout_error_is_not_a_timeout(ctx, hook):
    fallback = MockPrimitive("cached")
    timeout = TimeoutPrimitive(
        MockPrimitive(side_effect=TimeoutError("upstream")), 5, fallback=fallback
    )
    with pytest.raises(TimeoutError, match="upstream"):
        await timeout.execute(0, ctx)
    assert not fallback.called
    assert hook.events(PrimitiveEvent.TIMEOUT) == []


async def test_other_errors_propagate(ctx):
    with pytest.raises(KeyError):
        await TimeoutPrimitive(MockPrimitive(side_effect=KeyError), 5).execute(0, ctx)


async def test_outer_cancellation_propagates(ctx):
    cancelled = asyncio.Event()
    task = asyncio.create_task(TimeoutPrimitive(blocking(cancelled), 60).execute(0, ctx))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan"), True, "1"])
def test_invalid_timeout(value):
    with pytest.raises(ValueError, match="timeout_seconds"):
        TimeoutPrimitive(MockPrimitive(), value)


def test_invalid_primitives():
    with pytest.raises(ValueError, match="primitive"):
        TimeoutPrimitive("x", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fallback"):
        TimeoutPrimitive(MockPrimitive(), 1, fallback="x")  # type: ignore[arg-type]
