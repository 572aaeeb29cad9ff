"""Everything a handler may use, built once per process from the configuration."""
from __future__ import annotations

from dataclasses import dataclass

import redis

from .clock import Clock
from .config import Config
from .kb.provider import KnowledgeProvider
from .nlp.matcher import Thresholds
from .push.context import PushContext, build_push
from .store.connection import connect
from .store.conversation import ConversationStore
from .store.deliveries import DeliveryLog
from .store.keys import Keys
from .store.stats import FaqStats
from .store.unanswered import UnansweredLog


@dataclass
class BotContext:
    config: Config
    redis: redis.Redis
    keys: Keys
    clock: Clock
    knowledge: KnowledgeProvider
    conversation: ConversationStore
    deliveries: DeliveryLog
    unanswered: UnansweredLog
    faq_stats: FaqStats
    push: PushContext | None = None     # job alerts, fairs, reminders and their outbox


def thresholds_from(config: Config) -> Thresholds:
    default = Thresholds()  # the fitted values live in one place: bot/nlp/matcher.py
    return Thresholds(
        answer=float(config.get("nlp.answer_threshold", default.answer)),
        suggest=float(config.get("nlp.suggest_threshold", default.suggest)),
        margin=float(config.get("nlp.margin", default.margin)),
        max_suggestions=int(config.get("nlp.max_suggestions", default.max_suggestions)),
    )


def build_context(config: Config, clock: Clock | None = None,
                  client: redis.Redis | None = None,
                  knowledge: KnowledgeProvider | None = None) -> BotContext:
    clock = clock or Clock()
    client = client or connect(config.redis_url, config.data_dir)
    keys = Keys(str(config.get("redis.namespace", "jyzs")))
    if knowledge is None:
        knowledge = KnowledgeProvider(config.knowledge_dir, thresholds_from(config),
                                      today=lambda: clock.now().date())
    return BotContext(
        config=config, redis=client, keys=keys, clock=clock, knowledge=knowledge,
        conversation=ConversationStore(client, keys,
                                       int(config.get("conversation.choices_ttl", 1800)),
                                       int(config.get("conversation.more_ttl", 1800))),
        deliveries=DeliveryLog(client, keys, int(config.get("dedup.ttl", 3600)),
                               sleep=clock.sleep, monotonic=clock.monotonic),
        unanswered=UnansweredLog(client, keys),
        faq_stats=FaqStats(client, keys),
        push=build_push(config, client, keys),
    )
