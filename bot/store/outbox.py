"""The durable outbox: a Redis stream read through a consumer group.

Why a stream: an entry stays pending in the group until a sender acknowledges it, so a
sender killed mid-work loses nothing — another takes its entries over (XAUTOCLAIM).
Why per-notice state keys: taking over must never send twice, so each notice is claimed
(SET NX) before its API call and marked sent after; a notice found claimed by a dead
sender was already on the wire and is not sent again.
Retries wait in a sorted set by due time and return to the stream atomically (Lua).
"""
from __future__ import annotations

from dataclasses import dataclass

import redis

from ..push.notice import Notice
from .keys import Keys

GROUP = "senders"

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

SENDING, SENT, DROPPED, HELD = "sending", "sent", "dropped", "held"
KEEP = object()       # finish(): leave the notice state as it is


@dataclass
class Entry:
    entry_id: str
    notice: Notice


class Outbox:
    def __init__(self, client: redis.Redis, keys: Keys, state_ttl: int) -> None:
        self.r, self.keys, self.state_ttl = client, keys, state_ttl
        self._enqueue_once = client.register_script(_ENQUEUE_ONCE)
        self._promote = client.register_script(_PROMOTE)
        self._group_ready = False

    # -- producing ---------------------------------------------------------------------------
    def enqueue_once(self, notice: Notice) -> bool:
        """Queue a notice unless one with its id was queued before; records its jobs as sent."""
        keys = [self.keys.notice_once(notice.id), self.keys.outbox(),
                self.keys.sent_jobs(notice.channel, notice.user_id)]
        args = [self.state_ttl, notice.to_json(), *notice.job_ids]
        return bool(self._enqueue_once(keys=keys, args=args))

    def enqueue(self, notice: Notice) -> None:
        self.r.xadd(self.keys.outbox(), {"n": notice.to_json()})

    def already_queued(self, notice_id: str) -> bool:
        return bool(self.r.exists(self.keys.notice_once(notice_id)))

    # -- consuming ---------------------------------------------------------------------------
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
        self.ensure_group()
        res = self.r.xreadgroup(GROUP, consumer, {self.keys.outbox(): ">"}, count=count,
                                block=block_ms)
        return [e for _, entries in (res or []) for e in self._entries(entries)]

    def take_over(self, consumer: str, min_idle_ms: int, count: int) -> list[Entry]:
        """Entries a dead (or stuck) sender read but never acknowledged."""
        self.ensure_group()
        res = self.r.xautoclaim(self.keys.outbox(), GROUP, consumer, min_idle_ms, "0-0",
                                count=count)
        return list(self._entries(res[1]))

    def _entries(self, raw):
        for entry_id, fields in raw:
            if fields and "n" in fields:
                yield Entry(entry_id, Notice.from_json(fields["n"]))
            elif entry_id:
                self.ack(entry_id)      # deleted or foreign entry: nothing to send

    def ack(self, entry_id: str) -> None:
        pipe = self.r.pipeline()
        pipe.xack(self.keys.outbox(), GROUP, entry_id)
        pipe.xdel(self.keys.outbox(), entry_id)
        pipe.execute()

    # -- per-notice state ----------------------------------------------------------------------
    def claim(self, notice_id: str, owner: str) -> bool:
        return bool(self.r.set(self.keys.notice_state(notice_id), f"{SENDING}:{owner}",
                               nx=True, ex=self.state_ttl))

    def claim_for(self, notice: Notice, owner: str) -> tuple[bool, bool]:
        """(student unfollowed?, claimed?) in one round trip: the sender's hot path."""
        pipe = self.r.pipeline(transaction=False)
        pipe.hget(self.keys.push_prefs(notice.channel, notice.user_id), "unfollowed")
        pipe.set(self.keys.notice_state(notice.id), f"{SENDING}:{owner}", nx=True, ex=self.state_ttl)
        unfollowed, claimed = pipe.execute()
        return unfollowed == "1", bool(claimed)

    def state(self, notice_id: str) -> str | None:
        return self.r.get(self.keys.notice_state(notice_id))

    def finish(self, entry: Entry, state, stat: str, retry_at: float | None = None,
               retry: Notice | None = None, hold: bool = False) -> None:
        """Record the outcome and acknowledge, in one transaction.

        `state`: the notice's new state, None to forget it (it will be retried), or KEEP.
        """
        n = entry.notice
        pipe = self.r.pipeline()
        if state is None:
            pipe.delete(self.keys.notice_state(n.id))
        elif state is not KEEP:
            pipe.set(self.keys.notice_state(n.id), state, ex=self.state_ttl)
        if retry_at is not None:
            pipe.zadd(self.keys.outbox_retry(), {(retry or n).to_json(): retry_at})
        if hold:
            pipe.rpush(self.keys.held(n.channel, n.user_id), n.to_json())
        pipe.hincrby(self.keys.push_stats(), stat, 1)
        pipe.xack(self.keys.outbox(), GROUP, entry.entry_id)
        pipe.xdel(self.keys.outbox(), entry.entry_id)
        pipe.execute()

    def promote_due(self, now_ts: float, limit: int = 500) -> int:
        return int(self._promote(keys=[self.keys.outbox_retry(), self.keys.outbox()],
                                 args=[now_ts, limit]))

    # -- held for the student's next message (outside the 48-hour window) -------------------
    def take_held(self, channel: str, user_id: str) -> list[Notice]:
        key = self.keys.held(channel, user_id)
        pipe = self.r.pipeline()
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        raw, _ = pipe.execute()
        return [Notice.from_json(x) for x in raw]

    def held_count(self, channel: str, user_id: str) -> int:
        return self.r.llen(self.keys.held(channel, user_id))

    # -- figures --------------------------------------------------------------------------------
    def stat(self, name: str, by: int = 1) -> None:
        self.r.hincrby(self.keys.push_stats(), name, by)

    def stats(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.keys.push_stats()).items()}

    def backlog(self) -> dict[str, int]:
        self.ensure_group()
        pending = self.r.xpending(self.keys.outbox(), GROUP)
        return {"queued": self.r.xlen(self.keys.outbox()),
                "in_flight": int(pending.get("pending", 0) if isinstance(pending, dict) else 0),
                "retrying": self.r.zcard(self.keys.outbox_retry())}
