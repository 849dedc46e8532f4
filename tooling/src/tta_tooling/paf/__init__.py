"""Permanent architectural facts: PAFCORE.md parsed (``facts``), each fact's check run
(``checks``). Nothing is imported here: the checks import import-linter, which
``tta-tooling paf --help`` does not need.
"""
