"""What the HTTP server runs on (api/server.py)."""
from __future__ import annotations


def test_the_server_runs_on_httptools_and_uvloop():
    """uvicorn[standard] is a dependency for its C HTTP parser and event loop: check they are what runs."""
    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from advisor_api import server

    assert issubclass(server.PROTOCOL, HttpToolsProtocol)
    loop = Config("advisor_api.main:create_app", loop="auto").get_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
