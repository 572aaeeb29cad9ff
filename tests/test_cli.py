"""The command line as staff and newcomers use it: real processes, real output."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .support.builders import ROOT, SMALL_KB, settings_line


def run(*args: str, env: dict | None = None, input: str | None = None, data_dir: Path | None = None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
    if data_dir is not None:
        full_env["BOT_DATA_DIR"] = str(data_dir)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=full_env,
                          input=input, capture_output=True, text=True, timeout=120)


def test_kb_check_passes_on_a_good_kb():
    r = run("kb", "check", "--kb", str(SMALL_KB))
    assert r.returncode == 0, r.stderr
    assert "知识库检查通过：6 条问答" in r.stdout
    [shipped] = [line for line in r.stdout.splitlines() if line.startswith("程序自带的通用说法")]
    assert "三方协议/三方" in shipped


def test_kb_check_counts_the_questions_that_are_not_ours_and_names_a_bad_line(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(SMALL_KB, kb)
    (kb / "not_ours.yaml").write_text("- 饭卡在哪里充值\n- 宿舍空调坏了找谁修\n", encoding="utf-8")
    r = run("kb", "check", "--quick", "--kb", str(kb))
    assert r.returncode == 0, r.stderr
    assert "知识库检查通过：6 条问答，" in r.stdout and "2 个不归本处回答的问题" in r.stdout
    (kb / "not_ours.yaml").write_text("- 饭卡在哪里充值\n- 三方协议丢失了怎么办？\n", encoding="utf-8")
    r = run("kb", "check", "--quick", "--kb", str(kb))
    assert r.returncode == 1
    assert any(line.startswith("kb/not_ours.yaml:2: ") and "tripartite-lost" in line
               for line in r.stdout.splitlines())


def test_kb_check_fails_with_file_and_line(tmp_path):
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "a.yaml").write_text("- id: a\n  category: x\n  questoin: q\n  answer: a\n",
                                             encoding="utf-8")
    r = run("kb", "check", "--kb", str(tmp_path))
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert f"{tmp_path.name}/faq/a.yaml:3: 未知字段“questoin”，您是不是想写“question”？" in lines
    assert f"{tmp_path.name}/faq/a.yaml:1: 问答“a”缺少必填字段“question”" in lines


def test_kb_ask_json_shape():
    r = run("kb", "ask", "--kb", str(SMALL_KB), "--json", "三方丢了咋办")
    data = json.loads(r.stdout)
    assert set(data) == {"answer_id", "score", "candidates"}
    assert data["answer_id"] == "tripartite-lost"
    assert data["candidates"][0] == {"id": "tripartite-lost", "score": data["score"]}
    off = json.loads(run("kb", "ask", "--kb", str(SMALL_KB), "--json", "食堂几点开门").stdout)
    assert off["answer_id"] is None


def test_kb_ask_shows_the_answer_that_would_be_sent():
    r = run("kb", "ask", "--kb", str(SMALL_KB), "三方丢了咋办")
    assert "tripartite-lost" in r.stdout and "先写一份情况说明" in r.stdout


def test_kb_eval_json_and_floor(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text("- {q: 三方丢了咋办, expect: tripartite-lost}\n"
                     "- {q: 选掉生条件, expect: xuandiao-conditions}\n"
                     "- {q: 食堂几点开门, expect: null}\n"
                     "- {q: 档案, expect: tripartite-sign}\n", encoding="utf-8")
    r = run("kb", "eval", "--kb", str(SMALL_KB), "--json", str(cases))
    data = json.loads(r.stdout)
    assert {"total", "correct", "accuracy", "latency_us", "cases"} <= set(data)
    assert data["total"] == 4 and data["correct"] == 3 and data["accuracy"] == 0.75
    assert set(data["latency_us"]) == {"median", "p99"} and data["latency_us"]["median"] > 0
    assert [c["ok"] for c in data["cases"]] == [True, True, True, False]
    assert set(data["cases"][0]) == {"q", "expect", "got", "score", "ok"}
    assert run("kb", "eval", "--kb", str(SMALL_KB), "--min-accuracy", "0.9", str(cases)).returncode == 1
    assert data["faq_accuracy"] == round(2 / 3, 4) and data["declined"] == 1.0
    low = run("kb", "eval", "--kb", str(SMALL_KB), "--min-faq-accuracy", "0.7", str(cases))
    assert low.returncode == 1 and "问答题答对率" in low.stderr
    assert run("kb", "eval", "--kb", str(SMALL_KB), "--min-faq-accuracy", "0.6",
               "--min-declined", "1.0", str(cases)).returncode == 0


def test_kb_eval_rejects_unknown_expected_ids(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text("- {q: x, expect: no-such-entry}\n", encoding="utf-8")
    r = run("kb", "eval", "--kb", str(SMALL_KB), str(cases))
    assert r.returncode == 1 and "no-such-entry" in r.stderr


def test_chat_and_unanswered_share_the_embedded_store(tmp_path):
    r = run("chat", "--kb", str(SMALL_KB), "--user", "u1",
            input="三方丢了咋办\n不对\n1\n帮我写论文\n帮我写论文！\n", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "先写一份情况说明" in r.stdout and "没答到点上" in r.stdout and "暂时回答不了" in r.stdout
    report = run("kb", "unanswered", "--json", data_dir=tmp_path)
    rows = json.loads(report.stdout)
    assert rows[0]["normalized"] == "帮我写论文" and rows[0]["count"] == 2
    assert rows[1]["example"] == "三方丢了咋办" and rows[1]["rejected"] == ["tripartite-lost"]
    text = run("kb", "unanswered", data_dir=tmp_path).stdout
    assert rows[1]["picked"] == {"tripartite-sign": 1}
    assert "三方丢了咋办｜tripartite-lost" in text and "学生说直接给的这条不对" in text
    assert "学生从列表里选了：tripartite-sign 1 次" in text


def test_missing_secret_for_an_enabled_channel_stops_with_one_line(tmp_path):
    r = run("serve", "--port", "1", env={"BOT_CHANNELS__WECHAT__ENABLED": "true"}, data_dir=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "缺少环境变量 WECHAT_TOKEN：wechat 渠道已启用，请设置它，或把 channels.wechat.enabled 设为 false"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_healthz_on_the_embedded_redis(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "BOT_", "REDIS_URL"))}
    env.update({"BOT_DATA_DIR": str(tmp_path), "WECHAT_TOKEN": "t"})
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = []
        for line in proc.stdout:            # waits for the server's own word, not a clock
            seen.append(line)
            if "Serving on" in line:
                break
        else:
            pytest.fail("serve exited before serving:\n" + "".join(seen))
        assert any(settings_line("phone:") + " 提醒：contact.phone" in line for line in seen)   # samples
        assert any("knowledge/: 提醒：知识库有" in line and "kb check" in line for line in seen)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
            body = json.loads(resp.read())
        assert body["status"] == "ok"
        assert body["faq_entries"] >= 60 and body["channels"] == ["wechat"]
        assert (tmp_path / "redis.db").exists() or any(tmp_path.iterdir())
        embedded = _redis_servers_in(tmp_path)
        assert embedded, "serve should have started an embedded Redis in BOT_DATA_DIR"
    finally:
        proc.terminate()                    # what systemd or docker send to stop a service
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "就业助手已停止" in out
    assert not [pid for pid in embedded if _alive(pid)], "the embedded Redis outlived serve"


def _redis_servers_in(directory: Path) -> list[int]:
    """Pids of redis-server processes working in `directory` (Linux /proc)."""
    found = []
    for proc_dir in Path("/proc").iterdir():
        try:
            if (proc_dir.name.isdigit() and b"redis-server" in (proc_dir / "cmdline").read_bytes()
                    and (proc_dir / "cwd").resolve() == directory.resolve()):
                found.append(int(proc_dir.name))
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting for init to reap it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_chat_picks_up_a_knowledge_base_edit_without_a_restart(tmp_path, kb_copy):
    """Staff edit a file while a terminal chat runs: the chat answers from the edit."""
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
    env.update({"BOT_DATA_DIR": str(tmp_path), "BOT_KNOWLEDGE__RELOAD_INTERVAL": "0.2"})
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--kb", str(kb_copy)], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def ask(text: str) -> str:
        proc.stdin.write(text + "\n")
        proc.stdin.flush()
        while True:
            line = proc.stdout.readline()
            assert line, "the chat ended"
            if "助手：" in line:
                return line

    try:
        assert "入职体检" not in ask("入职体检去哪里做")
        faq = kb_copy / "faq" / "shouxu.yaml"
        faq.write_text(faq.read_text(encoding="utf-8") + (
            "\n- id: health-check\n  category: 就业手续\n  question: 入职体检去哪里做？\n"
            "  answer: 入职体检一般在单位指定的二甲以上医院做。\n"), encoding="utf-8")
        deadline = time.monotonic() + 60          # a bound, so a broken build fails, not hangs
        answer = ""
        while "二甲以上医院" not in answer and time.monotonic() < deadline:
            time.sleep(0.3)
            answer = ask("入职体检去哪里做")
        assert "二甲以上医院" in answer
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
