"""Clients that send their headers a byte at a time must not starve real messages.

A real `serve` process; 150 connections open and trickle header bytes (so no inactivity
timeout closes them) while a real WeChat message is sent. It must be answered; the
client's timeout is only a hang guard (no time limit is asserted).
"""
from __future__ import annotations

import socket
import threading

from .support.processes import Serve

SLOW_CLIENTS = 150          # more than waitress's default connection_limit (100)


def test_many_slow_clients_do_not_starve_real_messages(tmp_path):
    serve = Serve(tmp_path).wait_serving()
    slow: list[socket.socket] = []
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):
            for s in slow:
                try:
                    s.sendall(b"a")
                except OSError:
                    pass

    try:
        for _ in range(SLOW_CLIENTS):
            s = socket.create_connection(("127.0.0.1", serve.port), timeout=10)
            s.sendall(b"POST /wechat HTTP/1.1\r\nHost: bot\r\nX-Slow: ")
            slow.append(s)
        threading.Thread(target=trickle, daemon=True).start()
        for n in range(3):
            status, body = serve.ask("三方丢了咋办", f"oReal{n}", 9100 + n, timeout=20)
            assert status == 200 and "遗失" in body
        assert serve.health()["status"] == "ok"
    finally:
        stop.set()
        for s in slow:
            s.close()
        serve.stop()
