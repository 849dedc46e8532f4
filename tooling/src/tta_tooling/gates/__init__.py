"""Gate integrity: the nox catalog, what workflows and VS Code tasks run, CI file
schemas and security, and the per-package coverage thresholds."""
