import asyncio

import pytest
from tta_dev_primitives import FallbackPrimitive, LambdaPrimitive, MockPrimitive, PrimitiveEvent


async def test_primary_success_skips_fallback(ctx):
    backup = MockPrimitive("backup")
    assert await FallbackPrimitive(MockPrimitive("main"), backup).execute(0, ctx) == "main"
    assert not backup.called


async def test_primary_failure_runs_fallback_on_same_input(ctx, hook):
    backup = MockPrimitive("backup")
    fallback = FallbackPrimitive(MockPrimitive(side_effect=ConnectionError), backup)
    assert await fallback.execute(42, ctx) == "backup"
    backup.assert_called_once_with(42)
    assert hook.events(PrimitiveEvent.FALLBACK_TAKEN) == [{"error_type": "ConnectionError"}]


async def test_fallback_failure_propagates_with_primary_as_context(ctx):
    fallback = FallbackPrimitive(
        MockPrimitive(side_effect=ConnectionError("primary")),
        MockPrimitive(side_effect=RuntimeError("backup")),
    )
    with pytest.raises(RuntimeError, match="backup") as info:
        await fallback.execute(0, ctx)
    assert isinstance(info.value.__context__, ConnectionError)


async def test_fallback_on_predicate(ctx):
    fallback = FallbackPrimitive(
        MockPrimitive(side_effect=ValueError("no")),
        MockPrimitive("backup"),
        fallback_on=lambda e: isinstance(e, ConnectionError),
    )
    with pytest.raises(ValueError, match="no"):
        await fallback.execute(0, ctx)


async def test_cancellation_does_not_fall_back(ctx):
    started = asyncio.Event()

    async def block(_: object) -> None:
        started.set()
        await asyncio.Event().wait()

    backup = MockPrimitive("backup")
    task = asyncio.create_task(FallbackPrimitive(LambdaPrimitive(block), backup).execute(0, ctx))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not backup.called


@pytest.mark.parametrize(
    ("args", "argument"), [(("x", MockPrimitive()), "primary"), ((MockPrimitive(), 1), "fallback")]
)
def test_invalid_arguments(args, argument):
    with pytest.raises(ValueError, match=argument):
        FallbackPrimitive(*args)
