"""The listening socket of `serve`, opened before anything else is started.

Both servers (waitress for one process, gunicorn for several) are handed a socket this
module opened, so a port that is taken, or one below 1024 without the right to it, is
said in one line before the knowledge base is loaded or a Redis server is started, and
the same way on either path — never as a traceback from deep inside a server.
"""
from __future__ import annotations

import errno
import socket

from ..config import ConfigError

BACKLOG = 1024          # waitress's default; connections wait here while workers are busy


def open_listener(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket on host:port, or a ConfigError saying why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"无法监听 {host}:{port}：找不到这个地址（{exc.strerror}）。"
                          "请检查 --host 或 settings 里的 server.host") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait
        sock.bind(address)
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
