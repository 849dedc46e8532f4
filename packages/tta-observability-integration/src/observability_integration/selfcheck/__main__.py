"""``python -m observability_integration.selfcheck``: run the health check and print its report."""

from observability_integration.selfcheck.health_check import main

if __name__ == "__main__":
    raise SystemExit(main())
