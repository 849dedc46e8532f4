"""A small HTTP app the recorder and replayer are tested against: ``python sample_app.py PORT``.

Set ``SAMPLE_APP_RENAME=1`` to rename the items' ``name`` field to ``title`` (a
behavioural change a replay must catch).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import sys
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

RENAME = os.environ.get("SAMPLE_APP_RENAME") == "1"
_lock = threading.Lock()
_counter = itertools.count(1)
_items: dict[str, dict[str, Any]] = {
    "1": {"id": "1", "name": "kettle", "tags": ["kitchen", "steel"], "price": 25.5},
    "2": {"id": "2", "name": "lamp", "tags": ["living"], "price": 40},
}


OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "sample", "version": "1"},
    "paths": {
        "/health": {"get": {}},
        "/items": {"get": {}, "post": {}},
        "/items/{item_id}": {"get": {}, "delete": {}},
        "/login": {"post": {}},
    },
}


def _public(item: dict[str, Any]) -> dict[str, Any]:
    if not RENAME:
        return item
    return {("title" if key == "name" else key): value for key, value in item.items()}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(
        self, status: int, body: bytes, content_type: str, extra: list[tuple[str, str]]
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, document: Any, extra: list[tuple[str, str]] | None = None) -> None:
        self._send(status, json.dumps(document).encode(), "application/json", extra or [])

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/items/"):
            with _lock:
                item = _items.get(parts.path.removeprefix("/items/"))
            if item is None:
                self._json(404, {"detail": "not found"})
            else:
                self._json(200, _public(item))
            return
        route = {
            "/health": self._health,
            "/items": self._list,
            "/gzip": self._gzip,
            "/binary": self._binary,
            "/repeat": self._repeat,
            "/redirect": self._redirect,
            "/time": self._time,
            "/counter": self._count,
            "/grow": self._grow,
            "/echo": self._echo,
            "/host": self._host,
            "/headers": self._headers,
            "/openapi.json": self._openapi,
        }.get(parts.path)
        if route is None:
            self._json(404, {"detail": "not found"})
        else:
            route(parse_qs(parts.query))

    def _health(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"status": "ok"})

    def _list(self, query: dict[str, list[str]]) -> None:
        limit = int(query.get("limit", ["100"])[0])
        with _lock:
            items = [_public(i) for i in list(_items.values())[:limit]]
        self._json(200, {"items": items, "count": len(items)})

    def _gzip(self, query: dict[str, list[str]]) -> None:
        body = gzip.compress(json.dumps({"compressed": True, "size": 3}).encode())
        self._send(200, body, "application/json", [("Content-Encoding", "gzip")])

    def _binary(self, query: dict[str, list[str]]) -> None:
        self._send(200, bytes(range(256)), "application/octet-stream", [])

    def _repeat(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"ok": True}, [("x-tag", "a"), ("x-tag", "b"), ("x-custom-ID", "7")])

    def _redirect(self, query: dict[str, list[str]]) -> None:
        self._send(302, b"", "text/plain", [("Location", "/items")])

    def _time(self, query: dict[str, list[str]]) -> None:
        now = datetime.now(UTC)
        document = {
            "now": now.isoformat(),
            "epoch": int(now.timestamp()),
            "request": str(uuid.uuid4()),
        }
        self._json(200, document, [("X-Request-Id", str(uuid.uuid4()))])

    def _count(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"count": next(_counter), "label": "visits"})

    def _grow(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"values": list(range(next(_counter) % 3 + 1))})

    def _echo(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"i": query.get("i", [""])[0]})

    def _host(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"host": self.headers.get("Host")})

    def _headers(self, query: dict[str, list[str]]) -> None:
        self._json(200, {"headers": [[k.lower(), v] for k, v in self.headers.items()]})

    def _openapi(self, query: dict[str, list[str]]) -> None:
        self._json(200, OPENAPI)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        raw = self._body()
        if path == "/items":
            document = json.loads(raw or b"{}")
            item = {
                "id": str(uuid.uuid4()),
                "name": document.get("name", ""),
                "created_at": datetime.now(UTC).isoformat(),
            }
            self._json(201, _public(item), [("Set-Cookie", "session=s3cr3t-cookie; HttpOnly")])
        elif path == "/login":
            document = json.loads(raw or b"{}")
            self._json(200, {"user": document.get("username"), "token": "tok-" + "x" * 8})
        elif path == "/form":
            fields = parse_qs(raw.decode())
            self._send(200, f"hello {fields.get('user', ['?'])[0]}".encode(), "text/plain", [])
        else:
            self._json(404, {"detail": "not found"})


def main() -> None:
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
