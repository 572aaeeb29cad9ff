"""A stop lets acknowledged answers finish before Redis goes, so none is lost.

A Feishu event is acknowledged at once and answered afterwards; Feishu never sends it
again. Here the reply API is failing (HTTP 500, the API backs off between attempts)
when `serve` is told to stop: the answer must still reach the outbox before the sender
and the embedded Redis are shut down; it is sent by that sender before it stops, or by
the next `serve` on the same data directory.
Real processes, the embedded Redis, and a local server that answers like Feishu.
"""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from .support.builders import FEISHU_PLAIN_SECRETS, VTOKEN
from .support.clients import message_event
from .support.fakes import FakeFeishu
from .support.processes import Serve, eventually

SERVER_ERROR = (500, {"code": 500, "msg": "internal error"})
QUESTION = "三方协议丢了怎么办"
STUDENT = "ou_stopping"


@pytest.fixture
def feishu():
    fake = FakeFeishu(FEISHU_PLAIN_SECRETS["FEISHU_APP_ID"],
                      FEISHU_PLAIN_SECRETS["FEISHU_APP_SECRET"]).start()
    yield fake
    fake.stop()


def post_event(serve: Serve, text: str) -> dict:
    event = message_event(VTOKEN, {"text": text}, user=STUDENT)
    event["header"]["create_time"] = str(int(time.time() * 1000))
    request = urllib.request.Request(serve.url("/feishu"), data=json.dumps(event).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.mark.parametrize("workers", [1, 2])
def test_an_answer_still_being_sent_at_a_stop_still_reaches_the_student(tmp_path, feishu, workers):
    env = {**FEISHU_PLAIN_SECRETS, "FEISHU_API_BASE": feishu.url}
    # Every attempt of the reply fails (the API tries 4 times, backing off 0.5 + 1 + 2 s).
    feishu.fail_next("reply", *[SERVER_ERROR] * 4)
    first = Serve(tmp_path, extra_env=env, workers=workers).wait_serving()
    try:
        assert post_event(first, QUESTION) == {}            # acknowledged: never sent again
        eventually(lambda: len(feishu.calls("reply")) >= 1, "the answer to be on its way", 30)
    finally:
        assert first.stop() == 0, first.output
    assert len(feishu.calls("reply")) == 4, first.output     # all attempts made before the stop
    assert "is lost" not in first.output, first.output

    def sent() -> list:
        return [c for c in feishu.calls("send") if c.body.get("receive_id") == STUDENT]
    if not sent():     # not sent by this serve's sender before it stopped: kept for the next
        second = Serve(tmp_path, extra_env=env, workers=workers).wait_serving()
        try:
            eventually(lambda: sent(), "the kept answer to be sent by the next serve", 60)
        finally:
            assert second.stop() == 0, second.output
    text = json.loads(sent()[0].body["content"])["text"]
    assert "补办" in text or "补发" in text, text
