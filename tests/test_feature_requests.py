"""Which sentences reach the bot's own features and which are questions for the FAQ.

`tests/data/intent_cases.yaml` was written, with `bench/data/intent_dev_cases.yaml`, by a
helper who never saw the intent examples or the matcher: feature requests in students'
own words and questions that use the same words but ask about something else. Only the
dev half was used to choose anything; this half gives the floors.
"""
from __future__ import annotations

import uuid

import pytest
import yaml

from bot.context import build_context
from bot.nlp.normalize import normalize
from bot.nlp.question_kinds import asks_about
from bot.records import StudentKey

from .support.builders import DATA, SAMPLE_KB, add_jobs, make_config, shared_provider
from .support.routing import evaluate_features
from .support.tester import BotTester


@pytest.fixture
def sample_tester(make_ctx):
    return BotTester(make_ctx(SAMPLE_KB, shared_provider(SAMPLE_KB)))


def test_feature_requests_reach_their_feature_and_questions_reach_the_faq(embedded_redis, clock):
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    ctx = build_context(make_config(namespace, SAMPLE_KB), clock=clock, client=embedded_redis,
                        knowledge=shared_provider(SAMPLE_KB))
    cases = yaml.safe_load((DATA / "intent_cases.yaml").read_text(encoding="utf-8"))
    try:
        report = evaluate_features(ctx, cases)
    finally:
        keys = list(embedded_redis.scan_iter(f"{namespace}:*", count=1000))
        if keys:
            embedded_redis.delete(*keys)
    shares = report["by_expect"]
    # Floors at what the layer reaches today (0.95 overall, 0.97 of the questions left
    # to the FAQ, 0.90 for the weakest feature, whose floor sits one sentence lower: 17
    # of 20); before this layer had a contrast group and a guard: 0.573.
    assert report["accuracy"] >= 0.94, shares
    assert shares["None"] >= 0.95, shares
    assert min(shares.values()) >= 0.85, shares


@pytest.mark.parametrize("text", ["计算机专业现在还好找工作吗", "留在北京还是回老家工作",
                                  "考研和工作哪个好", "去国企工作需要政审吗", "实习工资一般多少",
                                  "双选会一般持续多久", "学机械的适合干什么", "找工作太难了",
                                  "工作推荐信一般找谁写", "现在找工作是不是特别难",
                                  "辞职对以后工作有啥影响吗"])
def test_a_question_about_jobs_is_not_a_request_for_a_list(text):
    assert asks_about(normalize(text))


@pytest.mark.parametrize("text", ["有没有北京的java岗位", "寒假实习有吗", "这周有招聘会吗",
                                  "双选会什么时候开", "武汉 机械设计 全职", "给我来点算法岗",
                                  "华为什么时候来我们学校宣讲", "腾讯今年还来宣讲吗",
                                  "有没有太原的岗位", "哪里有java实习"])
def test_a_request_for_a_list_is_not_a_question_about_one(text):
    assert not asks_about(normalize(text))


def test_comparing_further_study_with_work_gets_the_faq_answer_not_a_search(sample_tester):
    reply = sample_tester.send("考研和工作哪个好")
    assert "这个问题没有标准答案" in reply and "在招岗位" not in reply


def test_a_sentence_starting_with_the_command_words_is_not_a_search(sample_tester):
    for text in ("找工作太难了", "找工作的时候简历要写几页"):
        assert "在招岗位" not in sample_tester.send(text), text


def test_a_search_names_what_no_example_lists(sample_tester):
    add_jobs(sample_tester.ctx, {"title": "产品经理实习生", "city": "上海"},
             {"title": "产品经理", "city": "北京"})
    reply = sample_tester.send("有没有上海的产品经理实习")
    assert "产品经理实习生｜示例公司｜上海" in reply and "北京" not in reply
    reply = sample_tester.send("找工作上海")          # the command, run on
    assert "产品经理实习生｜示例公司｜上海" in reply


def test_naming_a_subscription_offers_to_unsubscribe_it_and_nothing_happens_before_a_pick(sample_tester):
    sample_tester.ask("订阅 Java 北京")
    sample_tester.ask("订阅 Python")
    offer = sample_tester.ask("取消java的订阅吧")
    assert "退订：Java + 北京" in offer and "暂停全部岗位推送" in offer and "Python" not in offer
    stores, me = sample_tester.ctx.stores, StudentKey("wechat", "oStudent1")
    assert len(stores.subscriptions.list(me)) == 2
    assert "已退订：Java + 北京" in sample_tester.ask("1")
    assert [s.label for s in stores.subscriptions.list(me)] == ["Python"]
    assert not stores.prefs.get(me).paused


def test_asking_to_stop_pushes_of_some_jobs_is_not_a_search_for_them(sample_tester):
    add_jobs(sample_tester.ctx, {"title": "Java开发", "city": "北京"})
    reply = sample_tester.ask("北京的岗位别推了")
    assert "暂停" in reply and "Java开发" not in reply
    assert not sample_tester.ctx.stores.prefs.get(StudentKey("wechat", "oStudent1")).paused


def test_asking_to_be_told_of_jobs_later_explains_subscribing_instead_of_searching(sample_tester):
    add_jobs(sample_tester.ctx, {"title": "Java开发", "city": "杭州"})
    for text in ("有新的java岗位的话通知我一下", "以后有杭州的岗位麻烦提醒我"):
        reply = sample_tester.send(text)
        assert "订阅 Java 北京" in reply and "Java开发｜" not in reply, text


def test_removing_a_subscription_in_a_sentence_offers_it_and_removes_nothing_yet(sample_tester):
    sample_tester.ask("订阅 Java")
    me = StudentKey("wechat", "oStudent1")
    for text in ("删掉java这个关键词", "麻烦把我的订阅清空"):
        offer = sample_tester.ask(text)
        assert "暂停" in offer, text
        assert [s.label for s in sample_tester.ctx.stores.subscriptions.list(me)] == ["Java"]


@pytest.mark.parametrize("text", ["小助手怎么用啊", "这个号除了推岗位还能干嘛", "除了找岗位你还能干啥"])
def test_asking_how_to_use_the_bot_gets_the_help(sample_tester, text):
    assert "我是就业助手" in sample_tester.send(text)


def test_a_search_naming_jobs_is_not_held_back_by_the_fair_list(sample_tester):
    add_jobs(sample_tester.ctx, {"title": "华为软件开发", "city": "深圳"})
    assert "华为软件开发｜" in sample_tester.send("有没有华为的岗位")


def test_subscription_verbs_decide_between_adding_seeing_and_removing(sample_tester):
    me = StudentKey("wechat", "oStudent1")
    sample_tester.ask("订阅 兼职 成都")
    for text in ("我还想多订一个关键词，西安", "以后有外企校招记得push我"):
        assert "订阅 Java 北京" in sample_tester.send(text), text
    offer = sample_tester.ask("订阅的那个成都兼职不要了")
    assert "暂停" in offer and "已订阅" not in offer
    assert len(sample_tester.ctx.stores.subscriptions.list(me)) == 1


@pytest.mark.parametrize("text", ["三方協議是什麼東西，有什麼用", "没有工作的话档案寄回哪里",
                                  "学校双选会一般几月份开", "招聘信息在哪看",
                                  "毕业了户口想迁到工作的城市", "家里是低保户 找工作学校有帮扶吗"])
def test_questions_the_faq_answers_are_not_taken_for_a_feature(sample_tester, text):
    reply = sample_tester.send(text)
    assert "我是就业助手" not in reply and "在招岗位" not in reply and "近期" not in reply, reply


def test_with_no_fair_published_the_school_faq_about_fairs_is_offered(sample_tester):
    reply = sample_tester.send("招聘会")
    assert "暂时没有已发布的招聘会" in reply and "您是不是想问" in reply, reply
    first = reply.split("1. ", 1)[1].split("\n", 1)[0]
    kb = sample_tester.ctx.knowledge.current.kb
    picked = next(e for e in kb.entries if e.question == first)
    assert picked.answer[:20] in sample_tester.send("1")
    confident = sample_tester.send("空中宣讲")
    assert "暂时没有已发布的招聘会" in confident
    assert kb.by_id("online-presentation").answer[:20] in confident
