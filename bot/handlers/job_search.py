"""查岗位 <关键词…>: search current jobs now, with the same matching as subscriptions."""
from __future__ import annotations

from ..clock import SHANGHAI
from ..context import BotContext
from ..message import Message, Reply
from ..push.planner import live
from .args import PrefixCommand, words

PREFIXES = ("查岗位", "搜岗位", "找岗位", "搜索岗位", "查职位", "找工作")
SHOWN = 5
SCANNED = 3000


def search(ctx: BotContext, typed: list[str]) -> Reply:
    """Current jobs holding every one of `typed`, newest first (查岗位, and sentences
    like 有没有北京的java岗位)."""
    st = ctx.stores
    query = ctx.vocab.subscription(typed)
    if not query.terms:
        return Reply("请在“查岗位”后面写上关键词，例如：查岗位 Java 北京")
    label = " + ".join(query.words)
    ids = st.jobs.newest_ids(SCANNED)
    terms = st.jobs.terms(ids)
    hits = [i for i in ids if i in terms and query.terms <= terms[i]]
    today = ctx.clock.now().astimezone(SHANGHAI).date()
    jobs = st.jobs.many(hits[:SHOWN * 3])
    current = [jobs[i] for i in hits[:SHOWN * 3] if i in jobs and live(jobs[i], today)]
    if not current:
        return Reply(f"暂时没有同时符合“{label}”的在招岗位。可以少写一个词再试，"
                     f"或发送“订阅 {' '.join(query.words)}”，有新岗位时推送给您。")
    items = tuple(f"{j.line()}\n   {j.url}" for j in current[:SHOWN])
    more = f"共找到 {len(hits)} 个，显示最新 {len(items)} 个。" if len(hits) > len(items) else ""
    return Reply(f"符合“{label}”的在招岗位：", items=items,
                 footer=(more + f"发送“订阅 {' '.join(query.words)}”可在有新岗位时收到推送。"))


class JobSearchHandler(PrefixCommand):
    name = "job_search"
    prefixes = PREFIXES

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        return search(ctx, words(found))


handler = JobSearchHandler()
