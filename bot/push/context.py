"""Everything the push side keeps, bundled so `BotContext` gains one field, not ten."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import redis

from ..config import Config
from ..store.jobs import FairStore, JobStore
from ..store.keys import Keys
from ..store.outbox import Outbox
from ..store.pending import PendingJobs, ReminderStore
from ..store.subscriptions import PrefsStore, SubscriptionStore
from .matching import SubscriptionIndex
from .quiet import QuietHours
from .vocab import JobVocab, load_vocab


@dataclass
class PushContext:
    config: Config
    jobs: JobStore
    fairs: FairStore
    subscriptions: SubscriptionStore
    prefs: PrefsStore
    pending: PendingJobs
    reminders: ReminderStore
    outbox: Outbox
    quiet: QuietHours
    _index: tuple[int, SubscriptionIndex] | None = field(default=None, repr=False)
    _index_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def setting(self, name: str, default):
        return self.config.get(f"push.{name}", default)

    @property
    def vocab(self) -> JobVocab:
        return load_vocab(self.setting("vocabulary", "config/job_vocab.yaml"))

    def index(self) -> SubscriptionIndex:
        """The subscription index, rebuilt only when a subscription changed since."""
        with self._index_lock:
            version = self.subscriptions.version()
            if self._index is None or self._index[0] != version:
                self._index = (version, SubscriptionIndex.build(self.subscriptions.everything()))
            return self._index[1]


def build_push(config: Config, client: redis.Redis, keys: Keys) -> PushContext:
    ttl = int(config.get("push.sent_ttl_days", 60)) * 86400
    return PushContext(
        config=config,
        jobs=JobStore(client, keys),
        fairs=FairStore(client, keys),
        subscriptions=SubscriptionStore(client, keys),
        prefs=PrefsStore(client, keys, int(config.get("push.default_digest_hour", 9))),
        pending=PendingJobs(client, keys),
        reminders=ReminderStore(client, keys),
        outbox=Outbox(client, keys, ttl),
        quiet=QuietHours.from_config(config.get("push.quiet_hours")),
    )
