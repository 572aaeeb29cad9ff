"""The staff console through the real Flask app: accounts, sessions and CSRF, the
workbench, the FAQ editor's safe saves with history, uploads, broadcasts, roles."""
from __future__ import annotations

import io
import re

import pytest

from bot.app import create_app
from bot.clock import SHANGHAI
from bot.console.accounts import Accounts, check_password, hash_password
from bot.knowledge import KnowledgeProvider
from bot.context import matcher_builder
from bot.records import StudentKey
from bot.store.unanswered import DONE, IGNORED, OPEN, RESOLVED

from .support.builders import make_config, xlsx_bytes
from .support.console import ConsoleUser
from .support.tester import BotTester

PASSWORD = "correct-horse"


@pytest.fixture
def console(make_ctx, kb_copy, tmp_path):
    """A context over a writable KB copy, an admin and an editor, and the app."""
    provider = KnowledgeProvider(kb_copy, matcher_builder(make_config("x", kb_copy)))
    ctx = make_ctx(kb_dir=kb_copy, provider=provider, data_dir=str(tmp_path / "data"),
                   secrets={"ADMIN_TOKEN": "s3cret", "WECHAT_TOKEN": "t"})
    accounts = Accounts(ctx.stores, now=ctx.clock.now)
    accounts.add("laoshi", PASSWORD, "admin")
    accounts.add("bianji", PASSWORD, "editor")
    return ctx, create_app(ctx=ctx)


def logged_in(app, name: str = "laoshi") -> ConsoleUser:
    user = ConsoleUser(app)
    assert user.login(name, PASSWORD).status_code == 302
    return user


def test_account_rules_are_explained(console):
    from bot.console.accounts import AccountError
    ctx, _ = console
    accounts = Accounts(ctx.stores)
    for name, password, role, says in (("li", "short", "editor", "密码至少 8 位"),
                                       ("x", "long-enough", "editor", "用户名应为 2–32 个字符"),
                                       ("li", "long-enough", "root", "角色只能是 editor 或 admin")):
        with pytest.raises(AccountError, match=says):
            accounts.add(name, password, role)
    assert not accounts.remove("nobody")


def test_passwords_are_salted_scrypt_and_checked_in_constant_time():
    a, b = hash_password("same-password"), hash_password("same-password")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert check_password("same-password", a) and not check_password("Same-password", a)
    assert not check_password("x", "not-a-hash")


def test_login_sets_a_strict_cookie_and_a_wrong_password_is_refused(console):
    ctx, app = console
    user = ConsoleUser(app)
    assert user.get("/console/").status_code == 302                 # to the login page
    wrong = user.login("laoshi", "wrong-password")
    assert wrong.status_code == 401 and "用户名或密码不对" in wrong.get_data(as_text=True)
    ok = user.login("laoshi", PASSWORD)
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert user.get("/console/").status_code == 200
    behind_tls = ConsoleUser(app)
    behind_tls.get("/console/login")
    r = behind_tls.http.post("/console/login", headers={"X-Forwarded-Proto": "https"},
                             data={"name": "laoshi", "password": PASSWORD,
                                   "csrf_token": behind_tls.token})
    assert "Secure" in r.headers["Set-Cookie"]
    assert [e.action for e in ctx.stores.audit.recent()][0] == "login"


def test_logins_are_rate_limited_per_name(console):
    _, app = console
    user = ConsoleUser(app)
    for _ in range(5):
        assert user.login("laoshi", "guess").status_code == 401
    blocked = user.login("laoshi", PASSWORD)                          # even the right one
    assert blocked.status_code == 429 and "15 分钟" in blocked.get_data(as_text=True)


def test_behind_a_local_proxy_one_address_typing_wrong_does_not_lock_out_the_office(console):
    _, app = console
    guesser, colleague = ConsoleUser(app), ConsoleUser(app)
    for user, real in ((guesser, "10.20.1.7"), (colleague, "10.20.3.9")):
        user.http.environ_base = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": real}
    for n in range(5):
        assert guesser.login(f"nobody{n}", "guess").status_code == 401     # five names, one address
    assert guesser.login("laoshi", PASSWORD).status_code == 429          # that address waits
    assert colleague.login("laoshi", PASSWORD).status_code in (200, 302)  # the office does not
    outsider = ConsoleUser(app)                                           # not from the proxy:
    outsider.http.environ_base = {"REMOTE_ADDR": "10.20.1.7", "HTTP_X_REAL_IP": "10.99.0.1"}
    assert outsider.login("laoshi", PASSWORD).status_code == 429          # the header is ignored


def test_a_post_without_the_csrf_token_is_refused(console):
    ctx, app = console
    user = logged_in(app)
    r = user.http.post("/console/staff", data={"name": "eve", "password": "12345678x",
                                               "role": "admin"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    r = user.http.post("/console/staff", data={"name": "eve", "password": "12345678x",
                                               "role": "admin", "csrf_token": "forged"})
    assert r.status_code == 400 and ctx.stores.staff.get("eve") is None
    assert user.post("/console/staff", {"name": "eve", "password": "12345678x",
                                        "role": "editor"}).status_code == 302
    assert ctx.stores.staff.get("eve").role == "editor"


def test_editors_may_not_broadcast_or_manage_accounts_and_removed_accounts_are_out(console):
    ctx, app = console
    editor = logged_in(app, "bianji")
    assert editor.get("/console/broadcast").status_code == 403
    assert editor.get("/console/staff").status_code == 403
    assert editor.get("/console/faq").status_code == 200
    Accounts(ctx.stores).remove("bianji")
    assert editor.get("/console/faq").status_code == 302


def test_the_workbench_adds_a_phrasing_in_one_click_and_the_question_closes(console):
    ctx, app = console
    bot = BotTester(ctx)
    question = "搬宿舍的时候那几张要盖章的纸找不着了"
    first = bot.send(question)
    assert "先写一份情况说明" not in first
    bot.send("asdfghjkl")                                            # mashing is not a question
    [item] = ctx.stores.unanswered.search("", OPEN)
    assert item.example == question
    user = logged_in(app)
    page = user.get("/console/unanswered").get_data(as_text=True)
    assert question in page and "加为问法" in page
    r = user.post("/console/unanswered/add", {"text": question, "faq_id": "tripartite-lost",
                                              "normalized": item.normalized})
    assert r.status_code == 302
    assert ctx.stores.unanswered.search("", OPEN) == []
    assert ctx.stores.unanswered.status_of(item.normalized) == RESOLVED
    assert "先写一份情况说明" in bot.send(question)
    text = (ctx.knowledge.kb_dir / "faq" / "shouxu.yaml").read_text(encoding="utf-8")
    assert question in text
    assert "把“搬宿舍的时候那几张要盖章的纸找不着了”加为问答 tripartite-lost 的问法" in \
        [e.what for e in ctx.stores.audit.recent()]


def test_the_workbench_marks_an_answer_the_student_said_was_wrong(console):
    """不对 after a direct answer: the question is on the workbench with the rejected guess
    marked, and the re-check does not close it while the bot gives that answer."""
    ctx, app = console
    bot = BotTester(ctx)
    question = "三方丢了咋办"
    assert "先写一份情况说明" in bot.send(question)
    bot.send("不对")
    [item] = ctx.stores.unanswered.search("", OPEN)
    user = logged_in(app)
    page = user.get("/console/unanswered").get_data(as_text=True)
    assert "学生说机器人直接给的答案不对" in page
    marked = page.split("学生说不是这条")[0].rsplit('name="faq_id" value="', 1)[1]
    assert marked.startswith("tripartite-lost")
    user.post("/console/unanswered/recheck", {})
    assert ctx.stores.unanswered.status_of(item.normalized) == OPEN
    bot.send("1")                                   # picked from the list offered after 不对
    page = user.get("/console/unanswered").get_data(as_text=True)
    picked = page.split("学生从列表里选过 1 次")[0].rsplit('name="faq_id" value="', 1)[1]
    assert picked.startswith("tripartite-sign")
    r = user.post("/console/unanswered/add", {"text": question, "faq_id": "tripartite-sign",
                                              "normalized": item.normalized})
    assert r.status_code == 302
    assert ctx.stores.unanswered.status_of(item.normalized) == DONE   # by staff, not the re-check
    assert bot.send(question).startswith("您是不是想问")            # it now fits two entries


def test_the_workbench_sets_a_question_that_is_not_ours_aside_in_one_click(console):
    ctx, app = console
    question = "暑假想去西部自驾游，路线怎么安排比较好"
    BotTester(ctx).send(question)
    [item] = ctx.stores.unanswered.search("", OPEN)
    user = logged_in(app)
    assert "不归本处" in user.get("/console/unanswered").get_data(as_text=True)
    r = user.post("/console/unanswered/not-ours", {"text": question, "normalized": item.normalized})
    assert r.status_code == 302
    assert ctx.stores.unanswered.status_of(item.normalized) == IGNORED
    assert ctx.knowledge.current.kb.not_ours == (question,)          # reloaded at once
    path = ctx.knowledge.kb_dir / "not_ours.yaml"
    assert path.read_text(encoding="utf-8").startswith("# 不归就业办回答的问题")
    assert f"把“{question}”加为不归本处的问题" in [e.what for e in ctx.stores.audit.recent()]
    again = user.post("/console/unanswered/not-ours", {"text": question + "？"})
    assert again.status_code == 302 and ctx.knowledge.current.kb.not_ours == (question,)
    own = user.post("/console/unanswered/not-ours", {"text": "三方协议丢失了怎么办"})
    assert own.status_code == 302 and ctx.knowledge.current.kb.not_ours == (question,)
    flashed = user.get("/console/unanswered").get_data(as_text=True)
    assert "没有保存" in flashed and "自己的问法" in flashed          # the file is left as it was
    path.write_text("- [没配对的括号\n", encoding="utf-8")           # broken by hand
    broken = user.post("/console/unanswered/not-ours", {"text": "食堂几点开门"})
    assert broken.status_code == 302 and path.read_text(encoding="utf-8") == "- [没配对的括号\n"
    assert "kb check" in user.get("/console/unanswered").get_data(as_text=True)


def test_a_fix_made_in_the_yaml_file_closes_the_question_on_reload(console):
    ctx, app = console
    from bot.runtime import Runtime
    question = "搬宿舍的时候那几张要盖章的纸找不着了"
    BotTester(ctx).send(question)
    Runtime(ctx).watch_knowledge()            # what serve does: re-check after each reload
    assert [u.example for u in ctx.stores.unanswered.search("", OPEN)] == [question]
    path = ctx.knowledge.kb_dir / "faq" / "shouxu.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("similar: [", f"similar: [{question}, ", 1), encoding="utf-8")
    assert ctx.knowledge.check()
    assert ctx.stores.unanswered.search("", OPEN) == []
    assert [u.status for u in ctx.stores.unanswered.search("", None)] == [RESOLVED]


def test_a_question_answered_with_a_list_is_recorded(console):
    ctx, app = console
    reply = BotTester(ctx).send("协议书被我室友当草稿纸用了")
    assert "您是不是想问" in reply
    assert [u.example for u in ctx.stores.unanswered.search("", OPEN)] == ["协议书被我室友当草稿纸用了"]


def test_an_edit_that_breaks_the_knowledge_base_is_refused_with_the_reason(console):
    ctx, app = console
    user = logged_in(app, "bianji")
    path = ctx.knowledge.kb_dir / "faq" / "shouxu.yaml"
    before = path.read_text(encoding="utf-8")
    form = {"original": "tripartite-sign", "id": "tripartite-sign", "category": "就业手续",
            "question": "三方协议丢失了怎么办？", "answer": "随便", "action": "save"}
    r = user.post("/console/faq/save", form)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "没有保存" in body and "相同" in body
    assert path.read_text(encoding="utf-8") == before


def test_saving_keeps_comments_and_order_reloads_and_can_be_reverted(console):
    ctx, app = console
    user = logged_in(app, "bianji")
    path = ctx.knowledge.kb_dir / "faq" / "shouxu.yaml"
    before = path.read_text(encoding="utf-8")
    entry = ctx.knowledge.current.kb.by_id("tripartite-sign")
    form = {"original": entry.id, "id": entry.id, "category": entry.category,
            "question": entry.question, "answer": "新的答案。\n第二行。",
            "similar": "\n".join(entry.similar + ("三方怎么填写才对",)),
            "keywords": "\n".join(entry.keywords), "action": "save"}
    assert user.post("/console/faq/save", form).status_code == 302
    after = path.read_text(encoding="utf-8")
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert all(entry.id not in line for line in changed)            # only this entry moved
    assert [ln for ln in before.splitlines() if ln.startswith("#")] == \
        [ln for ln in after.splitlines() if ln.startswith("#")]
    assert ctx.knowledge.current.kb.by_id(entry.id).answer == "新的答案。\n第二行。"
    history = user.get("/console/faq/history").get_data(as_text=True)
    number = re.search(r"/console/faq/history/(\d+)/revert", history).group(1)
    assert user.post(f"/console/faq/history/{number}/revert").status_code == 302
    assert path.read_text(encoding="utf-8") == before
    assert ctx.knowledge.current.kb.by_id(entry.id).answer == entry.answer


def test_preview_shows_the_wechat_cut_and_try_shows_candidates(console):
    ctx, app = console
    user = logged_in(app, "bianji")
    form = {"id": "long-one", "category": "测试", "question": "很长的答案？",
            "answer": "这是一句话。" * 400, "action": "preview"}
    body = user.post("/console/faq/save", form).get_data(as_text=True)
    assert "超出部分被截断" in body and "回复“更多”继续阅读" in body
    assert not (ctx.knowledge.kb_dir / "faq").joinpath("x").exists()
    page = user.get("/console/faq?try=三方丢了咋办").get_data(as_text=True)
    assert "直接回答第 1 条" in page and "tripartite-lost" in page


def test_upload_preview_writes_nothing_until_import(console):
    ctx, app = console
    user = logged_in(app, "bianji")
    sheet = xlsx_bytes([["岗位名称", "公司", "城市", "链接"], ["Java开发", "字节跳动", "北京",
                                                        "https://x.cn/1"], ["缺链接", "腾讯", "深圳", ""]])
    r = user.post("/console/jobs/upload", {"file": (io.BytesIO(sheet), "岗位.xlsx")},
                  content_type="multipart/form-data")
    body = r.get_data(as_text=True)
    assert "将新增 1 条" in body and "缺少必填字段 url（链接）" in body
    assert ctx.stores.jobs.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    assert user.post("/console/jobs/import", {"token": token}).status_code == 302
    [job] = ctx.stores.jobs.all()
    assert user.post(f"/console/jobs/item/{job.id}/expire").status_code == 302
    assert ctx.stores.jobs.get(job.id).deadline < ctx.clock.now().date().isoformat()
    bad = user.post("/console/jobs/upload", {"file": (io.BytesIO(b"\xd0\xcf\x11\xe0" + b"0" * 64),
                                                      "old.xls")}, content_type="multipart/form-data",
                    follow_redirects=True)
    assert "旧版 Excel" in bad.get_data(as_text=True)


def test_broadcast_reaches_a_segment_once_and_says_how_many_first(console):
    ctx, app = console
    for user_id in ("o1", "o2", "o3"):
        BotTester(ctx, user=user_id).send("你好")
    BotTester(ctx, "feishu", "ou_1").send("你好")
    ctx.stores.subscriptions.add(StudentKey("wechat", "o1"), ("Java",), frozenset({"java"}))
    ctx.stores.prefs.set_unfollowed(StudentKey("wechat", "o3"), True)
    admin = logged_in(app)
    form = {"title": "三方申领开始", "body": "请登录就业网申领三方协议。", "url": "https://x.cn/n",
            "channel": "wechat", "keyword": "", "when": "now", "action": "preview"}
    body = admin.post("/console/broadcast", form).get_data(as_text=True)
    assert "将发送给 2 名学生（微信 2 人）" in body
    assert "Java" not in ctx.stores.outbox.backlog() and ctx.stores.outbox.backlog()["queued"] == 0
    assert admin.post("/console/broadcast", {**form, "keyword": "java", "action": "send"}
                      ).status_code == 302
    [b] = ctx.stores.broadcasts.all()
    assert (b.recipients, b.queued) == (1, 1)
    from bot.push.broadcast import Broadcaster
    assert Broadcaster(ctx.stores, ctx.clock).queue(b).queued == 0   # never twice
    too_long = admin.post("/console/broadcast", {**form, "title": "一" * 21, "action": "send"})
    assert too_long.status_code == 400 and "20 个字" in too_long.get_data(as_text=True)


def test_a_scheduled_broadcast_goes_when_due_and_can_be_cancelled(console):
    ctx, app = console
    from datetime import timedelta

    from bot.push.broadcast import Broadcaster
    BotTester(ctx).send("你好")
    admin = logged_in(app)
    def at(hours: int) -> str:
        return (ctx.clock.now() + timedelta(hours=hours)).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    form = {"title": "双选会改期", "body": "改到下周五。", "url": "", "when": "later",
            "send_at": at(2), "action": "send"}
    assert admin.post("/console/broadcast", form).status_code == 302
    assert admin.post("/console/broadcast", {**form, "title": "取消的"}).status_code == 302
    past = admin.post("/console/broadcast", {**form, "send_at": at(-1)})
    assert past.status_code == 400 and "已经过去" in past.get_data(as_text=True)
    b, cancelled = sorted(ctx.stores.broadcasts.all(), key=lambda x: x.title != "双选会改期")
    assert admin.post(f"/console/broadcast/{cancelled.id}/cancel").status_code == 302
    broadcaster = Broadcaster(ctx.stores, ctx.clock)
    assert b.status == "scheduled" and broadcaster.send_due() == 0
    ctx.clock.advance(3 * 3600)
    assert broadcaster.send_due() == 1 and ctx.stores.broadcasts.get(b.id).recipients == 1
    assert ctx.stores.broadcasts.get(cancelled.id).status == "cancelled"
    assert broadcaster.send_due() == 0


def test_dashboard_draws_its_charts_as_svg(console):
    ctx, app = console
    bot = BotTester(ctx)
    bot.send("三方丢了咋办")
    bot.send("食堂几点开门")
    page = logged_in(app).get("/console/").get_data(as_text=True)
    assert page.count("<svg") >= 4 and "每天的提问及结果" in page and "http" not in \
        re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", page.split("<main>")[1]).split("运行状态")[0]
    assert "三方协议丢失了怎么办" in page                              # the most asked entry
    assert "<b>0</b></a><span>直接回答后学生说“不对”（占直接回答的 0.0%）" in page
    bot.send("不对")                                     # after a decline: not a rejection
    bot.send("三方丢了咋办")
    bot.send("答非所问")
    page = logged_in(app).get("/console/").get_data(as_text=True)
    assert "<b>1</b></a><span>直接回答后学生说“不对”（占直接回答的 50.0%）" in page
    assert "<b>3</b><span>学生提问" in page                # 不对 is no question of its own


def test_staff_cli_adds_lists_and_removes_accounts(tmp_path):
    import uuid

    from .support.builders import SERVER_URL, server_client
    from .support.clients import run_cli
    client = server_client()
    ns = f"test-staff-{uuid.uuid4().hex[:8]}"
    env = {"REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": ns}
    try:
        r = run_cli("staff", "add", "wang", "--role", "admin", "--password-stdin",
                    input="long-enough-pw\n", env=env)
        assert r.returncode == 0 and "已新增账号 wang（管理员）" in r.stdout, r.stderr
        listed = run_cli("staff", "list", env=env)
        assert listed.stdout.startswith("wang\t管理员")
        removed = run_cli("staff", "remove", "wang", env=env)
        from bot.context import build_context
        stores = build_context(make_config(ns), client=client).stores
        assert removed.returncode == 0 and stores.staff.all() == []
    finally:
        keys = list(client.scan_iter(f"{ns}:*"))
        if keys:
            client.delete(*keys)


def test_the_session_key_is_generated_once_and_kept_private(tmp_path):
    from bot.console.secret import FILE_NAME, console_secret
    first = console_secret(None, tmp_path / "data")
    assert len(first) >= 40 and console_secret(None, tmp_path / "data") == first
    assert oct((tmp_path / "data" / FILE_NAME).stat().st_mode & 0o777) == "0o600"
    assert console_secret("from-env", tmp_path / "data") == "from-env"


def test_a_big_sheet_uploads_past_the_webhook_body_limit_and_edits_keep_extra_columns(make_ctx):
    ctx = make_ctx(server={"max_body_bytes": 20000})        # what the webhook accepts
    Accounts(ctx.stores).add("bianji", PASSWORD, "editor")
    app = create_app(ctx=ctx)
    user = logged_in(app, "bianji")
    rows = [["职位", "公司", "城市", "链接", "内推码"]] + [
        [f"岗位{i}", "示例公司", "北京", f"https://x.cn/{i}", f"{i * 7919:x}" * 20] for i in range(600)]
    sheet = xlsx_bytes(rows)
    assert len(sheet) > ctx.settings.server.max_body_bytes
    body = user.post("/console/jobs/upload", {"file": (io.BytesIO(sheet), "big.xlsx")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "将新增 600 条" in body
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    user.post("/console/jobs/import", {"token": token})
    job = ctx.stores.jobs.all()[0]
    form = {"title": "改过的标题", "company": job.company, "city": "上海", "url": job.url}
    assert user.post(f"/console/jobs/item/{job.id}", form).status_code == 302
    edited = ctx.stores.jobs.get(job.id)
    assert (edited.title, edited.city) == ("改过的标题", "上海") and edited.extra == job.extra != {}
    bad = user.post(f"/console/jobs/item/{job.id}", {**form, "url": "ftp://x"})
    assert bad.status_code == 400 and "应以 http:// 或 https:// 开头" in bad.get_data(as_text=True)
