"""Everything a handler may use, built once per process from the configuration."""
from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock
from .config import Config
from .health import Health
from .jobs.ingest import Catalog
from .knowledge import KnowledgeProvider
from .nlp.matcher import Thresholds
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


def thresholds_from(settings: Settings) -> Thresholds:
    nlp = settings.nlp
    return Thresholds(answer=nlp.answer_threshold, suggest=nlp.suggest_threshold,
                      margin=nlp.margin, max_suggestions=nlp.max_suggestions)


def knowledge_for(config: Config, clock: Clock) -> KnowledgeProvider:
    return KnowledgeProvider(config.knowledge_dir, thresholds_from(config.settings),
                             today=lambda: clock.now().date(), keep_dir=config.data_dir)


def build_context(config: Config, clock: Clock | None = None, client=None,
                  knowledge: KnowledgeProvider | None = None) -> BotContext:
    """The context of one process; `client` and `knowledge` let tests share theirs."""
    clock = clock or Clock()
    client = client or connect(config.redis_url, config.data_dir, config.settings.redis)
    return BotContext(config=config, clock=clock,
                      stores=Stores.open(client, config.settings, clock),
                      knowledge=knowledge or knowledge_for(config, clock))
