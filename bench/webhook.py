"""Webhook throughput: signed WeChat text messages through the whole WSGI app.

Each message has its own MsgId (so de-duplication really writes to Redis), a real
signature, XML parsing, FAQ matching and a rendered passive reply. Measured in-process
on one core against the embedded Redis, next to a bare Flask endpoint that only
answers "success" (the framework's own floor), in the same run.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flask import Flask

from bot.app import create_app
from bot.config import load_config
from bot.context import build_context
from tests.wechat_client import WeChatClient, text_xml

QUESTIONS = ["三方丢了咋办", "档案怎么转", "选调生报名条件", "食堂几点开门", "求职补贴怎么申请",
             "老师好，请问毕业去向登记在哪里填？谢谢", "offer和三方有什么区别"]
SECRETS = {"WECHAT_TOKEN": "bench-token"}


def _rate(post, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        response = post(i)
        assert response.status_code == 200
    return n / (time.perf_counter() - start)


def run(n: int = 3000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config({"secrets": SECRETS, "data_dir": tmp,
                              "knowledge": {"reload_interval": 0},
                              "redis": {"namespace": "bench"}}, env={})
        app = create_app(ctx=build_context(config))
        wx = WeChatClient(app.test_client(), "bench-token", "", "")
        for q in QUESTIONS:  # warm up caches as a running bot has them
            wx.post(text_xml(q, user="warm"))
        ours = _rate(lambda i: wx.post(text_xml(QUESTIONS[i % len(QUESTIONS)], user=f"u{i % 500}")), n)

        bare = Flask("bare")
        bare.add_url_rule("/wechat", "w", lambda: "success", methods=["POST"])
        client = bare.test_client()
        body = text_xml("三方丢了咋办").encode()
        floor = _rate(lambda i: client.post("/wechat", data=body, content_type="text/xml"), n)
        app.extensions["bot"].redis.shutdown()
    return {"ours_per_s": ours, "bare_flask_per_s": floor}


def main() -> dict:
    r = run()
    print("\nWebhook 吞吐（单核、进程内、内置 Redis；每条消息都验签、去重、解析、匹配、回复）")
    print(f"  就业助手 /wechat：{r['ours_per_s']:.0f} 条/秒")
    print(f"  空 Flask 端点（只回 success，框架本身的上限）：{r['bare_flask_per_s']:.0f} 条/秒")
    return r
