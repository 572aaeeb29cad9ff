"""Students asking for the bot's features in their own words (config/intents.yaml).

"有没有北京的java岗位" searches jobs with the words it names; "怎么订阅岗位推送" explains
subscribing; "别再给我推送了" asks first, then pauses (nothing irreversible without a
confirmation); "最近有什么宣讲会" lists the fairs. Anything not confidently one of these
goes on to the FAQ.
"""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..nlp.tokenizer import STOPWORDS, all_words
from ..store.conversation import Choice
from . import fairs, help, subscriptions
from .base import person
from .faq import awaited
from .job_search import search
from .subscribe import USAGE as SUBSCRIBE_USAGE
from .unsubscribe import ACTION as UNSUBSCRIBE

# Words that say "a job" without narrowing which: not search terms.
GENERIC = frozenset("""岗位 职位 工作 招聘 招人 信息 机会 找 找找 帮 帮我 看看 查 查查 搜 推荐 给 最近 现在
近期 哪些 啥 有没有 没有 适合 想 想找 公司 单位 单子 个 几个 些 一些 在 招 专业 的""".split())
PAUSE_QUESTION = "要暂停岗位推送吗？暂停后不再收到岗位汇总，招聘会提醒照常发送，随时可以恢复。"


def job_words(ctx: BotContext, text: str) -> list[str]:
    """What a sentence asks jobs to have (北京, java), without the asking words."""
    return [w for w in all_words(ctx.vocab.tokenizer, fold(text))
            if w not in STOPWORDS and w not in GENERIC]


class IntentHandler:
    name = "intents"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        """The intent of the text, or None. When words alone answer it from the FAQ (the
        FAQ's result is kept for the FAQ handler after this one) and words see no intent
        in it either, it is the FAQ's: a new question is then not embedded just for the
        intents. Otherwise words and meaning decide, as for any other text."""
        if msg.kind != "text" or not msg.text.strip() or awaited(msg, ctx):
            return None      # a dialog waiting for a city or a keyword takes the text
        faq = ctx.knowledge.current.matcher.match(msg.text)
        if (faq.decision == "answer" and not faq.semantic
                and ctx.intents.match(msg.text, words_only=True) is None):
            return None
        return ctx.intents.match(msg.text)

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        if found == "job-search":
            wanted = job_words(ctx, msg.text)
            if not ctx.vocab.subscription(wanted).terms:
                return Reply("想找哪方面的岗位？发送“查岗位”加关键词，例如：查岗位 Java 北京")
            return search(ctx, wanted)
        if found == "subscribe-help":
            return Reply("有合适的新岗位时推送给您：发送“订阅”加关键词，例如：订阅 Java 北京\n"
                         + SUBSCRIBE_USAGE.split("\n", 1)[1])
        if found == "pause-push":
            return self.pause(msg, ctx)
        if found == "fairs":
            return fairs.handler.handle(msg, ctx, True)
        if found == "my-subscriptions":
            return subscriptions.handler.handle(msg, ctx, True)
        return Reply(help.HELP_TEXT)

    def pause(self, msg: Message, ctx: BotContext) -> Reply:
        """Offer to pause; a sentence naming a subscription's word (取消java的订阅) is
        offered that subscription first. Nothing happens until the student picks."""
        text = fold(msg.text)
        named = [s for s in ctx.stores.subscriptions.list(person(msg, ctx))
                 if any(fold(w) in text for w in s.words)]
        choices = [Choice(f"退订：{s.label}", UNSUBSCRIBE, str(s.id)) for s in named]
        choices += [Choice("暂停全部岗位推送" if named else "确认暂停", "pause", "yes"),
                    Choice("不用了，继续推送", "pause", "no")]
        ctx.stores.conversation.set_choices(msg.student, choices)
        question = "要退订这个订阅，还是暂停全部岗位推送？" if named else PAUSE_QUESTION
        return Reply(question, items=tuple(c.label for c in choices), footer="回复数字选择。")


handler = IntentHandler()
