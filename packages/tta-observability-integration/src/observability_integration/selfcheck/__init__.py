"""The observability self-check: ``python -m observability_integration.selfcheck``.

The ``observability`` nox session runs it. It initialises observability in
this process, serves ``/metrics``, runs a sample workflow made of every
primitive type and checks the result (:mod:`.health_check`);
:mod:`.sample_workflow` holds that workflow, the parent links its spans must
have, and probes for primitive types it does not contain. It is not part of
the package's public API (``observability_integration.__all__``).
"""
