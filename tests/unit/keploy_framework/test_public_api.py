"""The package's public names load on first use (PEP 562) and are the same objects as
before: every name of ``__all__`` resolves, from the module that defines it; the CLI's
help and usage errors import none of the recorder's and replayer's libraries."""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import keploy_framework
import pytest


@pytest.mark.parametrize("name", keploy_framework.__all__)
def test_every_public_name_resolves_to_its_modules_object(name: str) -> None:
    value = getattr(keploy_framework, name)
    assert not isinstance(value, ModuleType)  # keploy_framework.compare stays the function
    home = importlib.import_module(value.__module__)
    assert getattr(home, name) is value


def test_the_public_names_are_listed_and_a_wrong_one_is_refused() -> None:
    namespace: dict[str, object] = {}
    exec("from keploy_framework import *", namespace)  # noqa: S102 - the star import itself
    assert set(namespace) - {"__builtins__"} == set(keploy_framework.__all__)
    assert set(keploy_framework.__all__) <= set(dir(keploy_framework))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = keploy_framework.no_such_name


HEAVY = ("aiohttp", "httpx", "uvicorn", "jsonschema", "yaml")


@pytest.mark.smoke  # a fresh interpreter: the test process has imported everything
@pytest.mark.parametrize("args", [["--help"], ["record", "--help"], ["test", "--port", "x"]])
def test_the_clis_help_and_usage_errors_import_no_heavy_library(args: list[str]) -> None:
    code = (
        "import sys\nfrom keploy_framework.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(*sorted({name.partition('.')[0] for name in sys.modules}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    imported = set(done.stderr.split())
    assert "argparse" in imported  # the list was printed
    assert imported.isdisjoint(HEAVY)


@pytest.mark.smoke  # a fresh interpreter
def test_importing_the_package_loads_a_public_name_only_when_asked() -> None:
    code = (
        "import sys, keploy_framework\n"
        "before = 'aiohttp' in sys.modules\n"
        "import keploy_framework.config\n"
        "from keploy_framework import RecordingProxy, compare\n"
        "print(before, 'aiohttp' in sys.modules, callable(compare), RecordingProxy.__module__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True", "True", "keploy_framework.recorder"]
