"""An app under test that starts a child of its own: ``python family_app.py PORT CHILD_PORT PIDS``.

The app answers GET /unhealthy with 503 and every other GET with 200 on PORT (so a
health path of /unhealthy keeps its starter waiting); its child holds CHILD_PORT open and
ignores SIGTERM. Once both listen, ``PIDS`` holds "app-pid child-pid".
"""

from __future__ import annotations

import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

CHILD = """
import signal, socket, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
time.sleep(600)
"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(503 if self.path == "/unhealthy" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def main(port: int, child_port: int, pids: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(child_port)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    child.stdout.readline()
    server = HTTPServer(("127.0.0.1", port), Handler)
    with open(pids + ".tmp", "w", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {child.pid}")
    os.replace(pids + ".tmp", pids)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
