"""Layered configuration: file, then environment, then test overrides."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config


def test_env_overrides_file_and_overrides_win():
    c = load_config(env={"BOT_NLP__ANSWER_THRESHOLD": "0.7", "BOT_CONTACT__PHONE": "010-1",
                         "PORT": "9001"})
    assert c.get("nlp.answer_threshold") == 0.7 and c.get("contact.phone") == "010-1"
    assert c.get("server.port") == 9001
    c2 = load_config({"nlp": {"answer_threshold": 0.9}}, env={"BOT_NLP__ANSWER_THRESHOLD": "0.7"})
    assert c2.get("nlp.answer_threshold") == 0.9
    assert c2.get("nlp.suggest_threshold") is not None


def test_secrets_come_only_from_env_and_auto_channels():
    c = load_config(env={})
    assert not c.channel_enabled("wechat") and not c.channel_enabled("feishu")
    c.check_secrets()
    c = load_config(env={"WECHAT_TOKEN": "tok"})
    assert c.channel_enabled("wechat") and c.secret("WECHAT_TOKEN") == "tok"


def test_enabled_channel_without_secret_names_the_variable():
    c = load_config(env={"BOT_CHANNELS__FEISHU__ENABLED": "true", "FEISHU_APP_ID": "cli_x"})
    with pytest.raises(ConfigError, match="FEISHU_APP_SECRET"):
        c.check_secrets()


def test_api_bases_and_data_dir_from_env(tmp_path):
    c = load_config(env={"WECHAT_API_BASE": "http://127.0.0.1:9", "BOT_DATA_DIR": str(tmp_path),
                         "REDIS_URL": "redis://x:1/0"})
    assert c.api_bases["WECHAT_API_BASE"] == "http://127.0.0.1:9"
    assert c.api_bases["FEISHU_API_BASE"] == "https://open.feishu.cn"
    assert c.data_dir == tmp_path and c.redis_url == "redis://x:1/0"
