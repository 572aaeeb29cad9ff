"""The settings, one frozen dataclass per section of `config/settings.yaml`.

The file is the only place defaults live; these classes say what each key is. They are
filled and checked once at start (`Settings.parse`): an unknown key or a value of the
wrong type stops start-up with one Chinese line that names the key, so a typo in the
file or in a `BOT_…` variable never becomes a silent default somewhere deep inside.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping

from .typed_settings import SettingsError, build

__all__ = ["Settings", "SettingsError"]


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    threads: int
    max_body_bytes: int
    connection_limit: int
    channel_timeout: int


@dataclass(frozen=True)
class RedisSettings:
    namespace: str
    socket_timeout: float
    retry_after: float


@dataclass(frozen=True)
class KnowledgeSettings:
    dir: str
    reload_interval: float


@dataclass(frozen=True)
class FixedThresholds:
    answer: float
    suggest: float
    margin: float


@dataclass(frozen=True)
class NlpSettings:
    thresholds: Literal["auto"] | FixedThresholds
    max_suggestions: int
    embeddings: bool | Literal["auto"]
    question_vectors_ttl: int


@dataclass(frozen=True)
class ConversationSettings:
    choices_ttl: int
    more_ttl: int
    max_message_chars: int
    fairs_ttl: int


@dataclass(frozen=True)
class DedupSettings:
    reply_ttl: int
    wait_for_first: float


@dataclass(frozen=True)
class WeChatSettings:
    enabled: bool | Literal["auto"]
    encrypt_mode: Literal["auto", "plain", "compatible", "safe"]
    max_age_seconds: int
    reply_deadline: float
    max_reply_bytes: int
    menu: dict[str, str]


@dataclass(frozen=True)
class FeishuApiSettings:
    connect_timeout: float
    read_timeout: float
    max_attempts: int
    backoff: float
    max_backoff: float
    token_margin: int
    token_lock_ttl: int
    token_lock_wait: float


@dataclass(frozen=True)
class FeishuSettings:
    enabled: bool | Literal["auto"]
    bot_open_id: str
    max_reply_bytes: int
    max_age_seconds: int
    api: FeishuApiSettings


@dataclass(frozen=True)
class ChannelsSettings:
    wechat: WeChatSettings
    feishu: FeishuSettings


@dataclass(frozen=True)
class ContactSettings:
    office: str
    hours: str
    phone: str
    place: str
    email: str


@dataclass(frozen=True)
class UnansweredSettings:
    low_confidence_below: float


@dataclass(frozen=True)
class QuietHoursSettings:
    start: str
    end: str


@dataclass(frozen=True)
class SchedulerSettings:
    lease_seconds: float


@dataclass(frozen=True)
class SenderSettings:
    threads: int
    batch: int
    claim_idle_ms: int
    stall_seconds: float
    max_attempts: int
    backoff_seconds: float
    rate_per_second: dict[str, int]


@dataclass(frozen=True)
class MessageTemplate:
    id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class TemplateSettings:
    digest: MessageTemplate
    reminder: MessageTemplate
    broadcast: MessageTemplate


@dataclass(frozen=True)
class WeChatPushSettings:
    mode: Literal["custom", "template", "subscribe"]
    template: TemplateSettings
    subscribe: TemplateSettings

    def templates(self) -> TemplateSettings | None:
        """The templates of the configured mode; None when notices go as text."""
        return {"template": self.template, "subscribe": self.subscribe}.get(self.mode)


@dataclass(frozen=True)
class FeedSettings:
    url: str
    interval_seconds: float
    timeout_seconds: float


@dataclass(frozen=True)
class PushSettings:
    vocabulary: str
    max_subscriptions_per_student: int
    max_words_per_subscription: int
    default_digest_hour: int
    immediate_interval_minutes: int
    max_jobs_per_digest: int
    quiet_hours: QuietHoursSettings
    reminder_offsets_minutes: list[int]
    upcoming_fairs_days: int
    match_interval_seconds: float
    sent_ttl_days: int
    scheduler: SchedulerSettings
    sender: SenderSettings
    wechat: WeChatPushSettings
    digest_url: str
    feed: FeedSettings


@dataclass(frozen=True)
class StudentsSettings:
    dialog_ttl: int
    owner_cache_seconds: float
    bind_free_tries: int
    bind_free_tries_per_student: int
    bind_delay_seconds: float
    bind_max_delay_seconds: float
    recommend_shown: int
    recommend_scanned: int


@dataclass(frozen=True)
class OfficeHoursSettings:
    weekdays: list[int]
    periods: list[str]


@dataclass(frozen=True)
class HandoffSettings:
    feishu_chat_id: str
    office_hours: OfficeHoursSettings
    wechat_transfer: bool
    context_turns: int
    context_ttl: int
    declines_before_offer: int


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    redis: RedisSettings
    knowledge: KnowledgeSettings
    nlp: NlpSettings
    conversation: ConversationSettings
    dedup: DedupSettings
    channels: ChannelsSettings
    contact: ContactSettings
    unanswered: UnansweredSettings
    push: PushSettings
    students: StudentsSettings
    handoff: HandoffSettings

    @classmethod
    def parse(cls, tree: Mapping[str, Any]) -> "Settings":
        return build(cls, tree, "")
