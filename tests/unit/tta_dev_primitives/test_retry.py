import asyncio
from typing import Any

import pytest
from tta_dev_primitives import LambdaPrimitive, MockPrimitive, PrimitiveEvent, RetryPrimitive


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def make_retry(inner: Any, **kwargs: Any) -> tuple[RetryPrimitive[Any, Any], FakeSleep]:
    sleep = FakeSleep()
    kwargs.setdefault("random", lambda: 1.0)
    return RetryPrimitive(inner, sleep=sleep, **kwargs), sleep


async def test_first_success_does_not_sleep(ctx):
    retry, sleep = make_retry(MockPrimitive("ok"))
    assert await retry.execute(0, ctx) == "ok"
    assert sleep.delays == []


async def test_retries_until_success_with_exponential_backoff(ctx):
    inner = MockPrimitive(side_effect=[OSError(), OSError(), OSError(), "ok"])
    retry, sleep = make_retry(inner, max_attempts=4, base_delay=0.5, backoff_factor=2.0)
    assert await retry.execute(0, ctx) == "ok"
    assert inner.call_count == 4
    assert sleep.delays == [0.5, 1.0, 2.0]


async def test_full_jitter_scales_the_ceiling(ctx):
    inner = MockPrimitive(side_effect=[OSError(), "ok"])
    retry, sleep = make_retry(inner, base_delay=2.0, random=lambda: 0.25)
    await retry.execute(0, ctx)
    assert sleep.delays == [0.5]


async def test_max_delay_caps_the_backoff(ctx):
    inner = MockPrimitive(side_effect=[OSError()] * 4 + ["ok"])
    retry, sleep = make_retry(inner, max_attempts=5, base_delay=1.0, max_delay=3.0)
    await retry.execute(0, ctx)
    assert sleep.delays == [1.0, 2.0, 3.0, 3.0]


def test_backoff_ceiling_survives_overflow():
    retry, _ = make_retry(MockPrimitive(), max_attempts=5, base_delay=1.0, max_delay=7.0)
    assert retry.backoff_ceiling(100_000) == 7.0
    assert retry.max_attempts == 5


async def test_gives_up_after_max_attempts_with_last_error(ctx):
    errors = [OSError("1"), OSError("2"), OSError("3")]
    retry, sleep = make_retry(MockPrimitive(side_effect=errors), max_attempts=3)
    with pytest.raises(OSError, match="3"):
        await retry.execute(0, ctx)
    assert len(sleep.delays) == 2


async def test_retry_on_predicate_stops_non_retryable_errors(ctx):
    inner = MockPrimitive(side_effect=[OSError(), ValueError("bad input"), "ok"])
    retry, _ = make_retry(inner, retry_on=lambda e: isinstance(e, OSError))
    with pytest.raises(ValueError, match="bad input"):
        await retry.execute(0, ctx)
    assert inner.call_count == 2


async def test_cancellation_is_never_retried(ctx):
    started = asyncio.Event()
    calls = 0

    async def block(_: object) -> None:
        nonlocal calls
        calls += 1
        started.set()
        await asyncio.Event().wait()

    retry, _ = make_retry(LambdaPrimitive(block), max_attempts=5)
    task = asyncio.create_task(retry.execute(0, ctx))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert calls == 1


async def test_cancellation_during_backoff_sleep(ctx):
    sleeping = asyncio.Event()

    async def sleep_forever(delay: float) -> None:
        sleeping.set()
        await asyncio.Event().wait()

    inner = MockPrimitive(side_effect=OSError)
    retry = RetryPrimitive(inner, sleep=sleep_forever)
    task = asyncio.create_task(retry.execute(0, ctx))
    await sleeping.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert inner.call_count == 1


async def test_retry_attempt_events(ctx, hook):
    inner = MockPrimitive(side_effect=[OSError(), TimeoutError(), "ok"])
    retry, _ = make_retry(inner, base_delay=1.0, random=lambda: 0.5)
    await retry.execute(0, ctx)
    assert hook.events(PrimitiveEvent.RETRY_ATTEMPT) == [
        {"attempt": 2, "delay_seconds": 0.5, "error_type": "OSError"},
        {"attempt": 3, "delay_seconds": 1.0, "error_type": "TimeoutError"},
    ]


async def test_default_sleep_is_asyncio_sleep(ctx):
    inner = MockPrimitive(side_effect=[OSError(), "ok"])
    retry = RetryPrimitive(inner, base_delay=0.0)
    assert await retry.execute(0, ctx) == "ok"


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": 1.5}, "max_attempts"),
        ({"max_attempts": True}, "max_attempts"),
        ({"base_delay": -1}, "base_delay"),
        ({"max_delay": -1}, "max_delay"),
        ({"backoff_factor": 0.5}, "backoff_factor"),
    ],
)
def test_invalid_configuration(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        RetryPrimitive(MockPrimitive(), **kwargs)


def test_primitive_must_be_a_primitive():
    with pytest.raises(ValueError, match="primitive"):
        RetryPrimitive(lambda x: x)  # type: ignore[arg-type]
