"""Real local servers for integration tests.

A test that needs one calls `require(...)`: locally it is skipped with the
reason when the server is down; under CI (CI=true) it fails instead, so a
missing server can never turn a red build green.
"""

import os
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def is_listening(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A port nothing listens on now, for a server a test starts itself."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require(what: str, available: bool, how: str = "") -> None:
    if available:
        return
    reason = f"{what} is not available{': ' + how if how else ''}"
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: tests that need a server must not be skipped)", pytrace=False)
    pytest.skip(reason)


def require_redis() -> str:
    url = urlparse(REDIS_URL)
    require("Redis", is_listening(url.hostname, url.port or 6379), f"start it on {url.hostname}:{url.port}")
    return REDIS_URL
