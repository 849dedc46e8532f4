"""Composable async workflow primitives for LLM applications."""
