"""Layered configuration: defaults file, then environment, then a test override.

Operators keep secrets only in the environment; everything else lives in
`config/settings.yaml`, where every key can be overridden by `BOT_SECTION__KEY`. The
merged tree is checked once, here, and handed on as typed `Settings`.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from .settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = ROOT / "config" / "settings.yaml"
ENV_PREFIX = "BOT_"
CHANNELS = ("wechat", "feishu")

SECRET_NAMES = (
    "WECHAT_TOKEN",
    "WECHAT_APPID",
    "WECHAT_APPSECRET",
    "WECHAT_ENCODING_AES_KEY",
    "FEISHU_APP_ID",
    "FEISHU_APP_SECRET",
    "FEISHU_VERIFICATION_TOKEN",
    "FEISHU_ENCRYPT_KEY",
    "ADMIN_TOKEN",
    "CONSOLE_SECRET_KEY",
)

# Secrets a channel cannot receive messages without, in the order they are reported.
REQUIRED_SECRETS = {
    "wechat": ("WECHAT_TOKEN",),
    "feishu": ("FEISHU_APP_ID", "FEISHU_APP_SECRET"),
}
# Secrets a channel needs to send a message of its own (pushes, late answers).
PUSH_SECRETS = {
    "wechat": ("WECHAT_APPID", "WECHAT_APPSECRET"),
    "feishu": ("FEISHU_APP_ID", "FEISHU_APP_SECRET"),
}
# The secret whose presence switches an `enabled: auto` channel on.
AUTO_SWITCH = {"wechat": "WECHAT_TOKEN", "feishu": "FEISHU_APP_ID"}

DEFAULT_API_BASES = {
    "WECHAT_API_BASE": "https://api.weixin.qq.com",
    "FEISHU_API_BASE": "https://open.feishu.cn",
}


class ConfigError(Exception):
    """A configuration problem an operator must fix; the message is one line."""


@dataclass
class Config:
    """Typed settings plus secrets and the few environment-only values."""

    settings: Settings
    secrets: dict[str, str] = field(default_factory=dict)
    redis_url: str | None = None
    data_dir: Path = ROOT / "data"
    api_bases: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_API_BASES))

    def secret(self, name: str) -> str | None:
        return self.secrets.get(name) or None

    @property
    def knowledge_dir(self) -> Path:
        return resolve(self.settings.knowledge.dir)

    def channel_enabled(self, name: str) -> bool:
        flag = getattr(self.settings.channels, name).enabled
        if isinstance(flag, str) and flag.lower() == "auto":
            return bool(self.secret(AUTO_SWITCH[name]))
        return bool(flag)

    def enabled_channels(self) -> list[str]:
        return [c for c in CHANNELS if self.channel_enabled(c)]

    def can_push(self, channel: str) -> bool:
        """Whether this process holds what `channel` needs to send unprompted messages."""
        names = PUSH_SECRETS.get(channel, ())
        return bool(names) and all(self.secret(n) for n in names)

    @property
    def wechat_encrypt_mode(self) -> str:
        """plain, compatible or safe; `auto` is safe exactly when the AES key is set."""
        mode = self.settings.channels.wechat.encrypt_mode
        if mode == "auto":
            return "safe" if self.secret("WECHAT_ENCODING_AES_KEY") else "plain"
        return mode

    def check_secrets(self) -> None:
        """Refuse to start an enabled channel that lacks a secret, naming the variable."""
        for channel, names in REQUIRED_SECRETS.items():
            if not self.channel_enabled(channel):
                continue
            for name in names:
                if not self.secret(name):
                    raise ConfigError(
                        f"缺少环境变量 {name}：{channel} 渠道已启用，请设置它，"
                        f"或把 channels.{channel}.enabled 设为 false"
                    )
        mode = self.wechat_encrypt_mode
        if self.channel_enabled("wechat") and mode != "plain":
            for name in ("WECHAT_ENCODING_AES_KEY", "WECHAT_APPID"):
                if not self.secret(name):
                    raise ConfigError(
                        f"缺少环境变量 {name}：微信消息加密方式为 {mode}（channels.wechat.encrypt_mode），"
                        f"解密需要它；明文模式请把 encrypt_mode 设为 plain")


def resolve(path: str | os.PathLike[str]) -> Path:
    """A path from the settings, relative to the project root unless absolute."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def _apply_env(settings: dict[str, Any], env: Mapping[str, str]) -> None:
    """BOT_A__B=v sets a.b to the raw text; `Settings.parse` reads it as the key's type."""
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name or name == "BOT_DATA_DIR":
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX):].split("__")]
        node = settings
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"环境变量 {name} 指向的配置项不是一个分组")
        node[path[-1]] = raw


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)


def read_dotenv(path: Path) -> dict[str, str]:
    """`NAME=value` lines of a `.env` file (comments and blank lines skipped)."""
    out: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[name] = value
    return out


def load_config(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    defaults_file: Path = DEFAULTS_FILE,
) -> Config:
    """Build the configuration; `overrides` (tests) win over env, env over the file.

    `overrides` may also carry `secrets`, `redis_url`, `data_dir` and `api_bases`.
    Without an explicit `env`, the process environment is used, over a `.env` file at
    the project root.
    """
    if env is None:
        env = {**read_dotenv(ROOT / ".env"), **os.environ}
    try:
        tree = yaml.safe_load(defaults_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{defaults_file}: 无法读取配置文件：{exc}") from exc
    _apply_env(tree, env)
    if "PORT" in env:
        tree.setdefault("server", {})["port"] = env["PORT"]

    overrides = dict(overrides or {})
    secrets = {n: env[n] for n in SECRET_NAMES if env.get(n)}
    secrets.update(overrides.pop("secrets", {}) or {})
    redis_url = overrides.pop("redis_url", env.get("REDIS_URL") or None)
    data_dir = resolve(overrides.pop("data_dir", env.get("BOT_DATA_DIR") or "data"))
    api_bases = {k: env.get(k) or v for k, v in DEFAULT_API_BASES.items()}
    api_bases.update(overrides.pop("api_bases", {}) or {})
    _merge(tree, overrides)
    try:
        settings = Settings.parse(tree)
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    return Config(settings, secrets, redis_url, data_dir, api_bases)
