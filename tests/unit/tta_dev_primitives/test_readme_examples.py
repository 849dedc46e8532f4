"""Every python example in the package README runs."""

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[3] / "packages" / "tta-dev-primitives" / "README.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_readme_has_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("source", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs(source, capsys):
    exec(compile(source, str(README), "exec"), {"__name__": "readme_example"})  # noqa: S102
