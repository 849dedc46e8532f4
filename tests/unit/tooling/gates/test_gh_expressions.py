"""Which `if:` conditions can never be true on a green run of a workflow."""

from __future__ import annotations

import pytest
from tta_tooling.gates.gh_expressions import mask_expressions, never_true

EVENTS = {"push", "pull_request"}


@pytest.mark.parametrize(
    "condition",
    [
        False,
        0,
        "false",
        "${{ false }}",
        "${{ 0 }}",
        "''",
        "failure()",
        "cancelled()",
        "!always()",
        "github.event_name == 'release'",
        "github.event_name == 'push' && github.event_name == 'pull_request'",
        "false && contains(github.ref, 'main')",
        "(false || null) && true",
    ],
)
def test_never_true(condition: object) -> None:
    assert never_true(condition, EVENTS)


@pytest.mark.parametrize(
    "condition",
    [
        None,
        True,
        "true",
        "success()",
        "always()",
        "!cancelled()",
        "github.event_name == 'push'",
        "github.event_name != 'release'",
        "matrix.os == 'ubuntu-latest'",
        "contains(matrix.session.tags, 'redis')",
        "unknown.value || false",
        "contains(github.ref, 'x') || true",
        "${{ github.ref }} && false",  # a string template: always truthy
        "github.event_name == ",  # not an expression GitHub accepts: not judged here
    ],
)
def test_possibly_true(condition: object) -> None:
    assert not never_true(condition, EVENTS)


def test_event_name_is_unknown_without_triggers() -> None:
    assert not never_true("github.event_name == 'release'", None)


def test_expressions_become_shell_words() -> None:
    masked = mask_expressions('uvx nox -s "${{ matrix.session }}" -t ${{inputs.tag}}')
    assert masked.text == 'uvx nox -s "__gh_expression_0__" -t __gh_expression_1__'
    assert masked.expression_in("__gh_expression_1__") == "inputs.tag"
    assert masked.expression_in("uvx") is None
