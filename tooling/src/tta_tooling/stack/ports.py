"""Local TCP ports: a free one, or proof that a given one is free."""

from __future__ import annotations

import os
import socket

from tta_tooling.errors import InputError

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def claim(port: int | None, option: str) -> int:
    """``port`` if it is free (else :class:`InputError` naming it), or a free port if None."""
    if port is None:
        return free_port()
    if not 0 < port < 65536:
        raise InputError(option, f"port {port} is not between 1 and 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if os.name != "nt":
            # Servers set SO_REUSEADDR too: a port in TIME_WAIT is free for them.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as error:
            raise InputError(option, f"port {port} is already in use ({error.strerror})") from error
    return port


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) != 0
