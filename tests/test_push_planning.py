"""Matching, digests and fair reminders at injected times; the scheduler lock changing hands."""
from __future__ import annotations

import random
from datetime import timedelta

from bot.clock import FakeClock
from bot.push.matching import SubscriptionIndex, naive_match
from bot.push.planner import Planner
from bot.runtime import run_pass
from bot.scheduler import Scheduler
from bot.records import StudentKey
from bot.store.keys import Keys
from bot.store.leader import LeaderLock
from bot.store.subscriptions import StoredSubscription, Subscription

from .support.builders import add_fair, add_jobs, at, shanghai


def subscribe(ctx, user, *words, channel="wechat"):
    sub = ctx.vocab.subscription(words)
    ctx.stores.subscriptions.add(StudentKey(channel, user), sub.words, sub.terms)


def planner(ctx) -> Planner:
    return Planner(ctx.stores, ctx.settings.push)


def test_index_finds_exactly_what_the_double_loop_finds():
    rng = random.Random(7)
    vocab = [f"t{i}" for i in range(40)]
    subs = [StoredSubscription(StudentKey("wechat", f"u{i % 300}"),
                               Subscription(i, ("x",), frozenset(rng.sample(vocab, rng.randint(1, 3)))))
            for i in range(2000)]
    jobs = {f"j{i}": frozenset(rng.sample(vocab, rng.randint(2, 8))) for i in range(300)}
    assert SubscriptionIndex.build(subs).match(jobs) == naive_match(subs, jobs)


def test_all_words_must_match_and_synonyms_and_regions_count(ctx):
    subscribe(ctx, "oA", "Java", "北京")
    subscribe(ctx, "oB", "计算机")
    subscribe(ctx, "oC", "IT", "长三角")
    subscribe(ctx, "oD", "Java", "深圳")
    add_jobs(ctx, {"title": "Java开发", "city": "北京市", "majors": "CS;软件工程"},
             {"title": "运维", "city": "苏州", "industry": "互联网"})
    assert planner(ctx).match_new_jobs() == 3
    pending = {u: ctx.stores.pending.read(StudentKey("wechat", u)).reasons for u in "oA oB oC oD".split()}
    assert pending["oA"] == {"job-0": "Java + 北京"}
    assert pending["oB"] == {"job-0": "计算机"}
    assert pending["oC"] == {"job-1": "IT + 长三角"}
    assert pending["oD"] == {}


def test_one_digest_per_student_at_their_hour_with_every_new_job_and_why(ctx, clock):
    at(clock, shanghai(2026, 11, 23, 7, 0))
    subscribe(ctx, "oA", "Java")
    subscribe(ctx, "oA", "北京")
    add_jobs(ctx, {"title": "Java开发", "city": "上海"}, {"title": "产品经理", "city": "北京"})
    assert planner(ctx).plan(clock.now()).digests == []          # 07:00: quiet hours
    at(clock, shanghai(2026, 11, 23, 8, 30))
    assert planner(ctx).plan(clock.now()).digests == []          # before the default 09:00
    at(clock, shanghai(2026, 11, 23, 9, 0))
    [digest] = planner(ctx).plan(clock.now()).digests
    assert digest.title == "为您找到 2 个新岗位"
    assert "匹配：Java" in digest.summary and "匹配：北京" in digest.summary
    assert sorted(digest.job_ids) == ["job-0", "job-1"]
    add_jobs(ctx, {"id": "job-2", "title": "Java架构师", "city": "北京"},
             {"id": "job-0", "title": "Java开发", "city": "上海"})     # job-0 again, edited
    at(clock, shanghai(2026, 11, 23, 15, 0))
    assert planner(ctx).plan(clock.now()).digests == []          # one digest a day
    at(clock, shanghai(2026, 11, 24, 9, 0))
    [digest] = planner(ctx).plan(clock.now()).digests            # only the new job; job-0 not again
    assert digest.job_ids == ["job-2"]


def test_immediate_subscribers_get_a_digest_every_few_minutes_and_paused_none(ctx, clock):
    subscribe(ctx, "oNow", "Java")
    subscribe(ctx, "oPaused", "Java")
    ctx.stores.prefs.update(StudentKey("wechat", "oNow"), mode="immediate")
    ctx.stores.prefs.update(StudentKey("wechat", "oPaused"), mode="immediate", paused=True)
    add_jobs(ctx, {"title": "Java开发", "city": "上海"})
    [digest] = planner(ctx).plan(clock.now()).digests
    assert digest.user_id == "oNow"
    add_jobs(ctx, {"id": "job-1", "title": "Java测试", "city": "上海"})
    assert planner(ctx).plan(clock.now()).digests == []          # same 5-minute slot
    clock.advance(300)
    [digest] = planner(ctx).plan(clock.now()).digests
    assert digest.job_ids == ["job-1"]


def test_fair_reminders_24h_and_1h_before_never_twice_even_after_a_restart(make_ctx, clock):
    ctx = make_ctx()
    start = shanghai(2026, 11, 25, 14, 0)
    add_fair(ctx, "f1", start)
    ctx.stores.reminders.add(StudentKey("wechat", "oR"), "f1", 0)
    at(clock, shanghai(2026, 11, 24, 13, 59))
    assert planner(ctx).plan(clock.now()).reminders == []
    at(clock, shanghai(2026, 11, 24, 14, 0))
    [r] = planner(ctx).plan(clock.now()).reminders
    assert "还有 1 天" in r.summary and r.title == "双选会提醒：秋季双选会"
    restarted = make_ctx()                                    # a new process, same Redis
    clock.advance(60)
    assert planner(restarted).plan(clock.now()).reminders == []
    at(clock, shanghai(2026, 11, 25, 13, 0))
    [r] = planner(restarted).plan(clock.now()).reminders
    assert "还有 1 小时" in r.summary
    assert planner(restarted).plan(clock.now()).reminders == []
    at(clock, shanghai(2026, 11, 25, 14, 1))
    assert planner(restarted).plan(clock.now()).reminders == []


def test_a_late_pass_sends_only_the_closest_reminder(ctx, clock):
    add_fair(ctx, "f2", clock.now() + timedelta(minutes=30))
    ctx.stores.reminders.add(StudentKey("wechat", "oLate"), "f2", 0)
    [r] = planner(ctx).plan(clock.now()).reminders
    assert ":60:" in r.id and "还有 30 分钟" in r.summary


def test_reminders_due_in_quiet_hours_wait_for_the_morning(ctx, clock):
    add_fair(ctx, "f3", shanghai(2026, 11, 23, 23, 0))
    ctx.stores.reminders.add(StudentKey("wechat", "oN"), "f3", 0)
    at(clock, shanghai(2026, 11, 22, 23, 0))
    assert planner(ctx).plan(clock.now()).reminders == []
    at(clock, shanghai(2026, 11, 23, 8, 0))
    [r] = planner(ctx).plan(clock.now()).reminders
    assert "还有 15 小时" in r.summary


def test_push_run_at_a_time_queues_and_sends_what_is_due(push_ctx, fake_wechat, clock):
    ctx = push_ctx()
    subscribe(ctx, "oRun", "Java", "北京")
    add_jobs(ctx, {"title": "Java开发", "city": "北京"})
    result, counts = run_pass(ctx, shanghai(2026, 11, 23, 6, 0), dry_run=True)
    assert result.held_by_quiet_hours and counts == {}
    result, counts = run_pass(ctx, shanghai(2026, 11, 23, 9, 0))
    assert len(result.digests) == 1 and counts == {"sent": 1}
    [call] = fake_wechat.sent_to("oRun")
    assert "匹配：Java + 北京" in call["body"]["text"]["content"]
    result, counts = run_pass(ctx, shanghai(2026, 11, 23, 9, 5))
    assert result.digests == [] and counts == {}


def test_scheduler_lock_changes_hands_when_the_leader_stops_renewing(redis_backend, namespace):
    clock = FakeClock(shanghai(2026, 11, 22, 10, 0))
    keys = Keys(namespace)
    a = LeaderLock(redis_backend, keys, clock, lease_seconds=30, owner="a")
    b = LeaderLock(redis_backend, keys, clock, lease_seconds=30, owner="b")
    assert a.try_acquire() and not b.try_acquire()
    clock.advance(20)
    assert a.try_acquire() and not b.try_acquire()          # renewed
    clock.advance(31)                                       # a died: no renewal
    assert b.try_acquire()
    assert not a.try_acquire()                              # a comes back: b leads
    ran = []
    sa, sb = Scheduler(a), Scheduler(b)
    for s, name in ((sa, "a"), (sb, "b")):
        s.every("job", 60, lambda name=name: ran.append(name))
    assert not sa.run_now("job") and sb.run_now("job")
    assert ran == ["b"]
    b.release()
    assert a.try_acquire()
