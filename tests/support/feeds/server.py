"""A real HTTP server on 127.0.0.1 for the feed tests: it serves what a test puts at a path, answers
conditional requests with 304, can redirect, be slow or huge or fail, and records every request it receives."""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Page:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str = ""
    last_modified: str = ""
    delay: float = 0.0  # seconds before answering at all
    trickle: float = 0.0  # seconds between 1 KiB pieces of the body
    content_length: bool = True  # False: the body simply runs until the connection closes
    location: str = ""  # sent as the Location header, with a 3xx status to redirect


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict


class FeedServer:
    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.requests: list[Request] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def serve(self, path: str, page: Page) -> str:
        self.pages[path] = page
        return self.url(path)

    def reset(self):
        self.pages.clear()
        self.requests.clear()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                server.requests.append(Request(self.path, dict(self.headers)))
                page = server.pages.get(self.path)
                if page is None:
                    return self.send_error(404)
                time.sleep(page.delay)
                if (page.etag and self.headers.get("If-None-Match") == page.etag) or (
                    page.last_modified and self.headers.get("If-Modified-Since") == page.last_modified
                ):
                    self.send_response(304)
                    self._validators(page)
                    return self.end_headers()
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                if page.content_length:
                    self.send_header("Content-Length", str(len(page.body)))
                if page.location:
                    self.send_header("Location", page.location)
                self._validators(page)
                self.end_headers()
                piece = 1024 if page.trickle else max(len(page.body), 1)
                try:
                    for start in range(0, len(page.body), piece):
                        self.wfile.write(page.body[start:start + piece])
                        self.wfile.flush()
                        time.sleep(page.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should on a huge or slow body

            def _validators(self, page):
                if page.etag:
                    self.send_header("ETag", page.etag)
                if page.last_modified:
                    self.send_header("Last-Modified", page.last_modified)

            def log_message(self, *args):
                pass

        return Handler
