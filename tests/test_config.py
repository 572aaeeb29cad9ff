"""Layered configuration: file, then environment, then test overrides."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config


def test_env_overrides_file_and_overrides_win():
    c = load_config(env={"BOT_NLP__MAX_SUGGESTIONS": "4", "BOT_CONTACT__PHONE": "010-1",
                         "PORT": "9001"})
    s = c.settings
    assert s.nlp.max_suggestions == 4 and s.contact.phone == "010-1"
    assert s.server.port == 9001
    assert s.nlp.thresholds == "auto"
    c2 = load_config({"nlp": {"max_suggestions": 2}}, env={"BOT_NLP__MAX_SUGGESTIONS": "4"})
    assert c2.settings.nlp.max_suggestions == 2


def test_fixed_thresholds_from_the_environment_are_typed():
    c = load_config(env={"BOT_NLP__THRESHOLDS": "{answer: 0.8, suggest: 0.4, margin: 1.5}"})
    t = c.settings.nlp.thresholds
    assert (t.answer, t.suggest, t.margin) == (0.8, 0.4, 1.5)
    with pytest.raises(ConfigError, match="nlp.thresholds"):
        load_config(env={"BOT_NLP__THRESHOLDS": "sometimes"})


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


def test_a_phone_number_from_the_environment_keeps_its_leading_zero():
    c = load_config(env={"BOT_CONTACT__PHONE": "01012345678"})
    assert c.settings.contact.phone == "01012345678"


@pytest.mark.parametrize("env,named", [
    ({"BOT_PUSH__SENDER__THREADS": "many"}, "push.sender.threads"),
    ({"BOT_NLP__MARGNI": "0.5"}, "nlp.margni"),
    ({"BOT_PUSH__REMINDER_OFFSETS_MINUTES": "[60, soon]"}, "push.reminder_offsets_minutes"),
    ({"BOT_CHANNELS__WECHAT__ENABLED": "[1]"}, "channels.wechat.enabled"),
])
def test_an_unknown_key_or_a_wrong_type_stops_start_up_naming_it(env, named):
    with pytest.raises(ConfigError) as exc:
        load_config(env=env)
    message = str(exc.value)
    assert named in message and "\n" not in message


def test_a_misspelt_key_gets_a_suggestion():
    with pytest.raises(ConfigError, match="您是不是想写 nlp.max_suggestions"):
        load_config(env={"BOT_NLP__MAX_SUGESTIONS": "5"})


def test_env_switches_are_typed(tmp_path):
    c = load_config(env={"BOT_CHANNELS__WECHAT__ENABLED": "false", "WECHAT_TOKEN": "t",
                         "BOT_PUSH__QUIET_HOURS": '{"start": "23:00", "end": "07:00"}'})
    assert not c.channel_enabled("wechat")
    assert c.settings.push.quiet_hours.start == "23:00"


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path):
    from bot.config import read_dotenv
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nWECHAT_TOKEN='from-file'\nexport ADMIN_TOKEN=abc\n\nBROKEN\n",
                        encoding="utf-8")
    assert read_dotenv(env_file) == {"WECHAT_TOKEN": "from-file", "ADMIN_TOKEN": "abc"}
