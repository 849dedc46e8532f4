"""Primitives that combine other primitives: sequence, parallel, condition, router."""
