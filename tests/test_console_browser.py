"""The console in a real browser (Debian's chromium driven by Playwright) against a real
`python -m bot serve`, whose WeChat API is the local fake: what a teacher does in a week.

Screenshots land in $CONSOLE_SCREENSHOTS when set (the README's come from
`CONSOLE_SCREENSHOTS=docs/console make test`), else in the test's temporary folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from .support.builders import (LOST_ANSWER, ROOT, SERVER_URL, SMALL_KB, WECHAT_SECRETS,
                               server_client, xlsx_bytes)
from .support.clients import WeChatClient, run_cli, text_xml

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
PASSWORD = "browser-test-pw"
QUESTION = "搬宿舍的时候那几张要盖章的纸找不着了"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpAdapter:
    """The test client's `post` shape over real HTTP, so WeChatClient signs real requests."""

    def __init__(self, base: str) -> None:
        self.base = base

    def post(self, path, query_string, data, content_type):
        r = requests.post(self.base + path, params=query_string, data=data,
                          headers={"Content-Type": content_type}, timeout=15)
        r.get_data = lambda as_text=True: r.text
        return r


@pytest.fixture
def serving(tmp_path, fake_wechat):
    """`python -m bot serve` on a free port; its Redis is the machine's server (a namespace)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt")
    client = server_client()
    kb = tmp_path / "knowledge"
    shutil.copytree(SMALL_KB, kb)
    ns = f"test-browser-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
    env.update({"REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": ns, "BOT_DATA_DIR": str(tmp_path),
                "BOT_KNOWLEDGE__DIR": str(kb), "BOT_KNOWLEDGE__RELOAD_INTERVAL": "1",
                "ADMIN_TOKEN": "browser-admin", "WECHAT_API_BASE": fake_wechat.url,
                "WECHAT_TOKEN": WECHAT_SECRETS["WECHAT_TOKEN"],
                "WECHAT_APPID": WECHAT_SECRETS["WECHAT_APPID"],
                "WECHAT_APPSECRET": WECHAT_SECRETS["WECHAT_APPSECRET"],
                "BOT_PUSH__QUIET_HOURS": '{"start": "00:00", "end": "00:00"}'})
    added = run_cli("staff", "add", "laoshi", "--role", "admin", "--password-stdin",
                    input=PASSWORD + "\n", env=env)
    assert added.returncode == 0, added.stderr
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    ready = threading.Event()

    def drain() -> None:                 # keep reading, or the server blocks on a full pipe
        for line in proc.stdout:
            log.append(line)
            if "Serving on" in line:
                ready.set()
        ready.set()
    threading.Thread(target=drain, daemon=True).start()
    try:
        ready.wait(120)
        assert proc.poll() is None, "serve exited:\n" + "".join(log)
        yield f"http://127.0.0.1:{port}", kb
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        keys = list(client.scan_iter(f"{ns}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def shot(page, name: str, tmp_path: Path, full_page: bool = False) -> None:
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path)
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def wait_until(condition, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def test_a_teacher_fixes_a_question_imports_jobs_and_sends_a_notice(serving, page, fake_wechat,
                                                                    tmp_path):
    base, kb = serving
    wechat = WeChatClient(HttpAdapter(base), WECHAT_SECRETS["WECHAT_TOKEN"], "", "", "raw")

    def ask(text: str) -> str:
        r = wechat.post(text_xml(text))
        assert r.status_code == 200, r.text
        return wechat.reply(r).get("Content", "")

    # A wrong password is refused; the right one gets in.
    page.goto(base + "/console/")
    page.fill("input[name=name]", "laoshi")
    page.fill("input[name=password]", "not-the-password")
    page.click("button.primary")
    assert "用户名或密码不对" in page.inner_text("main")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base + "/console/")

    # A student asks what the bot cannot answer; the teacher adds it as a phrasing.
    assert LOST_ANSWER not in ask(QUESTION)
    for text in ("三方丢了咋办", "答非所问", "1", "食堂几点开门", "选调生要什么条件"):
        ask(text)
    page.goto(base + "/console/unanswered")
    row = page.locator("tr.question", has_text=QUESTION)
    rejected = page.locator("tr.question", has_text="三方丢了咋办")     # 不对 after a direct answer
    assert "学生说机器人直接给的答案不对" in rejected.inner_text()
    assert "学生说不是这条" in rejected.locator("form.guess", has_text="三方协议丢失了怎么办").inner_text()
    assert "学生从列表里选过 1 次" in rejected.locator("form.guess", has_text="三方协议怎么签").inner_text()
    shot(page, "unanswered", tmp_path)
    row.locator("form.guess", has_text="三方协议丢失了怎么办").get_by_role("button").click()
    assert "已把“" + QUESTION in page.inner_text(".flash.ok")
    assert "机器人现在能直接回答这个问题了" in page.inner_text(".flash.ok")
    assert LOST_ANSWER in ask(QUESTION)
    assert QUESTION in (kb / "faq" / "shouxu.yaml").read_text(encoding="utf-8")

    # The FAQ editor with its WeChat preview and the try-a-question box.
    page.goto(base + "/console/faq/tripartite-lost?try=" + QUESTION)
    assert "直接回答第 1 条" in page.inner_text(".try")
    shot(page, "faq-editor", tmp_path)

    # The same sheet with Chinese headers and no ids, twice: added, then updated.
    sheet = tmp_path / "岗位.xlsx"
    sheet.write_bytes(xlsx_bytes([
        ["岗位名称", "单位名称", "工作地点", "链接", "截止日期"],
        ["Java开发工程师", "字节跳动", "北京", "https://jobs.example.cn/1", "2027年6月30日"],
        ["算法工程师", "腾讯", "深圳", "https://jobs.example.cn/2", "2027/6/30"],
        ["产品经理", "", "上海", "https://jobs.example.cn/3", ""]]))
    for verb in ("新增", "更新"):
        page.goto(base + "/console/jobs")
        page.set_input_files("input[type=file]", str(sheet))
        page.click("text=上传并预览")
        summary = page.inner_text(".summary")
        assert f"将{verb} 2 条" in summary and "拒绝 1 条" in summary, summary
        assert "缺少必填字段 company（公司）" in page.inner_text("table.preview")
        if verb == "新增":
            shot(page, "upload-preview", tmp_path)
        page.click("text=导入 2 条")
        assert f"{verb} 2 条" in page.inner_text(".flash")
    jobs = requests.get(base + "/admin/jobs", headers={"Authorization": "Bearer browser-admin"},
                        timeout=10).json()
    assert jobs["total"] == 2 and {j["city"] for j in jobs["items"]} == {"北京", "深圳"}

    # A notice to everyone: the count first, then it reaches the student through the outbox.
    page.goto(base + "/console/broadcast")
    page.fill("input[name=title]", "三方协议开始申领")
    page.fill("textarea[name=body]", "毕业生可登录就业网申领三方协议，带学生证到服务大厅领取。")
    page.fill("input[name=url]", "https://career.example.edu.cn/xieyi")
    page.click("text=看看能发给多少人")
    assert "将发送给 1 名学生（微信 1 人）" in page.inner_text(".reach")
    shot(page, "broadcast", tmp_path)
    page.click("text=确认发送")
    assert "已排队发送" in page.inner_text(".flash.ok")
    wait_until(lambda: any("三方协议开始申领" in str(r["body"]) for r in fake_wechat.sent_to("oStudent1")),
               "the broadcast to reach the fake WeChat API")
    sent = [r for r in fake_wechat.sent_to("oStudent1") if "三方协议开始申领" in str(r["body"])]
    assert len(sent) == 1 and sent[0]["path"] == "/cgi-bin/message/custom/send"

    def shows_sent() -> bool:
        page.reload()
        return "已发送 1" in page.inner_text(".broadcasts")
    wait_until(shows_sent, "the progress to show the notice as sent")

    # A form posted without its CSRF token is refused, whatever the session.
    refused = page.request.post(base + "/console/staff", form={"name": "eve", "password": "12345678x",
                                                               "role": "admin"})
    assert refused.status == 400 and "CSRF" in refused.text()

    page.goto(base + "/console/")
    assert page.locator("svg.chart").count() >= 4
    shot(page, "dashboard", tmp_path)
