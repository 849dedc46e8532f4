"""OpenTelemetry and Prometheus instrumentation for tta-dev-primitives."""
