"""Validators and checkers run by the monorepo's quality gates."""
