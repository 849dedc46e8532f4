"""Shared by every test tier: Hypothesis profiles, the self-test's repository copy, a dead Redis.

``deterministic`` (the default, used by the ``tests-*`` and ``integration``
sessions) derives each property test's examples from the test itself and keeps
no example database, so a run on a fresh machine draws exactly what CI drew: a
new counterexample cannot turn a contributor's pull request red at random.
``random`` (``--hypothesis-profile=random``, used by the ``flakiness`` gate)
draws new examples on every run, so new counterexamples surface there. Neither
has a deadline: a timing assertion belongs in the benchmarks, not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from .common.gate_rows import copy_repository
from .common.ports import refused_port

# Pull requests replay the same 100 examples per property (Hypothesis' default); the
# nightly flakiness run draws ten times as many new ones.
settings.register_profile(
    "deterministic", derandomize=True, database=None, deadline=None, max_examples=100
)
settings.register_profile(
    "random", derandomize=False, database=None, deadline=None, max_examples=1000
)
settings.load_profile("deterministic")


@pytest.fixture(scope="session")
def row_envdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this pytest process's gate self-test rows keep their session venvs."""
    return tmp_path_factory.mktemp("row-venvs")


@pytest.fixture
def repo_copy(tmp_path: Path, row_envdir: Path) -> Path:
    """A copy of the repository for one gate self-test row (see ``tests/common/gate_rows.py``)."""
    return copy_repository(tmp_path / "repo", envdir=row_envdir)


@pytest.fixture
def refused_redis_url() -> Iterator[str]:
    """A Redis URL whose port refuses every connection for the whole test."""
    with refused_port() as port:
        yield f"redis://127.0.0.1:{port}/0"
