"""GET /jobs?ids=a,b,c: the page a job digest links to (`push.digest_url`).

A WeChat template or subscribe message holds one short line per field and one link, so a
digest of eight jobs can only say "8 个新岗位" and link here, where the student sees each
job with its deadline and its own link. Jobs are public postings, so the page needs no
login; it shows only the jobs named, and says so when one has closed since.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template_string, request

from .clock import SHANGHAI
from .context import BotContext
from .jobs.listing import deadline_text

MAX_IDS = 20
PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>body{font:16px/1.6 sans-serif;margin:0 auto;max-width:40em;padding:1em;color:#222}
li{margin:0 0 1em}.closed{color:#999}.meta{color:#666;font-size:14px}</style></head>
<body><h1>{{ title }}</h1>
{% if jobs %}<ol>{% for job, closed in jobs %}
<li class="{{ 'closed' if closed }}"><a href="{{ job.url }}">{{ job.title }}</a>
<div class="meta">{{ job.company }}｜{{ job.city }}{% if job.salary %}｜{{ job.salary }}{% endif %}
{% if job.deadline %}｜{{ deadline(job, today) }}{% endif %}</div></li>{% endfor %}</ol>
{% else %}<p>这些岗位已经下线了。在公众号里发送“查岗位 关键词”查看在招岗位。</p>{% endif %}
<p class="meta">在公众号里发送“我的订阅”管理订阅，“推送设置”调整推送时间。</p>
</body></html>"""


def blueprint(ctx: BotContext) -> Blueprint:
    bp = Blueprint("jobpage", __name__)

    @bp.get("/jobs")
    def jobs_page():
        ids = [i for i in request.args.get("ids", "").split(",") if i][:MAX_IDS]
        found = ctx.stores.jobs.many(ids)
        today = ctx.clock.now().astimezone(SHANGHAI).date()
        jobs = [(found[i], _closed(found[i].deadline, today)) for i in ids
                if i in found and found[i].url.startswith(("http://", "https://"))]
        title = f"为您找到 {len(jobs)} 个岗位" if jobs else "岗位已下线"
        return render_template_string(PAGE, title=title, jobs=jobs, today=today,
                                      deadline=deadline_text)

    return bp


def _closed(deadline: str, today: date) -> bool:
    return bool(deadline) and date.fromisoformat(deadline) < today
