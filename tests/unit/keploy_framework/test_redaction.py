"""Secrets are replaced before anything is written."""

from __future__ import annotations

from keploy_framework.config import Config
from keploy_framework.redaction import MARKER, Redactor
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase


def test_headers_json_keys_query_and_form_fields_are_redacted() -> None:
    request = HttpRequest(
        method="POST",
        url="http://h/login?token=T0K&page=1&sig=S1G",
        url_params={"token": "T0K", "page": "1", "sig": "S1G"},
        header={
            "Authorization": "Bearer A",
            "Cookie": "c=1",
            "X-Tenant": "t",
            "Content-Type": "application/json",
            "Content-Length": "60",
        },
        body='{"user": "u", "password": "pw", "nested": [{"api_key": "k"}], "note": null}',
        timestamp="t",
    )
    response = HttpResponse(
        status_code=200,
        header={"Set-Cookie": "s=1", "Content-Type": "application/json"},
        body='{"access_token": "at", "profile": {"secret": "s", "name": "n"}}',
        timestamp="t",
    )
    case = TestCase(name="t", request=request, response=response)
    config = Config(redact_headers=("X-Tenant",), redact_query_params=("sig",))
    Redactor.from_config(config).redact(case)
    assert request.header["Authorization"] == MARKER
    assert request.header["Cookie"] == MARKER
    assert request.header["X-Tenant"] == MARKER
    assert request.url == "http://h/login?token=%5BREDACTED%5D&page=1&sig=%5BREDACTED%5D"
    assert request.url_params == {"token": MARKER, "page": "1", "sig": MARKER}
    assert request.body == (
        '{"user":"u","password":"[REDACTED]","nested":[{"api_key":"[REDACTED]"}],"note":null}'
    )
    assert request.header["Content-Length"] == str(len(request.body))
    assert response.header["Set-Cookie"] == MARKER
    assert "at" not in str(response.body).replace("access_token", "")
    assert case.noise == {
        "header.Set-Cookie": [".*"],
        "body.access_token": [".*"],
        "body.profile.secret": [".*"],
    }


def test_form_bodies_and_untouched_bodies() -> None:
    form = HttpRequest(
        method="POST",
        url="http://h/f",
        timestamp="t",
        header={"Content-Type": "application/x-www-form-urlencoded"},
        body="user=u&password=hunter2",
    )
    plain = HttpResponse(status_code=200, header={}, body="password=visible-text", timestamp="t")
    case = TestCase(name="t", request=form, response=plain)
    Redactor.from_config(Config()).redact(case)
    assert form.body == "user=u&password=%5BREDACTED%5D"
    assert plain.body == "password=visible-text"  # not JSON, not a form: left alone
    assert case.noise == {}


def test_request_secrets_echoed_in_the_response_are_redacted() -> None:
    request = HttpRequest(
        method="POST",
        url="http://h/route?api_key=query-secret-1",
        timestamp="t",
        header={
            "Authorization": "Bearer header-token-2",
            "Cookie": "session=cookie-value-3; theme=dark",
            "Content-Type": "application/json",
        },
        body='{"prompt": "hi", "password": "body-secret-4"}',  # pragma: allowlist secret
    )
    response = HttpResponse(
        status_code=422,
        header={"Content-Type": "application/json", "X-Debug": "token header-token-2 seen"},
        body=(
            '{"detail": [{"loc": ["body", "password"], "input": "body-secret-4"},'
            ' {"msg": "bad key query-secret-1 for cookie-value-3", "input": "hi"}],'
            ' "seen": ["dark", "ok"]}'
        ),
        timestamp="t",
    )
    case = TestCase(name="t", request=request, response=response)
    Redactor.from_config(Config()).redact(case)
    written = f"{request.url} {request.header} {request.body!r} {response.header} {response.body!r}"
    for secret in ("query-secret-1", "header-token-2", "cookie-value-3", "body-secret-4"):
        assert secret not in written
    assert response.header["X-Debug"] == MARKER
    assert response.body == (
        '{"detail":[{"loc":["body","password"],"input":"[REDACTED]"},'
        '{"msg":"[REDACTED]","input":"hi"}],"seen":["[REDACTED]","ok"]}'
    )
    assert case.noise == {
        "header.X-Debug": [".*"],
        "body.detail.input": [".*"],
        "body.detail.msg": [".*"],
        "body.seen": [".*"],
    }


def test_a_short_secret_is_redacted_only_as_a_whole_value() -> None:
    request = HttpRequest(
        method="POST",
        url="http://h/login",
        timestamp="t",
        header={"Content-Type": "application/json"},
        body='{"password": "pw"}',
    )
    plain = HttpResponse(status_code=400, header={}, body="pw", timestamp="t")
    json_body = HttpResponse(
        status_code=400, header={}, body='{"echo": "pw", "hint": "use a pwd"}', timestamp="t"
    )
    for response, expected in (
        (plain, MARKER),
        (json_body, '{"echo":"[REDACTED]","hint":"use a pwd"}'),
    ):
        case = TestCase(name="t", request=request, response=response)
        Redactor.from_config(Config()).redact(case)
        assert response.body == expected
        request.body = '{"password": "pw"}'
