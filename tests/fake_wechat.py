"""A local HTTP server that answers like the WeChat API: its paths, JSON and error codes.

It records every message it accepts, can be scripted to answer given error codes per
openid, to reject the current token once, and to hold requests (a gate) so a test can
kill a sender while its calls are on the wire.
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

APPID, SECRET = "wx1234567890abcdef", "test-app-secret"


class FakeWeChat:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.received: list[dict] = []            # {"path", "touser", "body"}
        self.token_calls = 0
        self.token = ""
        self.reject_token_once: int | None = None  # 40001 or 42001 for the next call
        self.script: dict[str, deque[int]] = defaultdict(deque)
        self.gate = threading.Event()
        self.gate.set()
        self.hold_after: int | None = None
        self.held = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeWeChat":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, openid: str, *codes: int) -> None:
        """The next calls for `openid` get these errcodes, in order; then success."""
        self.script[openid].extend(codes)

    def sent_to(self, openid: str) -> list[dict]:
        with self.lock:
            return [r for r in self.received if r["touser"] == openid]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _json(self, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != "/cgi-bin/token":
                    return self._json({"errcode": 40004, "errmsg": "invalid path"})
                if q.get("appid") != APPID or q.get("secret") != SECRET:
                    return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
                with fake.lock:
                    fake.token_calls += 1
                    fake.token = f"TOKEN-{fake.token_calls}"
                    return self._json({"access_token": fake.token, "expires_in": 7200})

            def do_POST(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if url.path not in ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send"):
                    return self._json({"errcode": 40004, "errmsg": "invalid path"})
                with fake.lock:
                    if fake.reject_token_once:
                        code, fake.reject_token_once = fake.reject_token_once, None
                        return self._json({"errcode": code, "errmsg": "invalid credential"})
                    if q.get("access_token") != fake.token:
                        return self._json({"errcode": 40001, "errmsg": "invalid credential"})
                    touser = body.get("touser", "")
                    script = fake.script.get(touser)
                    code = script.popleft() if script else 0
                    if code == 0:
                        fake.received.append({"path": url.path, "touser": touser, "body": body})
                    hold = fake.hold_after is not None and len(fake.received) > fake.hold_after
                    if hold:
                        fake.held += 1
                if hold:
                    fake.gate.wait()
                if fake.delay:
                    time.sleep(fake.delay)
                try:
                    self._json({"errcode": code, "errmsg": "ok" if code == 0 else "error"})
                except OSError:
                    pass

        return Handler
