"""The durable outbox: a Redis stream read through a consumer group.

Why a stream: an entry stays pending in the group until a sender acknowledges it, so a
sender killed mid-work loses nothing — another takes its entries over (XAUTOCLAIM).
Why per-notice state keys: taking over must never send twice, so each notice is claimed
(SET NX) before its API call and marked sent after; a notice found claimed by a dead
sender was already on the wire and is not sent again: it is recorded as "uncertain" (in
the statistics, and its id in a short list), never silently gone. Each sender says it
is alive every second (`beat`), so a live but slow sender's notices are left alone.
A Redis restarted empty loses the consumer group; it is made again on the next call.
Retries wait in a sorted set by due time and return to the stream atomically (Lua).
The sender decides what happened to a notice (`Disposition`); `apply` records it.
"""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

import redis

from ..records import Notice, StudentKey
from . import glance
from .keys import Keys
from .prefs import PrefsStore
from .sent import SentJobs

log = logging.getLogger(__name__)

GROUP = "senders"
SENDING = "sending"
UNCERTAIN_KEPT = 1000          # ids of uncertain notices kept for staff to check
T = TypeVar("T")

_ENQUEUE_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'n', ARGV[2])
  if #ARGV > 2 then
    redis.call('SADD', KEYS[3], unpack(ARGV, 3))
    redis.call('EXPIRE', KEYS[3], ARGV[1])
  end
  return 1
end
return 0
"""

_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, m in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'n', m)
  redis.call('ZREM', KEYS[1], m)
end
return #due
"""


class StateChange(enum.Enum):
    """What a disposition does to the notice's state key."""

    KEEP = "keep"          # leave it (not ours to change: quiet hours, a duplicate)
    FORGET = "forget"      # delete it, so the retry can claim the notice again
    SENT = "sent"
    DROPPED = "dropped"
    HELD = "held"          # also kept for the student's next message
    UNCERTAIN = "uncertain"  # on the wire when its sender died: maybe sent, never resent


@dataclass(frozen=True)
class Disposition:
    """What became of one outbox entry: its statistic, its state, and a retry if any."""

    stat: str
    state: StateChange = StateChange.KEEP
    retry_at: float | None = None
    retry: Notice | None = None
    ack: bool = True       # False: leave the entry pending (a live sender is sending it)

    @classmethod
    def later(cls, stat: str, at: float, notice: Notice, forget: bool = False) -> "Disposition":
        return cls(stat, StateChange.FORGET if forget else StateChange.KEEP, at, notice)


@dataclass
class Entry:
    entry_id: str
    notice: Notice


@dataclass(frozen=True)
class Claim:
    claimed: bool            # this sender may send it now
    unfollowed: bool         # the student may not be pushed to
    state: str | None = None  # the state found when not claimed


class Outbox:
    def __init__(self, client: redis.Redis, keys: Keys, state_ttl: int,
                 prefs: PrefsStore, sent: SentJobs,
                 today: Callable[[], str] | None = None) -> None:
        self.r, self.keys, self.state_ttl = client, keys, state_ttl
        self.prefs, self.sent = prefs, sent
        self.today = today              # the Asia/Shanghai date, for per-day figures
        self._enqueue_once = client.register_script(_ENQUEUE_ONCE)
        self._promote = client.register_script(_PROMOTE)
        self._group_ready = False

    # -- producing ---------------------------------------------------------------------------
    def enqueue_once(self, notice: Notice) -> bool:
        """Queue a notice unless one with its id was queued before; records its jobs as sent."""
        keys = [self.keys.notice_once(notice.id), self.keys.outbox(),
                self.sent.key(notice.owner_key)]
        args = [self.state_ttl, notice.to_json(), *notice.job_ids]
        return bool(self._enqueue_once(keys=keys, args=args))

    def enqueue(self, notice: Notice) -> None:
        self.r.xadd(self.keys.outbox(), {"n": notice.to_json()})

    def already_queued(self, notice_id: str) -> bool:
        return bool(self.r.exists(self.keys.notice_once(notice_id)))

    # -- consuming ---------------------------------------------------------------------------
    def _in_group(self, call: Callable[[], T]) -> T:
        """`call`, after making the consumer group again if Redis lost it (NOGROUP)."""
        self.ensure_group()
        try:
            return call()
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
        log.warning("the outbox's consumer group was gone (Redis restarted empty?); making it again")
        self._group_ready = False
        self.ensure_group()
        return call()

    def ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self.r.xgroup_create(self.keys.outbox(), GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def read(self, consumer: str, count: int, block_ms: int | None) -> list[Entry]:
        res = self._in_group(lambda: self.r.xreadgroup(
            GROUP, consumer, {self.keys.outbox(): ">"}, count=count, block=block_ms))
        return [e for _, entries in (res or []) for e in self._entries(entries)]

    def take_over(self, consumer: str, min_idle_ms: int, count: int) -> list[Entry]:
        """Entries a dead (or stuck) sender read but never acknowledged."""
        res = self._in_group(lambda: self.r.xautoclaim(
            self.keys.outbox(), GROUP, consumer, min_idle_ms, "0-0", count=count))
        return list(self._entries(res[1]))

    # -- senders' liveness ---------------------------------------------------------------------
    def beat(self, consumer: str, ttl_ms: int) -> None:
        """This sender is alive for `ttl_ms` more."""
        self.r.set(self.keys.sender_alive(consumer), "1", px=max(ttl_ms, 3000))

    def alive(self, consumer: str) -> bool:
        return bool(consumer) and bool(self.r.exists(self.keys.sender_alive(consumer)))

    def forget_sender(self, consumer: str) -> None:
        self.r.delete(self.keys.sender_alive(consumer))

    def _entries(self, raw: Iterable) -> Iterable[Entry]:
        for entry_id, fields in raw:
            if fields and "n" in fields:
                yield Entry(entry_id, Notice.from_json(fields["n"]))
            elif entry_id:
                self._ack(entry_id)      # deleted or foreign entry: nothing to send

    def _ack(self, entry_id: str) -> None:
        pipe = self.r.pipeline()
        pipe.xack(self.keys.outbox(), GROUP, entry_id)
        pipe.xdel(self.keys.outbox(), entry_id)
        pipe.execute()

    # -- per-notice state ----------------------------------------------------------------------
    def claim(self, notice: Notice, owner: str) -> Claim:
        """Claim a notice for sending and check its student, in one round trip."""
        pipe = self.r.pipeline(transaction=False)
        unfollowed = self.prefs.queue_unfollowed(pipe, notice.student)
        state_key = self.keys.notice_state(notice.id)
        pipe.set(state_key, f"{SENDING}:{owner}", nx=True, ex=self.state_ttl)
        pipe.get(state_key)
        raw_unfollowed, claimed, state = pipe.execute()
        return Claim(bool(claimed), unfollowed(raw_unfollowed), None if claimed else state)

    def state(self, notice_id: str) -> str | None:
        return self.r.get(self.keys.notice_state(notice_id))

    def states(self, notice_ids: list[str]) -> list[str | None]:
        """The state of each notice (sent, dropped, held, sending:…; None while queued)."""
        out: list[str | None] = []
        for start in range(0, len(notice_ids), 1000):
            chunk = notice_ids[start:start + 1000]
            out.extend(self.r.mget([self.keys.notice_state(i) for i in chunk]))
        return out

    def apply(self, entry: Entry, d: Disposition) -> None:
        """Record what became of `entry` and acknowledge it, in one transaction."""
        if not d.ack:
            return
        n = entry.notice
        pipe = self.r.pipeline()
        if d.state is StateChange.FORGET:
            pipe.delete(self.keys.notice_state(n.id))
        elif d.state is not StateChange.KEEP:
            pipe.set(self.keys.notice_state(n.id), d.state.value, ex=self.state_ttl)
        if d.state is StateChange.HELD:
            pipe.rpush(self.keys.held(n.student), n.to_json())
        if d.state is StateChange.UNCERTAIN:
            pipe.lpush(self.keys.push_uncertain(), n.id)
            pipe.ltrim(self.keys.push_uncertain(), 0, UNCERTAIN_KEPT - 1)
        if d.retry_at is not None:
            pipe.zadd(self.keys.outbox_retry(), {(d.retry or n).to_json(): d.retry_at})
        pipe.hincrby(self.keys.push_stats(), d.stat, 1)
        if self.today is not None:
            day_key = self.keys.push_daily(self.today())
            pipe.hincrby(day_key, d.stat, 1)
            pipe.expire(day_key, 400 * 86400)
        pipe.xack(self.keys.outbox(), GROUP, entry.entry_id)
        pipe.xdel(self.keys.outbox(), entry.entry_id)
        pipe.execute()

    def promote_due(self, now_ts: float, limit: int = 500) -> int:
        return int(self._promote(keys=[self.keys.outbox_retry(), self.keys.outbox()],
                                 args=[now_ts, limit]))

    # -- held for the student's next message (outside the 48-hour window) -------------------
    def hold(self, notice: Notice) -> None:
        """Keep a notice the platform refused for now until its student writes again."""
        self.r.rpush(self.keys.held(notice.student), notice.to_json())

    def take_held(self, student: StudentKey) -> list[Notice]:
        key = self.keys.held(student)
        pipe = self.r.pipeline()
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        raw, _ = pipe.execute()
        glance.note_held(student, 0)
        return [Notice.from_json(x) for x in raw]

    def held_count(self, student: StudentKey) -> int:
        """Read with the message's claim when one is being answered (`glance`), else now."""
        seen = glance.known(student)
        return seen.held if seen is not None else self.r.llen(self.keys.held(student))

    def forget(self, chats: list[StudentKey]) -> int:
        """Notices to or for these chats not yet sent: out of the stream, the retries and
        the held lists (erasure). Returns how many were removed."""
        mine = {c.encode() for c in chats}

        def ours(raw: str) -> bool:
            n = Notice.from_json(raw)
            return n.student.encode() in mine or n.owner_key.encode() in mine

        self.ensure_group()
        gone = 0
        for entry_id, fields in self.r.xrange(self.keys.outbox()):
            if fields and "n" in fields and ours(fields["n"]):
                self._ack(entry_id)
                gone += 1
        stale = [m for m, _ in self.r.zscan_iter(self.keys.outbox_retry()) if ours(m)]
        if stale:
            self.r.zrem(self.keys.outbox_retry(), *stale)
        self.r.delete(*(self.keys.held(c) for c in chats))
        for chat in chats:
            glance.note_held(chat, 0)
        return gone + len(stale)

    # -- figures --------------------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.keys.push_stats()).items()}

    def daily_stats(self, days: list[str]) -> dict[str, dict[str, int]]:
        pipe = self.r.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self.keys.push_daily(day))
        return {day: {k: int(v) for k, v in raw.items()} for day, raw in zip(days, pipe.execute())}

    def oldest_waiting_age(self, now_ts: float) -> float | None:
        """Seconds the oldest queued entry has waited (the sender's lag); None when empty."""
        first = self.r.xrange(self.keys.outbox(), count=1)
        if not first:
            return None
        return max(0.0, now_ts - int(first[0][0].split("-")[0]) / 1000)

    def uncertain(self, limit: int = 20) -> list[str]:
        """Ids of the latest notices that may or may not have reached their student."""
        return self.r.lrange(self.keys.push_uncertain(), 0, limit - 1)

    def backlog(self) -> dict[str, int]:
        pending = self._in_group(lambda: self.r.xpending(self.keys.outbox(), GROUP))
        return {"queued": self.r.xlen(self.keys.outbox()),
                "in_flight": int(pending.get("pending", 0) if isinstance(pending, dict) else 0),
                "retrying": self.r.zcard(self.keys.outbox_retry())}
