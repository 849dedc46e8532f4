"""The core types under the import path ``tta_dev_primitives.core`` (the proposal's)."""
