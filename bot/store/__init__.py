"""Redis-backed storage behind narrow, named operations; keys come only from `keys.Keys`.

`Stores` opens every store on one connection. Nothing outside this package imports
redis-py or builds a key: the rest of the bot sees only these named operations.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import redis

from ..clock import SHANGHAI, Clock
from ..records import StudentKey
from ..settings import Settings
from . import glance
from .attempts import BindAttempts
from .backup import BackupError, Backups
from .batch import deferred, queued_pipeline, run
from .conversation import ConversationStore
from .deliveries import TAKEN_OVER, DeliveryLog
from .glance import ChatGlance
from .guard import StoreUnavailable
from .identity import IdentityStore
from .jobs import FairStore, JobStore
from .keys import Keys
from .leader import LeaderLock
from .outbox import Outbox
from .pending import PendingJobs
from .prefs import PrefsStore
from .profiles import ProfileStore
from .ratelimit import RateLimiter
from .broadcasts import BroadcastStore
from .staff import AuditLog, KbHistory, StaffStore
from .students import StudentDirectory
from .uploads import UploadStash
from .reminders import ReminderStore
from .roster import RosterStore
from .sent import SentJobs
from .stats import FaqStats
from .subscriptions import SubscriptionStore
from .tickets import TicketStore
from .tokens import TokenStore
from .turns import TurnLog
from .unanswered import UnansweredLog
from .vectors import QuestionVectors

RedisError = redis.RedisError
__all__ = ["BackupError", "ChatGlance", "RedisError", "StoreUnavailable", "TAKEN_OVER", "Stores",
           "TokenStore"]


@dataclass
class Stores:
    """Every store of one bot (one namespace) on one Redis connection."""

    client: redis.Redis
    keys: Keys
    clock: Clock
    conversation: ConversationStore
    deliveries: DeliveryLog
    unanswered: UnansweredLog
    faq_stats: FaqStats
    jobs: JobStore
    fairs: FairStore
    subscriptions: SubscriptionStore
    prefs: PrefsStore
    pending: PendingJobs
    sent: SentJobs
    reminders: ReminderStore
    outbox: Outbox
    tokens: TokenStore
    students: StudentDirectory
    staff: StaffStore
    audit: AuditLog
    kb_history: KbHistory
    broadcasts: BroadcastStore
    uploads: UploadStash
    roster: RosterStore
    identity: IdentityStore
    attempts: BindAttempts
    profiles: ProfileStore
    turns: TurnLog
    tickets: TicketStore
    question_vectors: QuestionVectors

    @classmethod
    def open(cls, client: redis.Redis, settings: Settings, clock: Clock) -> "Stores":
        keys = Keys(settings.redis.namespace)
        conv, push, people = settings.conversation, settings.push, settings.students
        handoff = settings.handoff
        prefs = PrefsStore(client, keys, push.default_digest_hour)
        sent = SentJobs(client, keys)
        return cls(
            client=client, keys=keys, clock=clock,
            conversation=ConversationStore(client, keys, conv.choices_ttl, conv.more_ttl,
                                           people.dialog_ttl),
            deliveries=DeliveryLog(client, keys, settings.dedup.reply_ttl, sleep=clock.sleep,
                                   monotonic=clock.monotonic, now=lambda: clock.now().timestamp()),
            unanswered=UnansweredLog(client, keys),
            faq_stats=FaqStats(client, keys),
            jobs=JobStore(client, keys),
            fairs=FairStore(client, keys),
            subscriptions=SubscriptionStore(client, keys),
            prefs=prefs,
            pending=PendingJobs(client, keys),
            sent=sent,
            reminders=ReminderStore(client, keys),
            outbox=Outbox(client, keys, push.sent_ttl_days * 86400, prefs, sent,
                          today=lambda: clock.now().astimezone(SHANGHAI).date().isoformat()),
            tokens=TokenStore(client, keys),
            students=StudentDirectory(client, keys),
            staff=StaffStore(client, keys),
            audit=AuditLog(client, keys),
            kb_history=KbHistory(client, keys),
            broadcasts=BroadcastStore(client, keys),
            uploads=UploadStash(client, keys),
            roster=RosterStore(client, keys),
            identity=IdentityStore(client, keys, clock, prefs, people.owner_cache_seconds),
            attempts=BindAttempts(client, keys, people.bind_free_tries,
                                  people.bind_free_tries_per_student, people.bind_delay_seconds,
                                  people.bind_max_delay_seconds),
            profiles=ProfileStore(client, keys),
            turns=TurnLog(client, keys, handoff.context_turns, handoff.context_ttl),
            tickets=TicketStore(client, keys),
            question_vectors=QuestionVectors(client, keys, settings.nlp.question_vectors_ttl),
        )

    def backups(self) -> Backups:
        """Backup and restore of everything this namespace holds."""
        return Backups(self.client, self.keys)

    @contextmanager
    def deferred(self, seen: ChatGlance | None = None) -> Iterator[None]:
        """While one message is answered: bookkeeping writes ride with its next round trip,
        and what it read of its chat (`seen`, from the claim, or `glance`) is kept."""
        with deferred(self.client), glance.remembering(seen):
            yield

    def glance(self, chat: StudentKey) -> None:
        """Read what answering needs to know about `chat` in one round trip (with the
        message's queued bookkeeping), unless the claim read it already; only while a
        message is answered (`deferred`), since only then is it kept."""
        if not glance.active() or glance.known(chat) is not None:
            return
        pipe, skip = queued_pipeline(self.client)
        glance.add_reads(pipe, self.keys, chat)
        glance.keep(glance.from_results(chat, run(pipe, skip)))

    def ping(self) -> bool:
        """True while Redis answers (at once False while the breaker says it does not)."""
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def scheduler_leader(self) -> bool:
        """Whether some scheduler holds the leadership lease now (the dashboard's health)."""
        return bool(self.client.exists(self.keys.scheduler_lock()))

    def unreachable_reason(self) -> str:
        """Why Redis is thought unreachable, for /healthz."""
        breaker = getattr(self.client, "breaker", None)
        return breaker.last_error if breaker is not None else ""

    def leader_lock(self, lease_seconds: float) -> LeaderLock:
        return LeaderLock(self.client, self.keys, self.clock, lease_seconds)

    def rate_limiter(self, per_second: dict[str, int], clock: Clock | None = None) -> RateLimiter:
        clock = clock or self.clock
        return RateLimiter(self.client, self.keys, lambda: clock.now().timestamp(),
                           clock.sleep, per_second)

    def close(self) -> None:
        """Close our connections; an embedded server this process runs stops with them."""
        self.client.close()
