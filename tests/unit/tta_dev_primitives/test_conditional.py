import pytest
from tta_dev_primitives import ConditionalPrimitive, MockPrimitive


def is_positive(x: int, _ctx: object) -> bool:
    return x > 0


async def test_picks_the_branch(ctx):
    then, other = MockPrimitive("then"), MockPrimitive("else")
    cond = ConditionalPrimitive(is_positive, then, other)
    assert await cond.execute(1, ctx) == "then"
    assert await cond.execute(-1, ctx) == "else"
    assert then.call_count == other.call_count == 1


async def test_without_else_passes_input_through(ctx):
    cond = ConditionalPrimitive(is_positive, MockPrimitive("then"))
    assert await cond.execute(-5, ctx) == -5


async def test_condition_sees_the_context(ctx):
    ctx.state["premium"] = True
    cond = ConditionalPrimitive(
        lambda _x, c: bool(c.state.get("premium")), MockPrimitive("p"), MockPrimitive("f")
    )
    assert await cond.execute(0, ctx) == "p"


async def test_branch_errors_propagate(ctx):
    cond = ConditionalPrimitive(is_positive, MockPrimitive(side_effect=OSError("disk")))
    with pytest.raises(OSError, match="disk"):
        await cond.execute(1, ctx)


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ((None, MockPrimitive()), "condition"),
        ((is_positive, "x"), "then_primitive"),
        ((is_positive, MockPrimitive(), "y"), "else_primitive"),
    ],
)
def test_invalid_arguments(args, argument):
    with pytest.raises(ValueError, match=argument):
        ConditionalPrimitive(*args)
