"""The listening socket of `serve`, opened before anything else is started.

Both servers (waitress for one process, gunicorn for several) are handed a socket this
module opened, so a port that is taken, or one below 1024 without the right to it, is
said in one line before the knowledge base is loaded or a Redis server is started, and
the same way on either path — never as a traceback from deep inside a server.

Several workers on Linux do not share one listening socket: with one shared socket the
worker that happens to wake first accepts a burst of kept-alive connections (nginx's
upstream `keepalive`, a load generator) and keeps them, so one core answers everything
while the other idles (measured: one worker at 1.1 cores, the other at none). Each
worker listens on a socket of its own with SO_REUSEPORT and the kernel spreads new
connections over them; `serve` only holds the port, bound but not listening.
"""
from __future__ import annotations

import errno
import socket
import sys
from dataclasses import dataclass

from ..config import ConfigError

BACKLOG = 1024          # waitress's default; connections wait here while workers are busy


def open_listener(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket on host:port, or a ConfigError saying why not."""
    return _bound(host, port, reuse_port=False, listen=True)


@dataclass
class WorkersPort:
    """The port of `serve --workers N`, held by `serve` while the workers run.

    `shared`: `sock` is listening and every worker accepts on it (where SO_REUSEPORT
    does not spread connections); otherwise `sock` only holds the port and each worker
    opens its own listening socket on it."""

    sock: socket.socket
    shared: bool


def spreads_connections() -> bool:
    """Linux's SO_REUSEPORT balances connections over the sockets (BSD's does not)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def open_for_workers(host: str, port: int) -> WorkersPort:
    """The port for N workers, or a ConfigError saying why it cannot be had."""
    if not spreads_connections():
        return WorkersPort(open_listener(host, port), shared=True)
    # A socket without SO_REUSEPORT first: it fails on a port in any use, also by
    # another `serve --workers` (whose sockets would let ours join them silently).
    _bound(host, port, reuse_port=False, listen=False).close()
    return WorkersPort(_bound(host, port, reuse_port=True, listen=False), shared=False)


def _bound(host: str, port: int, reuse_port: bool, listen: bool) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"无法监听 {host}:{port}：找不到这个地址（{exc.strerror}）。"
                          "请检查 --host 或 settings 里的 server.host") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        if listen:
            sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ConfigError(explain(exc, host, port)) from None
    return sock


def explain(exc: OSError, host: str, port: int) -> str:
    """One line an operator can act on, for why host:port cannot be listened on."""
    other = port + 1 if port < 65535 else 8001
    change = f"用 PORT={other} make run 换一个端口（直接运行时加 --port {other}）"
    if exc.errno == errno.EADDRINUSE:
        return (f"端口 {port} 已被占用：另一个程序（也许是已经在运行的就业助手）正在使用它。"
                f"停掉它，或{change}")
    if exc.errno == errno.EACCES:
        return f"没有权限监听端口 {port}（1024 以下的端口需要 root）：{change}，前面用 nginx 转发"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"无法监听 {host}:{port}：这台机器没有地址 {host}。请检查 --host 或 server.host"
    return f"无法监听 {host}:{port}：{exc.strerror or exc}"
