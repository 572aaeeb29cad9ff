"""Wiring the push side into processes: transports, a sender, the scheduler, one pass.

`serve` runs a scheduler and a sender in-process; `worker` and `scheduler` run them as
their own processes; `push run` runs one pass and drains the outbox. All share this.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..clock import Clock
from ..context import BotContext
from ..scheduler import Scheduler
from ..scheduler.lock import LeaderLock
from .feed import poll_feed
from .planner import PassResult, match_new_jobs, plan, plan_digests, plan_reminders
from .sender import Sender
from .transport import Transport


class FixedClock(Clock):
    """`push run --at T`: the pass starts at T, and time moves on from there."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = at, self.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=self.monotonic() - self.started)


def transports_for(ctx: BotContext) -> dict[str, Transport]:
    out: dict[str, Transport] = {}
    threads = int(ctx.config.get("push.sender.threads", 64))
    if ctx.config.secret("WECHAT_APPID") and ctx.config.secret("WECHAT_APPSECRET"):
        from ..platforms.wechat_api import WeChatApi, pooled_http
        from .wechat_transport import WeChatTransport
        api = WeChatApi(ctx.config, ctx.redis, ctx.keys, ctx.clock, http=pooled_http(threads))
        out["wechat"] = WeChatTransport(api, ctx.config)
    if ctx.config.secret("FEISHU_APP_ID") and ctx.config.secret("FEISHU_APP_SECRET"):
        from ..platforms.feishu_api import FeishuApi
        from .feishu_transport import FeishuTransport
        out["feishu"] = FeishuTransport(FeishuApi(ctx.config, ctx.redis, ctx.keys, ctx.clock))
    return out


def build_sender(ctx: BotContext, transports: dict[str, Transport] | None = None,
                 clock: Clock | None = None) -> Sender:
    return Sender(ctx.push, transports if transports is not None else transports_for(ctx),
                  clock or ctx.clock)


def build_scheduler(ctx: BotContext) -> Scheduler:
    push, clock = ctx.push, ctx.clock
    lease = float(push.setting("scheduler.lease_seconds", 30))
    lock = LeaderLock(ctx.redis, ctx.keys.scheduler_lock(), clock, lease)
    sched = Scheduler(lock)
    sched.every("match_jobs", float(push.setting("match_interval_seconds", 60)),
                lambda: match_new_jobs(push))
    sched.every("digests", 60, lambda: plan_digests(push, clock.now()))
    sched.every("fair_reminders", 60, lambda: plan_reminders(push, clock.now()))
    if push.setting("feed.url", ""):
        sched.every("job_feed", float(push.setting("feed.interval_seconds", 900)),
                    lambda: poll_feed(push, clock.now()))
    return sched


def run_pass(ctx: BotContext, at: datetime | None = None, dry_run: bool = False,
             transports: dict[str, Transport] | None = None) -> tuple[PassResult, dict[str, int]]:
    """One pass of all that is due at `at` (default now): queue it, then send it."""
    clock = FixedClock(at) if at else ctx.clock
    result = plan(ctx.push, clock.now(), dry_run)
    if dry_run:
        return result, {}
    return result, build_sender(ctx, transports, clock).drain()
