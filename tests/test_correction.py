"""不对 right after a direct answer: the other close entries, the way to a person, and the
question on the staff's workbench marked with the entry the student rejected, which the
re-check does not take for "answered well" while the bot still gives it. 不对 after anything
else is a plain no; a pick from a list is counted on the question it was offered for."""
from __future__ import annotations

import pytest

from bot.app import create_app
from bot.console.workbench import recheck
from bot.handlers.correction import says_wrong
from bot.nlp.normalize import normalize
from bot.store.unanswered import OPEN, RESOLVED

from .support.builders import LOST_ANSWER
from .support.clients import text_xml, wechat_client
from .support.tester import BotTester

LOST = "三方协议丢了怎么办"


@pytest.mark.parametrize("text", ["不对", "不對！", "你答错了", "答非所问", "不是这个", "老师，不对吧",
                                  "我问的不是这个", "这个回答没用", "没有帮助啊", "不是我想问的"])
def test_a_whole_message_saying_the_answer_was_wrong(text):
    assert says_wrong(normalize(text))


@pytest.mark.parametrize("text", ["三方协议写错了怎么办", "错了怎么办", "不是应届生可以吗", "不对劲",
                                  "没用过三方协议", "不是本校的学生能参加吗"])
def test_a_question_that_only_contains_such_words_is_a_question(text):
    assert not says_wrong(normalize(text))


def test_not_right_after_a_direct_answer_offers_the_others_and_keeps_the_question(ctx):
    bot = BotTester(ctx)
    assert LOST_ANSWER in bot.send(LOST)
    reply = bot.send("不对")
    assert reply.startswith("抱歉，刚才没答到点上")
    assert "人工" in reply and "三方协议丢失了怎么办" not in reply    # not the entry just rejected
    [item] = ctx.stores.unanswered.top(10)
    assert item.example == LOST and item.best_id == "tripartite-lost"
    assert item.rejected == ("tripartite-lost",) and item.status == OPEN
    choices = ctx.stores.conversation.choices(bot.student)
    assert choices and all(c.value != "tripartite-lost" for c in choices)
    assert "1. " + choices[0].label in reply       # the list it showed is the one a digit picks
    picked = ctx.knowledge.current.kb.by_id(choices[0].value)
    assert bot.send("1").startswith(picked.answer.strip()[:20])


def test_the_re_check_keeps_a_rejected_answer_open_and_another_answer_closes_it(ctx):
    bot = BotTester(ctx)
    bot.send(LOST)
    bot.send("不对")
    assert recheck(ctx) == []                      # the bot still answers with the same entry
    assert ctx.stores.unanswered.status_of(normalize(LOST)) == OPEN
    # Answered some other way (say, asked about another entry now), it closes.
    ctx.stores.unanswered.record(normalize("毕业后档案怎么转"), "毕业后档案怎么转",
                                 "tripartite-lost", 0.5, rejected="tripartite-lost")
    assert recheck(ctx) == ["毕业后档案怎么转"]
    assert ctx.stores.unanswered.status_of(normalize("毕业后档案怎么转")) == RESOLVED


def test_a_second_rejection_adds_the_entry_once(ctx):
    bot = BotTester(ctx)
    for _ in range(2):
        bot.send(LOST)
        bot.send("答非所问")
    [item] = ctx.stores.unanswered.top(10)
    assert item.count == 2 and item.rejected == ("tripartite-lost",)


def test_not_right_after_anything_else_is_a_plain_no(ctx):
    """After nothing, 不对 says how to go on; to a confirmation it is its "no" option; to a
    "您是不是想问" list (都不是) the listed entries are marked rejected and the list closes.
    It pauses nothing, and 不对 is never filed as a question of its own."""
    bot = BotTester(ctx)
    plain = "好的。没帮上忙的话，换个说法再问我一次试试，或回复“人工”，我把问题转给老师。"
    assert bot.send("不对") == plain                  # nothing asked before
    assert bot.send("三方").startswith("您是不是想问")   # a list
    listed = [c.value for c in ctx.stores.conversation.choices(bot.student)]
    assert bot.send("都不是").startswith("好的，列表里都不是的话，这个问题已经记下来转给老师完善")
    assert "没有对应的列表" in bot.send("1")            # the list is closed
    assert "暂停" in bot.send("别再给我推送了")         # a confirmation: its "no" option
    assert bot.send("不是") == "好的，推送照常。"
    assert not ctx.stores.prefs.get(bot.student).paused
    assert "没有对应的列表" in bot.send("1")            # answered: the offer is gone
    [item] = ctx.stores.unanswered.top(10)
    assert item.example == "三方" and item.count == 1 and list(item.rejected) == listed


def test_the_rejection_is_erased_with_the_question(ctx):
    bot = BotTester(ctx)
    bot.send("我是张三 三方协议丢了怎么办")
    bot.send("不对")
    assert ctx.stores.unanswered.forget_mentions({"张三"}) == 1
    assert ctx.stores.unanswered.top(10) == []
    key = ctx.stores.keys.unanswered_rejected()
    assert not ctx.stores.unanswered.r.hlen(key)


def test_through_signed_wechat_messages_the_turn_kept_with_the_answer_is_read(ctx):
    """On WeChat the turn is written with the message's last round trip (`batch`): the
    next message still finds it."""
    app = create_app(ctx=ctx)
    wx = wechat_client(app)

    def say(text: str) -> str:
        response = wx.post(text_xml(text, user="oWrong"))
        assert response.status_code == 200
        return wx.reply(response).get("Content", "")

    assert LOST_ANSWER in say(LOST)
    assert say("不对").startswith("抱歉，刚才没答到点上")
    assert say("1").startswith("先由用人单位签字盖章")


def test_a_pick_from_a_list_tells_staff_which_entry_the_student_meant(ctx):
    """A "您是不是想问" list and the list after 不对 both keep the question they were offered
    for; the pick is counted on that question's record and shown among the guesses."""
    bot = BotTester(ctx)
    assert bot.send("三方").startswith("您是不是想问")
    first = ctx.stores.conversation.choices(bot.student)[1]
    bot.send("2")
    bot.send("三方")
    bot.send("2")
    bot.send(LOST)
    bot.send("不对")
    bot.send("1")
    by_question = {item.example: item for item in ctx.stores.unanswered.top(10)}
    assert by_question["三方"].picked == {first.value: 2}
    assert by_question[LOST].picked == {"tripartite-sign": 1}
    assert by_question[LOST].rejected == ("tripartite-lost",)
    from bot.console.workbench import guesses
    shown = [g.id for g in guesses(ctx, LOST, limit=1, also=by_question[LOST].picked)]
    assert shown[0] == "tripartite-lost" and "tripartite-sign" in shown     # ranked lower, shown


def test_a_pick_does_not_bring_back_an_erased_question(ctx):
    bot = BotTester(ctx)
    assert bot.send("我是张三 三方").startswith("您是不是想问")
    assert ctx.stores.unanswered.forget_mentions({"张三"}) == 1
    bot.send("1")                                   # the list is still there; its record is not
    assert ctx.stores.unanswered.top(10) == []
    assert not ctx.stores.unanswered.r.hlen(ctx.stores.keys.unanswered_picked())
