"""Secrets are replaced by a fixed marker in everything written: cases, reports and logs.

Replay compares the live response as received (Keploy redacts nothing at replay);
only the copies that are written go through ``Redactor.for_writing``.
"""

from __future__ import annotations

import contextlib
import copy
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from keploy_framework.compare import Comparison
from keploy_framework.config import Config
from keploy_framework.headers import canonical_header_key
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase

__all__ = ["ANY_VALUE", "MARKER", "Redactor"]

# The default lists are package data shared with the repository's secrets gate:
# what the recorder redacts is exactly what the scan expects to find redacted.
_NAMES = json.loads((resources.files("keploy_framework") / "sensitive_names.json").read_text())
MARKER: str = _NAMES["marker"]
# Noise for a redacted response field: any value passes, but the field must be there.
ANY_VALUE = [".*"]

_HEADERS: tuple[str, ...] = tuple(_NAMES["headers"])
_JSON_KEYS: tuple[str, ...] = tuple(_NAMES["json_keys"])
_QUERY_PARAMS: tuple[str, ...] = tuple(_NAMES["query_params"])
# A request's secret echoed in its response (a 422 quoting its input, an error
# message naming it) is redacted too: as a whole value always, inside a longer
# text when it is at least this long (shorter ones would match ordinary text).
_MIN_EMBEDDED_SECRET = 6


@dataclass(frozen=True)
class Redactor:
    """Which headers, JSON keys (any depth) and query parameters are secrets."""

    headers: frozenset[str]
    json_keys: frozenset[str]
    query_params: frozenset[str]

    @classmethod
    def from_config(cls, config: Config) -> Redactor:
        return cls(
            headers=frozenset(h.lower() for h in (*_HEADERS, *config.redact_headers)),
            json_keys=frozenset(k.lower() for k in (*_JSON_KEYS, *config.redact_json_keys)),
            query_params=frozenset(
                q.lower() for q in (*_QUERY_PARAMS, *config.redact_query_params)
            ),
        )

    def redact(self, case: TestCase) -> None:
        """Replace every secret in ``case`` and mark the response's redacted fields as noise."""
        request = case.request
        secrets = self._request_secrets(request)
        for name in request.header:
            if name.lower() in self.headers:
                request.header[name] = MARKER
        request.url = self._redact_url(request.url)
        if request.url_params:
            for key in request.url_params:
                if key.lower() in self.query_params:
                    request.url_params[key] = MARKER
        body = self._redact_body(request.body, request.header, [])
        if body != request.body:
            request.body = body
            for name in request.header:
                if name.lower() == "content-length":
                    request.header[name] = str(len(body.encode("utf-8")))
        names, paths = self.redact_response(case.response, secrets)
        for name in names:
            case.noise[f"header.{canonical_header_key(name)}"] = list(ANY_VALUE)
        for path in paths:
            case.noise[f"body.{path}"] = list(ANY_VALUE)

    def redact_response(
        self, response: HttpResponse, secrets: frozenset[str] = frozenset()
    ) -> tuple[list[str], list[str]]:
        """Redact a response in place (secret names, and ``secrets`` echoed from the request).

        Returns the header names and JSON body paths replaced.
        """
        names = [
            name
            for name, value in response.header.items()
            if name.lower() in self.headers or _scrub(value, secrets) != value
        ]
        for name in names:
            response.header[name] = MARKER
        paths: list[str] = []
        response.body = self._redact_body(response.body, response.header, paths, secrets)
        return names, paths

    def for_writing(
        self, case: TestCase, actual: HttpResponse, comparison: Comparison
    ) -> tuple[TestCase, HttpResponse, Comparison]:
        """Redacted copies of a replayed exchange and its verdict, for reports and logs."""
        secrets = self._request_secrets(case.request)
        hidden = secrets | self._response_secrets(case.response) | self._response_secrets(actual)
        written_case = copy.deepcopy(case)
        self.redact(written_case)
        written_case.noise = copy.deepcopy(case.noise)
        written_actual = copy.deepcopy(actual)
        self.redact_response(written_actual, secrets)
        result = copy.deepcopy(comparison.result)
        for body in result.get("body_result", []):
            body["expected"] = written_case.response.body
            body["actual"] = written_actual.body
        for header in result.get("headers_result", []):
            secret = header["expected"]["key"].lower() in self.headers
            for side in (header["expected"], header["actual"]):
                side["value"] = [MARKER if secret else _scrub(v, hidden) for v in side["value"]]
        diffs = [_scrub(diff, hidden) for diff in comparison.diffs]
        written = Comparison(comparison.passed, result, diffs, comparison.failure_info)
        return written_case, written_actual, written

    def _response_secrets(self, response: HttpResponse) -> frozenset[str]:
        """Secret values a response carries: secret headers (cookie values too) and JSON keys."""
        found: set[str] = set()
        for name, value in response.header.items():
            if name.lower() in self.headers:
                found.add(value)
                found.update(part.partition("=")[2].strip() for part in value.split(";"))
        if isinstance(response.body, str):
            with contextlib.suppress(ValueError):
                found.update(self._secret_values(json.loads(response.body)))
        return frozenset(v for v in found if v and v != MARKER)

    def _request_secrets(self, request: HttpRequest) -> frozenset[str]:
        """The secret values a request carries: header credentials, query and body fields."""
        found: set[str] = set()
        for name, value in request.header.items():
            if name.lower() in self.headers:
                found.add(value)
                found.update(value.split()[1:])  # "Bearer <token>"
                for cookie in value.split(";"):  # "a=<v>; b=<w>"
                    found.add(cookie.partition("=")[2].strip())
        query = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
        found.update(v for k, v in query if k.lower() in self.query_params)
        found.update(
            v for k, v in (request.url_params or {}).items() if k.lower() in self.query_params
        )
        if isinstance(request.body, str) and request.body:
            found.update(v for k, v in parse_qsl(request.body) if k.lower() in self.json_keys)
            try:
                document = json.loads(request.body)
            except ValueError:
                document = None
            found.update(self._secret_values(document))
        return frozenset(v for v in found if v and v != MARKER)

    def _secret_values(self, node: Any) -> list[str]:
        if isinstance(node, dict):
            return [
                found
                for key, value in node.items()
                for found in (
                    [str(value)]
                    if str(key).lower() in self.json_keys and isinstance(value, str | int)
                    else self._secret_values(value)
                )
            ]
        if isinstance(node, list):
            return [found for item in node for found in self._secret_values(item)]
        return []

    def _redact_url(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.query:
            return url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if not any(key.lower() in self.query_params for key, _ in pairs):
            return url
        query = urlencode([(k, MARKER if k.lower() in self.query_params else v) for k, v in pairs])
        return urlunsplit(parts._replace(query=query))

    def _redact_body(
        self,
        body: str | bytes,
        header: dict[str, str],
        paths: list[str],
        secrets: frozenset[str] = frozenset(),
    ) -> Any:
        if not isinstance(body, str) or not body:
            return body
        content_type = next((v for k, v in header.items() if k.lower() == "content-type"), "")
        if "application/x-www-form-urlencoded" in content_type.lower():
            pairs = parse_qsl(body, keep_blank_values=True)
            if any(key.lower() in self.json_keys for key, _ in pairs):
                return urlencode(
                    [(k, MARKER if k.lower() in self.json_keys else v) for k, v in pairs]
                )
            return body
        try:
            document = json.loads(body)
        except ValueError:
            return _scrub(body, secrets)
        if not self._walk(document, "", paths, secrets):
            return body
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)

    def _walk(self, node: Any, prefix: str, paths: list[str], secrets: frozenset[str]) -> bool:
        changed = False
        if isinstance(node, dict):
            for key, value in node.items():
                path = f"{prefix}.{key}" if prefix else str(key)
                secret_key = str(key).lower() in self.json_keys and value is not None
                if secret_key or (isinstance(value, str) and _scrub(value, secrets) != value):
                    node[key] = MARKER
                    if path not in paths:
                        paths.append(path)
                    changed = True
                else:
                    changed = self._walk(value, path, paths, secrets) or changed
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str) and _scrub(item, secrets) != item:
                    node[index] = MARKER
                    if prefix and prefix not in paths:
                        paths.append(prefix)
                    changed = True
                else:
                    changed = self._walk(item, prefix, paths, secrets) or changed
        return changed


def _scrub(text: str, secrets: frozenset[str]) -> str:
    """``text`` with each secret replaced: a whole-value match, or a long enough substring."""
    if text in secrets:
        return MARKER
    for secret in secrets:
        if len(secret) >= _MIN_EMBEDDED_SECRET and secret in text:
            text = text.replace(secret, MARKER)
    return text
