"""One student on WeChat and Feishu, end to end: signed and encrypted payloads through the
real app, pushes through the local WeChat and Feishu APIs, time moved by the fake clock."""
from __future__ import annotations

import pytest

from bot.app import create_app
from bot.records import StudentKey
from bot.runtime import run_pass

from .support.builders import BOTH_SECRETS, STAFF_GROUP, ZHANG, add_jobs, add_roster, at, shanghai
from .support.clients import feishu_events, feishu_text, settle, wechat_client

WX, FS = StudentKey("wechat", "oZhang"), StudentKey("feishu", "ou_zhang")


@pytest.fixture
def both(make_ctx, fake_wechat, feishu):
    return make_ctx(secrets=BOTH_SECRETS, handoff={"feishu_chat_id": STAFF_GROUP},
                    api_bases={"WECHAT_API_BASE": fake_wechat.url, "FEISHU_API_BASE": feishu.url})


class Student:
    """The same person writing on WeChat and on Feishu, as the platforms would post it."""

    def __init__(self, app, feishu) -> None:
        self.app, self.feishu = app, feishu
        self.wechat = wechat_client(app, "aes")
        self.events = feishu_events(app, "encrypted")

    def on_wechat(self, text: str) -> str:
        return self.wechat.ask(text, user=WX.user_id)

    def on_feishu(self, text: str) -> str:
        before = len(self.feishu.calls("reply"))
        assert self.events.post(feishu_text(text, user=FS.user_id)).status_code == 200
        settle(self.app)
        calls = self.feishu.calls("reply")[before:]
        assert calls, f"no answer on Feishu to {text!r}"
        content = calls[-1].content
        return content.get("text") or json_text(content)


def json_text(card: dict) -> str:
    """All the text in a card, for assertions."""
    import json
    return json.dumps(card, ensure_ascii=False)


@pytest.fixture
def student(both, feishu):
    add_roster(both, ZHANG)
    return Student(create_app(ctx=both), feishu)


def test_bound_on_wechat_and_feishu_is_one_student(both, student):
    assert student.on_wechat("绑定 2022010001 张三").startswith("绑定成功，张三同学")
    assert "已经绑定过了" not in student.on_feishu("订阅 Java 上海")     # Feishu alone, for now
    joined = student.on_feishu("绑定 2022010001 张三")
    assert "同一个人" in joined and "已合并" in joined
    st = both.stores
    assert st.identity.owner(FS) == st.identity.owner(WX) == WX
    assert "Java + 上海" in student.on_wechat("我的订阅")               # Feishu's subscription
    student.on_wechat("订阅 Python")
    assert "Python" in student.on_feishu("我的订阅")
    assert "每天 20 点" not in student.on_feishu("推送设置 20")
    assert "每天 20:00" in student.on_wechat("推送设置")                 # one push setting
    student.on_feishu("意向")
    student.on_feishu("3")
    student.on_feishu("1")                                              # consent
    student.on_feishu("数据分析")
    assert "数据分析" in student.on_wechat("我的信息")                    # one profile
    assert st.subscriptions.list(FS) == [] and st.profiles.get(FS) is None


def test_a_job_fitting_only_the_intentions_reaches_the_09_00_digest_without_subscribing(
        both, student, fake_wechat, feishu, clock):
    student.on_wechat("绑定 2022010001 张三")
    add_jobs(both, {"id": "fits", "title": "产品经理", "city": "杭州", "industry": "互联网"},
             {"id": "wrong-city", "title": "产品经理", "city": "北京", "industry": "互联网"},
             {"id": "wrong-industry", "title": "柜员", "city": "上海", "industry": "金融"})
    at(clock, shanghai(2026, 11, 23, 8, 30))
    result, _ = run_pass(both, clock.now())
    assert result.digests == []                                          # not before 09:00
    at(clock, shanghai(2026, 11, 23, 9, 0))
    result, counts = run_pass(both, clock.now())
    assert counts == {"sent": 1}
    [digest] = result.digests
    assert digest.job_ids == ["fits"]
    [call] = fake_wechat.sent_to(WX.user_id)
    text = call["body"]["text"]["content"]
    assert "产品经理｜示例公司｜杭州" in text and "匹配您的求职意向：杭州 · 互联网" in text
    assert "北京" not in text and "柜员" not in text
    assert feishu.calls("send") == []
    at(clock, shanghai(2026, 11, 24, 9, 0))
    add_jobs(both, {"id": "fits", "title": "产品经理", "city": "杭州", "industry": "互联网",
                    "salary": "15k"})                                     # edited, same job
    result, counts = run_pass(both, clock.now())
    assert result.digests == [] and len(fake_wechat.sent_to(WX.user_id)) == 1   # never twice


def test_pushes_go_to_the_chat_the_student_wrote_from_last_and_never_twice(
        both, student, fake_wechat, feishu, clock):
    student.on_wechat("绑定 2022010001 张三")
    student.on_feishu("绑定 2022010001 张三")
    clock.advance(60)
    student.on_feishu("你好")                                              # Feishu is newer
    add_jobs(both, {"id": "fits", "title": "产品经理", "city": "上海", "industry": "互联网"})
    at(clock, shanghai(2026, 11, 23, 9, 0))
    result, counts = run_pass(both, clock.now())
    assert counts == {"sent": 1}
    [call] = feishu.calls("send")
    assert call.body["receive_id"] == FS.user_id
    assert "匹配您的求职意向：上海 · 互联网" in json_text(call.content)
    assert fake_wechat.sent_to(WX.user_id) == []
    assert [n.owner for n in result.digests] == [WX.encode()]
    clock.advance(3600)
    student.on_wechat("你好")                                              # now WeChat is newer
    add_jobs(both, {"id": "again", "title": "运营", "city": "杭州", "industry": "互联网"})
    at(clock, shanghai(2026, 11, 24, 9, 0))
    result, counts = run_pass(both, clock.now())
    assert counts == {"sent": 1} and result.digests[0].job_ids == ["again"]
    assert len(fake_wechat.sent_to(WX.user_id)) == 1 and len(feishu.calls("send")) == 1
