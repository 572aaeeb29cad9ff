"""Layered configuration: defaults file, then environment, then a test override.

Operators keep secrets only in the environment; everything else lives in
`config/settings.yaml`, where every key can be overridden by `BOT_SECTION__KEY`.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = ROOT / "config" / "settings.yaml"
ENV_PREFIX = "BOT_"

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
)

# Secrets a channel cannot work without, in the order they are reported.
REQUIRED_SECRETS = {
    "wechat": ("WECHAT_TOKEN",),
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
    """Settings tree plus secrets and the few environment-only values."""

    settings: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)
    redis_url: str | None = None
    data_dir: Path = ROOT / "data"
    api_bases: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_API_BASES))

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.settings
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node

    def secret(self, name: str) -> str | None:
        return self.secrets.get(name) or None

    @property
    def knowledge_dir(self) -> Path:
        return _resolve(self.get("knowledge.dir", "knowledge"))

    def channel_enabled(self, name: str) -> bool:
        flag = self.get(f"channels.{name}.enabled", "auto")
        if isinstance(flag, str) and flag.lower() == "auto":
            return bool(self.secret(AUTO_SWITCH[name]))
        return bool(flag)

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


def _resolve(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def _parse_env_value(raw: str) -> Any:
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def _apply_env(settings: dict[str, Any], env: Mapping[str, str]) -> None:
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name or name == "BOT_DATA_DIR":
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX):].split("__")]
        node = settings
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"环境变量 {name} 指向的配置项不是一个分组")
        node[path[-1]] = _parse_env_value(raw)


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)


def load_config(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    defaults_file: Path = DEFAULTS_FILE,
) -> Config:
    """Build the configuration; `overrides` (tests) win over env, env over the file.

    `overrides` may also carry `secrets`, `redis_url`, `data_dir` and `api_bases`.
    """
    env = os.environ if env is None else env
    try:
        settings = yaml.safe_load(defaults_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{defaults_file}: 无法读取配置文件：{exc}") from exc
    _apply_env(settings, env)
    if "PORT" in env:
        settings.setdefault("server", {})["port"] = int(env["PORT"])

    overrides = dict(overrides or {})
    secrets = {n: env[n] for n in SECRET_NAMES if env.get(n)}
    secrets.update(overrides.pop("secrets", {}) or {})
    redis_url = overrides.pop("redis_url", env.get("REDIS_URL") or None)
    data_dir = _resolve(overrides.pop("data_dir", env.get("BOT_DATA_DIR") or "data"))
    api_bases = {k: env.get(k) or v for k, v in DEFAULT_API_BASES.items()}
    api_bases.update(overrides.pop("api_bases", {}) or {})
    _merge(settings, overrides)
    return Config(settings, secrets, redis_url, data_dir, api_bases)
