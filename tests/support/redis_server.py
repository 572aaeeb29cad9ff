"""A real redis-server of the test's own, which the test stops, freezes and restarts.

It listens on a unix socket in a short temporary directory (socket paths are limited to
108 bytes), with no persistence unless asked, so a restart is a Redis that lost
everything: the hardest case for the bot (its consumer group, tokens and claims gone).
`freeze` sends SIGSTOP: the kernel still accepts connections, nothing answers, exactly
what a hung server or a dead network path looks like to a client.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

BINARY = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    def __init__(self, persist: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rs-"))
        self.socket = str(self.dir / "redis.sock")
        self.persist = persist
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=self.socket, decode_responses=True, socket_timeout=5)

    def start(self) -> "RedisServer":
        args = [BINARY, "--port", "0", "--unixsocket", self.socket, "--unixsocketperm", "700",
                "--dir", str(self.dir), "--save", "", "--daemonize", "no",
                "--appendonly", "yes" if self.persist else "no", "--logfile", str(self.dir / "log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {(self.dir / 'log').read_text()}")
            time.sleep(0.01)
        return self

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(unix_socket_path=self.socket, socket_timeout=0.5).ping())
        except (redis.RedisError, OSError):
            return False

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Gone at once (SIGKILL): what a crash or `systemctl stop` looks like to clients."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=10)
        if os.path.exists(self.socket):
            os.unlink(self.socket)

    def restart(self) -> "RedisServer":
        self.stop()
        return self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
