"""Quality gates that exercise the service's own code; the service never imports them.

One subpackage per gate, each run with ``python -m tta_api.gates.<gate>``:
:mod:`tta_api.gates.cost` (the ``cost`` nox session).
"""
