"""Tickets: students who asked for a person, what staff answered, and who answered.

A ticket is one JSON value by id; open tickets are also in a sorted set (oldest first,
the order staff should work them), each student's tickets in a set (erasure finds them
there), and the Feishu card of each ticket maps back to it, so a staff reply in the
card's thread finds its ticket. (A reply WeChat would not deliver waits in the outbox's
held list, like any notice: `handlers.held` gives it with the student's next answer.)
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Callable

import redis

from ..records import StudentKey
from .keys import Keys

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
STATUSES = (OPEN, ANSWERED, CLOSED)


@dataclass
class Ticket:
    id: int
    chat: str                       # the chat the student asked from (StudentKey.encode())
    question: str
    created_at: str                 # ISO datetime
    status: str = OPEN
    name: str = ""                  # from the roster, when the student is bound
    student_no: str = ""
    profile: list[str] = field(default_factory=list)      # lines for staff
    turns: list[list[str]] = field(default_factory=list)  # [[student, bot], …] oldest first
    mentor: str = ""                # named on the card for priority students only
    priority: bool = False
    replies: list[dict] = field(default_factory=list)     # {"by", "text", "at", "delivery"}
    answered_by: str = ""
    answered_at: str = ""
    closed_by: str = ""
    card_message_id: str = ""

    @property
    def student(self) -> StudentKey:
        return StudentKey.decode(self.chat)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> "Ticket":
        data = json.loads(raw)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class TicketStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def create(self, ticket: Ticket, created_ts: float) -> Ticket:
        """Store a new ticket; its id is assigned here."""
        ticket.id = int(self.r.incr(self.keys.tickets_seq()))
        pipe = self.r.pipeline()
        pipe.hset(self.keys.tickets(), str(ticket.id), ticket.to_json())
        pipe.zadd(self.keys.tickets_open(), {str(ticket.id): created_ts})
        pipe.sadd(self.keys.student_tickets(ticket.student), str(ticket.id))
        pipe.execute()
        return ticket

    def get(self, ticket_id: int | str) -> Ticket | None:
        raw = self.r.hget(self.keys.tickets(), str(ticket_id))
        return Ticket.from_json(raw) if raw else None

    def update(self, ticket_id: int | str, change: Callable[[Ticket], None]) -> Ticket | None:
        """Apply `change` to the stored ticket atomically: a reply and a close pressed at
        the same moment both land (optimistic: retried when another write came between)."""
        key = self.keys.tickets()
        with self.r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.hget(key, str(ticket_id))
                    if raw is None:
                        pipe.reset()
                        return None
                    ticket = Ticket.from_json(raw)
                    change(ticket)
                    pipe.multi()
                    pipe.hset(key, str(ticket.id), ticket.to_json())
                    if ticket.status == CLOSED:
                        pipe.zrem(self.keys.tickets_open(), str(ticket.id))
                    if ticket.card_message_id:
                        pipe.hset(self.keys.ticket_cards(), ticket.card_message_id, str(ticket.id))
                    pipe.execute()
                    return ticket
                except redis.WatchError:
                    continue

    def listing(self, status: str | None = None, limit: int = 200) -> list[Ticket]:
        """Not closed (oldest first) for status None or "open"/"answered"; else newest first."""
        if status in (None, OPEN, ANSWERED):
            ids = self.r.zrange(self.keys.tickets_open(), 0, -1)
            raws = self.r.hmget(self.keys.tickets(), ids) if ids else []
            found = [Ticket.from_json(raw) for raw in raws if raw]
            return [t for t in found if status is None or t.status == status][:limit]
        every = [Ticket.from_json(raw) for raw in self.r.hvals(self.keys.tickets())]
        if status != "all":
            every = [t for t in every if t.status == status]
        return sorted(every, key=lambda t: t.id, reverse=True)[:limit]

    def open_of(self, chat: StudentKey) -> Ticket | None:
        """The chat's newest ticket not yet closed."""
        ids = sorted(map(int, self.r.smembers(self.keys.student_tickets(chat))), reverse=True)
        for ticket_id in ids:
            ticket = self.get(ticket_id)
            if ticket is not None and ticket.status != CLOSED:
                return ticket
        return None

    def set_card(self, ticket_id: int, message_id: str) -> None:
        self.update(ticket_id, lambda t: setattr(t, "card_message_id", message_id))

    def by_card(self, message_id: str) -> Ticket | None:
        ticket_id = self.r.hget(self.keys.ticket_cards(), message_id)
        return self.get(ticket_id) if ticket_id else None

    def forget(self, chats: list[StudentKey]) -> int:
        """Every ticket of these chats and what hangs off them (erasure); returns how many."""
        gone = 0
        for chat in chats:
            ids = list(self.r.smembers(self.keys.student_tickets(chat)))
            cards = [t.card_message_id for t in map(self.get, ids) if t and t.card_message_id]
            pipe = self.r.pipeline()
            if ids:
                pipe.hdel(self.keys.tickets(), *ids)
                pipe.zrem(self.keys.tickets_open(), *ids)
            if cards:
                pipe.hdel(self.keys.ticket_cards(), *cards)
            pipe.delete(self.keys.student_tickets(chat))
            pipe.execute()
            gone += len(ids)
        return gone
