"""The settings, one frozen dataclass per section of `config/settings.yaml`.

The file is the only place defaults live; these classes say what each key is. They are
filled and checked once at start (`Settings.parse`): an unknown key or a value of the
wrong type stops start-up with one Chinese line that names the key, so a typo in the
file or in a `BOT_…` variable never becomes a silent default somewhere deep inside.
"""
from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Union

import yaml


class SettingsError(ValueError):
    """A settings value is missing, unknown or of the wrong type (one line, Chinese)."""


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
class NlpSettings:
    answer_threshold: float
    suggest_threshold: float
    margin: float
    max_suggestions: int


@dataclass(frozen=True)
class ConversationSettings:
    choices_ttl: int
    more_ttl: int
    max_message_chars: int


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
class TemplateSettings:
    digest_id: str
    reminder_id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class WeChatPushSettings:
    mode: str
    template: TemplateSettings


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
    feed: FeedSettings


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

    @classmethod
    def parse(cls, tree: Mapping[str, Any]) -> "Settings":
        return _build(cls, tree, "")


_TYPE_NAMES = {int: "整数", float: "数字", str: "文字", bool: "true 或 false"}


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return " 或 ".join(_describe(a) for a in typing.get_args(tp))
    if origin is Literal:
        return " 或 ".join(f"“{a}”" for a in typing.get_args(tp))
    if origin is list:
        return f"列表（每项为{_describe(typing.get_args(tp)[0])}）"
    if origin is dict:
        return f"“键: {_describe(typing.get_args(tp)[1])}”的分组"
    if dataclasses.is_dataclass(tp):
        return "一个分组"
    return _TYPE_NAMES.get(tp, str(tp))


def _fail(path: str, tp: Any, value: Any) -> SettingsError:
    return SettingsError(f"配置项 {path} 应为{_describe(tp)}，现在是“{value}”："
                         f"请检查 config/settings.yaml 或环境变量 BOT_{path.upper().replace('.', '__')}")


def _parse_text(value: str, tp: Any, path: str) -> Any:
    try:
        return yaml.safe_load(value) if value.strip() else value
    except yaml.YAMLError:
        raise _fail(path, tp, value) from None


def _coerce(tp: Any, value: Any, path: str) -> Any:
    """`value` as type `tp`; text from an environment variable is parsed as YAML first."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(tp):
            try:
                return _coerce(option, value, path)
            except SettingsError:
                continue
        raise _fail(path, tp, value)
    if origin is Literal:
        if value in typing.get_args(tp):
            return value
        raise _fail(path, tp, value)
    if dataclasses.is_dataclass(tp):
        if isinstance(value, str):
            value = _parse_text(value, tp, path)
        if not isinstance(value, Mapping):
            raise _fail(path, tp, value)
        return _build(tp, value, path + ".")
    if tp is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return "" if value is None else str(value)
        if value is None:
            return ""
        raise _fail(path, tp, value)
    if isinstance(value, str) and (tp in (int, float, bool) or origin in (list, dict)):
        value = _parse_text(value, tp, path)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise _fail(path, tp, value)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _fail(path, tp, value)
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _fail(path, tp, value)
    if origin is list:
        if not isinstance(value, list):
            raise _fail(path, tp, value)
        item = typing.get_args(tp)[0]
        return [_coerce(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise _fail(path, tp, value)
        item = typing.get_args(tp)[1]
        return {str(k): _coerce(item, v, f"{path}.{k}") for k, v in value.items()}
    raise TypeError(f"unsupported settings type {tp!r} at {path}")


def _build(cls: type, tree: Mapping[str, Any], prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in tree:
        if key not in names:
            guess = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"，您是不是想写 {prefix}{guess[0]}？" if guess else f"。这一组可用的有：{', '.join(names)}"
            raise SettingsError(f"未知的配置项 {prefix}{key}{hint}")
    values = {}
    for name in names:
        path = prefix + name
        if name not in tree:
            raise SettingsError(f"缺少配置项 {path}：请对照项目自带的 config/settings.yaml 补上")
        values[name] = _coerce(hints[name], tree[name], path)
    return cls(**values)
