"""`python -m bot …`: serve, chat, and the knowledge-base tools staff use."""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import signal
import sys
import time
from pathlib import Path
from typing import Sequence

import yaml

from .config import ConfigError, load_config

log = logging.getLogger("bot")


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:  # its per-job chatter drowns the bot's own log lines
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _config(args: argparse.Namespace):
    overrides = {}
    if getattr(args, "kb", None):
        overrides["knowledge"] = {"dir": str(Path(args.kb).resolve())}
    return load_config(overrides)


# -- serve / chat ------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from .app import create_app

    config = _config(args)
    host = args.host or config.get("server.host", "127.0.0.1")
    port = int(args.port or config.get("server.port", 8000))
    overrides = {"server": {"host": host, "port": port}}
    app = create_app(overrides)
    ctx = app.extensions["bot"]
    channels = [c for c in ("wechat", "feishu") if ctx.config.channel_enabled(c)]
    where = ctx.config.redis_url or f"内置 Redis（{ctx.config.data_dir}）"
    print(f"就业助手已启动：http://{host}:{port}  健康检查 /healthz\n"
          f"  知识库：{len(ctx.knowledge.current.kb.entries)} 条问答（{ctx.config.knowledge_dir}）\n"
          f"  存储：{where}\n"
          f"  渠道：{'、'.join(channels) or '未启用（设置 WECHAT_TOKEN 或 FEISHU_APP_ID 后启用）'}\n"
          f"  在另一个终端试试：python -m bot chat", flush=True)
    stop, background = _start_push_side(ctx)
    # systemd, docker and supervisors stop a service with SIGTERM: leave the way Ctrl-C
    # does, so the embedded Redis is shut down with us instead of lingering on its data.
    signal.signal(signal.SIGTERM, _interrupt)
    try:  # waitress closes and returns on KeyboardInterrupt
        serve(app, host=host, port=port, threads=int(config.get("server.threads", 16)),
              ident="jyzs")
    finally:
        stop()
        _release_redis(ctx)
    print("就业助手已停止", flush=True)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _release_redis(ctx) -> None:
    """Close our connections: an embedded server started by this process stops at exit
    only if its owner is then its last client."""
    ctx.redis.connection_pool.disconnect()


def _start_push_side(ctx):
    """One scheduler and one sender in-process, for `serve` on a single machine."""
    import threading

    from .push.runtime import build_scheduler, build_sender

    scheduler = build_scheduler(ctx)
    scheduler.start()
    stop_event = threading.Event()
    sender = build_sender(ctx)
    thread = threading.Thread(target=sender.run, args=(stop_event,), name="sender", daemon=True)
    if sender.transports:
        thread.start()
    else:
        log.warning("no push channel configured (WECHAT_APPID/WECHAT_APPSECRET): notices stay "
                    "in the outbox until a sender with credentials runs")

    def stop() -> None:
        stop_event.set()
        scheduler.shutdown()
        if thread.is_alive():
            thread.join(timeout=5)
    return stop, thread


def _context_with_kb(config):
    """A context whose knowledge base loaded; None (problems printed) when it has errors."""
    from .context import build_context

    ctx = build_context(config)
    result = ctx.knowledge.reload()
    if result.kb is None:
        for p in result.problems:
            print(p, file=sys.stderr)
        return None
    return ctx


def cmd_chat(args: argparse.Namespace) -> int:
    from .dispatcher import Dispatcher
    from .message import Message

    config = _config(args)
    ctx = _context_with_kb(config)
    if ctx is None:
        return 1
    dispatcher = Dispatcher(ctx)
    limit = int(config.get("channels.wechat.max_reply_bytes", 2048)) if args.channel == "wechat" else None
    print(f"就业助手（{args.channel} 渠道，用户 {args.user}）。直接输入问题，输入“帮助”看看能做什么，"
          "Ctrl-D 退出。")
    while True:
        try:
            text = input("你：")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text.strip():
            continue
        msg = Message(channel=args.channel, user_id=args.user, text=text)
        print("助手：" + dispatcher.handle_text(msg, limit) + "\n", flush=True)


def cmd_feishu_connect(args: argparse.Namespace) -> int:
    """Feishu long-connection mode: no public URL needed, the bot dials out to Feishu."""
    from .channels.feishu_ws import connect

    config = _config(args)
    for name in ("FEISHU_APP_ID", "FEISHU_APP_SECRET"):
        if not config.secret(name):
            raise ConfigError(f"缺少环境变量 {name}：长连接模式需要飞书应用的 App ID 和 App Secret")
    ctx = _context_with_kb(config)
    if ctx is None:
        return 1
    interval = float(config.get("knowledge.reload_interval", 3) or 0)
    if interval > 0:
        ctx.knowledge.watch(interval)
    print(f"就业助手飞书长连接模式：{len(ctx.knowledge.current.kb.entries)} 条问答，"
          f"连接 {config.api_bases['FEISHU_API_BASE']} …（Ctrl-C 退出，断线会自动重连）", flush=True)
    connect(ctx)
    return 0


# -- kb tools ------------------------------------------------------------------------------
def _load_matcher(args: argparse.Namespace):
    from .context import thresholds_from
    from .kb.loader import load_kb
    from .nlp.matcher import FaqMatcher

    config = _config(args)
    result = load_kb(config.knowledge_dir)
    if result.kb is None:
        for p in result.problems:
            print(p, file=sys.stderr)
        return None, None
    return result.kb, FaqMatcher(result.kb, thresholds_from(config))


def cmd_kb_check(args: argparse.Namespace) -> int:
    from .kb.loader import load_kb

    kb_dir = _config(args).knowledge_dir
    result = load_kb(kb_dir)
    for p in result.problems:
        print(p)
    if result.kb is None:
        print(f"知识库有 {len(result.errors)} 处错误，请按上面的提示修改后再检查。", file=sys.stderr)
        return 1
    warnings = len(result.problems)
    print(f"知识库检查通过：{len(result.kb.entries)} 条问答，{len(result.kb.synonyms)} 组同义词"
          + (f"，{warnings} 条提醒" if warnings else "") + "。")
    return 0


def cmd_kb_ask(args: argparse.Namespace) -> int:
    from .handlers.faq import SUGGEST_FOOTER, SUGGEST_INTRO, answer_reply
    from .message import Reply

    kb, matcher = _load_matcher(args)
    if kb is None:
        return 1
    question = " ".join(args.question)
    result = matcher.match(question)
    if args.json:
        print(json.dumps({
            "answer_id": result.answer_id, "score": result.score,
            "candidates": [{"id": c.id, "score": c.score} for c in result.candidates],
        }, ensure_ascii=False))
        return 0
    print(f"问题：{question}\n理解为：{result.analysis.canonical or '（空）'}")
    for n, c in enumerate(result.candidates, 1):
        print(f"  {n}. {c.id}  置信度 {c.score:.3f}  {kb.by_id(c.id).question}")
    if result.decision == "answer":
        reply = answer_reply(kb.by_id(result.answer_id))
    elif result.decision == "suggest":
        picks = [kb.by_id(c.id).question for c in result.candidates
                 if c.score >= matcher.thresholds.suggest][:matcher.thresholds.max_suggestions]
        reply = Reply(SUGGEST_INTRO, items=tuple(picks), footer=SUGGEST_FOOTER)
    else:
        reply = Reply("（不从问答库回答：转入兜底回复，并记录为未解答问题）")
    print("将发送：\n" + reply.as_text())
    return 0


def evaluate(matcher, cases: list[dict]) -> dict:
    """Accuracy and per-question latency of `matcher` on `cases`.

    An FAQ case is right when its entry comes first and the bot does not decline;
    an off-topic case (expect null) is right only when the bot declines.
    """
    rows, latencies = [], []
    for case in cases:
        q, expect = str(case.get("q", "")), case.get("expect")
        start = time.perf_counter_ns()
        result = matcher.match(q)
        latencies.append((time.perf_counter_ns() - start) / 1000)
        got = result.best.id if result.best and result.decision != "decline" else None
        rows.append({"q": q, "expect": expect, "got": got, "score": result.score,
                     "decision": result.decision, "ok": got == expect})
    total = len(rows)
    correct = sum(r["ok"] for r in rows)
    off = [r for r in rows if r["expect"] is None]
    on = [r for r in rows if r["expect"] is not None]
    latencies.sort()
    return {
        "total": total, "correct": correct,
        "accuracy": round(correct / total, 4) if total else 0.0,
        "faq_accuracy": round(sum(r["ok"] for r in on) / len(on), 4) if on else 0.0,
        "declined": round(sum(r["ok"] for r in off) / len(off), 4) if off else 0.0,
        "answered_directly": round(sum(r["decision"] == "answer" and r["ok"] for r in on) / len(on), 4)
        if on else 0.0,
        "latency_us": {
            "median": round(statistics.median(latencies), 1) if latencies else 0.0,
            "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)
            if latencies else 0.0,
        },
        "cases": [{k: r[k] for k in ("q", "expect", "got", "score", "ok")} for r in rows],
    }


def load_cases(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(c, dict) and "q" in c for c in data):
        raise ConfigError(f"{path}: 应是一个列表，每项形如 {{q: 问题, expect: 问答id 或 null}}")
    return data


def cmd_kb_eval(args: argparse.Namespace) -> int:
    kb, matcher = _load_matcher(args)
    if kb is None:
        return 1
    cases = load_cases(Path(args.cases))
    unknown = sorted({c["expect"] for c in cases if c.get("expect") and not kb.by_id(c["expect"])})
    if unknown:
        print(f"{args.cases}: 这些 expect 在知识库里不存在：{', '.join(unknown)}", file=sys.stderr)
        return 1
    report = evaluate(matcher, cases)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for r in report["cases"]:
            if not r["ok"]:
                print(f"✗ {r['q']}  期望 {r['expect']}  得到 {r['got']}  ({r['score']:.3f})")
        print(f"共 {report['total']} 题，正确 {report['correct']}，准确率 {report['accuracy']:.1%}"
              f"（问答题 {report['faq_accuracy']:.1%}，无关问题拒答 {report['declined']:.1%}）；"
              f"匹配耗时中位数 {report['latency_us']['median']:.0f} µs，"
              f"p99 {report['latency_us']['p99']:.0f} µs")
    failed = []
    if args.min_accuracy is not None and report["accuracy"] < args.min_accuracy:
        failed.append(f"准确率 {report['accuracy']:.4f} 低于下限 {args.min_accuracy}")
    if args.min_faq_accuracy is not None and report["faq_accuracy"] < args.min_faq_accuracy:
        failed.append(f"问答题答对率 {report['faq_accuracy']:.4f} 低于下限 {args.min_faq_accuracy}")
    if args.min_declined is not None and report["declined"] < args.min_declined:
        failed.append(f"拒答率 {report['declined']:.4f} 低于下限 {args.min_declined}")
    for f in failed:
        print(f, file=sys.stderr)
    return 1 if failed else 0


def cmd_kb_unanswered(args: argparse.Namespace) -> int:
    from .context import build_context

    ctx = build_context(_config(args))
    rows = ctx.unanswered.top(args.limit)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("还没有记录到答不上来的问题。")
        return 0
    print("学生问得最多、机器人答不好的问题（次数｜学生原话｜最接近的问答及置信度）：")
    for r in rows:
        print(f"{r.count:>5}｜{r.example}｜{r.best_id or '-'} {r.best_score:.2f}")
    return 0


# -- jobs, fairs and push ----------------------------------------------------------------
def cmd_import(args: argparse.Namespace) -> int:
    from .clock import Clock
    from .context import build_context
    from .push.catalog import import_file
    from .push.importer import FileError

    ctx = build_context(_config(args))
    try:
        report = import_file(ctx.push, args.kind, Path(args.file), Clock().now())
    except FileError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in report.rejected:
        print(line)
    for line in report.warnings:
        print("提醒：" + line)
    print(report.summary() + "。" + ("被拒绝的行请按提示修改后重新导入（已导入的不会重复）。"
                                    if report.rejected else ""))
    return 1 if report.rejected and not (report.added or report.updated) else 0


def _parse_at(text: str):
    from datetime import datetime

    from .clock import SHANGHAI
    at = datetime.fromisoformat(text)
    return at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at


def cmd_push_run(args: argparse.Namespace) -> int:
    from .clock import SHANGHAI
    from .context import build_context
    from .push.runtime import run_pass

    ctx = build_context(_config(args))
    at = _parse_at(args.at) if args.at else None
    result, counts = run_pass(ctx, at, args.dry_run)
    when = (at or ctx.clock.now()).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    verb = "将排队" if args.dry_run else "已排队"
    if result.held_by_quiet_hours:
        print(f"{when} 在免打扰时段内：不发送，留到早上。")
    print(f"{when}：新匹配 {result.matched} 条；{verb}岗位汇总 {len(result.digests)} 条、"
          f"招聘会提醒 {len(result.reminders)} 条。")
    for n in result.digests + result.reminders:
        print(f"  {n.channel}:{n.user_id}  {n.title}")
    if counts:
        print("发送结果：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def _run_until_signalled(ctx, start, stop) -> int:
    import threading

    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    start()
    done.wait()
    stop()
    _release_redis(ctx)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import threading

    from .context import build_context
    from .push.runtime import build_sender

    ctx = build_context(_config(args))
    sender = build_sender(ctx)
    if not sender.transports:
        print("没有可用的推送渠道：请设置 WECHAT_APPID/WECHAT_APPSECRET（或飞书的 FEISHU_APP_ID/"
              "FEISHU_APP_SECRET）。", file=sys.stderr)
        return 2
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), name="sender")
    print(f"发送进程已启动：{sender.consumer}，渠道 {'、'.join(sender.transports)}", flush=True)
    return _run_until_signalled(ctx, thread.start, lambda: (stop.set(), thread.join()))


def cmd_scheduler(args: argparse.Namespace) -> int:
    from .context import build_context
    from .push.runtime import build_scheduler

    ctx = build_context(_config(args))
    sched = build_scheduler(ctx)
    print(f"调度进程已启动：{sched.lock.owner}（同一时间只有一个调度进程工作，其余待命）", flush=True)
    return _run_until_signalled(ctx, sched.start, sched.shutdown)


# -- parser ----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="就业助手")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="启动 webhook 服务")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_serve)

    c = sub.add_parser("chat", help="在终端里和机器人对话")
    c.add_argument("--channel", choices=["wechat", "feishu"], default="wechat")
    c.add_argument("--user", default="terminal-user")
    c.add_argument("--kb")
    c.set_defaults(func=cmd_chat)

    f = sub.add_parser("feishu-connect", help="飞书长连接模式（无需公网地址）")
    f.add_argument("--kb")
    f.set_defaults(func=cmd_feishu_connect)

    kb = sub.add_parser("kb", help="知识库工具").add_subparsers(dest="kb_command", required=True)
    k = kb.add_parser("check", help="检查知识库")
    k.add_argument("--kb")
    k.set_defaults(func=cmd_kb_check)
    k = kb.add_parser("ask", help="看看一个问题会怎么回答")
    k.add_argument("--kb")
    k.add_argument("--json", action="store_true")
    k.add_argument("question", nargs="+")
    k.set_defaults(func=cmd_kb_ask)
    k = kb.add_parser("eval", help="批量测试问答准确率")
    k.add_argument("--kb")
    k.add_argument("--json", action="store_true")
    k.add_argument("--min-accuracy", type=float, help="总准确率下限，低于它退出码为 1")
    k.add_argument("--min-faq-accuracy", type=float, help="问答题（有标准答案的题）首选答对率下限")
    k.add_argument("--min-declined", type=float, help="无关问题拒答率下限")
    k.add_argument("cases")
    k.set_defaults(func=cmd_kb_eval)
    k = kb.add_parser("unanswered", help="学生问得最多、答不上来的问题")
    k.add_argument("--limit", type=int, default=30)
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_kb_unanswered)

    for kind, label in (("jobs", "岗位"), ("fairs", "招聘会")):
        g = sub.add_parser(kind, help=f"{label}数据").add_subparsers(dest=f"{kind}_command", required=True)
        i = g.add_parser("import", help=f"从 CSV / YAML / JSON 文件导入{label}")
        i.add_argument("file")
        i.set_defaults(func=cmd_import, kind=kind)

    push = sub.add_parser("push", help="推送").add_subparsers(dest="push_command", required=True)
    r = push.add_parser("run", help="执行一轮到期的推送（岗位汇总和招聘会提醒）")
    r.add_argument("--dry-run", action="store_true", help="只列出将要发送的，不排队、不发送")
    r.add_argument("--at", help="当作此时刻执行，例如 2026-11-23T09:00（不带时区为北京时间）")
    r.set_defaults(func=cmd_push_run)
    sub.add_parser("worker", help="发送进程").set_defaults(func=cmd_worker)
    sub.add_parser("scheduler", help="调度进程").set_defaults(func=cmd_scheduler)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    if args.command in ("kb", "chat"):  # a conversation or a report, not a service log
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
