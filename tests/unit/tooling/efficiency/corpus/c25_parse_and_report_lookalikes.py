# Source: PyCQA/flake8, src/flake8/checker.py (MIT).
# Rewritten to the same shape: ast.parse and a report generator named like model calls.
import ast


def generate_report(results):
    return "\n".join(f"{path}: {count}" for path, count in results)


def run_checks(paths):
    results = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), filename=path)
        results.append((path, sum(1 for _ in ast.walk(tree))))
    return generate_report(results)
