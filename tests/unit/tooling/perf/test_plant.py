"""The planted slowdown keeps behaviour and refuses what it cannot plant."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from tta_tooling.errors import InputError
from tta_tooling.perf.plant import plant_slowdown

SOURCE = '''"""A module."""


class Doubler:
    async def run(self, x: int) -> int:
        """Twice x."""
        return 2 * x


def triple(x: int) -> int:
    return 3 * x
'''


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("planted_module", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_planted_functions_still_compute_the_same(tmp_path: Path) -> None:
    path = tmp_path / "module.py"
    path.write_text(SOURCE, encoding="utf-8")
    plant_slowdown(path, "Doubler.run", 0.2)
    plant_slowdown(path, "triple", 0.5)
    text = path.read_text(encoding="utf-8")
    assert '"""Twice x."""\n        _planted_now' in text
    assert "0.16666666666666669" in text  # 0.2 / 1.2 of each cycle is spent spinning
    module = _load(path)
    assert [asyncio.run(module.Doubler().run(x)) for x in range(5)] == [0, 2, 4, 6, 8]
    assert [module.triple(x) for x in range(5)] == [0, 3, 6, 9, 12]


@pytest.mark.parametrize(
    ("qualname", "fraction", "message"),
    [
        ("Doubler.walk", 0.2, "no Doubler.walk"),
        ("Doubler", 0.2, "not a function"),
        ("triple", 0.0, "fraction"),
        ("triple", float("nan"), "fraction"),
    ],
)
def test_what_cannot_be_planted_is_an_input_error(
    tmp_path: Path, qualname: str, fraction: float, message: str
) -> None:
    path = tmp_path / "module.py"
    path.write_text(SOURCE, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        plant_slowdown(path, qualname, fraction)
    assert path.read_text(encoding="utf-8") == SOURCE
