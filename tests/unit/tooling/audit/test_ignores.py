"""The ignore file's rules: every entry has exactly id, reason and a TOML date."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from tta_tooling.audit import Ignore, load_ignores
from tta_tooling.errors import InputError


def _load(tmp_path: Path, text: str) -> list[Ignore]:
    path = tmp_path / "ignore.toml"
    path.write_text(text, encoding="utf-8")
    return load_ignores(path)


def test_a_missing_file_ignores_nothing(tmp_path: Path) -> None:
    assert load_ignores(tmp_path / "absent.toml") == []


def test_the_repository_ignore_file_is_valid() -> None:
    root = Path(__file__).resolve().parents[4]
    today = datetime.datetime.now(datetime.UTC).date()
    assert not [e.id for e in load_ignores(root / ".github/audit-ignore.toml") if e.expired(today)]


def test_an_entry_expires_the_day_after_its_date(tmp_path: Path) -> None:
    (entry,) = _load(tmp_path, '[[ignore]]\nid = " A "\nreason = "r"\nexpires = 2030-05-01\n')
    assert entry == Ignore("A", "r", datetime.date(2030, 5, 1))
    assert not entry.expired(datetime.date(2030, 5, 1))
    assert entry.expired(datetime.date(2030, 5, 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[ignore]]\nid = "A"\nreason = "r"\nexpires = "2030-01-01"\n', "ignore[0].expires"),
        ('[[ignore]]\nid = "A"\nreason = "r"\nexpires = 2030-01-01T00:00:00\n', "TOML date"),
        ('[[ignore]]\nid = ""\nreason = "r"\nexpires = 2030-01-01\n', "ignore[0].id"),
        ('[[ignore]]\nid = "A"\nreason = " "\nexpires = 2030-01-01\n', "ignore[0].reason"),
        ('[[ignore]]\nid = "A"\nreason = "r"\nexpires = 2030-01-01\nby = "x"\n', "unknown key by"),
        ("ignored = []\n", "ignored: unknown key"),
        ("ignore = 3\n", "expected [[ignore]] entries"),
        ("ignore = [3]\n", "ignore[0]: expected a table"),
        ("[[ignore]\n", "invalid TOML"),
    ],
)
def test_malformed_entries_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _load(tmp_path, text)
