"""Real `python -m bot serve` processes, their embedded redis-servers, and HTTP to them.

The serve process prints "Serving on" when it listens (with --workers N: "工作进程 PID
已就绪" from each of the N); its output is collected by a
thread so a test can wait for that line (or read the log afterwards) without sleeping.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .builders import ROOT
from .clients import sign

TOKEN = "serve-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """One `serve` process on a data directory, with WeChat in plain mode."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None,
                 command: str = "serve", port: int | None = None, workers: int = 1) -> None:
        self.data_dir, self.port, self.workers = data_dir, port or free_port(), workers
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("WECHAT_", "FEISHU_", "BOT_", "REDIS_URL"))}
        env.update({"BOT_DATA_DIR": str(data_dir), "WECHAT_TOKEN": TOKEN, **(extra_env or {})})
        args = [sys.executable, "-m", "bot", command]
        if command == "serve":
            args += ["--port", str(self.port)] + (["--workers", str(workers)] if workers > 1 else [])
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.ready_workers: list[int] = []      # pids of gunicorn workers that loaded the app
        self.serving = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if "Serving on" in line:
                self.serving.set()
            if line.startswith("工作进程 ") and "已就绪" in line:
                self.ready_workers.append(int(line.split()[1]))
                if len(self.ready_workers) == self.workers:
                    self.serving.set()
        self.serving.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_serving(self) -> "Serve":
        assert self.serving.wait(120), "serve did not start"
        assert self.proc.poll() is None, "serve exited:\n" + self.output
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def health(self) -> dict:
        with urllib.request.urlopen(self.url("/healthz"), timeout=30) as resp:
            return json.loads(resp.read())

    def ask(self, text: str, user: str, msg_id: int, timeout: float = 30) -> tuple[int, str]:
        return ask_wechat(self.port, text, user, msg_id, timeout)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
        return self.proc.returncode

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


def ask_wechat(port: int, text: str, user: str, msg_id: int, timeout: float = 30) -> tuple[int, str]:
    """A signed plain-mode WeChat text message to a serve on `port`: (HTTP status, body)."""
    now, nonce = str(int(time.time())), f"n{msg_id}"
    xml = (f"<xml><ToUserName><![CDATA[gh_career]]></ToUserName>"
           f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{now}</CreateTime>"
           f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
           f"<MsgId>{msg_id}</MsgId></xml>")
    query = f"signature={sign(TOKEN, now, nonce)}&timestamp={now}&nonce={nonce}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/wechat?{query}", data=xml.encode(),
                                     headers={"Content-Type": "text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def redis_servers_in(directory: Path) -> list[int]:
    """Pids of live redis-server processes working in `directory` (Linux /proc)."""
    found = []
    for proc_dir in Path("/proc").iterdir():
        try:
            if (proc_dir.name.isdigit() and b"redis-server" in (proc_dir / "cmdline").read_bytes()
                    and (proc_dir / "cwd").resolve() == directory.resolve() and alive(int(proc_dir.name))):
                found.append(int(proc_dir.name))
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def eventually(condition, what: str, seconds: float = 60.0) -> None:
    """Poll `condition` until true; a bound so a broken build fails instead of hanging."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)
