"""The cost gate: a reference workload replayed naive and optimized (``nox -s cost``).

``python -m tta_api.gates.cost`` runs it (:mod:`tta_api.gates.cost.gate`);
``python -m tta_api.gates.cost.generator`` rewrites the shipped reference
workload (``data/reference_workload.jsonl``). :mod:`~tta_api.gates.cost.workload`
reads and validates workload files; :mod:`~tta_api.gates.cost.replay` replays
one through ``smart-answer`` twice and compares the costs.
"""
