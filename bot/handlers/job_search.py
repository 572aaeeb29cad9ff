"""查岗位 <关键词…>: search current jobs now, with the same matching as subscriptions.

Only jobs still open are counted and shown, newest first, each with its deadline; a
page holds `SHOWN`, and “更多” (bot/handlers/more.py) goes on with the next page of the
same search, run again so a job that closed in between is left out.
"""
from __future__ import annotations

import json

from ..clock import SHANGHAI
from ..context import BotContext
from ..jobs.listing import job_line
from ..message import Message, More, Reply
from ..nlp.normalize import fold
from ..push.lookup import JobLookup
from .args import PrefixCommand, words

PREFIXES = ("查岗位", "搜岗位", "找岗位", "搜索岗位", "查职位", "找工作")
SHOWN = 5
MORE_KIND = "jobs"


def search(ctx: BotContext, typed: list[str], start: int = 0) -> Reply:
    """Current jobs holding every one of `typed`, newest first, from the `start`-th (查岗位,
    “更多” after it, and sentences like 有没有北京的java岗位)."""
    query = ctx.vocab.subscription(typed)
    if not query.terms:
        return Reply("请在“查岗位”后面写上关键词，例如：查岗位 Java 北京")
    label = " + ".join(query.words)
    today = ctx.clock.now().astimezone(SHANGHAI).date()
    ids = JobLookup(ctx.stores, today).matching_ids(query.terms)
    again = f"“订阅 {' '.join(query.words)}”"
    if not ids:
        return Reply(f"暂时没有同时符合“{label}”的在招岗位。可以少写一个词再试，"
                     f"或发送{again}，有新岗位时推送给您。")
    if start >= len(ids):
        return Reply(f"符合“{label}”的 {len(ids)} 个在招岗位都已经发给您了。"
                     f"发送{again}，有新岗位时推送给您。")
    page = ids[start:start + SHOWN]
    jobs = ctx.stores.jobs.many(page)
    items = tuple(f"{job_line(jobs[i], today)}\n   {jobs[i].url}" for i in page if i in jobs)
    end = start + len(page)
    left = len(ids) - end
    head = (f"符合“{label}”的在招岗位共 {len(ids)} 个" if start == 0 and left > 0
            else f"符合“{label}”的在招岗位" if start == 0
            else f"符合“{label}”的在招岗位（第 {start + 1}–{end} 个，共 {len(ids)} 个）")
    footer = f"还有 {left} 个，回复“更多”继续查看。\n" if left > 0 else ""
    more = More(MORE_KIND, json.dumps({"words": list(query.words), "start": end},
                                      ensure_ascii=False)) if left > 0 else None
    return Reply(head + "：", items=items, footer=footer + f"发送{again}可在有新岗位时收到推送。",
                 more=more)


def next_page(ctx: BotContext, value: str) -> Reply:
    """“更多” after a job list: the next page of the same search."""
    query = json.loads(value)
    return search(ctx, list(query["words"]), int(query["start"]))


class JobSearchHandler(PrefixCommand):
    name = "job_search"
    prefixes = PREFIXES

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        """`查岗位 Java`, `找工作北京`; not 找工作太难了, a sentence that starts with the
        command's words: run on without a space, the rest must start with a word of the
        job vocabulary."""
        rest = super().match(msg, ctx)
        if not rest or fold(msg.text).startswith(tuple(p + " " for p in self.prefixes)):
            return rest
        return rest if ctx.vocab.starts_known(rest) else None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        return search(ctx, words(found))


handler = JobSearchHandler()
