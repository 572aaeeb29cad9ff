"""Subscriber statistics count a word once however students wrote it (Java, java, ＪＡＶＡ;
北京, 北京市), in the staff API and on the console's overview alike."""
from __future__ import annotations

from bot.app import create_app
from bot.console.dashboard import figures

from .support.tester import BotTester


def test_java_and_java_are_one_keyword(make_ctx):
    ctx = make_ctx(secrets={"ADMIN_TOKEN": "s3cret"})
    for user, text in (("a", "订阅 Java 北京"), ("b", "订阅 java"), ("c", "订阅 Java 北京市"),
                       ("d", "订阅 ＪＡＶＡ"), ("e", "订阅 Python")):
        BotTester(ctx, user=user).send(text)
    web = create_app(ctx=ctx).test_client()
    stats = web.get("/admin/stats/subscribers", headers={"Authorization": "Bearer s3cret"}).get_json()
    assert stats["top_keywords"] == {"Java": 4, "北京": 2, "Python": 1}
    assert dict(figures(ctx)["top_words"]) == {"Java": 4, "北京": 2, "Python": 1}
