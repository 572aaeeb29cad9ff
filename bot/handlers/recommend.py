"""推荐: current jobs that fit the student's intentions, best first, each with why;
and upcoming fairs whose industries fit.

Best first means: jobs meeting more of the intentions first (all of them before some of
them), newer before older. Major and degree only narrow, as in the daily push.
"""
from __future__ import annotations

from datetime import timedelta

from ..clock import SHANGHAI
from ..context import BotContext
from ..message import Message, Reply
from ..push.fit import ProfileTerms, job_facets, labels_for, passes, profile_terms, reason
from ..push.lookup import live
from ..push.planner import match_line
from ..records import Fair
from ..students.profiles import profile_of
from .base import command

WORDS = {"推荐", "推荐岗位", "岗位推荐", "给我推荐", "推荐工作", "适合我的岗位", "有适合我的岗位吗",
         "有什么适合我的岗位", "为我推荐"}
FAIRS_SHOWN = 3
NO_PROFILE = ("我还不知道您的求职意向。发送“意向”填写想去的城市、行业和岗位，我就能为您推荐；"
              "已经在学校填过摸底调查的，发送“绑定 学号 姓名”即可。也可以发送“查岗位 关键词”直接搜索。")


class RecommendHandler:
    name = "recommend"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return command(msg).replace(" ", "") in WORDS or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        _, profile = profile_of(ctx, msg.student)
        vocab = ctx.vocab
        pt = profile_terms(profile, vocab) if profile else None
        if pt is None:
            return Reply(NO_PROFILE)
        st, limits = ctx.stores, ctx.settings.students
        ids = st.jobs.newest_ids(limits.recommend_scanned)
        terms = st.jobs.terms(ids)
        ranked = []
        for order, job_id in enumerate(ids):
            labels = labels_for(pt, terms.get(job_id, frozenset()))
            met = sum(label is not None for label in labels)
            if met:
                ranked.append((-met, order, job_id, labels))
        ranked.sort()
        today = ctx.clock.now().astimezone(SHANGHAI).date()
        shown = []
        for start in range(0, len(ranked), 50):
            chunk = ranked[start:start + 50]
            jobs = st.jobs.many([r[2] for r in chunk])
            for _, _, job_id, labels in chunk:
                job = jobs.get(job_id)
                if job and live(job, today) and passes(pt, job_facets(job, terms[job_id], vocab)):
                    shown.append(f"{job.line()}\n   {match_line(reason(labels))}\n   {job.url}")
                if len(shown) >= limits.recommend_shown:
                    break
            if len(shown) >= limits.recommend_shown:
                break
        fairs = self._fairs(ctx, pt)
        if not shown and not fairs:
            return Reply("暂时没有符合您求职意向的在招岗位。有新岗位时会在每天的汇总里推送给您；"
                         "发送“我的信息”可以调整意向。")
        text = "根据您的求职意向，为您推荐这些在招岗位：" if shown else \
            "暂时没有符合您求职意向的在招岗位，有新岗位时会推送给您。"
        footer = []
        if fairs:
            footer.append("这些招聘会的行业也适合您：\n" + "\n".join(f"· {f.line()}" for f in fairs)
                          + "\n发送“招聘会”查看并设置提醒。")
        footer.append("发送“我的信息”可以调整求职意向。")
        return Reply(text, items=tuple(shown), footer="\n".join(footer))

    def _fairs(self, ctx: BotContext, pt: ProfileTerms) -> list[Fair]:
        wanted = pt.dimension("want_industries")
        if wanted is None:
            return []
        now = ctx.clock.now()
        upcoming = ctx.stores.fairs.between(
            now, now + timedelta(days=ctx.settings.push.upcoming_fairs_days))
        out = []
        for fair in upcoming:
            terms = frozenset(t for i in fair.industries for t in ctx.vocab.terms(i))
            if terms and wanted.label_for(terms):
                out.append(fair)
        return out[:FAIRS_SHOWN]


handler = RecommendHandler()
