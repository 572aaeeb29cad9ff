"""De-duplication that survives a crash, and keeps no more than a retry needs.

A message claimed by a process that then dies must still be answered when the platform
retries it; and what is kept for retries (the answer text) lives only as long as retries
come, while the id alone is kept as long as a replay of the request could pass the age
check.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from bot.app import create_app
from bot.context import build_context
from bot.platforms.wechat.channel import HOLDING_SENT_LATER

from .support.builders import LOST_ANSWER, ROOT, SMALL_KB, make_config, shared_provider
from .support.clients import text_xml, wechat_client
from .support.redis_server import RedisServer

DEADLINE = 0.5      # a short reply deadline (and so a short claim lease) keeps the test quick


def test_a_message_claimed_just_before_a_crash_is_answered_on_a_retry(clock):
    with RedisServer() as server:
        stuck = subprocess.Popen(
            [sys.executable, "-m", "tests.support.stuck_wechat", server.url, "crash",
             str(clock.now().timestamp()), "990001", str(DEADLINE)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        said = []                        # its log lines (the KB's warnings) come first
        for line in stuck.stdout:
            said.append(line.strip())
            if said[-1] == "claimed":
                break
        assert said and said[-1] == "claimed", said
        stuck.kill()                                          # dies holding the claim
        stuck.wait(timeout=30)

        config = make_config("crash", SMALL_KB, redis_url=server.url,
                             channels={"wechat": {"reply_deadline": DEADLINE}})
        ctx = build_context(config, clock=clock, knowledge=shared_provider(SMALL_KB))
        wx = wechat_client(create_app(ctx=ctx))
        retry = text_xml("三方丢了咋办", user="oCrash", msg_id=990001)
        answers = []
        give_up = time.monotonic() + 15                      # WeChat retries for about 15 s
        while time.monotonic() < give_up:
            response = wx.post(retry)
            assert response.status_code == 200
            answers.append(wx.reply(response).get("Content", ""))
            if answers[-1]:
                break
            time.sleep(0.1)
        if answers[-1] == HOLDING_SENT_LATER:
            # A busy machine took longer than the short deadline: the retry that took the
            # message over said so, and the answer follows as a customer-service message.
            for _ in range(3000):
                if ctx.stores.outbox.backlog()["queued"]:
                    break
                threading.Event().wait(0.01)
            assert ctx.stores.outbox.backlog()["queued"] == 1
        else:
            assert LOST_ANSWER in answers[-1], answers[-3:]
        answer = ctx.stores.deliveries.reply("wechat", "msg:990001")
        assert answer and answer.startswith(LOST_ANSWER)
        again = wx.reply(wx.post(retry)).get("Content", "")   # one more retry: the same answer
        assert again == answer


def test_only_what_a_retry_needs_is_kept_and_only_as_long_as_retries_come(ctx):
    wx = wechat_client(create_app(ctx=ctx))
    assert LOST_ANSWER in wx.ask("三方丢了咋办", msg_id=770001)
    r, keys = ctx.stores.client, ctx.stores.keys
    claim, reply = keys.delivery("wechat", "msg:770001"), keys.delivery_reply("wechat", "msg:770001")
    assert r.get(claim) == "done"
    assert r.get(reply).startswith(LOST_ANSWER)                     # the text, not the XML
    assert 0 < r.pttl(reply) <= ctx.settings.dedup.reply_ttl * 1000
    assert 0 < r.pttl(claim) <= (ctx.settings.channels.wechat.max_age_seconds + 1) * 1000
