"""Starting and stopping the bot's long-running parts, in one place.

`serve`, `worker`, `scheduler`, `feishu-connect` and `chat` all run some of the same
parts: the knowledge-base watcher (so an edit shows up without a restart, in the
terminal chat too), the scheduler, a sender. `Runtime` starts what a command asks for
and stops all of it, in order, on Ctrl-C or SIGTERM, then closes the Redis connections
so an embedded Redis server started by this process stops with it.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from typing import Callable

from .clock import Clock
from .context import BotContext
from .delivery.sender import Sender
from .delivery.transport import Transport
from .jobs.feed import poll_feed
from .push.broadcast import Broadcaster
from .push.planner import PassResult, Planner
from .push.quiet import QuietHours
from .scheduler import Scheduler

log = logging.getLogger(__name__)


class FixedClock(Clock):
    """`push run --at T`: the pass starts at T, and time moves on from there."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = at, self.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=self.monotonic() - self.started)


def transports_for(ctx: BotContext) -> dict[str, Transport]:
    """A transport for each channel this process holds the push credentials of."""
    out: dict[str, Transport] = {}
    config, tokens = ctx.config, ctx.stores.tokens
    if config.can_push("wechat"):
        from .platforms.wechat.api import WeChatApi, pooled_http
        from .platforms.wechat.transport import WeChatTransport
        api = WeChatApi(config, tokens, ctx.clock, http=pooled_http(ctx.settings.push.sender.threads))
        out["wechat"] = WeChatTransport(api, ctx.settings.push.wechat)
    if config.can_push("feishu"):
        from .platforms.feishu.api import FeishuApi
        from .platforms.feishu.transport import FeishuTransport
        out["feishu"] = FeishuTransport(FeishuApi(config, tokens, ctx.clock), ctx.stores.tickets)
    return out


def build_sender(ctx: BotContext, transports: dict[str, Transport] | None = None,
                 clock: Clock | None = None) -> Sender:
    push = ctx.settings.push
    block_ms = int(min(1.0, ctx.settings.redis.socket_timeout / 2) * 1000)
    return Sender(ctx.stores, push.sender, QuietHours.from_settings(push.quiet_hours),
                  transports if transports is not None else transports_for(ctx),
                  clock or ctx.clock, block_ms=block_ms)


def build_scheduler(ctx: BotContext, planner: Planner | None = None) -> Scheduler:
    push, clock = ctx.settings.push, ctx.clock
    planner = planner or Planner(ctx.stores, push)
    sched = Scheduler(ctx.stores.leader_lock(push.scheduler.lease_seconds))
    sched.every("match_jobs", push.match_interval_seconds, planner.match_new_jobs)
    sched.every("digests", 60, lambda: planner.digests(clock.now()))
    sched.every("fair_reminders", 60, lambda: planner.reminders(clock.now()))
    sched.every("broadcasts", 30, lambda: Broadcaster(ctx.stores, clock).send_due(clock.now()))
    if push.feed.url:
        sched.every("job_feed", push.feed.interval_seconds,
                    lambda: poll_feed(ctx.catalog, push.feed, clock.now()))
    return sched


def run_pass(ctx: BotContext, at: datetime | None = None, dry_run: bool = False,
             transports: dict[str, Transport] | None = None) -> tuple[PassResult, dict[str, int]]:
    """One pass of all that is due at `at` (default now): queue it, then send it."""
    clock = FixedClock(at) if at else ctx.clock
    result = Planner(ctx.stores, ctx.settings.push).plan(clock.now(), dry_run)
    if dry_run:
        return result, {}
    return result, build_sender(ctx, transports, clock).drain()


class Runtime:
    """The parts one process runs besides answering; `stop` undoes every `start_*`."""

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self._stops: list[Callable[[], None]] = []
        self.sender: Sender | None = None
        self.scheduler: Scheduler | None = None

    def watch_knowledge(self) -> None:
        """Pick up staff edits to the knowledge base every few seconds."""
        interval = self.ctx.settings.knowledge.reload_interval
        from .console.workbench import recheck
        self.ctx.knowledge.listeners.append(lambda: recheck(self.ctx))
        if interval > 0:
            self.ctx.knowledge.watch(interval)
            self._stops.append(self.ctx.knowledge.stop)

    def start_scheduler(self) -> Scheduler:
        self.scheduler = build_scheduler(self.ctx)
        self.scheduler.start()
        self._stops.append(self.scheduler.shutdown)
        return self.scheduler

    def start_sender(self, transports: dict[str, Transport] | None = None) -> Sender | None:
        """A sender thread, if this process can push on any channel; None otherwise."""
        sender = build_sender(self.ctx, transports)
        if not sender.transports:
            log.warning("no push channel configured (WECHAT_APPID/WECHAT_APPSECRET or "
                        "FEISHU_APP_ID/FEISHU_APP_SECRET): notices stay in the outbox until "
                        "a sender with credentials runs")
            return None
        stop = threading.Event()
        thread = threading.Thread(target=sender.run, args=(stop,), name="sender", daemon=True)
        thread.start()

        def health() -> str | None:
            if not thread.is_alive() and not stop.is_set():
                return "发送进程没有运行（推送暂停，消息都还在发件箱里）：请重启服务并查看日志"
            return sender.problem()
        self.ctx.health.add("sender", health)

        def halt() -> None:
            self.ctx.health.remove("sender")
            stop.set()
            thread.join(timeout=5)
        self._stops.append(halt)
        self.sender = sender
        return sender

    def stop(self) -> None:
        """Stop everything started, newest first, then let go of Redis."""
        while self._stops:
            try:
                self._stops.pop()()
            except Exception:
                log.exception("error while stopping")
        self.ctx.stores.close()

    def run_until_signalled(self) -> None:
        """Block until SIGINT or SIGTERM (systemd, docker, Ctrl-C), then stop."""
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        try:
            done.wait()
        finally:
            self.stop()


def interrupt_on_sigterm() -> None:
    """Make SIGTERM leave the way Ctrl-C does, for servers that stop on KeyboardInterrupt."""
    def raise_interrupt(signum, frame) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, raise_interrupt)
