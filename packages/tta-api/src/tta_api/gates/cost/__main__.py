"""``python -m tta_api.gates.cost``: run the cost gate (see :mod:`tta_api.gates.cost.gate`)."""

from tta_api.gates.cost.gate import main

if __name__ == "__main__":
    raise SystemExit(main())
