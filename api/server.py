"""Start uvicorn (one or more worker processes) — the one place `advisor serve`, tests and bench/ use.

With workers > 1 uvicorn binds the listening socket itself without IPPROTO_TCP, so asyncio skips
TCP_NODELAY on accepted connections and every keep-alive response waits ~40 ms for a delayed ACK
(Nagle). The protocol below sets TCP_NODELAY on each connection.
"""
from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

try:  # uvicorn[standard]: the C HTTP parser and event loop (about twice the requests/s of h11 + asyncio)
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - a plain `uvicorn` install
    HttpToolsProtocol = None


def _no_delay(transport: Any) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class H11NoDelay(H11Protocol):
    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        _no_delay(transport)
        super().connection_made(transport)


if HttpToolsProtocol is not None:
    class HttpToolsNoDelay(HttpToolsProtocol):
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            _no_delay(transport)
            super().connection_made(transport)

    PROTOCOL: type = HttpToolsNoDelay
else:  # pragma: no cover
    PROTOCOL = H11NoDelay


def run(app: Any, *, host: str, port: int, workers: int = 1, factory: bool = False,
        log_level: str = "info") -> None:
    """`app` is an ASGI app (one worker) or an import string such as "advisor_api.main:create_app".
    httptools and uvloop where installed (uvicorn[standard]), else h11 and asyncio."""
    uvicorn.run(app, host=host, port=port, workers=workers, factory=factory, http=PROTOCOL, loop="auto",
                log_level=log_level)


def main() -> None:
    """python -m advisor_api.server APP PORT WORKERS (factory import string; for tests and benchmarks)."""
    import sys

    target, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    run(target, host="127.0.0.1", port=port, workers=workers, factory=True, log_level="warning")


if __name__ == "__main__":
    main()
