"""`serve`: the webhook server, in one process (waitress) or in N worker processes.

One process (the default): waitress answers in threads, and the same process runs the
knowledge-base watcher, the scheduler and a sender. `--workers N` (N > 1): this process
starts the embedded Redis (when REDIS_URL is unset), the scheduler and the sender —
one of each per machine — and runs gunicorn's arbiter as its child (`bot.prefork`),
which forks N workers that answer on the same port. The arbiter is a fresh interpreter,
so nothing with threads or open Redis sockets is ever forked. Either way the port is
opened first (`listen`), so a taken port is one clear line before anything starts.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from ..config import Config, ConfigError
from ..context import BotContext, build_context
from ..kb.keep import KeptKnowledge
from ..kb.loader import load_kb
from ..memory import limit_arenas
from ..runtime import Runtime, interrupt_on_sigterm
from .common import config_for, python_command, startup_warnings, warn_if_kept
from .listen import WorkersPort, open_for_workers, open_listener


def cmd_serve(args: argparse.Namespace) -> int:
    limit_arenas()
    config = config_for(args)
    server = config.settings.server
    host, port = args.host or server.host, int(args.port or server.port)
    workers = args.workers or 1
    if workers < 1:
        raise ConfigError(f"--workers 要是 1 或更大的整数（现在是 {workers}）")
    if workers == 1:
        return _serve_waitress(open_listener(host, port), host, port)
    return _serve_prefork(config, open_for_workers(host, port), host, port, workers)


def banner(ctx: BotContext, host: str, port: int, entries: int, workers: int = 1) -> str:
    channels = ctx.config.enabled_channels()
    where = ctx.config.redis_url or f"内置 Redis（{ctx.config.data_dir}）"
    processes = f"（{workers} 个工作进程，调度和发送各一个）" if workers > 1 else ""
    return (f"就业助手已启动：http://{host}:{port}{processes}  健康检查 /healthz\n"
            f"  知识库：{entries} 条问答（{ctx.config.knowledge_dir}）\n"
            f"  存储：{where}\n"
            f"  渠道：{'、'.join(channels) or '未启用（设置 WECHAT_TOKEN 或 FEISHU_APP_ID 后启用）'}\n"
            f"  理解：语义模型在后台加载，加载好之前按字词回答（结果见日志和 /healthz）\n"
            f"  在另一个终端试试：{python_command()} -m bot chat")


def _serve_waitress(sock: socket.socket, host: str, port: int) -> int:
    from waitress import serve

    from ..app import create_app

    app = create_app({"server": {"host": host, "port": port}}, background=True)
    ctx: BotContext = app.extensions["bot"]
    server = ctx.settings.server
    print(banner(ctx, host, port, len(ctx.knowledge.current.kb.entries)), flush=True)
    warn_if_kept(ctx)
    for line in startup_warnings(ctx):
        print("  " + line, flush=True)
    runtime = Runtime(ctx)
    runtime.watch_knowledge()
    runtime.start_scheduler()
    runtime.start_sender()
    # systemd, docker and supervisors stop a service with SIGTERM: leave the way Ctrl-C
    # does, so the embedded Redis is shut down with us instead of lingering on its data.
    interrupt_on_sigterm()
    try:  # waitress closes and returns on KeyboardInterrupt
        serve(app, sockets=[sock], threads=server.threads, ident="jyzs",
              connection_limit=server.connection_limit, channel_timeout=server.channel_timeout,
              asyncore_use_poll=True)   # poll: no select() limit of 1,024 open sockets
    except KeyboardInterrupt:   # a stop that came before waitress's own loop caught it
        pass
    finally:
        _drain(app)
        runtime.stop()
    print("就业助手已停止", flush=True)
    return 0


def _drain(app) -> None:
    """Let acknowledged answers finish while Redis and the sender still run."""
    try:
        app.extensions["answers"].drain()
    except KeyboardInterrupt:       # a second Ctrl-C: stop now
        pass


def _knowledge_entries(config: Config) -> int:
    """How many entries the workers will answer from; ConfigError when there is nothing
    to answer from (the files have errors and no good copy was kept), before any fork."""
    result = load_kb(config.knowledge_dir)
    if result.kb is not None:
        return len(result.kb.entries)
    kept = KeptKnowledge(config.data_dir, config.knowledge_dir).kept()
    good = load_kb(kept) if kept else None
    if good is None or good.kb is None:
        raise ConfigError("知识库有错误，无法启动（也没有以前保存的正确版本可用）："
                          + "；".join(map(str, [p for p in result.problems if not p.warning][:5])))
    return len(good.kb.entries)


def fresh_metrics_dir(data_dir: Path) -> Path:
    """Where the workers' counters go (prometheus_client's multiprocess mode reads
    PROMETHEUS_MULTIPROC_DIR), emptied: files of a previous run would count twice."""
    path = data_dir / "metrics"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def _serve_prefork(config: Config, held: WorkersPort, host: str, port: int,
                   workers: int) -> int:
    config.check_secrets()
    entries = _knowledge_entries(config)
    fresh_metrics_dir(config.data_dir)
    ctx = build_context(config, background=True)     # starts the one embedded Redis
    runtime = Runtime(ctx)
    arbiter: subprocess.Popen | None = None
    try:
        print(banner(ctx, host, port, entries, workers), flush=True)
        for line in startup_warnings(ctx):   # the settings' (the workers log the KB's)
            print("  " + line, flush=True)
        runtime.start_scheduler()
        runtime.start_sender()
        command = [sys.executable, "-m", "bot.prefork", "--workers", str(workers),
                   "--host", host, "--port", str(port),
                   "--threads", str(config.settings.server.threads)]
        if held.shared:
            fd = held.sock.fileno()
            arbiter = subprocess.Popen([*command, "--fd", str(fd)], pass_fds=[fd])
            held.sock.close()         # the arbiter holds the port now
        else:
            arbiter = subprocess.Popen(command)   # each worker listens on its own socket

        def stop(signum: int, frame) -> None:
            if arbiter.poll() is None:
                arbiter.send_signal(signal.SIGTERM)     # gunicorn: finish requests, then exit
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, stop)
        code = arbiter.wait()
    finally:
        if arbiter is not None and arbiter.poll() is None:
            arbiter.terminate()
            arbiter.wait()
        held.sock.close()
        runtime.stop()                # scheduler, sender, then the embedded Redis
    print("就业助手已停止", flush=True)
    if code not in (0, -signal.SIGTERM, -signal.SIGINT):
        print(f"工作进程没能启动或意外退出（代码 {code}），请看上面的日志", file=sys.stderr)
        return 1
    return 0
