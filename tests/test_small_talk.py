"""A lone emoji or a WeChat face is a reaction: a short friendly line, not the apology and
contact block of a question the bot could not answer; and text with broken surrogates
(a terminal paste, a platform's JSON) is answered, never a crash."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.text import clean, only_emoji

from .support.builders import LOST_ANSWER, ROOT, SMALL_KB, settings_line
from .support.tester import BotTester


@pytest.mark.parametrize("text", ["👍", "👍👍", "😂！", "❤️", "[强]", "/:strong", "[微笑][微笑]", "👍🏻"])
def test_a_lone_emoji_gets_a_short_friendly_reply(ctx, text):
    reply = BotTester(ctx).send(text)
    assert reply.startswith("收到～有问题随时问我") and "抱歉" not in reply and "电话" not in reply
    assert ctx.stores.unanswered.top(10) == []


@pytest.mark.parametrize("text", ["三方丢了怎么办👍", "Java", "???", "[三方协议丢了怎么办]"])
def test_text_with_words_is_not_a_reaction(text):
    assert not only_emoji(text)


def test_clean_keeps_what_was_there_and_replaces_only_what_cannot_be():
    assert clean("三方👍") == "三方👍"
    assert clean("\ud83d\udc4d好") == "👍好"                      # a pair split by UTF-16 code
    escaped = "丢".encode("utf-8").decode("ascii", "surrogateescape")    # "\udce4\udcb8\udca2"
    assert clean("三方" + escaped) == "三方丢"                    # bytes kept by surrogateescape
    assert clean("a\ud83db") == "a\ufffdb"                        # a lone half
    assert clean("x\udcffy").encode("utf-8") == "x\ufffdy".encode("utf-8")


def test_broken_surrogates_reach_the_store_and_the_reply_encodable(ctx):
    reply = BotTester(ctx).send("三方丢了怎么办\ud83d" + "啊" * 2000)
    reply.encode("utf-8")
    assert reply


def test_the_terminal_chat_survives_a_long_paste_cut_mid_character(tmp_path):
    """A terminal line holds 4 KB: a long paste arrives cut inside a character. Over the
    1,000-character limit it gets the "too long" reply; under it, an answer."""
    long_cut = ("三方协议丢了怎么办" * 230).encode("utf-8")[:4094]
    short_cut = ("三方协议丢了怎么办" * 100).encode("utf-8")[:2501]          # 833 characters and a half
    paste = long_cut + b"\n" + short_cut + b"\n" + "帮助\n".encode("utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
    r = subprocess.run([sys.executable, "-m", "bot", "chat", "--kb", str(SMALL_KB)], cwd=ROOT,
                       env={**env, "BOT_DATA_DIR": str(tmp_path),
                            "PYTHONIOENCODING": "utf-8:surrogateescape"},     # as a POSIX locale
                       input=paste, capture_output=True, timeout=120)
    out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0 and "UnicodeEncodeError" not in err
    assert out.startswith(settings_line("phone:") + " 提醒：contact.phone")   # sample values named
    too_long, answered, helped = out.split("助手：")[1:4]
    assert "开了个小差" not in too_long and "太长" in too_long
    assert "开了个小差" not in answered and LOST_ANSWER in answered
    assert "订阅" in helped                                        # and the chat went on
