"""Primitives that recover from failure: retry, fallback, timeout."""
