"""No socket leaves the machine: `block_sockets()` refuses every connection and name look-up that is not on
loopback (or every one, with `loopback=False`). Also a pytest plugin (`-p tests.no_network`, or `-p no_network`
with tests/ on the path) that blocks them, loopback aside, for a whole run."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class NetworkRefused(OSError):
    """A test tried to reach the network."""


def _loopback(host: Any) -> bool:
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


@contextmanager
def block_sockets(*, loopback: bool = True) -> Iterator[list[str]]:
    """Refuse connections and look-ups outside loopback (all of them when `loopback` is False); yields the
    list of what was refused."""
    refused: list[str] = []
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def allowed(address: Any) -> bool:
        if not isinstance(address, tuple):  # a Unix socket: not the network
            return True
        return loopback and _loopback(address[0])

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if not allowed(address):
            refused.append(f"connect {address!r}")
            raise NetworkRefused(f"the network is blocked in this test: connect to {address!r}")
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if not allowed(address):
            refused.append(f"connect {address!r}")
            raise NetworkRefused(f"the network is blocked in this test: connect to {address!r}")
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not allowed((host, 0)):
            refused.append(f"resolve {host!r}")
            raise NetworkRefused(f"the network is blocked in this test: resolve {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    try:
        yield refused
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo


_blocking: Any = None


def pytest_configure(config: Any) -> None:
    global _blocking
    _blocking = block_sockets()
    _blocking.__enter__()


def pytest_unconfigure(config: Any) -> None:
    if _blocking is not None:
        _blocking.__exit__(None, None, None)
