"""The bot's own features as intents, matched by the same machinery as the FAQ.

`config/intents.yaml` lists example sentences per intent; they are turned into a small
knowledge base (one entry per intent) and matched with words and meaning, so
"有没有北京的java岗位" runs a job search and "别再给我推送了" offers to pause pushes.
Beside the intents a contrast group (`not-a-request`: 找工作难吗, 宣讲会要带简历吗) is
matched too, so a question that merely uses a feature's words goes on to the FAQ; and a
question about jobs or fairs (计算机专业还好找工作吗) never gets a list. An intent fires
only when the match is confident and clearly ahead (fixed here, not derived: these
examples are few and ours), otherwise the question goes on to the FAQ; except that the
sentence's verbs settle what closeness to the examples cannot (`_wanted`): 别推了 stops,
删掉这个关键词 removes, 有新的就通知我 subscribes, 怎么用 asks for the help.
"""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import yaml

from .config import ROOT
from .kb.model import FaqEntry, KnowledgeBase
from .nlp.builder import MatcherBuilder
from .nlp.matcher import FaqMatcher
from .nlp.model import Candidate, Thresholds
from .nlp.normalize import normalize
from .nlp.question_kinds import asks_about

log = logging.getLogger(__name__)

INTENTS_FILE = ROOT / "config" / "intents.yaml"
# An intent fires when its confidence reaches FIRES and it leads the next by MARGIN in
# log-odds (chosen, like the floor below, on bench/data/intent_dev_cases.yaml). Not the
# FAQ's decision: an intent is not a topic, so two intents that both contain every word
# of a short message (想找工作) do not make it a "which one" question.
FIRES, MARGIN = 0.5, 1.0
CONFIDENT = Thresholds(answer=FIRES, suggest=FIRES, margin=MARGIN, source="config")
# Questions that use the features' words but ask about something else: matched like an
# intent so they can win over one, then passed on to the FAQ.
NOT_A_REQUEST = "not-a-request"
# Intents that answer with a list: a question about jobs or fairs is not asking for one.
LISTS = frozenset({"job-search", "fairs"})
# A search names what it wants with words no example can list (律所, 嵌入式), which the
# matcher counts against it: a message that names a job and is closest to job-search
# fires from a lower confidence. Not 工作: as often the student's situation (还没找到工作,
# 工作的城市落户) as what is searched for.
JOB_SEARCH = "job-search"
NAMES_A_JOB = re.compile("岗|职位|实习|兼职|全职|招聘|招人|在招|有没有招")
# 有没有华为的岗位 names jobs, not a fair: the fair list is no rival for it.
NAMES_A_FAIR = re.compile("宣讲|双选会|招聘会|专场|招聘活动|career ?fair")
SEARCH_FIRES = 0.1
# 北京的岗位别推了 names jobs like a search but asks for the opposite of a list.
PAUSE_PUSH = "pause-push"
SUBSCRIBE_HELP = "subscribe-help"
# 以后有杭州的运营岗麻烦提醒我: jobs named like a search, but wanted later, when they come.
NOTIFY_ME = re.compile("(?:通知|提醒|告诉|推送?给?|发给?|push|喊|叫)我|盯着|第一时间")
LATER = re.compile("以后|今后|之后|到时|一有|有新|新出|出了|第一时间|记得|的话|的时候|随时|盯着")
# 删掉java这个关键词, 麻烦把我的订阅清空: taking away what was subscribed.
REMOVES = re.compile("删|清空|去掉|取消|不要了|退订|关闭|关掉|关了|停掉|停了|不收|不想收|屏蔽")
SUBSCRIBED = re.compile("订阅|关键词|推送|提醒|通知|消息")
SUBSCRIPTION_INTENTS = frozenset({SUBSCRIBE_HELP, "my-subscriptions", PAUSE_PUSH})
SUBSCRIPTIONS_OR_SEARCH = SUBSCRIPTION_INTENTS | {JOB_SEARCH}
# 帮我订一下会计, 我还想多订一个关键词: asking for a new subscription, not to see them.
SUBSCRIBE_ME = re.compile("(?:帮我|给我|想|要|再|多|加)订|订阅?(?:一下|个|一个)|添加|新增|"
                          "加(?:一个|个)?关键词")
# 小助手怎么用啊, 这个号除了推岗位还能干嘛: how to use the bot, or what it does (the
# latter only when said of the bot: 三方协议有什么用 is a question about the agreement).
HELP = "help"
HOW_TO_USE = re.compile("指南|教程|说明书|使用说明|用法|功能|菜单|指令|命令|怎么用|怎么玩|怎么操作|"
                        "how to use")
WHAT_FOR = re.compile("能干|能做|会干|会做|有什么用|有啥用|干嘛的|干啥的|是干嘛|what can you")
THE_BOT = re.compile(r"[你您](?!们)|这个号|公众号|机器人|小助手|助手|(?<![a-z])(?:bot|you)(?![a-z])")
STOPS_PUSHES = re.compile("(?:别|不要|不用|停止?|取消|关掉?|不想|不必)(?:再|继续)?(?:给我|帮我)?"
                          "(?:推|发|提醒|通知|push)")


def load_intents(path: Path = INTENTS_FILE) -> KnowledgeBase:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entries = []
    for item in data:
        examples = [str(x) for x in item.get("examples") or []]
        if examples:
            entries.append(FaqEntry(id=str(item["id"]), category="intent", question=examples[0],
                                    answer=str(item["id"]), similar=tuple(examples[1:])))
    return KnowledgeBase(tuple(entries))


class IntentBook:
    """Words alone from the first message on; words and meaning once the model is in.

    `background`: the meaning side is built in a thread (a server), else at once (tests
    and the command line), the same way the knowledge base is.
    """

    def __init__(self, builder: MatcherBuilder, path: Path = INTENTS_FILE,
                 background: bool = False) -> None:
        self.builder = MatcherBuilder(fixed=CONFIDENT, embeddings=builder.embeddings,
                                      data_dir=builder.data_dir, shared=builder.shared)
        self.path, self.background = path, background
        self._matcher: FaqMatcher | None = None
        self._lock = threading.Lock()

    def matcher(self) -> FaqMatcher:
        with self._lock:
            if self._matcher is not None:
                return self._matcher
            kb = load_intents(self.path)
            self._matcher = quick = self.builder.quick(kb)
        if self.background:
            threading.Thread(target=self._complete, args=(kb, quick), name="intents",
                             daemon=True).start()
        else:
            self._complete(kb, quick)
        return self._matcher

    def _complete(self, kb: KnowledgeBase, quick: FaqMatcher) -> None:
        try:
            full, _ = self.builder.full(kb, quick)
        except Exception:
            log.exception("intents stay on words alone")
            return
        with self._lock:
            self._matcher = full

    def match(self, text: str, words_only: bool = False) -> str | None:
        """The intent `text` confidently asks for, or None. `words_only`: without the
        meaning model (when words already answer the question from the FAQ)."""
        candidates = self.matcher().match(text, words_only=words_only).candidates
        if not candidates:
            return None
        top, runner = candidates[0], _rival(candidates, text)
        plain = normalize(text)
        wants = _wanted(top.id, plain)
        if wants is not None and top.score >= SEARCH_FIRES:
            return wants
        floor = SEARCH_FIRES if top.id == JOB_SEARCH and NAMES_A_JOB.search(text) else FIRES
        if top.score < floor or (runner is not None and top.logit - runner.logit < MARGIN):
            return None
        if top.id == NOT_A_REQUEST:
            return None
        if top.id in LISTS and asks_about(plain, where_lists=top.id != JOB_SEARCH):
            return None
        return top.id


def _rival(candidates: list[Candidate], text: str) -> Candidate | None:
    """The runner-up the top intent must lead: a search that names jobs but no fair
    (有没有华为的岗位) need not lead the fair list."""
    others = candidates[1:]
    if (candidates[0].id == JOB_SEARCH and NAMES_A_FAIR.search(text) is None
            and NAMES_A_JOB.search(text) is not None):
        others = [c for c in others if c.id not in LISTS]
    return others[0] if others else None


def _wanted(top: str, plain: str) -> str | None:
    """What the sentence's verbs ask for when the closest intent is about jobs or
    subscriptions: stop (北京的岗位别推了), remove a subscription (把上海那个订阅删了) or be
    told later (有新的java岗位通知我); or how to use the bot; None to decide by the match
    alone."""
    if top in LISTS | SUBSCRIPTION_INTENTS and STOPS_PUSHES.search(plain):
        return PAUSE_PUSH
    if top in SUBSCRIPTIONS_OR_SEARCH and REMOVES.search(plain) and SUBSCRIBED.search(plain):
        return PAUSE_PUSH
    if top in SUBSCRIPTIONS_OR_SEARCH and NOTIFY_ME.search(plain) and LATER.search(plain):
        return SUBSCRIBE_HELP
    if top in SUBSCRIPTION_INTENTS and SUBSCRIBE_ME.search(plain):
        return SUBSCRIBE_HELP
    if THE_BOT.search(plain) and (HOW_TO_USE.search(plain) or WHAT_FOR.search(plain)):
        return HELP
    if top == HELP and HOW_TO_USE.search(plain):
        return HELP
    return None
