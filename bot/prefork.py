"""gunicorn's arbiter and its workers for `serve --workers N` (`python -m bot.prefork`).

Started by `serve` (bot/cli/serving.py), which has already opened the port, started the
embedded Redis, the scheduler and the sender; this process only forks and watches the
HTTP workers. On Linux each worker listens on the port with a socket of its own
(SO_REUSEPORT: the kernel spreads connections over the workers, see `cli/listen.py`);
elsewhere they share the socket `serve` opened (`--fd`). Each worker builds its own app
after the fork (gunicorn loads the app in the worker unless told to preload), so no
Redis socket or thread crosses a fork; it watches the knowledge base for edits, but
starts no scheduler and no sender. It gets SIGTERM from the kernel if `serve` dies, so
workers never outlive their scheduler.
"""
from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .runtime import Runtime

log = logging.getLogger(__name__)
_runtime: Runtime | None = None        # this worker's knowledge-base watcher
_app: Flask | None = None              # this worker's app


class BotWorkers(BaseApplication):
    """gunicorn configured from code: no config file and no command line of its own."""

    def __init__(self, options: dict[str, Any], host: str, port: int) -> None:
        self.options, self.host, self.port = options, host, port
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return worker_app(self.host, self.port)


def worker_app(host: str, port: int) -> Flask:
    """The app of one worker, built after the fork, with its knowledge-base watcher."""
    global _runtime, _app
    from .app import create_app

    app = _app = create_app({"server": {"host": host, "port": port}}, background=True)
    _runtime = Runtime(app.extensions["bot"])
    _runtime.watch_knowledge()
    return app


def post_worker_init(worker) -> None:
    print(f"工作进程 {worker.pid} 已就绪", flush=True)


def worker_exit(server, worker) -> None:
    """In the worker, on its way out: let acknowledged answers finish (`answer_pool.py`),
    then stop the watcher and close its Redis connections."""
    if _app is not None:
        _app.extensions["answers"].drain()
    if _runtime is not None:
        _runtime.stop()


def child_exit(server, worker) -> None:
    """In the arbiter: a dead worker's live gauges must not be summed into /metrics."""
    try:
        from prometheus_client import multiprocess
    except ImportError:
        return
    multiprocess.mark_process_dead(worker.pid)


def options(bind: str, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings; `bind` is "fd://N" (a shared socket) or host:port (one each)."""
    return {
        "bind": [bind], "reuse_port": not bind.startswith("fd://"), "workers": workers,
        # Threads like waitress's: a message waits for its answer (up to WeChat's 5 s)
        # without holding a whole process; slow clients are nginx's to buffer.
        "worker_class": "gthread", "threads": threads,
        "graceful_timeout": 10, "timeout": 30, "keepalive": 5,
        "proc_name": "jyzs", "errorlog": "-", "accesslog": None,   # no openids in logs
        "control_socket_disable": True,     # its default path is shared by every gunicorn
        "post_worker_init": post_worker_init, "worker_exit": worker_exit,
        "child_exit": child_exit,
    }


def _die_with_parent() -> None:
    """SIGTERM when `serve` goes away, even by kill -9 (Linux; elsewhere nothing)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return
    libc.prctl(1, signal.SIGTERM)           # PR_SET_PDEATHSIG
    if os.getppid() == 1:                   # it went before we could ask
        os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bot.prefork")
    p.add_argument("--fd", type=int, help="a listening socket every worker shares")
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    args = p.parse_args()
    _die_with_parent()
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if args.fd is not None:
        bind = f"fd://{args.fd}"
    else:
        bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    BotWorkers(options(bind, args.workers, args.threads), args.host, args.port).run()


if __name__ == "__main__":
    main()
