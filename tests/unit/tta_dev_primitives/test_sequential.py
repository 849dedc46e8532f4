import asyncio

import pytest
from tta_dev_primitives import LambdaPrimitive, MockPrimitive, SequentialPrimitive


async def test_runs_steps_in_order_passing_outputs(ctx):
    trace: list[str] = []

    def step(label: str):
        def run(x: str) -> str:
            trace.append(label)
            return x + label

        return LambdaPrimitive(run)

    chain = SequentialPrimitive([step("a"), step("b"), step("c")])
    assert await chain.execute("", ctx) == "abc"
    assert trace == ["a", "b", "c"]


async def test_single_step(ctx):
    assert await SequentialPrimitive([MockPrimitive(7)]).execute(0, ctx) == 7


async def test_failure_stops_the_chain(ctx):
    last = MockPrimitive("never")
    chain = SequentialPrimitive([MockPrimitive(1), MockPrimitive(side_effect=RuntimeError), last])
    with pytest.raises(RuntimeError):
        await chain.execute(0, ctx)
    assert not last.called


async def test_cancellation_stops_the_chain(ctx):
    started = asyncio.Event()
    last = MockPrimitive("never")

    async def block(_: object) -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(SequentialPrimitive([LambdaPrimitive(block), last]).execute(0, ctx))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not last.called


def test_empty_sequence_is_rejected():
    with pytest.raises(ValueError, match="steps"):
        SequentialPrimitive([])


def test_non_primitive_step_is_rejected():
    with pytest.raises(ValueError, match="steps"):
        SequentialPrimitive([MockPrimitive(), "nope"])  # type: ignore[list-item]


def test_named_nested_sequence_is_kept_as_one_step():
    a, b, c = MockPrimitive(), MockPrimitive(), MockPrimitive()
    inner = SequentialPrimitive([a, b], name="inner")
    assert SequentialPrimitive([inner, c]).steps == (inner, c)
    assert (inner >> c).steps == (inner, c)
    assert SequentialPrimitive([SequentialPrimitive([a, b]), c]).steps == (a, b, c)


async def test_hook_sees_sequence_and_steps(ctx, hook):
    chain = SequentialPrimitive([MockPrimitive(1, name="one"), MockPrimitive(2, name="two")])
    await chain.execute(0, ctx)
    assert hook.starts() == ["SequentialPrimitive", "one", "two"]
    assert [name for name, _ in hook.ends()] == ["one", "two", "SequentialPrimitive"]
