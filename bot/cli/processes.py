"""The long-running commands: serve, chat, feishu-connect, worker, scheduler."""
from __future__ import annotations

import argparse
import sys

from ..config import ConfigError
from ..context import BotContext, build_context
from ..runtime import Runtime
from .common import config_for, startup_warnings, warn_if_kept
from .serving import cmd_serve


def _loaded_context(args: argparse.Namespace) -> BotContext | None:
    """A context with a knowledge base to answer from (the files', or the last good one
    kept on disk while they have errors); None (problems printed) when there is none.
    Words alone answer at once; meaning and thresholds follow in the background."""
    ctx = build_context(config_for(args), background=True)
    try:
        ctx.knowledge.current
    except RuntimeError:
        for p in ctx.knowledge.last_problems:
            print(p, file=sys.stderr)
        ctx.stores.close()
        return None
    warn_if_kept(ctx)
    return ctx


def cmd_chat(args: argparse.Namespace) -> int:
    from ..dispatcher import Dispatcher
    from ..message import Message

    ctx = _loaded_context(args)
    if ctx is None:
        return 1
    runtime = Runtime(ctx)
    runtime.watch_knowledge()
    dispatcher = Dispatcher(ctx)
    limit = ctx.settings.channels.wechat.max_reply_bytes if args.channel == "wechat" else None
    # A terminal cuts a long paste mid-character (its line holds 4 KB): such bytes come in
    # as surrogates, never as an error (the dispatcher makes them whole or replaces them),
    # and nothing printed back can fail to encode.
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "replace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)
    for line in startup_warnings(ctx):
        print(line)
    print(f"就业助手（{args.channel} 渠道，用户 {args.user}）。直接输入问题，输入“帮助”看看能做什么，"
          "Ctrl-D 退出。")
    try:
        while True:
            try:
                text = input("你：")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if not text.strip():
                continue
            msg = Message(channel=args.channel, user_id=args.user, text=text)
            print("助手：" + dispatcher.answer(msg, limit).text + "\n", flush=True)
    finally:
        runtime.stop()


def cmd_feishu_connect(args: argparse.Namespace) -> int:
    """Feishu long-connection mode: no public URL needed, the bot dials out to Feishu."""
    from ..handoff.desk import StaffDesk
    from ..memory import limit_arenas
    from ..platforms.feishu.ws import connect
    from ..runtime import transports_for

    limit_arenas()
    config = config_for(args)
    for name in ("FEISHU_APP_ID", "FEISHU_APP_SECRET"):
        if not config.secret(name):
            raise ConfigError(f"缺少环境变量 {name}：长连接模式需要飞书应用的 App ID 和 App Secret")
    ctx = _loaded_context(args)
    if ctx is None:
        return 1
    runtime = Runtime(ctx)
    runtime.watch_knowledge()
    print(f"就业助手飞书长连接模式：{len(ctx.knowledge.current.kb.entries)} 条问答，"
          f"连接 {config.api_bases['FEISHU_API_BASE']} …（Ctrl-C 退出，断线会自动重连）", flush=True)
    try:
        connect(ctx, desk=StaffDesk(ctx, transports_for(ctx)))
    finally:
        runtime.stop()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    runtime = Runtime(ctx)
    sender = runtime.start_sender()
    if sender is None:
        runtime.stop()
        print("没有可用的推送渠道：请设置 WECHAT_APPID/WECHAT_APPSECRET（或飞书的 FEISHU_APP_ID/"
              "FEISHU_APP_SECRET）。", file=sys.stderr)
        return 2
    print(f"发送进程已启动：{sender.consumer}，渠道 {'、'.join(sender.transports)}", flush=True)
    runtime.run_until_signalled()
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    runtime = Runtime(ctx)
    sched = runtime.start_scheduler()
    print(f"调度进程已启动：{sched.lock.owner}（同一时间只有一个调度进程工作，其余待命）", flush=True)
    runtime.run_until_signalled()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="启动 webhook 服务")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int, default=1,
                   help="HTTP 工作进程数（默认 1；多核机器上设为核数，调度和发送仍各只一个）")
    s.set_defaults(func=cmd_serve)

    c = sub.add_parser("chat", help="在终端里和机器人对话")
    c.add_argument("--channel", choices=["wechat", "feishu"], default="wechat")
    c.add_argument("--user", default="terminal-user")
    c.add_argument("--kb")
    c.set_defaults(func=cmd_chat)

    f = sub.add_parser("feishu-connect", help="飞书长连接模式（无需公网地址）")
    f.add_argument("--kb")
    f.set_defaults(func=cmd_feishu_connect)

    sub.add_parser("worker", help="发送进程").set_defaults(func=cmd_worker)
    sub.add_parser("scheduler", help="调度进程").set_defaults(func=cmd_scheduler)
