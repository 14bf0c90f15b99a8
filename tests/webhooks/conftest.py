import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from casedesk.webhooks.models import Webhook

OK = (200, {"errcode": 0, "errmsg": "ok"})


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP server on loopback; answers from ``script`` in turn, then ``OK``.

    A script entry is ``(status, JSON or bytes)`` or ``(status, answer, seconds to wait)``.
    """

    script: list = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            parts = urlsplit(self.path)
            with state.lock:
                state.requests.append(
                    Received(
                        path=parts.path,
                        query={k: v[0] for k, v in parse_qs(parts.query).items()},
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
                status, answer, *delay = state.script.pop(0) if state.script else OK
            if delay:
                time.sleep(delay[0])
            data = json.dumps(answer).encode() if not isinstance(answer, bytes) else answer
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", state.url("/elsewhere"))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_hook(db):
    def make(url, **fields):
        fields.setdefault("name", "测试钩子")
        fields.setdefault("secret", "s3cret-key")
        return Webhook.objects.create(url=url, **fields)

    return make
