"""Serve a built site on 127.0.0.1 as GitHub Pages does, for the browser tests.

Under the path of ``site_url``; text gzip-compressed; a missing address answered with
the site's root ``404.html`` and status 404.
"""

from __future__ import annotations

import functools
import gzip
import sys
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A word that the search of one language finds and the other's does not (the English
# glossary lists Spanish terms, so a Spanish word of the glossary will not do).
SEARCH_WORD = {"en": "between", "es": "devuelve"}
COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".ipynb", ".md")


class PagesHandler(SimpleHTTPRequestHandler):
    """The built site under ``prefix``, as GitHub Pages serves it."""

    prefix = "/"
    protocol_version = "HTTP/1.1"  # keep-alive, as a browser gets from GitHub Pages

    def translate_path(self, path):
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def send_head(self):
        url_path = self.path.split("?")[0].split("#")[0]
        path = Path(self.translate_path(url_path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # redirects /dir to /dir/
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        self._send(200, self.guess_type(str(path)), path.read_bytes(), compress=True)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        self._send(404, "text/html; charset=utf-8", page.read_bytes(), compress=False)
        return None

    def _send(self, status: int, kind: str, body: bytes, compress: bool) -> None:
        if compress:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser closing keep-alive
            super().handle_error(request, client_address)


@contextmanager
def serve(site_dir: Path, prefix: str):
    """Serve ``site_dir`` under ``prefix``; yield the base URL (``http://127.0.0.1:N/path/``)."""
    handler = type("Handler", (PagesHandler,), {"prefix": prefix})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
