import pytest
from tta_dev_primitives import MockCall, MockPrimitive


async def test_returns_value_and_records_calls(ctx):
    mock = MockPrimitive("v", name="llm")
    assert mock.call_count == 0
    assert await mock.execute("in", ctx) == "v"
    assert mock.called
    assert mock.call_count == 1
    assert mock.calls == [MockCall("in", ctx)]
    mock.assert_called_once_with("in")
    mock.reset()
    assert mock.call_count == 0


async def test_assert_called_once_with_failures(ctx):
    mock = MockPrimitive()
    with pytest.raises(AssertionError, match="expected 1 call, got 0"):
        mock.assert_called_once_with(1)
    await mock.execute(2, ctx)
    with pytest.raises(AssertionError, match="called with 2, expected 1"):
        mock.assert_called_once_with(1)


async def test_side_effect_exception_class_and_instance(ctx):
    with pytest.raises(KeyError):
        await MockPrimitive(side_effect=KeyError).execute(0, ctx)
    with pytest.raises(KeyError, match="k"):
        await MockPrimitive(side_effect=KeyError("k")).execute(0, ctx)


async def test_side_effect_callables(ctx):
    async def async_double(x: int) -> int:
        return x * 2

    assert await MockPrimitive(side_effect=lambda x: x + 1).execute(1, ctx) == 2
    assert await MockPrimitive(side_effect=async_double).execute(2, ctx) == 4


async def test_side_effect_iterable(ctx):
    mock = MockPrimitive(side_effect=[1, ValueError("second"), 3])
    assert await mock.execute(0, ctx) == 1
    with pytest.raises(ValueError, match="second"):
        await mock.execute(0, ctx)
    assert await mock.execute(0, ctx) == 3
    with pytest.raises(AssertionError, match="exhausted"):
        await mock.execute(0, ctx)
