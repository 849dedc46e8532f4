"""Hypothesis profiles shared by every test tier.

``deterministic`` (the default, used by the ``tests-*`` and ``integration``
sessions) derives each property test's examples from the test itself and keeps
no example database, so a run on a fresh machine draws exactly what CI drew: a
new counterexample cannot turn a contributor's pull request red at random.
``random`` (``--hypothesis-profile=random``, used by the ``flakiness`` gate)
draws new examples on every run, so new counterexamples surface there. Neither
has a deadline: a timing assertion belongs in the benchmarks, not here.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.register_profile("random", derandomize=False, database=None, deadline=None)
settings.load_profile("deterministic")
