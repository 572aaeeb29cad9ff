"""Everything a handler may use, built once per process from the configuration."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .clock import Clock
from .config import Config
from .health import Health
from .intents import IntentBook
from .jobs.ingest import Catalog
from .knowledge import KnowledgeProvider
from .nlp import prebuild
from .nlp.builder import MatcherBuilder
from .nlp.embed import SharedVectors
from .nlp.model import Thresholds
from .push.vocab import JobVocab, load_vocab
from .settings import Settings
from .store import Stores
from .store.connection import connect


@dataclass
class BotContext:
    config: Config
    clock: Clock
    stores: Stores
    knowledge: KnowledgeProvider
    intents: IntentBook
    health: Health = field(default_factory=Health)

    @property
    def settings(self) -> Settings:
        return self.config.settings

    @property
    def vocab(self) -> JobVocab:
        """The job vocabulary as the file is now (staff edit it; it reloads on save)."""
        return load_vocab(self.settings.push.vocabulary)

    @property
    def catalog(self) -> Catalog:
        return Catalog(self.stores.jobs, self.stores.fairs, lambda job: self.vocab.job_terms(job))


def matcher_builder(config: Config, shared: SharedVectors | None = None) -> MatcherBuilder:
    """How matchers are built here: fixed or derived thresholds, meaning model, caches
    (`shared`: question vectors kept for the bot's other processes)."""
    nlp = config.settings.nlp
    base = Thresholds(max_suggestions=nlp.max_suggestions)
    fixed = None
    if not isinstance(nlp.thresholds, str):
        fixed = replace(base, answer=nlp.thresholds.answer, suggest=nlp.thresholds.suggest,
                        margin=nlp.thresholds.margin, source="config")
    return MatcherBuilder(fixed=fixed, base=base, embeddings=nlp.embeddings,
                          data_dir=config.data_dir, shared=shared)


def knowledge_for(config: Config, clock: Clock, background: bool = False,
                  shared: SharedVectors | None = None) -> KnowledgeProvider:
    """`background` (a server): the knowledge base answers on words at once, and its first
    build runs in a child process (`bot/nlp/prebuild.py`), so the server stays small."""
    builder = matcher_builder(config, shared)
    if background:
        builder.in_child = prebuild.in_child
    return KnowledgeProvider(config.knowledge_dir, builder,
                             today=lambda: clock.now().date(), background=background,
                             keep_dir=config.data_dir)


def build_context(config: Config, clock: Clock | None = None, client=None,
                  knowledge: KnowledgeProvider | None = None, background: bool = False) -> BotContext:
    """The context of one process; `client` and `knowledge` let tests share theirs."""
    clock = clock or Clock()
    client = client or connect(config.redis_url, config.data_dir, config.settings.redis)
    stores = Stores.open(client, config.settings, clock)
    shared = stores.question_vectors if config.settings.nlp.question_vectors_ttl > 0 else None
    knowledge = knowledge or knowledge_for(config, clock, background, shared)
    return BotContext(config=config, clock=clock, stores=stores, knowledge=knowledge,
                      intents=IntentBook(knowledge.builder, background=background))
