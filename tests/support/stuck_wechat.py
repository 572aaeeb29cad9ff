"""A WeChat webhook process that claims one message and never answers it, to be killed.

`python -m tests.support.stuck_wechat REDIS_URL NAMESPACE EPOCH MSG_ID DEADLINE` runs the
real channel (signature, de-duplication, deadline) with a handler that blocks forever, on
the given Redis, with its clock at EPOCH, and posts the message to itself. The test kills
this process with SIGKILL while the message is claimed: a crash mid-answer.
"""
from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from flask import Flask

from bot.clock import FakeClock
from bot.context import build_context
from bot.dispatcher import Dispatcher
from bot.platforms.wechat.channel import WeChatChannel

from .builders import SMALL_KB, make_config, shared_provider
from .clients import text_xml, wechat_client


class Stuck:
    name = "stuck"

    def match(self, msg, ctx):
        return True

    def handle(self, msg, ctx, found):
        print("claimed", flush=True)
        threading.Event().wait()


def main(redis_url: str, namespace: str, epoch: str, msg_id: str, deadline: str) -> None:
    config = make_config(namespace, SMALL_KB, redis_url=redis_url,
                         channels={"wechat": {"reply_deadline": float(deadline)}})
    clock = FakeClock(datetime.fromtimestamp(float(epoch), timezone.utc))
    ctx = build_context(config, clock=clock, knowledge=shared_provider(SMALL_KB))
    app = Flask("stuck")
    app.extensions["bot"] = ctx
    app.register_blueprint(WeChatChannel(ctx, Dispatcher(ctx, [Stuck()]), ThreadPoolExecutor(2)).blueprint())
    wechat_client(app).post(text_xml("三方丢了咋办", user="oCrash", msg_id=int(msg_id)))


if __name__ == "__main__":
    main(*sys.argv[1:])
