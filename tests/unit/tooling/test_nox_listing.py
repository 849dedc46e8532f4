"""nox --list --json is run once per content: cached by noxfile, pyproject, arguments, nox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tta_tooling import nox_listing
from tta_tooling.errors import InputError
from tta_tooling.nox_listing import nox_listings

NOXFILE = """import nox

@nox.session(python=False, tags=["quality"])
def lint(session):
    \"\"\"Lint.\"\"\"

@nox.session(python=False, default=False)
def slow(session):
    \"\"\"Slow.\"\"\"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TTA_TOOLING_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "project"
    root.mkdir()
    (root / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    return root


@pytest.fixture
def listings_run(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Records each selection nox was really started for."""
    started: list[tuple[str, ...]] = []
    start = nox_listing._start

    def recording(noxfile: Path, selection: Any) -> Any:
        started.append(tuple(selection))
        return start(noxfile, selection)

    monkeypatch.setattr(nox_listing, "_start", recording)
    return started


@pytest.fixture(scope="session")
def real_default_listing(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What nox itself prints for ``NOXFILE``'s default sessions, listed once per run."""
    root = tmp_path_factory.mktemp("nox-listing")
    (root / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    command = [sys.executable, "-m", "nox", "--noxfile", str(root / "noxfile.py")]
    return subprocess.run(
        [*command, "--list", "--json"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def listings_served(
    monkeypatch: pytest.MonkeyPatch, real_default_listing: str
) -> list[tuple[str, ...]]:
    """Records each listing started; the child prints nox's real answer without nox's start-up.

    For the cache's own logic (when it lists anew), not for what nox answers:
    ``test_a_second_listing_of_the_same_content_starts_no_nox`` starts real nox.
    """
    started: list[tuple[str, ...]] = []

    def serving(noxfile: Path, selection: Any) -> subprocess.Popen[str]:
        started.append(tuple(selection))
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", "import sys; sys.stdout.write(sys.argv[1])",
             real_default_listing],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip

    monkeypatch.setattr(nox_listing, "_start", serving)
    return started


def _names(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["session"] for entry in entries]


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_a_second_listing_of_the_same_content_starts_no_nox(
    project: Path, listings_run: list[tuple[str, ...]]
) -> None:
    defaults, every = nox_listings(project / "noxfile.py", (), ("-k", "True"))
    assert (_names(defaults), _names(every)) == (["lint"], ["lint", "slow"])
    assert nox_listings(project / "noxfile.py", (), ("-k", "True")) == [defaults, every]
    assert listings_run == [(), ("-k", "True")]


@pytest.mark.parametrize("changed", ["noxfile.py", "pyproject.toml"])
def test_a_changed_byte_lists_anew(
    project: Path, listings_served: list[tuple[str, ...]], changed: str
) -> None:
    nox_listings(project / "noxfile.py", ())
    path = project / changed
    path.write_text((path.read_text("utf-8") if path.exists() else "") + "\n# edit\n", "utf-8")
    nox_listings(project / "noxfile.py", ())
    assert listings_served == [(), ()]


def test_a_corrupt_cache_entry_is_listed_anew(
    project: Path, listings_served: list[tuple[str, ...]], tmp_path: Path
) -> None:
    (first,) = nox_listings(project / "noxfile.py", ())
    for entry in (tmp_path / "cache").glob("nox-list-*.json"):
        entry.write_text('[{"session": 1}]', encoding="utf-8")
    assert nox_listings(project / "noxfile.py", ()) == [first]
    assert len(listings_served) == 2


def test_an_unwritable_cache_only_costs_a_listing(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    listings_served: list[tuple[str, ...]],
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TTA_TOOLING_CACHE", str(blocker / "cache"))
    (defaults,) = nox_listings(project / "noxfile.py", ())
    assert _names(defaults) == ["lint"]
    assert nox_listings(project / "noxfile.py", ()) == [defaults]
    assert listings_served == [(), ()]


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_a_noxfile_nox_cannot_list_is_bad_input(project: Path) -> None:
    (project / "noxfile.py").write_text("import nox\ndef (:\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"noxfile\.py: nox --list --json failed"):
        nox_listings(project / "noxfile.py", ())


def test_a_missing_noxfile_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="noxfile not found"):
        nox_listings(tmp_path / "noxfile.py", ())
