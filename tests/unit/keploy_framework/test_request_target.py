"""The replayer sends a case only to the base URL: a target that could move it is refused."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from keploy_framework.cli import main
from keploy_framework.request_target import UnsafeTarget, request_target

from .conftest import FIXTURES

CASE = FIXTURES / "flask-redis/test-set-0/tests/test-1.yaml"
RECORDED_URL = "        url: http://localhost:5000/books/\n"

UNSAFE = {
    "userinfo": ["@evil.test:8080/steal", "@127.0.0.1:1/", "user:pw@evil.test/x"],
    "authority": ["//evil.test/x", "http://localhost:5000//evil.test:81/", "///evil.test"],
    "backslash": ["/\\evil.test/x", "\\\\evil.test/x", "/books\\..\\admin"],
    "absolute": ["http:http://evil.test/x", "/http://evil.test/", "http://h/https://evil.test"],
    "scheme": ["file:///etc/passwd", "gopher://localhost:5000/x", "javascript:alert(1)"],
    "control": ["/books\r\nHost: evil.test", "/books\x00", "/a\tb", "/x\x7f"],
    "percent-encoded": [
        "%40evil.test:8080/steal",
        "/%2F%2Fevil.test/x",
        "/%5Cevil.test",
        "/books%0d%0aHost:%20evil.test",
        "/%252F%252Fevil.test",
        "/%68ttp://evil.test",
    ],
}
SAFE = {
    "http://localhost:5000/books/": "/books/",
    "http://localhost:5000/search?q=a%20b&next=http://x.test/": "/search?q=a%20b&next=http://x.test/",
    "http://localhost:5000/users/a@b.test": "/users/a@b.test",
    "http://ann:" + "x@recorded.test:9/x#frag": "/x",  # userinfo of the recorded host
    "/relative?x=1": "/relative?x=1",
    "http://localhost:5000": "/",
}


@pytest.mark.parametrize(
    "url",
    [pytest.param(u, id=f"{form}-{i}") for form, us in UNSAFE.items() for i, u in enumerate(us)],
)
def test_a_target_that_could_leave_the_base_url_is_refused(url: str) -> None:
    with pytest.raises(UnsafeTarget):
        request_target(url)


@pytest.mark.parametrize(("url", "target"), SAFE.items())
def test_an_origin_form_target_is_kept(url: str, target: str) -> None:
    assert request_target(url) == target


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port that would see any request the replayer were tricked into sending."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


@pytest.mark.parametrize(
    "template",
    ["@127.0.0.1:{port}/steal", "%40127.0.0.1:{port}/steal", "//127.0.0.1:{port}/x"],
)
def test_the_cli_refuses_the_case_naming_file_and_field(
    tmp_path: Path,
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    template: str,
) -> None:
    url = template.format(port=listener.getsockname()[1])
    tests = tmp_path / "api" / "test-set-0" / "tests"
    tests.mkdir(parents=True)
    (tests / "test-1.yaml").write_text(
        CASE.read_text().replace(RECORDED_URL, f"        url: '{url}'\n")
    )
    argv = ["test", "--replay", "--test-dir", str(tmp_path / "api")]
    code = main([*argv, "--base-url", "http://127.0.0.1:9"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1, err
    assert "test-1.yaml" in err[0], err[0]
    assert "spec.req.url" in err[0], err[0]
    with pytest.raises(BlockingIOError):
        listener.accept()
