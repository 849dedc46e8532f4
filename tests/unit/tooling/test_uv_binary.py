"""find_uv: $UV, then PATH, then the README's .nox/uv/bin/uv, else a one-line InputError."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.uv_binary import README_UV, find_uv


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_uv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An environment with no UV variable and an empty PATH; returns a repository root."""
    monkeypatch.delenv("UV", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    root = tmp_path / "repo"
    root.mkdir()
    return root


def test_the_uv_variable_wins(no_uv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exported = _executable(no_uv.parent / "exported" / "uv")
    on_path = _executable(no_uv.parent / "empty-bin" / "uv")
    _executable(no_uv / README_UV)
    monkeypatch.setenv("UV", str(exported))
    assert find_uv(no_uv) == str(exported)
    monkeypatch.delenv("UV")
    assert find_uv(no_uv) == str(on_path)


def test_the_readme_install_is_found_without_path(no_uv: Path) -> None:
    installed = _executable(no_uv / README_UV)
    assert Path(find_uv(no_uv)) == installed


def test_a_stale_uv_variable_falls_through(no_uv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV", str(no_uv / "gone" / "uv"))
    installed = _executable(no_uv / README_UV)
    assert Path(find_uv(no_uv)) == installed


def test_no_uv_anywhere_says_how_to_get_it(no_uv: Path) -> None:
    with pytest.raises(InputError, match=r"^uv: not found .*README's first command") as caught:
        find_uv(no_uv)
    assert "\n" not in str(caught.value)
